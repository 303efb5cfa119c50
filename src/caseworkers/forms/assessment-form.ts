import { z } from 'zod';
import { Q3_AREAS } from '../../flows/rules/eligibility';
import { checkboxes, formDate, optionalDate, optionalLine, optionalText } from './form-fields';

/**
 * The initial assessment of Annex 1 (spec §4), filled in together with the person after the
 * eligibility check. The schema is the form's one definition: the web page draws its fields
 * from {@link ASSESSMENT_FIELDS} and parses what comes back with {@link AssessmentSchema}.
 *
 * Fields 1 (case number) and 2 (who completed the form) are not typed in: they are the case
 * code and the name of the member of staff who saves the version. Everything else is the
 * person's data, special-category in part (emotional state, family situation), so a saved
 * version is sealed whole (see versioned-forms.ts).
 */
export const AssessmentSchema = z.object({
  /** [3] Benefisiarın adı */
  beneficiaryName: optionalLine,
  /** [4] Benefisiarın doğum tarixi */
  birthDate: optionalDate,
  /** [5] İlkin qiymətləndirmə tarixi: required, the date the form is about */
  assessmentDate: formDate,
  /** [6] Gender: the source gives no options, so the person's own words */
  gender: optionalLine,
  /** [7] Kim tərəfindən göndərilib */
  referredBy: optionalLine,
  /** [8] Hazırkı vəziyyəti */
  currentSituation: optionalText,
  /** [9] Emosional durumu */
  emotionalState: optionalText,
  /** [10] Təcili ehtiyac */
  urgentNeed: optionalText,
  /** [11] Qısamüddətli ehtiyac */
  shortTermNeed: optionalText,
  /** [12] Uzunmüddətli ehtiyac */
  longTermNeed: optionalText,
  /** [13] Which of the programme's five services the person wants (the service areas, spec §2) */
  services: checkboxes(z.enum(Q3_AREAS)).transform((a) => [...new Set(a)]),
  /** [14] Fərdin güclü tərəfləri */
  strengths: optionalText,
  /** [15] Kömək üçün müəyyən edilmiş resurslar */
  resources: optionalText,
  /** [16] Ailə vəziyyəti */
  familySituation: optionalText,
  /** [17] Sosial əhatəsi / Asudə vaxtını necə keçirir */
  socialLeisure: optionalText,
  /** [18] Təhsil */
  education: optionalText,
  /** [19] Məşğulluq statusu */
  employmentStatus: optionalText,
  /** [20] Bacarıqları */
  skills: optionalText,
  /** [21] Xülasə */
  summary: optionalText,
  /** [22] Hədəflər və məqsədlər (qısamüddətli və uzunmüddətli) */
  targetsAndGoals: optionalText,
  /** [23] Növbəti addımlar */
  nextSteps: optionalText,
  /** [24] Keys menecerinin tövsiyələri */
  recommendations: optionalText,
});
export type Assessment = z.infer<typeof AssessmentSchema>;
export type AssessmentInput = z.input<typeof AssessmentSchema>;
export type AssessmentField = keyof Assessment;

/** How a field is entered on the page. */
export type FieldKind = 'line' | 'date' | 'text' | 'services';

/**
 * Annex 1's fields 3–24 in the form's order, with their number on the paper form and how each is
 * entered; labels are `casework:assessment.field.<name>`. Fields 1 and 2 come first on the page,
 * filled in by Körpü.
 */
export const ASSESSMENT_FIELDS: readonly { name: AssessmentField; annex: number; kind: FieldKind }[] = [
  { name: 'beneficiaryName', annex: 3, kind: 'line' },
  { name: 'birthDate', annex: 4, kind: 'date' },
  { name: 'assessmentDate', annex: 5, kind: 'date' },
  { name: 'gender', annex: 6, kind: 'line' },
  { name: 'referredBy', annex: 7, kind: 'line' },
  { name: 'currentSituation', annex: 8, kind: 'text' },
  { name: 'emotionalState', annex: 9, kind: 'text' },
  { name: 'urgentNeed', annex: 10, kind: 'text' },
  { name: 'shortTermNeed', annex: 11, kind: 'text' },
  { name: 'longTermNeed', annex: 12, kind: 'text' },
  { name: 'services', annex: 13, kind: 'services' },
  { name: 'strengths', annex: 14, kind: 'text' },
  { name: 'resources', annex: 15, kind: 'text' },
  { name: 'familySituation', annex: 16, kind: 'text' },
  { name: 'socialLeisure', annex: 17, kind: 'text' },
  { name: 'education', annex: 18, kind: 'text' },
  { name: 'employmentStatus', annex: 19, kind: 'text' },
  { name: 'skills', annex: 20, kind: 'text' },
  { name: 'summary', annex: 21, kind: 'text' },
  { name: 'targetsAndGoals', annex: 22, kind: 'text' },
  { name: 'nextSteps', annex: 23, kind: 'text' },
  { name: 'recommendations', annex: 24, kind: 'text' },
];
