import type { StaffRef } from '../../core/staff';
import { formDateTime } from '../../intake/record-writes';
import { correctedQuestions, DiagnosisConfirmationSchema, finalEligibility, type DiagnosisQuestion } from '../forms/diagnosis-confirmation';
import { invalidForm, mayRecordOn, type CaseAccessRefusal, type InvalidForm } from './case-access';
import { audit, authorize, officeOfCase, refused, staffLogRef, type DeskDeps, type StaffRefusal } from './desk-deps';
import { staffNameOf } from './staff-names';

/** The result of {@link confirmDiagnosis}. */
export type ConfirmDiagnosisResult =
  | {
      ok: true;
      caseCode: string;
      outcome: 'eligible' | 'not_eligible';
      /** The rule's reasons when not eligible (`q1_no`, `q4_yes` …). */
      reasons: string[];
      /** The answers the counsellor changed from the bot's record. */
      corrected: DiagnosisQuestion[];
      /** The form's date and time (programme time zone), place and counsellor's name. */
      date: string;
      time: string;
      place: string;
      counsellor: string;
    }
  | StaffRefusal
  | CaseAccessRefusal
  | InvalidForm
  /** Annex 2 is confirmed at the first meeting: the person's attendance must be recorded as came first. */
  | { ok: false; reason: 'not_attended' };

/**
 * Annex 2 at the first meeting: the counsellor confirms or corrects the bot's answers (Q1–Q3),
 * answers Q4 (their judgement of the person's capacity to consent and take part safely), and
 * the programme's rule (flows/rules/eligibility.ts) gives the final result. It is appended to
 * the case's diagnoses (the bot's provisional record stays), dated in the office's time zone,
 * with the place and the counsellor's name; the case's result becomes final. Confirming again
 * (a mistake put right) appends another record; the newest is the result. It comes after the
 * attendance: refused (`not_attended`) until the meeting is recorded as attended.
 */
export async function confirmDiagnosis(deps: DeskDeps, actor: StaffRef, args: { caseCode: string; form: unknown }): Promise<ConfirmDiagnosisResult> {
  const a = await authorize(deps, actor, 'record_first_meeting');
  if (refused(a)) return a;
  const access = await mayRecordOn(deps, a, args.caseCode, 'record_first_meeting', { editing: true });
  if (!access.ok) return access;
  // The guidelines' order (spec §3.6, route 4): Annex 2 at the first meeting, so the meeting took
  // place: the person came (`met_at`, kept when a later meeting is booked; a booking marked
  // attended before it was written), or walked in (the case opened at the office).
  const met = access.head.listFields.met_at || access.head.listFields.walk_in_at;
  if (!met && (await deps.bookings.get(args.caseCode))?.status !== 'attended') return { ok: false, reason: 'not_attended' };
  const parsed = DiagnosisConfirmationSchema.safeParse(args.form);
  if (!parsed.success) return invalidForm(parsed.error);
  const form = parsed.data;
  const before = await deps.meeting.latestDiagnosis(args.caseCode);
  const corrected = correctedQuestions(before?.answers, form);
  const result = finalEligibility(form);
  const outcome = result.outcome === 'eligible' ? 'eligible' : 'not_eligible';
  const now = deps.clock.now();
  const office = await officeOfCase(deps, args.caseCode);
  const timeZone = (deps.offices.find((o) => o.id === office) ?? deps.offices[0])?.timeZone ?? 'Asia/Baku';
  const { date, time } = formDateTime(now, timeZone);
  const counsellor = (await staffNameOf(deps))(actor.staffId);
  await deps.meeting.recordFinalDiagnosis(args.caseCode, {
    at: now.toISOString(), date, time, place: form.place, counsellor, counsellor_id: actor.staffId, by: 'counsellor',
    answers: { q1: form.q1, q2: form.q2, q3: form.q3, q4: form.q4 }, outcome, reasons: result.reasons, provisional: false,
    rule_version: result.ruleVersion, lang: access.head.lang, corrected,
  });
  deps.logger.info({ case: args.caseCode, outcome, corrected, by: staffLogRef(deps, actor.staffId) }, 'desk: diagnosis confirmed');
  await audit(deps, a, 'confirm_diagnosis', { caseCode: args.caseCode, outcome, ...(corrected.length ? { corrected: corrected.join(',') } : {}) });
  return { ok: true, caseCode: args.caseCode, outcome, reasons: result.reasons, corrected, date, time, place: form.place, counsellor };
}
