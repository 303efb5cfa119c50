import type { Lang } from '../../core/lang';
import type { StaffRef } from '../../core/staff';
import type { Booking } from '../../scheduling/booking-store';
import type { CaseDetails, CaseSummary } from '../case-file';
import type { ConsentRecord, DiagnosisRecord } from '../case-forms';
import { entryOf, type CaseListStatus } from '../case-index';
import type { TalkMessage } from '../relay-store';
import { audit, authorize, mayWorkOn, refused, staffLogRef, type DeskDeps, type StaffRefusal } from './desk-deps';
import { staffNameOf } from './staff-names';

/** What the case file shows only to the worker holding the case and to supervisors (and admins). */
export interface CasePersonal {
  fields: CaseDetails['fields'];
  name?: string;
  questions: string[];
  talk: (TalkMessage & { workerName?: string })[];
  notes: { at: Date; by: string; byName: string; text: string }[];
}

/** The case file as the workspace shows it. */
export interface CaseFileView {
  code: string;
  status: CaseListStatus;
  summary: CaseSummary;
  diagnoses: DiagnosisRecord[];
  consents: ConsentRecord[];
  booking?: Booking;
  holder?: { staffId: string; name: string; at: Date };
  /** The actor holds the case. */
  isHolder: boolean;
  /** The actor may see personal data (holder, supervisor, admin): `personal` is there. */
  personal?: CasePersonal;
  incidents: { id: string; category: string; status: string; reportedAt: Date; types: string[] }[];
  /**
   * Who did what to the case, newest first (the audit trail: no personal data). A run of the
   * same person doing the same thing (opening the file again and again) is one line: `times`
   * of them, the newest at `at`.
   */
  history: HistoryLine[];
  /** Workers a supervisor may give the case to (its office's, or everyone's while it has none). */
  workers: { staffId: string; name: string; office: string; langs: Lang[] }[];
}

/** One line of a case's history: `times` consecutive entries of the same person and action, the newest at `at`. */
export interface HistoryLine {
  at: Date;
  who: string;
  action: string;
  times: number;
}

/**
 * Entries of the audit trail read for a case file, and lines shown. A worker opens a busy case
 * many times a day, and each opening is audited: read one by one, the views pushed claims,
 * bookings and attendance out of the last 50 lines.
 */
const HISTORY_READ = 300;
const HISTORY_LINES = 50;

/**
 * Folds consecutive entries (newest first) of the same person and action into one line.
 * @example foldHistory([{ at: t3, who: 'Aysel', action: 'open_case' }, { at: t2, who: 'Aysel', action: 'open_case' }, { at: t1, who: 'Aysel', action: 'claim_case' }])
 *   // [{ at: t3, who: 'Aysel', action: 'open_case', times: 2 }, { at: t1, who: 'Aysel', action: 'claim_case', times: 1 }]
 */
export function foldHistory(entries: readonly { at: Date; who: string; action: string }[]): HistoryLine[] {
  const lines: HistoryLine[] = [];
  for (const e of entries) {
    const last = lines.at(-1);
    if (last && last.who === e.who && last.action === e.action) last.times++;
    else lines.push({ ...e, times: 1 });
  }
  return lines;
}

/** The result of {@link viewCase}. */
export type ViewCaseResult = { ok: true; file: CaseFileView } | StaffRefusal | { ok: false; reason: 'not_found' } | { ok: false; reason: 'other_office' };

/**
 * The case file for the workspace: diagnoses, consents, meeting and attendance, incidents, the
 * audit history, for anyone who may work on the case's office; the person's details, questions,
 * the relayed conversation and the notes (all decrypted) only for the worker holding the case
 * and for supervisors and admins, and each such view is audited (`open_case`) and logged with a
 * pseudonym.
 * @example const r = await viewCase(deps, { staffId }, { caseCode: 'KP-7G4Q-M2XD' });
 */
export async function viewCase(deps: DeskDeps, actor: StaffRef, args: { caseCode: string }): Promise<ViewCaseResult> {
  const a = await authorize(deps, actor, 'claim_case');
  if (refused(a)) return a;
  const code = args.caseCode;
  const now = deps.clock.now();
  const summary = await deps.files.summary(code, now);
  if (!summary.exists) return { ok: false, reason: 'not_found' };
  if (!(await mayWorkOn(deps, a, code, 'claim_case'))) return { ok: false, reason: 'other_office' };
  const names = await staffNameOf(deps);
  const claim = await deps.claims.get(code);
  const isHolder = claim?.by === actor.staffId;
  const mayReadPersonal = isHolder || a.member.role !== 'caseworker';
  const [diagnoses, consents, incidents, history, entry, roster] = await Promise.all([
    deps.forms?.diagnoses(code) ?? [],
    deps.forms?.consents(code) ?? [],
    deps.incidents.listForCase(code),
    deps.auditTrail?.forCase(code, { limit: HISTORY_READ }) ?? [],
    deps.index?.entry(code),
    a.member.role === 'caseworker' ? Promise.resolve([]) : deps.roster.list(),
  ]);
  const file: CaseFileView = {
    code,
    status: entry?.status ?? entryOf({ status: summary.status ?? 'open', created_at: '1970-01-01T00:00:00Z', ...(claim ? { claimed_by: claim.by } : {}) }, { status: summary.booking?.status })?.status ?? 'new',
    summary,
    diagnoses,
    consents,
    ...(summary.booking ? { booking: summary.booking } : {}),
    ...(claim ? { holder: { staffId: claim.by, name: names(claim.by), at: claim.at } } : {}),
    isHolder,
    incidents: incidents.map((i) => ({ id: i.id, category: i.category ?? '', status: i.status, reportedAt: i.reportedAt, types: i.types })),
    // Staff as the entry names them when they acted (older entries: as the roster does now).
    history: foldHistory(history.map((h) => ({ at: h.at, who: h.staffId === 'person' || h.staffId === 'system' ? h.staffId : (h.byName ?? names(h.staffId)), action: h.action }))).slice(0, HISTORY_LINES),
    // Whom the case may go to: its office's staff but its holder, with the languages they speak
    // (a supervisor giving a Persian speaker's case away looks for someone who speaks Persian).
    workers: roster.filter((w) => (!summary.booking || w.office === summary.booking.office) && w.staffId !== claim?.by).map((w) => ({ staffId: w.staffId, name: w.name, office: w.office, langs: w.langs })),
  };
  if (mayReadPersonal) {
    const [details, talk, notes] = await Promise.all([deps.files.details(code, now), deps.talks?.messages(code) ?? [], deps.notes?.list(code) ?? []]);
    file.personal = {
      fields: details.fields,
      ...(details.name ? { name: details.name } : {}),
      questions: details.questions,
      talk: talk.map((m) => (m.worker ? { ...m, workerName: names(m.worker) } : m)),
      notes: notes.map((n) => ({ ...n, byName: names(n.by) })),
    };
    deps.logger.info({ case: code, by: staffLogRef(deps, actor.staffId) }, 'desk: case file opened with personal data');
    await audit(deps, a, 'open_case', { caseCode: code, via: 'web' });
  }
  return { ok: true, file };
}
