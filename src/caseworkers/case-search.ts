import type { Redis } from 'ioredis';
import { queryTokens, type SearchQuery } from '../intake/search-tokens';
import type { FieldCipher } from '../storage/field-cipher';
import { ALL_PERSON_CELLS, type RedisKeys } from '../storage/keys';

/** Members read per token and cell at most: a token shared by more cases than this (a common first name) is cut there. */
const MAX_PER_TOKEN = 2000;

/** What {@link CaseSearch.find} answers: the cases with every token, and what kind of words were typed. */
export interface CaseSearchResult {
  kind: SearchQuery['kind'];
  codes: string[];
}

/**
 * The case search by name or phone number over the blind index (keys.ts `searchIndex`, written
 * with the fields: intake/record-writes.ts, case-records.ts; emptied by intake/erase-case.ts):
 * the typed words made tokens as the fields were (intake/search-tokens.ts), and the cases that
 * have all of them. One ZRANGEBYLEX per token and person cell (sent together), no case
 * decrypted; nothing about who may see which case: the desk's listCases decides that.
 *
 * @example
 *   const found = await search.find('Leyla Mammadova'); // { kind: 'name', codes: ['KP-7G4Q-M2XD'] }
 */
export class CaseSearch {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Pick<RedisKeys, 'searchIndex'>,
    private readonly cipher: Pick<FieldCipher, 'searchToken'>,
  ) {}

  /** The cases whose name and phone tokens include every token of `typed`; undefined when nothing searchable was typed. */
  async find(typed: string): Promise<CaseSearchResult | undefined> {
    const q = queryTokens(typed, (w) => this.cipher.searchToken(w));
    if (!q) return undefined;
    const perCell = await Promise.all(ALL_PERSON_CELLS.map((cell) => this.inCell(cell, q.tokens)));
    return { kind: q.kind, codes: perCell.flat() };
  }

  /** The cases of one person cell having every token (a case lives in one cell only). */
  private async inCell(cell: number, tokens: readonly string[]): Promise<string[]> {
    const key = this.keys.searchIndex(cell);
    // `<token>:` up to `<token>;` (the next character): exactly the members of that token.
    const lists = await Promise.all(tokens.map((t) => this.redis.zrangebylex(key, `[${t}:`, `(${t};`, 'LIMIT', 0, MAX_PER_TOKEN)));
    const sets = lists.map((members) => new Set(members.map((m) => m.split(':')[1]!)));
    const [first, ...rest] = sets;
    return [...(first ?? [])].filter((code) => rest.every((s) => s.has(code)));
  }
}
