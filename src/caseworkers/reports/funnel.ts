import { DateTime } from 'luxon';

/**
 * The programme's funnel, computed from anonymous facts of each case (dates, language, office,
 * entry route, referral source and how far the case got), never from personal data. Pure: the
 * Redis side (funnel-cube.ts) reads the facts and keeps the counts; this module says what a
 * fact is and how counts add up.
 */

/**
 * How far a case got, in the programme's order (each a fact of its own: a case can skip one).
 * After the diagnosis, its outcome as it stands: `eligible` (final, or likely while Q4 waits for
 * the first meeting) or `not_eligible`; a case with no diagnosis counts in neither.
 */
export const FUNNEL_STAGES = ['started', 'diagnosed', 'eligible', 'not_eligible', 'consented', 'booked', 'attended', 'assessed', 'in_plan', 'closed'] as const;
export type FunnelStage = (typeof FUNNEL_STAGES)[number];

/** What the numbers can be broken down by. */
export const FUNNEL_DIMENSIONS = ['week', 'lang', 'office', 'route', 'source'] as const;
export type FunnelDimension = (typeof FUNNEL_DIMENSIONS)[number];

/** The value a case has no fact for (no meeting: no office; the referral question skipped). */
export const NONE = 'none';

/** The anonymous facts of one case. */
export interface CaseFacts {
  /** ISO week of the case's start in the programme's time zone, `2026-W49`. */
  week: string;
  lang: string;
  /** The office of its meeting, or {@link NONE}. */
  office: string;
  /** How the case came in: `self_service` (the person, in a chat) or `phone` (a case worker's call). */
  route: string;
  /** Annex 1 #7, how they heard of the programme (`leaflet`, `asan`, …), or {@link NONE}. */
  source: string;
  /** Bit i set: the case reached `FUNNEL_STAGES[i]`. */
  stages: number;
}

/** The fields of a case hash the facts are read from (all anonymous). */
export const CASE_FACT_FIELDS = ['created_at', 'lang', 'by', 'f:referral_source', 'diagnosis', 'consent', 'status', 'closed_at', 'met_at', 'assessment_at', 'plan_at'] as const;
/** The fields of a booking hash the facts are read from. */
export const BOOKING_FACT_FIELDS = ['office', 'status', 'booked_at'] as const;

/** Statuses a case moves through after its first meeting (set by the first-meeting forms). */
const MET = new Set(['met', 'assessed', 'in_plan']);
const ASSESSED = new Set(['assessed', 'in_plan']);
const CONSENT_OPTIONS = new Set(['A', 'B', 'C']);
const ELIGIBLE = new Set(['eligible', 'likely_eligible']);

const bit = (stage: FunnelStage): number => 1 << FUNNEL_STAGES.indexOf(stage);

/**
 * A case's facts from its hash and its booking's (as `HMGET` of {@link CASE_FACT_FIELDS} and
 * {@link BOOKING_FACT_FIELDS} gives them: null where absent). Undefined for a case without a
 * start date (a hash written by hand). A stage counts once reached, whatever came after:
 * a case closed after its plan was made still counts as `in_plan`, through `plan_at` (set when Annex 1 and a plan are saved: `assessment_at`, `plan_at`; `met_at` when the first meeting is recorded, besides the booking's `attended`).
 */
export function factsOf(c: readonly (string | null | undefined)[], b: readonly (string | null | undefined)[], timeZone: string): CaseFacts | undefined {
  const [createdAt, lang, by, source, diagnosis, consent, status, closedAt, metAt, assessedAt, planAt] = c;
  const [office, bookingStatus, bookedAt] = b;
  if (!createdAt) return undefined;
  const week = weekOf(createdAt, timeZone);
  if (!week) return undefined;
  let stages = bit('started');
  if (diagnosis) stages |= bit('diagnosed');
  if (diagnosis && ELIGIBLE.has(diagnosis)) stages |= bit('eligible');
  if (diagnosis === 'not_eligible') stages |= bit('not_eligible');
  if (consent && CONSENT_OPTIONS.has(consent)) stages |= bit('consented');
  if (bookedAt) stages |= bit('booked');
  if (bookingStatus === 'attended' || metAt || (status && MET.has(status))) stages |= bit('attended');
  if (assessedAt || (status && ASSESSED.has(status))) stages |= bit('assessed');
  if (planAt || status === 'in_plan') stages |= bit('in_plan');
  if (closedAt || status === 'closed') stages |= bit('closed');
  return {
    week,
    lang: lang || NONE,
    office: (bookedAt && office) || NONE,
    route: by || 'self_service',
    source: source || NONE,
    stages,
  };
}

/**
 * A case's week from its creation time, without reading a date with Luxon for each of 100,000
 * cases (tens of microseconds each): the zone's offset is worked out once per UTC hour
 * (offsets change on the hour), the week once per local date. Both caches are bounded.
 */
const offsets = new Map<string, number>();
const weeksOfDate = new Map<string, string>();
const CACHE_MAX = 50_000;

function weekOf(iso: string, timeZone: string): string | undefined {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return undefined;
  const hour = Math.floor(ms / 3_600_000);
  const hourKey = `${timeZone} ${hour}`;
  let offset = offsets.get(hourKey);
  if (offset === undefined) {
    const at = DateTime.fromMillis(hour * 3_600_000, { zone: timeZone });
    if (!at.isValid) return undefined;
    offset = at.offset;
    if (offsets.size >= CACHE_MAX) offsets.clear();
    offsets.set(hourKey, offset);
  }
  const localDate = new Date(ms + offset * 60_000).toISOString().slice(0, 10);
  let week = weeksOfDate.get(localDate);
  if (week === undefined) {
    week = isoWeek(DateTime.fromISO(localDate, { zone: 'UTC' }));
    if (weeksOfDate.size >= CACHE_MAX) weeksOfDate.clear();
    weeksOfDate.set(localDate, week);
  }
  return week;
}

/** `2026-W49` (ISO week-numbering year and week). */
export const isoWeek = (d: DateTime): string => `${d.weekYear}-W${String(d.weekNumber).padStart(2, '0')}`;

/** The counts of each stage, in {@link FUNNEL_STAGES} order. */
export type StageCounts = number[];

/** What to count: weeks from–to (inclusive, ISO week strings sort in time order) and fixed values. */
export interface FunnelSelection {
  fromWeek?: string;
  toWeek?: string;
  lang?: string;
  office?: string;
  route?: string;
  source?: string;
}

/**
 * One group of cases with the same facts (the funnel "cube"): counts are kept per group, so a
 * page adds up a few thousand groups, not 100,000 cases.
 */
export interface FunnelCell {
  week: string;
  lang: string;
  office: string;
  route: string;
  source: string;
  counts: StageCounts;
}

/** Groups facts into cells (one per combination of week, language, office, route and source). */
export function cube(facts: Iterable<CaseFacts>): FunnelCell[] {
  const cells = new Map<string, FunnelCell>();
  for (const f of facts) {
    const key = `${f.week}|${f.lang}|${f.office}|${f.route}|${f.source}`;
    let cell = cells.get(key);
    if (!cell) cells.set(key, (cell = { week: f.week, lang: f.lang, office: f.office, route: f.route, source: f.source, counts: FUNNEL_STAGES.map(() => 0) }));
    for (let i = 0; i < FUNNEL_STAGES.length; i++) if (f.stages & (1 << i)) cell.counts[i]! += 1;
  }
  return [...cells.values()];
}

/** Whether a cell is in the selection. */
export function selected(cell: FunnelCell, s: FunnelSelection): boolean {
  return (
    (!s.fromWeek || cell.week >= s.fromWeek) &&
    (!s.toWeek || cell.week <= s.toWeek) &&
    (!s.lang || cell.lang === s.lang) &&
    (!s.office || cell.office === s.office) &&
    (!s.route || cell.route === s.route) &&
    (!s.source || cell.source === s.source)
  );
}

/** The true counts of a breakdown: one row per value of the dimension, and the total. */
export interface FunnelTable {
  dimension: FunnelDimension;
  rows: { value: string; counts: StageCounts }[];
  total: StageCounts;
}

/**
 * The selected cells added up by one dimension. `values` lists the rows always shown (every
 * language, every office, …) so that a row's absence never says "nobody"; values met in the
 * data but not listed come after them, in order.
 */
export function breakdown(cells: readonly FunnelCell[], dimension: FunnelDimension, s: FunnelSelection = {}, values: readonly string[] = []): FunnelTable {
  const rows = new Map<string, StageCounts>(values.map((v) => [v, FUNNEL_STAGES.map(() => 0)]));
  const total = FUNNEL_STAGES.map(() => 0);
  for (const cell of cells) {
    if (!selected(cell, s)) continue;
    const value = cell[dimension];
    let row = rows.get(value);
    if (!row) rows.set(value, (row = FUNNEL_STAGES.map(() => 0)));
    for (let i = 0; i < FUNNEL_STAGES.length; i++) {
      row[i]! += cell.counts[i]!;
      total[i]! += cell.counts[i]!;
    }
  }
  const listed = new Set(values);
  const extra = [...rows.keys()].filter((v) => !listed.has(v)).sort();
  return { dimension, rows: [...values, ...extra].map((value) => ({ value, counts: rows.get(value)! })), total };
}

/** The ISO weeks from `from` to `to` inclusive (for a week breakdown with no week left out). */
export function weeksBetween(from: string, to: string): string[] {
  const start = DateTime.fromISO(`${from}-1`);
  const end = DateTime.fromISO(`${to}-1`);
  if (!start.isValid || !end.isValid || end < start) return [];
  const out: string[] = [];
  for (let d = start; d <= end && out.length < 600; d = d.plus({ weeks: 1 })) out.push(isoWeek(d));
  return out;
}
