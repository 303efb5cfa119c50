import { DateTime } from 'luxon';
import { SUPPORTED_LANGS } from '../../core/lang';
import type { StaffRef } from '../../core/staff';
import { WALK_IN } from '../case-records';
import { showTable, type ShownTable } from '../reports/disclosure';
import { breakdown, FUNNEL_STAGES, isoWeek, NONE, weeksBetween, type FunnelDimension, type FunnelSelection } from '../reports/funnel';
import { authorize, refused, type StaffRefusal } from './desk-deps';
import type { ReportDeps } from './report-deps';

/** The entry routes a case can have (`by` on the case hash). */
export const ROUTES = ['self_service', 'phone', WALK_IN] as const;
/** The referral sources of Annex 1 #7 as the interview offers them, and none given. */
export const SOURCES = ['leaflet', 'friend_family', 'organisation', 'asan', 'social_media', 'other', NONE] as const;
/** Weeks shown when none are asked for: the last twelve. */
export const DEFAULT_WEEKS = 12;

/** The result of {@link funnelNumbers}: published counts only (see disclosure.ts). */
export type FunnelNumbersResult =
  | { ok: true; at: Date; dimension: FunnelDimension; selection: Required<Pick<FunnelSelection, 'fromWeek' | 'toWeek'>> & FunnelSelection; stages: typeof FUNNEL_STAGES; table: ShownTable }
  | StaffRefusal;

/**
 * The funnel (started → diagnosed → eligible or likely eligible, and apart not eligible →
 * consented → booked → attended → assessed → in plan → closed) over the selected weeks (default the last {@link DEFAULT_WEEKS}) and
 * filters, broken down by `dimension`: every count published through disclosure control (under
 * 5 hidden, the rest rounded to 5), so no person can be singled out, whatever the selection.
 * Rows list every known value of the dimension (a missing row would say "nobody").
 */
export async function funnelNumbers(deps: ReportDeps, actor: StaffRef, args: { dimension: FunnelDimension; selection?: FunnelSelection }): Promise<FunnelNumbersResult> {
  const a = await authorize(deps, actor, 'view_numbers');
  if (refused(a)) return a;
  const { at, cells } = await deps.reports.funnel.current();
  const thisWeek = isoWeek(DateTime.fromJSDate(deps.clock.now(), { zone: deps.reports.timeZone }));
  const defaultFrom = isoWeek(DateTime.fromJSDate(deps.clock.now(), { zone: deps.reports.timeZone }).minus({ weeks: DEFAULT_WEEKS - 1 }));
  const s = args.selection ?? {};
  const selection = { ...s, fromWeek: s.fromWeek ?? defaultFrom, toWeek: s.toWeek ?? thisWeek };
  const values: Record<FunnelDimension, readonly string[]> = {
    week: weeksBetween(selection.fromWeek, selection.toWeek),
    lang: SUPPORTED_LANGS,
    office: [...deps.offices.map((o) => o.id), NONE],
    route: ROUTES,
    source: SOURCES,
  };
  const table = showTable(breakdown(cells, args.dimension, selection, values[args.dimension]));
  return { ok: true, at, dimension: args.dimension, selection, stages: FUNNEL_STAGES, table };
}
