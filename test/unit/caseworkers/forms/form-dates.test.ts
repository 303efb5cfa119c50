import { assessmentDateIssues, planDateIssues } from '../../../../src/caseworkers/forms/form-dates';

/** The first meeting's dates checked against each other and the calendar (today 25 November 2026, the case opened on the 20th). */
describe('form dates', () => {
  const days = { today: '2026-11-25', opened: '2026-11-20' };

  it('Annex 1: a birth date in the past and not after the assessment; the assessment not ahead nor before the case', () => {
    expect(assessmentDateIssues({ birthDate: '1990-05-01', assessmentDate: '2026-11-25' }, days)).toEqual([]);
    expect(assessmentDateIssues({ assessmentDate: '2026-11-20' }, days)).toEqual([]);
    expect(assessmentDateIssues({ birthDate: '2031-05-05', assessmentDate: '2030-01-01' }, days)).toEqual([
      { path: 'birthDate', message: 'future_date' },
      { path: 'assessmentDate', message: 'future_date' },
    ]);
    expect(assessmentDateIssues({ birthDate: '2026-11-25', assessmentDate: '2026-11-24' }, days)).toEqual([{ path: 'birthDate', message: 'after_assessment' }]);
    expect(assessmentDateIssues({ assessmentDate: '2026-11-19' }, days)).toEqual([{ path: 'assessmentDate', message: 'before_case' }]);
    // A case without its first day: only the calendar is checked.
    expect(assessmentDateIssues({ assessmentDate: '2020-01-01' }, { today: days.today })).toEqual([]);
  });

  it('the plan: nothing due or reviewed before the case was opened; later dates are the plan’s own', () => {
    const activity = (due: string) => ({ goal: 1, text: 'x', owner: 'y', due, status: 'planned' as const });
    const review = (on: string) => ({ on, progress: 'p', agreedWithPerson: true });
    expect(planDateIssues({ activities: [activity('2026-11-20'), activity('2027-06-01')], reviews: [review('2026-12-01')] }, days)).toEqual([]);
    expect(planDateIssues({ activities: [activity('2026-12-01'), activity('2020-01-01')], reviews: [review('2019-01-01')] }, days)).toEqual([
      { path: 'activities.1.due', message: 'before_case' },
      { path: 'reviews.0.on', message: 'before_case' },
    ]);
  });
});
