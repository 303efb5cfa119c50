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
  /** Who did what to the case, newest first (the audit trail: no personal data). */
  history: { at: Date; who: string; action: string }[];
  /** Workers a supervisor may give the case to (its office's, or everyone's while it has none). */
  workers: { staffId: string; name: string; office: string }[];
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
    deps.auditTrail?.forCase(code, { limit: 50 }) ?? [],
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
    history: history.map((h) => ({ at: h.at, who: h.staffId === 'person' || h.staffId === 'system' ? h.staffId : names(h.staffId), action: h.action })),
    workers: roster.filter((w) => !summary.booking || w.office === summary.booking.office).map((w) => ({ staffId: w.staffId, name: w.name, office: w.office })),
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
