import type { StaffRef } from '../../core/staff';
import { PlanSchema } from '../forms/integration-plan';
import { planDateIssues } from '../forms/form-dates';
import { formDays, invalidDates, invalidForm, mayRecordOn, reindexed, type CaseAccessRefusal, type InvalidForm } from './case-access';
import { audit, authorize, refused, staffLogRef, type DeskDeps, type StaffRefusal } from './desk-deps';

/** Consent options of Annex 4 under which a plan may be prepared (any of A, B, C: the person agreed). */
const AGREED = new Set(['A', 'B', 'C']);

/** The result of {@link savePlan}. */
export type SavePlanResult =
  | { ok: true; caseCode: string; version: number }
  | StaffRefusal
  | CaseAccessRefusal
  | InvalidForm
  /** Spec §3.7 rule 1: the person must have given consent (Annex 4) before the plan is prepared. */
  | { ok: false; reason: 'no_consent' }
  /** The plan is drawn up from the assessment's results: Annex 1 comes first. */
  | { ok: false; reason: 'not_assessed' };

/**
 * Saves the individual integration plan (spec §3.7) as a new version: needs in priority order,
 * goals agreed with the person, activities with their owner, date and status, and the reviews
 * so far. The case shows as `in_plan` (its `plan_at`). Refused without the person's consent or before the
 * initial assessment; an activity due, or a review held, before the case was opened is refused beside its field.
 */
export async function savePlan(deps: DeskDeps, actor: StaffRef, args: { caseCode: string; form: unknown }): Promise<SavePlanResult> {
  const a = await authorize(deps, actor, 'record_first_meeting');
  if (refused(a)) return a;
  const access = await mayRecordOn(deps, a, args.caseCode, 'record_first_meeting', { editing: true });
  if (!access.ok) return access;
  const parsed = PlanSchema.safeParse(args.form);
  if (!parsed.success) return invalidForm(parsed.error);
  const badDates = invalidDates(planDateIssues(parsed.data, await formDays(deps, args.caseCode, access.head)));
  if (badDates) return badDates;
  if (!AGREED.has(access.head.consent ?? '')) return { ok: false, reason: 'no_consent' };
  if (!(await deps.meeting.assessments.versions(args.caseCode)).length) return { ok: false, reason: 'not_assessed' };
  const now = deps.clock.now();
  const version = await deps.meeting.plans.save(args.caseCode, parsed.data, actor.staffId, now);
  // `plan_at` is what moves the case to "in plan" in the list.
  await deps.meeting.noteSaved(args.caseCode, 'plan', actor.staffId, now);
  await reindexed(deps, args.caseCode);
  deps.logger.info({ case: args.caseCode, version, by: staffLogRef(deps, actor.staffId) }, 'desk: integration plan saved');
  await audit(deps, a, 'save_plan', { caseCode: args.caseCode, version: String(version) });
  return { ok: true, caseCode: args.caseCode, version };
}
