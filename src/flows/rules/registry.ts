import { z } from 'zod';
import { ELIGIBILITY_RULE_VERSION, evaluateEligibility, Q3_AREAS } from './eligibility';

/**
 * Named rules that flows call by name (`type: rule`). A rule declares its inputs and every
 * outcome it can return, so the loader can check that a flow routes each one.
 * There is deliberately no expression language: a rule is reviewed TypeScript.
 */
export interface RuleDefinition {
  readonly version: string;
  readonly inputs: readonly string[];
  readonly outcomes: readonly string[];
  /** Returns the outcome, extra variables to keep (under `<node>.<name>`) and a record to emit. */
  evaluate(inputs: Record<string, string | string[] | undefined>): RuleResult;
}
export interface RuleResult {
  outcome: string;
  vars: Record<string, string | string[]>;
}

const yesNo = z.enum(['yes', 'no']);
const eligibilityInputs = z.object({
  q1: yesNo,
  q2: yesNo,
  q3: z.array(z.string()).default([]),
  q4: z.enum(['yes', 'no', 'pending']).default('pending'),
});

export const RULES: Readonly<Record<string, RuleDefinition>> = {
  eligibility: {
    version: ELIGIBILITY_RULE_VERSION,
    inputs: ['q1', 'q2', 'q3', 'q4'],
    outcomes: ['eligible', 'likely_eligible', 'not_eligible'],
    evaluate(raw) {
      const r = evaluateEligibility(eligibilityInputs.parse(raw));
      return { outcome: r.outcome, vars: { reasons: r.reasons, provisional: String(r.provisional), rule_version: r.ruleVersion } };
    },
  },
};

/** The Q3 areas, exported for flows' load-time checks. */
export const ELIGIBILITY_AREAS = Q3_AREAS;
