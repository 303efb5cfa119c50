import { claimCase, closeCase, confirmDiagnosis, readCaseForms, recordAttendance, saveAssessment, savePlan, type DeskDeps } from '../../../src/caseworkers/desk';
import { baku, ganja, startDesk, type Desk } from './desk-harness';

/** The bot's provisional diagnosis record, as the intake leaves it (Q4 pending). */
const botDiagnosis = (q2: 'yes' | 'no' = 'yes') =>
  JSON.stringify({ at: '2026-11-20T10:00:00.000Z', date: '2026-11-20', time: '14:00', place: 'Telegram', counsellor: 'self-service (Körpü)', by: 'self_service', answers: { q1: 'yes', q2, q3: ['language'], q4: 'pending' }, outcome: q2 === 'yes' ? 'likely_eligible' : 'not_eligible', reasons: q2 === 'yes' ? [] : ['q2_no'], provisional: true, rule_version: 'annex2-v1', lang: 'ru' });

const assessment = { assessmentDate: '2026-11-24', beneficiaryName: 'Olena Kovalenko', birthDate: '1990-04-02', emotionalState: 'anxious about housing', services: ['language', 'employment_education'], summary: 'needs language classes first' };
const plan = {
  needs: [{ text: 'Azerbaijani lessons', area: 'language' }, { text: 'A job matching her nursing diploma' }],
  goals: [{ text: 'Hold a simple conversation in Azerbaijani', term: 'short', agreedWithPerson: true }],
  activities: [{ goal: 1, text: 'Enrol in the evening course', owner: 'Olena with the case worker', due: '2026-12-15', status: 'planned' }],
  reviews: [],
};

/** The first meeting at the desk: Annex 2 with Q4, Annex 1, the plan, and the case's status on the way. */
describe('desk: the first meeting', () => {
  let d: Desk;
  const start = new Date('2026-11-25T06:00:00Z');
  const code = 'KP-MEET-0001';
  beforeEach(async () => {
    d = await startDesk();
    await d.seedCase(code, { office: baku, start });
    await d.redis.rpush(d.keys.diagnoses(code), botDiagnosis('no'));
    await d.redis.hset(d.keys.case(code), { consent: 'B', diagnosis: 'not_eligible', diagnosis_provisional: 'true' });
  });
  afterEach(() => d.close());

  /** The person came to the meeting (as Came leaves the booking; the first test taps it). */
  const came = (c = code) => d.bookings.mark(c, 'attended');

  /** The case's status as the list shows it (a supervisor reads it, so no claim is needed). */
  const status = async () => {
    const r = await readCaseForms(d.desk, d.staff.leyla, { caseCode: code });
    return r.ok ? r.listStatus : r.reason;
  };

  it('goes from new to claimed, met, assessed and in plan, then closed', async () => {
    expect(await status()).toBe('new');
    await claimCase(d.desk, d.staff.aysel, { caseCode: code });
    expect(await status()).toBe('claimed');
    d.setNow(new Date('2026-11-25T06:10:00Z'));
    expect(await recordAttendance(d.desk, d.staff.aysel, { caseCode: code, status: 'attended', meeting: start })).toMatchObject({ ok: true });
    expect(await status()).toBe('met');

    // Annex 2: the counsellor corrects Q2 (the person has a residence permit after all) and answers Q4.
    const confirmed = await confirmDiagnosis(d.desk, d.staff.aysel, { caseCode: code, form: { q1: 'yes', q2: 'yes', q3: ['language', 'employment_education'], q4: 'no', place: 'Bakı ofisi, otaq 3' } });
    expect(confirmed).toEqual({ ok: true, caseCode: code, outcome: 'eligible', reasons: [], corrected: ['q2', 'q3'], date: '2026-11-25', time: '10:10', place: 'Bakı ofisi, otaq 3', counsellor: 'Aysel Quliyeva' });
    expect(await d.redis.hmget(d.keys.case(code), 'diagnosis', 'diagnosis_provisional')).toEqual(['eligible', 'false']);
    // The bot's record stays; the counsellor's is the newest.
    expect(await d.redis.llen(d.keys.diagnoses(code))).toBe(2);
    expect(JSON.parse((await d.redis.lindex(d.keys.diagnoses(code), -1))!)).toMatchObject({ by: 'counsellor', counsellor: 'Aysel Quliyeva', counsellor_id: d.staff.aysel.staffId, answers: { q4: 'no' }, provisional: false });

    expect(await saveAssessment(d.desk, d.staff.aysel, { caseCode: code, form: assessment })).toEqual({ ok: true, caseCode: code, version: 1 });
    expect(await status()).toBe('assessed');
    expect(await savePlan(d.desk, d.staff.aysel, { caseCode: code, form: plan })).toEqual({ ok: true, caseCode: code, version: 1 });
    expect(await status()).toBe('in_plan');
    // Saving the assessment again does not move the case back.
    expect(await saveAssessment(d.desk, d.staff.aysel, { caseCode: code, form: { ...assessment, summary: 'language first, then work' } })).toMatchObject({ ok: true, version: 2 });
    expect(await status()).toBe('in_plan');

    expect(await closeCase(d.desk, d.staff.aysel, { caseCode: code, reason: 'goals_achieved' })).toMatchObject({ ok: true });
    expect(await status()).toBe('closed');
    // A closed case's records are kept as they are.
    expect(await saveAssessment(d.desk, d.staff.aysel, { caseCode: code, form: assessment })).toEqual({ ok: false, reason: 'case_closed', status: 'closed' });
    expect(d.audit.map((e) => e.action).filter((a) => a !== 'view_forms')).toEqual(['claim_case', 'record_attendance', 'confirm_diagnosis', 'save_assessment', 'save_plan', 'save_assessment', 'close_case']);
    expect(d.audit.find((e) => e.action === 'confirm_diagnosis')).toMatchObject({ outcome: 'eligible', corrected: 'q2,q3' });
  });

  it('confirms the diagnosis only after the attendance is recorded as came, as the page orders it', async () => {
    await claimCase(d.desk, d.staff.aysel, { caseCode: code });
    const form = { q1: 'yes', q2: 'yes', q3: ['language'], q4: 'no', place: 'Bakı' };
    // Booked, the meeting not yet held: refused, for the holder and a supervisor alike; nothing written.
    expect(await confirmDiagnosis(d.desk, d.staff.aysel, { caseCode: code, form })).toEqual({ ok: false, reason: 'not_attended' });
    expect(await confirmDiagnosis(d.desk, d.staff.leyla, { caseCode: code, form })).toEqual({ ok: false, reason: 'not_attended' });
    expect(await d.redis.llen(d.keys.diagnoses(code))).toBe(1);
    expect(await d.redis.hget(d.keys.case(code), 'diagnosis_provisional')).toBe('true');
    // The person did not come: still refused.
    d.setNow(new Date('2026-11-25T06:10:00Z'));
    expect(await recordAttendance(d.desk, d.staff.aysel, { caseCode: code, status: 'no_show', meeting: start })).toMatchObject({ ok: true });
    expect(await confirmDiagnosis(d.desk, d.staff.aysel, { caseCode: code, form })).toEqual({ ok: false, reason: 'not_attended' });
    // No meeting at all: refused too.
    await d.seedCase('KP-MEET-0003');
    expect(await confirmDiagnosis(d.desk, d.staff.leyla, { caseCode: 'KP-MEET-0003', form })).toEqual({ ok: false, reason: 'not_attended' });
    expect(d.audit.filter((e) => e.action === 'confirm_diagnosis')).toEqual([]);
  });

  it('keeps every version of the assessment, sealed, and reads any of them with who saved it and when', async () => {
    await claimCase(d.desk, d.staff.aysel, { caseCode: code });
    await came();
    await confirmDiagnosis(d.desk, d.staff.aysel, { caseCode: code, form: { q1: 'yes', q2: 'yes', q3: 'language', q4: 'no', place: 'Bakı' } });
    await saveAssessment(d.desk, d.staff.aysel, { caseCode: code, form: assessment });
    d.setNow(new Date('2026-11-26T09:00:00Z'));
    await saveAssessment(d.desk, d.staff.leyla, { caseCode: code, form: { ...assessment, summary: 'corrected by the supervisor' } });
    // The same form sent again (a double click, twice at once, Save with nothing changed) is no new version.
    d.setNow(new Date('2026-11-26T09:00:05Z'));
    const again = { caseCode: code, form: { ...assessment, summary: 'corrected by the supervisor' } };
    expect(await Promise.all([saveAssessment(d.desk, d.staff.leyla, again), saveAssessment(d.desk, d.staff.leyla, again)])).toEqual([
      expect.objectContaining({ ok: true, version: 2 }),
      expect.objectContaining({ ok: true, version: 2 }),
    ]);
    expect(await savePlan(d.desk, d.staff.aysel, { caseCode: code, form: plan })).toMatchObject({ ok: true, version: 1 });
    expect(await savePlan(d.desk, d.staff.aysel, { caseCode: code, form: plan })).toMatchObject({ ok: true, version: 1 });
    expect(await d.redis.llen(d.keys.planVersions(code))).toBe(1);
    // Nothing of the person's is readable in Redis.
    const raw = (await d.redis.lrange(d.keys.assessmentVersions(code), 0, -1)).join('\n');
    expect(raw).not.toContain('Olena');
    expect(raw).not.toContain('anxious');

    const latest = await readCaseForms(d.desk, d.staff.aysel, { caseCode: code });
    expect(latest).toMatchObject({ ok: true, assessment: { version: 2, by: d.staff.leyla.staffId, byName: 'Leyla Əliyeva', data: { summary: 'corrected by the supervisor' } } });
    if (!latest.ok) throw new Error('unreachable');
    expect(latest.assessmentVersions).toEqual([
      { version: 1, at: new Date('2026-11-24T08:00:00Z'), by: d.staff.aysel.staffId, byName: 'Aysel Quliyeva' },
      { version: 2, at: new Date('2026-11-26T09:00:00Z'), by: d.staff.leyla.staffId, byName: 'Leyla Əliyeva' },
    ]);
    expect(latest.diagnosis).toMatchObject({ outcome: 'eligible', provisional: false, place: 'Bakı' });
    const first = await readCaseForms(d.desk, d.staff.aysel, { caseCode: code, assessmentVersion: 1 });
    expect(first).toMatchObject({ ok: true, assessment: { version: 1, data: { summary: 'needs language classes first', services: ['language', 'employment_education'], birthDate: '1990-04-02' } } });
    expect(await readCaseForms(d.desk, d.staff.aysel, { caseCode: code, assessmentVersion: 3 })).toEqual({ ok: false, reason: 'no_such_version' });
    expect(d.audit.at(-2)).toMatchObject({ action: 'view_forms', caseCode: code, assessment: '2' });
  });

  it('shows what is wrong with a form, field by field, and saves nothing', async () => {
    await claimCase(d.desk, d.staff.aysel, { caseCode: code });
    await came();
    expect(await confirmDiagnosis(d.desk, d.staff.aysel, { caseCode: code, form: { q1: 'yes', q2: 'maybe', q3: ['language'], place: '' } })).toMatchObject({
      ok: false,
      reason: 'invalid',
      issues: expect.arrayContaining([expect.objectContaining({ path: 'q2' }), expect.objectContaining({ path: 'q4' }), expect.objectContaining({ path: 'place' })]),
    });
    await confirmDiagnosis(d.desk, d.staff.aysel, { caseCode: code, form: { q1: 'yes', q2: 'yes', q3: ['language'], q4: 'no', place: 'Bakı' } });
    expect(await saveAssessment(d.desk, d.staff.aysel, { caseCode: code, form: { ...assessment, assessmentDate: '2026-02-30' } })).toMatchObject({ ok: false, reason: 'invalid', issues: [{ path: 'assessmentDate' }] });
    await saveAssessment(d.desk, d.staff.aysel, { caseCode: code, form: assessment });
    const notAgreed = { ...plan, goals: [{ text: 'A goal the person never heard of', term: 'long', agreedWithPerson: false }] };
    expect(await savePlan(d.desk, d.staff.aysel, { caseCode: code, form: notAgreed })).toMatchObject({ ok: false, reason: 'invalid', issues: [{ path: 'goals.0.agreedWithPerson' }] });
    // Every activity serves one of the plan's goals (spec §3.7 rule 4).
    const noSuchGoal = { ...plan, activities: [{ ...plan.activities[0], goal: 2 }] };
    expect(await savePlan(d.desk, d.staff.aysel, { caseCode: code, form: noSuchGoal })).toMatchObject({ ok: false, reason: 'invalid', issues: [{ path: 'activities.0.goal' }] });
    expect(await d.redis.llen(d.keys.planVersions(code))).toBe(0);
  });

  it('follows the guidelines’ order: Q4 answered yes makes the person not eligible; no assessment before eligibility, no plan before consent', async () => {
    await claimCase(d.desk, d.staff.aysel, { caseCode: code });
    expect(await saveAssessment(d.desk, d.staff.aysel, { caseCode: code, form: assessment })).toEqual({ ok: false, reason: 'not_confirmed_eligible' });
    await came();
    expect(await confirmDiagnosis(d.desk, d.staff.aysel, { caseCode: code, form: { q1: 'yes', q2: 'yes', q3: ['language'], q4: 'yes', place: 'Bakı' } })).toMatchObject({ ok: true, outcome: 'not_eligible', reasons: ['q4_yes'] });
    expect(await saveAssessment(d.desk, d.staff.aysel, { caseCode: code, form: assessment })).toEqual({ ok: false, reason: 'not_confirmed_eligible' });
    await confirmDiagnosis(d.desk, d.staff.aysel, { caseCode: code, form: { q1: 'yes', q2: 'yes', q3: ['language'], q4: 'no', place: 'Bakı' } });
    expect(await savePlan(d.desk, d.staff.aysel, { caseCode: code, form: plan })).toEqual({ ok: false, reason: 'not_assessed' });
    await saveAssessment(d.desk, d.staff.aysel, { caseCode: code, form: assessment });
    await d.redis.hset(d.keys.case(code), 'consent', 'declined');
    expect(await savePlan(d.desk, d.staff.aysel, { caseCode: code, form: plan })).toEqual({ ok: false, reason: 'no_consent' });
  });

  it('lets the holder or a supervisor work on the forms; not another worker, nor one of another office', async () => {
    await d.seedCase('KP-MEET-0002', { office: ganja, start });
    await claimCase(d.desk, d.staff.rauf, { caseCode: 'KP-MEET-0002' });
    await came('KP-MEET-0002');
    const form = { q1: 'yes', q2: 'yes', q3: ['language'], q4: 'no', place: 'Gəncə' };
    expect(await confirmDiagnosis(d.desk, d.staff.aysel, { caseCode: 'KP-MEET-0002', form })).toEqual({ ok: false, reason: 'other_office' });
    expect(await readCaseForms(d.desk, d.staff.aysel, { caseCode: 'KP-MEET-0002' })).toEqual({ ok: false, reason: 'other_office' });
    await claimCase(d.desk, d.staff.nigar, { caseCode: code });
    expect(await confirmDiagnosis(d.desk, d.staff.aysel, { caseCode: code, form })).toEqual({ ok: false, reason: 'not_holder' });
    expect(await confirmDiagnosis(d.desk, d.staff.leyla, { caseCode: 'KP-MEET-0002', form })).toMatchObject({ ok: true, counsellor: 'Leyla Əliyeva' });
    expect(await confirmDiagnosis(d.desk, d.staff.stranger, { caseCode: code, form })).toEqual({ ok: false, reason: 'not_staff' });
    expect(await confirmDiagnosis(d.desk, d.staff.leyla, { caseCode: 'KP-NONE-0000', form })).toEqual({ ok: false, reason: 'not_found' });
  });

  it('moves the case in the list’s indexes after each form that changes its status', async () => {
    const reindexed: string[] = [];
    d.desk.index = { reindex: async (c: string) => void reindexed.push(c) } as unknown as DeskDeps['index'];
    await claimCase(d.desk, d.staff.aysel, { caseCode: code });
    await came();
    await confirmDiagnosis(d.desk, d.staff.aysel, { caseCode: code, form: { q1: 'yes', q2: 'yes', q3: ['language'], q4: 'no', place: 'Bakı' } });
    await saveAssessment(d.desk, d.staff.aysel, { caseCode: code, form: assessment });
    await savePlan(d.desk, d.staff.aysel, { caseCode: code, form: plan });
    expect(reindexed).toEqual([code, code]);
    expect(await d.redis.hmget(d.keys.case(code), 'assessment_at', 'plan_at')).toEqual(['2026-11-24T08:00:00.000Z', '2026-11-24T08:00:00.000Z']);
  });
});
