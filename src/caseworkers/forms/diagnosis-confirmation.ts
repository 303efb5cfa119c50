import { z } from 'zod';
import { evaluateEligibility, Q3_AREAS, type EligibilityResult } from '../../flows/rules/eligibility';
import { checkboxes, formLine, yesNo } from './form-fields';

/**
 * Annex 2 at the first meeting (spec §3.6, §5): the counsellor goes through the diagnosis with
 * the person, confirms or corrects the answers the bot took down, and answers Q4 (the
 * applicant's capacity to consent and take part safely), which is the counsellor's judgement
 * and never the person's. The result is then final, with the form's date, time, place and
 * counsellor. The rule itself is src/flows/rules/eligibility.ts, applied here unchanged.
 */
export const DiagnosisConfirmationSchema = z.object({
  q1: yesNo,
  q2: yesNo,
  q3: checkboxes(z.enum(Q3_AREAS)).transform((a) => [...new Set(a)]),
  /** The counsellor's judgement. */
  q4: yesNo,
  /** The form's "Place" (Məkan): where the meeting is held. */
  place: formLine,
});
export type DiagnosisConfirmation = z.infer<typeof DiagnosisConfirmationSchema>;
export type DiagnosisConfirmationInput = z.input<typeof DiagnosisConfirmationSchema>;

/** The questions of Annex 2. */
export const DIAGNOSIS_QUESTIONS = ['q1', 'q2', 'q3', 'q4'] as const;
export type DiagnosisQuestion = (typeof DIAGNOSIS_QUESTIONS)[number];

/** The answers of an earlier diagnosis record, as stored (the bot's: Q4 `pending`). */
export interface RecordedAnswers {
  q1?: string;
  q2?: string;
  q3?: readonly string[];
  q4?: string;
}

/**
 * The questions whose answer the counsellor changed from the bot's record. Q4 counts only when
 * the record had an answer (the bot's is `pending`: answering it is no correction).
 * @example correctedQuestions({ q1: 'yes', q2: 'no', q3: ['language'], q4: 'pending' }, { q1: 'yes', q2: 'yes', q3: ['language'], q4: 'no', place }) // ['q2']
 */
export function correctedQuestions(before: RecordedAnswers | undefined, after: DiagnosisConfirmation): DiagnosisQuestion[] {
  if (!before) return [];
  const changed: DiagnosisQuestion[] = [];
  if (before.q1 !== undefined && before.q1 !== after.q1) changed.push('q1');
  if (before.q2 !== undefined && before.q2 !== after.q2) changed.push('q2');
  const q3 = [...(before.q3 ?? [])].sort().join(',');
  if (before.q3 !== undefined && q3 !== [...after.q3].sort().join(',')) changed.push('q3');
  if ((before.q4 === 'yes' || before.q4 === 'no') && before.q4 !== after.q4) changed.push('q4');
  return changed;
}

/** The final result of the confirmed answers: the programme's rule, Q4 answered, never provisional. */
export function finalEligibility(a: DiagnosisConfirmation): EligibilityResult {
  return evaluateEligibility({ q1: a.q1, q2: a.q2, q3: a.q3, q4: a.q4 });
}
