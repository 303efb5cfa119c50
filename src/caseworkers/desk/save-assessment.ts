import type { StaffRef } from '../../core/staff';
import { AssessmentSchema } from '../forms/assessment-form';
import { assessmentDateIssues } from '../forms/form-dates';
import { formDays, invalidDates, invalidForm, mayRecordOn, reindexed, type CaseAccessRefusal, type InvalidForm } from './case-access';
import { audit, authorize, refused, staffLogRef, type DeskDeps, type StaffRefusal } from './desk-deps';

/** The result of {@link saveAssessment}. */
export type SaveAssessmentResult =
  | { ok: true; caseCode: string; version: number }
  | StaffRefusal
  | CaseAccessRefusal
  | InvalidForm
  /** Annex 1 comes after eligibility is established: the counsellor's Annex 2 must have found the person eligible. */
  | { ok: false; reason: 'not_confirmed_eligible' };

/**
 * Saves the initial assessment (Annex 1) as a new version (the earlier ones stay readable),
 * sealed whole; the case shows as `assessed` (its `assessment_at`). Spec §3.6: it is filled in after eligibility
 * is established, so the newest diagnosis must be the counsellor's final "eligible". Dates that
 * cannot be (a birth date ahead or after the assessment, an assessment ahead or before the case)
 * are refused beside their fields, as a malformed one is.
 */
export async function saveAssessment(deps: DeskDeps, actor: StaffRef, args: { caseCode: string; form: unknown }): Promise<SaveAssessmentResult> {
  const a = await authorize(deps, actor, 'record_first_meeting');
  if (refused(a)) return a;
  const access = await mayRecordOn(deps, a, args.caseCode, 'record_first_meeting', { editing: true });
  if (!access.ok) return access;
  const parsed = AssessmentSchema.safeParse(args.form);
  if (!parsed.success) return invalidForm(parsed.error);
  const badDates = invalidDates(assessmentDateIssues(parsed.data, await formDays(deps, args.caseCode, access.head)));
  if (badDates) return badDates;
  const diagnosis = await deps.meeting.latestDiagnosis(args.caseCode);
  if (!diagnosis || diagnosis.provisional || diagnosis.outcome !== 'eligible') return { ok: false, reason: 'not_confirmed_eligible' };
  const now = deps.clock.now();
  const version = await deps.meeting.assessments.save(args.caseCode, parsed.data, actor.staffId, now);
  // `assessment_at` is what moves the case to "assessed" in the list.
  await deps.meeting.noteSaved(args.caseCode, 'assessment', actor.staffId, now);
  await reindexed(deps, args.caseCode);
  deps.logger.info({ case: args.caseCode, version, by: staffLogRef(deps, actor.staffId) }, 'desk: initial assessment saved');
  await audit(deps, a, 'save_assessment', { caseCode: args.caseCode, version: String(version) });
  return { ok: true, caseCode: args.caseCode, version };
}
