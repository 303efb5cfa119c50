import { CASE_STATUSES } from '../../../../src/caseworkers/case-index';
import { CLOSE_REASONS, INTAKE_CLOSE_REASONS, LEGACY_CLOSE_REASONS, closeReasonKey } from '../../../../src/caseworkers/case-records';
import { ASSESSMENT_FIELDS, AssessmentSchema } from '../../../../src/caseworkers/forms/assessment-form';
import { correctedQuestions, DiagnosisConfirmationSchema, finalEligibility } from '../../../../src/caseworkers/forms/diagnosis-confirmation';
import { IncidentFormSchema } from '../../../../src/caseworkers/forms/incident-form';
import { ACTIVITY_STATUSES, GOAL_TERMS, PlanSchema } from '../../../../src/caseworkers/forms/integration-plan';
import { Q3_AREAS } from '../../../../src/flows/rules/eligibility';
import { createTranslator } from '../../../../src/i18n';
import { INCIDENT_TYPES } from '../../../../src/safeguarding/incident-report';
import { planFromForm, planRows } from '../../../../src/web/pages/forms/plan-form';

/** The first meeting's forms as data: their schemas, and every text their pages build a key for. */
describe('the first meeting’s forms', () => {
  it('Annex 1 has its 24 fields: 1 and 2 filled in by Körpü, 3–24 on the page in the form’s order', () => {
    expect(ASSESSMENT_FIELDS.map((f) => f.annex)).toEqual(Array.from({ length: 22 }, (_, i) => i + 3));
    expect(Object.keys(AssessmentSchema.shape).sort()).toEqual(ASSESSMENT_FIELDS.map((f) => f.name).sort());
  });

  it('reads a browser’s Annex 1: empty boxes are not answers, one ticked service is a list, the date must exist', () => {
    expect(AssessmentSchema.parse({ assessmentDate: '2026-11-25', gender: '  ', services: 'language', summary: ' fine ' })).toEqual({ assessmentDate: '2026-11-25', services: ['language'], summary: 'fine' });
    expect(AssessmentSchema.safeParse({ assessmentDate: '2026-02-29' }).success).toBe(false);
    expect(AssessmentSchema.safeParse({ assessmentDate: '2028-02-29' }).success).toBe(true);
    expect(AssessmentSchema.safeParse({ assessmentDate: '2026-11-25', services: ['astrology'] }).success).toBe(false);
  });

  it('applies the programme’s rule to the confirmed answers and names what the counsellor corrected', () => {
    const form = DiagnosisConfirmationSchema.parse({ q1: 'yes', q2: 'yes', q3: ['language', 'language'], q4: 'no', place: 'Bakı' });
    expect(form.q3).toEqual(['language']);
    expect(finalEligibility(form)).toMatchObject({ outcome: 'eligible', provisional: false });
    expect(finalEligibility({ ...form, q4: 'yes' })).toMatchObject({ outcome: 'not_eligible', reasons: ['q4_yes'] });
    expect(correctedQuestions({ q1: 'yes', q2: 'no', q3: ['language'], q4: 'pending' }, form)).toEqual(['q2']);
    expect(correctedQuestions({ q1: 'yes', q2: 'yes', q3: ['health_social'], q4: 'yes' }, form)).toEqual(['q3', 'q4']);
    expect(correctedQuestions(undefined, form)).toEqual([]);
  });

  it('reads the plan’s flat rows, leaving out rows left empty, and draws spare rows to add to', () => {
    const sent = planFromForm({ need_text_0: 'lessons', need_area_0: 'language', need_text_1: '', need_area_1: '', goal_text_0: 'speak', goal_term_0: 'long', goal_agreed_0: 'on', goal_text_1: '', goal_term_1: 'short', activity_goal_0: '1', activity_text_0: '', activity_owner_0: '', activity_due_0: '', activity_status_0: 'planned', review_on_0: '', review_progress_0: '' });
    expect(sent).toEqual({ needs: [{ text: 'lessons', area: 'language' }], goals: [{ text: 'speak', term: 'long', agreedWithPerson: true }], activities: [], reviews: [] });
    expect(PlanSchema.parse(sent)).toEqual(sent);
    const rows = planRows(PlanSchema.parse(sent));
    expect([rows.needs.length, rows.goals.length, rows.activities.length, rows.reviews.length]).toEqual([3, 2, 2, 1]);
  });

  it('reads Annex 3 from a browser into the store’s patch', () => {
    expect(IncidentFormSchema.parse({ types: 'other', otherDescription: 'x', adviceGiven: 'no', nextCallMade: '', occurredOn: '2026-11-23', whatHappened: '' })).toEqual({
      types: ['other'], otherDescription: 'x', adviceGiven: false, occurredAt: new Date('2026-11-23T12:00:00Z'),
    });
  });

  it('has every text its pages build from a list, in every language', () => {
    const tr = createTranslator();
    const keys = [
      ...CASE_STATUSES.map((s) => `casework:status.${s}`),
      ...CLOSE_REASONS.map((r) => closeReasonKey(r)),
      ...LEGACY_CLOSE_REASONS.map((r) => closeReasonKey(r)),
      ...INTAKE_CLOSE_REASONS.map((r) => closeReasonKey(r)),
      'casework:close.intake_label',
      ...Q3_AREAS.flatMap((a) => [`casework:area.${a}`, `diagnosis:q3.${a}`]),
      ...GOAL_TERMS.map((g) => `casework:plan.term.${g}`),
      ...ACTIVITY_STATUSES.map((s) => `casework:plan.status.${s}`),
      ...ASSESSMENT_FIELDS.map((f) => `casework:assessment.field.${f.name}`),
      ...['booked', 'attended', 'no_show', 'cancelled'].map((s) => `casework:attendance.status.${s}`),
      ...['eligible', 'likely_eligible', 'not_eligible'].map((o) => `casework:diagnosis.outcome.${o}`),
      ...['q1_no', 'q2_no', 'q3_none', 'q4_yes'].map((r) => `casework:diagnosis.reason.${r}`),
      ...['q1', 'q2', 'q3', 'q4'].map((q) => `casework:diagnosis.${q}`),
      ...['yes', 'no'].map((a) => `casework:answer.${a}`),
      ...['attendance', 'diagnosis', 'assessment', 'plan', 'acknowledged', 'incident_saved', 'incident_completed', 'incident_started'].map((p) => `casework:saved.${p}`),
      ...['invalid', 'too_early', 'moved', 'already_recorded', 'case_closed', 'not_confirmed_eligible', 'no_consent', 'not_assessed', 'invalid_reason', 'already_closed', 'written_reason_needed', 'already_complete', 'incomplete', 'already_acknowledged', 'not_urgent', 'support_began', 'diagnosis_not_ineligible', 'consent_given', 'duplicate_has_meeting'].map((p) => `casework:problem.${p}`),
      ...['types', 'otherDescription', 'whatHappened', 'howHandled', 'adviceGiven', 'advice', 'referredTo', 'nextCallMade', 'nextCallAt'].map((f) => `casework:incidents.field.${f}`),
      ...['bot', 'staff'].map((o) => `casework:incidents.origin.${o}`),
      ...INCIDENT_TYPES.map((x) => `safeguarding:incident.type.${x}`),
    ];
    expect(keys.flatMap((k) => tr.missing(k).map((lang) => `${lang}: ${k}`))).toEqual([]);
  });
});
