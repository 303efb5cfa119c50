import { evaluateEligibility, ELIGIBILITY_RULE_VERSION, Q3_AREAS, type Q4Answer, type YesNo } from '../../../../src/flows/rules/eligibility';
import { RULES } from '../../../../src/flows/rules/registry';

/**
 * The Annex 2 rule (spec §5.2) over every combination of answers, against an oracle written
 * from the form's own wording: "the applicant must answer 'Yes' to questions 1 and 2 and 'No'
 * to question 4, and their request must correspond to at least one of the areas listed in
 * question 3". Q4 'pending' (the counsellor has not judged yet) turns "eligible" into
 * "likely eligible" and marks the result provisional.
 */

const YES_NO: YesNo[] = ['yes', 'no'];

/** All 32 subsets of the five Q3 areas, in the form's order. */
function subsets<T>(items: readonly T[]): T[][] {
  return Array.from({ length: 2 ** items.length }, (_, mask) => items.filter((_, i) => mask & (1 << i)));
}
const Q3_SUBSETS = subsets(Q3_AREAS);

interface Case {
  q1: YesNo;
  q2: YesNo;
  q3: string[];
  q4: Q4Answer;
}

/** The oracle: the form's sentence, one condition per clause. */
function oracle(c: Case) {
  const q1Yes = c.q1 === 'yes';
  const q2Yes = c.q2 === 'yes';
  const atLeastOneArea = c.q3.length >= 1;
  const q4No = c.q4 === 'no';
  const q4Yes = c.q4 === 'yes';
  const failed = [!q1Yes && 'q1_no', !q2Yes && 'q2_no', !atLeastOneArea && 'q3_none', q4Yes && 'q4_yes'].filter(Boolean);
  if (q1Yes && q2Yes && q4No && atLeastOneArea) return { outcome: 'eligible', provisional: false, reasons: failed };
  if (q1Yes && q2Yes && c.q4 === 'pending' && atLeastOneArea) return { outcome: 'likely_eligible', provisional: true, reasons: failed };
  return { outcome: 'not_eligible', provisional: c.q4 === 'pending', reasons: failed };
}

function allCases(q4s: Q4Answer[]): Case[] {
  return YES_NO.flatMap((q1) => YES_NO.flatMap((q2) => q4s.flatMap((q4) => Q3_SUBSETS.map((q3) => ({ q1, q2, q3, q4 })))));
}

describe('eligibility rule (Annex 2)', () => {
  const answered = allCases(['yes', 'no']);
  const pending = allCases(['pending']);

  it('covers every combination: 2 × 2 × 2 × 32 answered and 2 × 2 × 32 with Q4 pending', () => {
    expect(Q3_SUBSETS).toHaveLength(32);
    expect(new Set(Q3_SUBSETS.map((s) => s.join(','))).size).toBe(32);
    expect(answered).toHaveLength(256);
    expect(pending).toHaveLength(128);
  });

  it.each(answered.map((c) => [`Q1=${c.q1} Q2=${c.q2} Q4=${c.q4} Q3=[${c.q3.join(',')}]`, c] as const))('%s', (_, c) => {
    const r = evaluateEligibility(c);
    const want = oracle(c);
    expect(r.outcome).toBe(want.outcome);
    expect(r.provisional).toBe(false);
    expect(r.reasons).toEqual(want.reasons);
    expect(r.ruleVersion).toBe(ELIGIBILITY_RULE_VERSION);
  });

  it.each(pending.map((c) => [`Q1=${c.q1} Q2=${c.q2} Q4=pending Q3=[${c.q3.join(',')}]`, c] as const))('%s', (_, c) => {
    const r = evaluateEligibility(c);
    const want = oracle(c);
    expect(r.outcome).toBe(want.outcome);
    expect(r.provisional).toBe(true);
    expect(r.reasons).toEqual(want.reasons);
  });

  it('is eligible for exactly 31 answered combinations and likely eligible for exactly 31 pending ones', () => {
    // Q1 yes, Q2 yes, Q4 no, and any of the 31 non-empty area subsets.
    expect(answered.filter((c) => evaluateEligibility(c).outcome === 'eligible')).toHaveLength(31);
    expect(pending.filter((c) => evaluateEligibility(c).outcome === 'likely_eligible')).toHaveLength(31);
    expect(pending.some((c) => evaluateEligibility(c).outcome === 'eligible')).toBe(false);
  });

  it('lists every failed condition, in the form order', () => {
    expect(evaluateEligibility({ q1: 'no', q2: 'no', q3: [], q4: 'yes' }).reasons).toEqual(['q1_no', 'q2_no', 'q3_none', 'q4_yes']);
    expect(evaluateEligibility({ q1: 'yes', q2: 'no', q3: ['language'], q4: 'yes' }).reasons).toEqual(['q2_no', 'q4_yes']);
    expect(evaluateEligibility({ q1: 'yes', q2: 'yes', q3: [], q4: 'pending' }).reasons).toEqual(['q3_none']);
    expect(evaluateEligibility({ q1: 'yes', q2: 'yes', q3: ['planning'], q4: 'no' }).reasons).toEqual([]);
  });

  it('does not count an area that is not one of the five as an area', () => {
    const r = evaluateEligibility({ q1: 'yes', q2: 'yes', q3: ['shopping'], q4: 'no' });
    expect(r.outcome).toBe('not_eligible');
    expect(r.reasons).toEqual(['q3_none']);
  });
});

describe('the eligibility rule as flows call it (RULES.eligibility)', () => {
  const rule = RULES.eligibility!;

  it('declares its inputs and every outcome it can return', () => {
    expect(rule.inputs).toEqual(['q1', 'q2', 'q3', 'q4']);
    const seen = new Set(allCases(['yes', 'no', 'pending']).map((c) => rule.evaluate({ ...c }).outcome));
    expect([...seen].sort()).toEqual([...rule.outcomes].sort());
  });

  it('treats a missing Q4 as pending and a missing Q3 as no area', () => {
    expect(rule.evaluate({ q1: 'yes', q2: 'yes', q3: ['language'] })).toEqual({
      outcome: 'likely_eligible',
      vars: { reasons: [], provisional: 'true', rule_version: ELIGIBILITY_RULE_VERSION },
    });
    expect(rule.evaluate({ q1: 'yes', q2: 'yes', q4: 'no' })).toEqual({
      outcome: 'not_eligible',
      vars: { reasons: ['q3_none'], provisional: 'false', rule_version: ELIGIBILITY_RULE_VERSION },
    });
  });

  it('refuses inputs that are not answers (a flow bug, not a person’s answer)', () => {
    expect(() => rule.evaluate({ q2: 'yes', q3: [] })).toThrow();
    expect(() => rule.evaluate({ q1: 'maybe', q2: 'yes', q3: [] })).toThrow();
  });
});
