import type { Lang } from '../../core/lang';
import type { StaffRef } from '../../core/staff';
import { NO_OFFICE, type CaseListStatus, type CaseRow, type Eligibility } from '../case-index';
import { audit, authorize, refused, type DeskDeps, type StaffRefusal } from './desk-deps';
import { searchCodes } from './search-cases';
import { staffNames } from '../alert-notices';

/** The filters of the case list (all optional). */
export interface CaseListFilters {
  office?: string;
  status?: CaseListStatus;
  lang?: Lang;
  elig?: Eligibility;
  /** Only the actor's own cases. */
  mine?: boolean;
  /** Only the cases this member of staff holds (a supervisor's or admin's view of a colleague's caseload). */
  holder?: string;
  urgent?: boolean;
  /** A case code: that case alone (if the actor may see it). */
  code?: string;
  /**
   * Words of a name and/or a phone number as a case worker typed them ("Leyla Mammadova",
   * "050 123 45 67"): the cases having all of them (blind index, desk/search-cases.ts), among
   * those the actor may see, with the other filters. Never logged; audited without the words.
   */
  search?: string;
}

/** A row of the list, with the holder's name. */
export type CaseListRow = CaseRow & { holderName?: string };

/** The result of {@link listCases}. */
export type ListCasesResult =
  | {
      ok: true;
      rows: CaseListRow[];
      total: number;
      /** The urgent cases the actor may see, for the top of every page. */
      urgent: CaseListRow[];
      /** The office the list is limited to (a case worker's own), if any. */
      office?: string;
      /** Whom a supervisor or admin may list the cases of (the roster, by name); none for a case worker. */
      holders?: { staffId: string; name: string }[];
      /** A search's words, by kind (`filters.search`); `nothing` when nothing typed could be searched. */
      searched?: SearchKind;
    }
  | StaffRefusal
  | { ok: false; reason: 'no_index' };

/** What a search (`filters.search`) typed, as the list says it back: nothing searchable, or words of a name and/or a number. */
export type SearchKind = 'name' | 'phone' | 'name_phone' | 'nothing';

/** Cases per page at most. */
export const MAX_PAGE = 100;

/**
 * The case list: one page, newest first, from the indexes (CaseIndex), so it costs the same
 * with 100 cases or 100,000. Case workers see the cases of their own office (and those without
 * a meeting yet, which no office holds), or one of the two, whatever other office they ask for,
 * and every case they hold under "mine"; supervisors and admins every office. Nothing personal: codes, statuses, languages, areas, dates, holders.
 * @example const r = await listCases(deps, { staffId }, { status: 'new' }, { offset: 0, limit: 25 });
 */
export async function listCases(deps: DeskDeps, actor: StaffRef, filters: CaseListFilters, page: { offset: number; limit: number }): Promise<ListCasesResult> {
  const a = await authorize(deps, actor, 'claim_case');
  if (refused(a)) return a;
  const index = deps.index;
  if (!index) return { ok: false, reason: 'no_index' };
  const own = a.member.role === 'caseworker' ? a.member.worker?.office : undefined;
  const visible = (office: string) => own === undefined || office === own || office === 'none';
  const roster = await deps.roster.list();
  const names = await staffNames({ list: async () => roster });
  // A colleague's caseload is a supervisor's view: a case worker's list stays their office's and their own.
  const holders = own === undefined && a.member.role !== 'caseworker' ? roster.map((w) => ({ staffId: w.staffId, name: w.name })) : undefined;
  const holder = holders && filters.holder && holders.some((h) => h.staffId === filters.holder) ? filters.holder : undefined;
  const named = (rows: CaseRow[]): CaseListRow[] => rows.map((r) => (r.holder ? { ...r, holderName: names(r.holder) } : r));
  // The urgent block is read at the same time as the page: two chains of round trips, not one after the other.
  const urgentRows = (async () => named(await index.rows((await index.urgent(50)).filter((u) => visible(u.office)).map((u) => u.code))))();
  if (filters.code) {
    const [entry, urgent] = await Promise.all([index.entry(filters.code), urgentRows]);
    const rows = entry && visible(entry.office) ? named(await index.rows([filters.code])) : [];
    return { ok: true, rows, total: rows.length, urgent, ...(own ? { office: own } : {}), ...(holders ? { holders } : {}) };
  }
  if (filters.search !== undefined) {
    const search = deps.search;
    if (!search) return { ok: false, reason: 'no_index' };
    // The same cases as the list would show: the actor's office's and those with none (every
    // office for supervisors and admins), and every case they hold; then the other filters.
    const scope = {
      visible,
      staffId: actor.staffId,
      filter: (e: { office: string; status: string; lang?: string; elig?: string; holder?: string; urgent: boolean }) =>
        (!filters.office || own !== undefined || e.office === filters.office) &&
        (!filters.status || e.status === filters.status) && (!filters.lang || e.lang === filters.lang) && (!filters.elig || e.elig === filters.elig) &&
        (!filters.mine || e.holder === actor.staffId) && (!holder || e.holder === holder) && (!filters.urgent || e.urgent),
    };
    const [found, urgent] = await Promise.all([searchCodes({ search, index }, filters.search, scope, { offset: Math.max(0, page.offset), limit: Math.min(MAX_PAGE, Math.max(1, page.limit)) }), urgentRows]);
    // Audited as a read of personal data: who searched, what kind of words, how many found; never the words.
    await audit(deps, a, 'search_cases', { kind: found.kind ?? 'nothing', found: String(found.total) });
    const rows = named(await index.rows(found.codes));
    return { ok: true, rows, total: found.total, urgent, searched: found.kind ?? 'nothing', ...(own ? { office: own } : {}), ...(holders ? { holders } : {}) };
  }
  // A case worker sees their own office's cases and those with no meeting yet (`none`, which
  // every office may take), or one of the two when asked; another office asked for gives both.
  // "Mine" is every case they hold, whatever office its meeting is in, so nothing they hold
  // drops out of their own list.
  const office = own === undefined ? filters.office : filters.office === NO_OFFICE || filters.office === own ? filters.office : undefined;
  const offices = own !== undefined && office === undefined && !filters.mine ? [own, NO_OFFICE] : undefined;
  const q = {
    ...(office ? { office } : {}),
    ...(offices ? { offices } : {}),
    ...(filters.status ? { status: filters.status } : {}),
    ...(filters.lang ? { lang: filters.lang } : {}),
    ...(filters.elig ? { elig: filters.elig } : {}),
    ...(filters.mine ? { holder: actor.staffId } : holder ? { holder } : {}),
    ...(filters.urgent ? { urgent: true } : {}),
    offset: Math.max(0, page.offset),
    limit: Math.min(MAX_PAGE, Math.max(1, page.limit)),
  };
  const pageRows = async () => {
    const { total, codes } = await index.page(q);
    return { total, rows: named(await index.rows(codes)) };
  };
  const [{ rows, total }, urgent] = await Promise.all([pageRows(), urgentRows]);
  return { ok: true, rows, total, urgent, ...(own ? { office: own } : {}), ...(holders ? { holders } : {}) };
}
