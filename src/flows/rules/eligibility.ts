/**
 * The Integration Programme's eligibility rule, Annex 2 of the guidelines (spec §5.2):
 *
 *   eligible ⇔ Q1 = Yes ∧ Q2 = Yes ∧ Q4 = No ∧ |Q3 selections| ≥ 1
 *
 * Q4 ("does the applicant have a cognitive, behavioural or mental disorder that could prevent
 * consent or safe participation?") is the counsellor's judgement, so a chat cannot answer it.
 * While Q4 is `pending`, a person who meets Q1–Q3 is only `likely_eligible`: the counsellor
 * confirms Q4 at the first meeting. Nothing here ever refuses a person on its own; the flows
 * turn `not_eligible` into an explanation, an offer of a human review and referrals.
 */
export const ELIGIBILITY_RULE_VERSION = 'annex2-v1';

export type YesNo = 'yes' | 'no';
export type Q4Answer = YesNo | 'pending';
export const Q3_AREAS = ['planning', 'health_social', 'employment_education', 'culture_social', 'language'] as const;
export type Q3Area = (typeof Q3_AREAS)[number];

export interface EligibilityAnswers {
  q1: YesNo;
  q2: YesNo;
  q3: readonly string[];
  q4: Q4Answer;
}

export type EligibilityOutcome = 'eligible' | 'likely_eligible' | 'not_eligible';
/** Why a person does not meet the rule, one reason per failed condition, in form order. */
export type IneligibilityReason = 'q1_no' | 'q2_no' | 'q3_none' | 'q4_yes';

export interface EligibilityResult {
  outcome: EligibilityOutcome;
  reasons: IneligibilityReason[];
  /** True while Q4 awaits the counsellor: the outcome is not final. */
  provisional: boolean;
  ruleVersion: string;
}

/** Applies the Annex 2 rule. Pure; the answers' validity is checked by the flow before. */
export function evaluateEligibility(a: EligibilityAnswers): EligibilityResult {
  const reasons: IneligibilityReason[] = [];
  if (a.q1 !== 'yes') reasons.push('q1_no');
  if (a.q2 !== 'yes') reasons.push('q2_no');
  if (!a.q3.some((area) => (Q3_AREAS as readonly string[]).includes(area))) reasons.push('q3_none');
  if (a.q4 === 'yes') reasons.push('q4_yes');
  const provisional = a.q4 === 'pending';
  const outcome: EligibilityOutcome = reasons.length > 0 ? 'not_eligible' : provisional ? 'likely_eligible' : 'eligible';
  return { outcome, reasons, provisional, ruleVersion: ELIGIBILITY_RULE_VERSION };
}
