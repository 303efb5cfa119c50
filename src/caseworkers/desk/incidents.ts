import type { StaffRef } from '../../core/staff';
import type { IncidentField, IncidentReport } from '../../safeguarding/incident-report';
import { IncidentFormSchema } from '../forms/incident-form';
import { inOffice } from '../guard';
import { invalidForm, reindexed, type InvalidForm } from './case-access';
import { audit, authorize, mayWorkOn, officeOfCase, refused, staffLogRef, type Actor, type DeskDeps, type StaffRefusal } from './desk-deps';

/*
 * Incident reports (Annex 3) at the desk. Safeguarding cannot wait for a claim: any member of
 * staff of the case's office (supervisors and admins: every office) may complete a report,
 * start one, or acknowledge an urgent one, whoever holds the case.
 */

/** A report refused to someone of another office, or one that does not exist (erased). */
export type IncidentRefusal = { ok: false; reason: 'not_found' } | { ok: false; reason: 'other_office' };

/** The result of {@link startIncident}. */
export type StartIncidentResult = { ok: true; report: IncidentReport } | StaffRefusal | IncidentRefusal | InvalidForm;

/**
 * Starts an incident report on a case (something a member of staff saw or was told, not a
 * crisis message the bot noticed): a draft, filled in at once with `form` (Annex 3 fields, as
 * {@link fillIncident} takes them). `urgent` puts it at the top of everyone's list until someone
 * acknowledges it.
 */
export async function startIncident(deps: DeskDeps, actor: StaffRef, args: { caseCode: string; urgent: boolean; form?: unknown }): Promise<StartIncidentResult> {
  const a = await authorize(deps, actor, 'report_incident');
  if (refused(a)) return a;
  const head = await deps.meeting.head(args.caseCode);
  if (!head.exists) return { ok: false, reason: 'not_found' };
  if (!(await mayWorkOn(deps, a, args.caseCode, 'report_incident'))) return { ok: false, reason: 'other_office' };
  const patch = IncidentFormSchema.safeParse(args.form ?? {});
  if (!patch.success) return invalidForm(patch.error);
  const now = deps.clock.now();
  let report = await deps.incidents.startReport({ caseCode: args.caseCode, lang: head.lang, urgent: args.urgent, at: now, by: actor.staffId });
  if (Object.keys(patch.data).length) {
    const updated = await deps.incidents.update(report.id, patch.data, actor.staffId, now);
    if (updated.status === 'updated') report = updated.report;
  }
  // An urgent report puts the case in the case list's urgent block until it is acknowledged.
  if (args.urgent) await reindexed(deps, args.caseCode);
  deps.logger.info({ case: args.caseCode, incident: report.id, urgent: args.urgent, by: staffLogRef(deps, actor.staffId) }, 'desk: incident report started');
  await audit(deps, a, 'start_incident', { caseCode: args.caseCode, incident: report.id, urgent: String(args.urgent) });
  return { ok: true, report };
}

/** The result of {@link fillIncident}. */
export type FillIncidentResult =
  | { ok: true; report: IncidentReport; completed: boolean }
  | StaffRefusal
  | IncidentRefusal
  | InvalidForm
  /** A completed report is never changed. */
  | { ok: false; reason: 'already_complete' }
  /** Completing it needs these Annex 3 fields first (nothing was written). */
  | { ok: false; reason: 'incomplete'; missing: IncidentField[] };

/**
 * Fills in or corrects a draft report (`complete: false`), or also completes it (`complete:
 * true`: only when every Annex 3 field is there; then it is locked). What the form brings is
 * saved either way, so a report that cannot be completed yet keeps what was typed and the
 * answer lists what is missing. `form` is what the page sends.
 */
export async function fillIncident(deps: DeskDeps, actor: StaffRef, args: { id: string; form: unknown; complete: boolean }): Promise<FillIncidentResult> {
  const a = await authorize(deps, actor, 'report_incident');
  if (refused(a)) return a;
  const found = await reportFor(deps, a, args.id);
  if (!found.ok) return found;
  const patch = IncidentFormSchema.safeParse(args.form);
  if (!patch.success) return invalidForm(patch.error);
  const now = deps.clock.now();
  // What was typed is kept even when the report cannot be completed yet (the page says what is missing).
  const saved = Object.keys(patch.data).length || !args.complete ? await deps.incidents.update(args.id, patch.data, actor.staffId, now) : undefined;
  const outcome = args.complete && (!saved || saved.status === 'updated') ? await deps.incidents.complete(args.id, {}, actor.staffId, now) : saved!;
  if (outcome.status === 'not_found') return { ok: false, reason: 'not_found' };
  if (outcome.status === 'locked') return { ok: false, reason: 'already_complete' };
  if (outcome.status === 'incomplete') return { ok: false, reason: 'incomplete', missing: outcome.missing };
  const action = args.complete ? 'complete_incident' : 'update_incident';
  deps.logger.info({ case: found.report.caseCode, incident: args.id, by: staffLogRef(deps, actor.staffId) }, `desk: incident report ${args.complete ? 'completed' : 'updated'}`);
  await audit(deps, a, action, { caseCode: found.report.caseCode, incident: args.id });
  return { ok: true, report: outcome.report, completed: args.complete };
}

/** The result of {@link acknowledgeIncident}. */
export type AcknowledgeIncidentResult =
  | { ok: true; report: IncidentReport }
  | StaffRefusal
  | IncidentRefusal
  /** Someone acknowledged it already (`by`: their staff id). */
  | { ok: false; reason: 'already_acknowledged'; by: string }
  | { ok: false; reason: 'not_urgent' };

/**
 * Takes on an urgent report: who and when are recorded, and it leaves the top of everyone's
 * list. Once only; the second to tap learns who was first.
 */
export async function acknowledgeIncident(deps: DeskDeps, actor: StaffRef, args: { id: string }): Promise<AcknowledgeIncidentResult> {
  const a = await authorize(deps, actor, 'acknowledge_incident');
  if (refused(a)) return a;
  const found = await reportFor(deps, a, args.id);
  if (!found.ok) return found;
  const outcome = await deps.incidents.acknowledge(args.id, actor.staffId, deps.clock.now());
  if (outcome === 'not_found') return { ok: false, reason: 'not_found' };
  if (outcome === 'not_urgent') return { ok: false, reason: 'not_urgent' };
  const report = (await deps.incidents.get(args.id))!;
  if (outcome === 'already') return { ok: false, reason: 'already_acknowledged', by: report.acknowledgedBy ?? '' };
  // The case leaves the case list's urgent block once no urgent report of it waits any more.
  const stillWaiting = (await deps.incidents.listUnacknowledged()).some((r) => r.caseCode === report.caseCode);
  if (!stillWaiting) {
    await deps.meeting.noteCrisisAcknowledged(report.caseCode, actor.staffId, deps.clock.now());
    await reindexed(deps, report.caseCode);
  }
  deps.logger.warn({ case: report.caseCode, incident: args.id, by: staffLogRef(deps, actor.staffId) }, 'desk: urgent incident acknowledged');
  await audit(deps, a, 'acknowledge_incident', { caseCode: report.caseCode, incident: args.id });
  return { ok: true, report };
}

/** The result of {@link listIncidents}. */
export type ListIncidentsResult =
  | {
      ok: true;
      /** Urgent reports nobody has acknowledged, oldest first: the top of every list. */
      urgent: IncidentReport[];
      /** Reports still in draft, oldest first (with `caseCode`: that case's reports, every status). */
      reports: IncidentReport[];
    }
  | StaffRefusal;

/**
 * The incident reports a member of staff may see: the urgent ones nobody has acknowledged, and
 * the drafts (or, with `caseCode`, every report of that case), of their office for a case
 * worker, of every office for supervisors and admins.
 */
export async function listIncidents(deps: DeskDeps, actor: StaffRef, args: { caseCode?: string } = {}): Promise<ListIncidentsResult> {
  const a = await authorize(deps, actor, 'report_incident');
  if (refused(a)) return a;
  const [urgent, reports] = await Promise.all([deps.incidents.listUnacknowledged(), args.caseCode ? deps.incidents.listForCase(args.caseCode) : deps.incidents.listDrafts()]);
  const visible = await officeFilter(deps, a);
  return { ok: true, urgent: await visible(urgent), reports: await visible(reports) };
}

/**
 * The urgent reports nobody has acknowledged that a member of staff may see: what every list
 * of the workspace shows at its top. Empty for someone not on the roster.
 */
export async function urgentIncidents(deps: DeskDeps, actor: StaffRef): Promise<IncidentReport[]> {
  const a = await authorize(deps, actor, 'report_incident');
  if (refused(a)) return [];
  return (await officeFilter(deps, a))(await deps.incidents.listUnacknowledged());
}

async function reportFor(deps: DeskDeps, a: Actor, id: string): Promise<{ ok: true; report: IncidentReport } | IncidentRefusal> {
  const report = await deps.incidents.get(id);
  if (!report) return { ok: false, reason: 'not_found' };
  if (!(await mayWorkOn(deps, a, report.caseCode, 'report_incident'))) return { ok: false, reason: 'other_office' };
  return { ok: true, report };
}

/**
 * Keeps the reports of cases in the actor's office (each case's office read once, all of them
 * at the same time: a list of a hundred reports is not a hundred round trips one after another).
 */
async function officeFilter(deps: DeskDeps, a: Actor): Promise<(reports: IncidentReport[]) => Promise<IncidentReport[]>> {
  const offices = new Map<string, Promise<string | undefined>>();
  return async (reports) => {
    if (a.member.role !== 'caseworker') return reports;
    for (const r of reports) if (!offices.has(r.caseCode)) offices.set(r.caseCode, officeOfCase(deps, r.caseCode));
    const of = await Promise.all(reports.map((r) => offices.get(r.caseCode)!));
    return reports.filter((_, i) => inOffice(a.member, of[i]));
  };
}

/** The result of {@link readIncident}. */
export type ReadIncidentResult = { ok: true; report: IncidentReport } | StaffRefusal | IncidentRefusal;

/** One report, decrypted, for a member of staff of its case's office (supervisors and admins: any). */
export async function readIncident(deps: DeskDeps, actor: StaffRef, args: { id: string }): Promise<ReadIncidentResult> {
  const a = await authorize(deps, actor, 'report_incident');
  if (refused(a)) return a;
  return reportFor(deps, a, args.id);
}
