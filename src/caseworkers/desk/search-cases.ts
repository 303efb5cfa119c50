import type { CaseIndex, CaseIndexEntry } from '../case-index';
import type { CaseSearch, CaseSearchResult } from '../case-search';

/** Cases a search shows at most (newest first): a busy name says how many more there are, to be narrowed down with more words. */
export const MAX_FOUND = 50;

/** What the case list's search asks of the list's filters (see list-cases.ts). */
export interface SearchScope {
  /** Whether the actor may see a case of this office in the list (listCases' rule). */
  visible(office: string): boolean;
  /** The actor's staff id: the cases they hold are theirs to find wherever they are (as under "mine"). */
  staffId: string;
  /** The list's other filters, applied to what was found. */
  filter(entry: CaseIndexEntry): boolean;
}

/** The search's answer: the cases found that the actor may see, newest first, and how many there are. */
export interface SearchFound {
  kind?: CaseSearchResult['kind'];
  codes: string[];
  total: number;
}

/**
 * The cases whose name or phone number has every word typed (CaseSearch over the blind index),
 * kept to those the actor may see in the list ({@link SearchScope}), newest first, a page of
 * them. Nothing typed that can be searched (only punctuation) finds nothing.
 * @example const found = await searchCodes({ search, index }, 'Mammadova 050 123 45 67', scope, { offset: 0, limit: 25 });
 */
export async function searchCodes(
  deps: { search: Pick<CaseSearch, 'find'>; index: Pick<CaseIndex, 'entry'> },
  typed: string,
  scope: SearchScope,
  page: { offset: number; limit: number },
): Promise<SearchFound> {
  const found = await deps.search.find(typed);
  if (!found) return { codes: [], total: 0 };
  const entries = await Promise.all(found.codes.map(async (code) => ({ code, entry: await deps.index.entry(code) })));
  const seen = entries
    .filter((e): e is { code: string; entry: CaseIndexEntry } => e.entry !== undefined)
    .filter(({ entry }) => (scope.visible(entry.office) || entry.holder === scope.staffId) && scope.filter(entry))
    .sort((a, b) => b.entry.created - a.entry.created || (a.code < b.code ? 1 : -1))
    .map((e) => e.code);
  const limit = Math.min(page.limit, MAX_FOUND);
  return { kind: found.kind, codes: seen.slice(page.offset, page.offset + limit), total: seen.length };
}
