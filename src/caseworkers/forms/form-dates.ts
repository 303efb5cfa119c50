import type { Assessment } from './assessment-form';
import type { FieldProblem } from './form-fields';
import type { Plan } from './integration-plan';

/** A date problem of a form, as the desk reports a field's problem (`path`, a {@link FieldProblem}). */
export interface DateIssue {
  path: string;
  message: FieldProblem;
}

/**
 * The dates of the first meeting's forms checked against each other and the calendar, which
 * the field types alone cannot do: `today` and `opened` (the day the case was opened) are local
 * dates (YYYY-MM-DD) in the programme's time zone, so plain string order is date order.
 */
export interface FormDays {
  today: string;
  /** The case's first day; absent for a case without `created_at`, when nothing is checked against it. */
  opened?: string;
}

/**
 * Annex 1's dates: a birth date is in the past and not after the assessment; the assessment
 * date is not in the future (it records a conversation held) nor before the case was opened.
 * Pure.
 * @example assessmentDateIssues({ ...a, birthDate: '2031-05-05', assessmentDate: '2026-11-25' }, { today: '2026-11-25' })
 *   // [{ path: 'birthDate', message: 'future_date' }]
 */
export function assessmentDateIssues(a: Pick<Assessment, 'birthDate' | 'assessmentDate'>, days: FormDays): DateIssue[] {
  const issues: DateIssue[] = [];
  if (a.birthDate !== undefined) {
    if (a.birthDate > days.today) issues.push({ path: 'birthDate', message: 'future_date' });
    else if (a.birthDate > a.assessmentDate) issues.push({ path: 'birthDate', message: 'after_assessment' });
  }
  if (a.assessmentDate > days.today) issues.push({ path: 'assessmentDate', message: 'future_date' });
  else if (days.opened && a.assessmentDate < days.opened) issues.push({ path: 'assessmentDate', message: 'before_case' });
  return issues;
}

/**
 * The plan's dates: no activity is due, and no review held, before the case was opened (years
 * before it, a typing slip). A date ahead is the plan's own business: activities are due later,
 * and a review may be set for a coming day. Pure.
 */
export function planDateIssues(p: Pick<Plan, 'activities' | 'reviews'>, days: FormDays): DateIssue[] {
  const opened = days.opened;
  if (!opened) return [];
  return [
    ...p.activities.flatMap((a, i) => (a.due < opened ? [{ path: `activities.${i}.due`, message: 'before_case' as const }] : [])),
    ...p.reviews.flatMap((r, i) => (r.on < opened ? [{ path: `reviews.${i}.on`, message: 'before_case' as const }] : [])),
  ];
}
