import type { User } from 'grammy/types';
import { ClaimStore } from '../../src/caseworkers/claims';
import { OfficesFileSchema } from '../../src/config/offices';
import { slotIdAt } from '../../src/scheduling/slot-id';
import { sealContact } from '../../src/storage/case-contact';
import { testOffice } from '../helpers/office';
import { trackHandled, WebClient, signInAs } from '../helpers/workspace';
import { addStaff, useTestKorpu } from '../helpers/use-korpu';

/**
 * The first meeting's forms, incident reports and closing, through HTTP against the whole of
 * Körpü (createKorpu, the fake Bot API for the sign-in links): each form saves, shows what is
 * wrong beside its fields (400), refuses a worker of another office (403) and a change without
 * the CSRF token (403), and every page is `no-store`.
 */

jest.setTimeout(60_000);

const NOW = new Date('2026-11-25T07:00:00Z');
const MEETING = new Date('2026-11-25T06:00:00Z');
const CODE = 'KP-WEBF-0001';
const baku = testOffice();
const ganja = testOffice({ id: 'ganja', name: { az: 'Gəncə ofisi', ru: 'Гянджинский офис', en: 'Ganja office' } });

describe('workspace forms over HTTP', () => {
  const e2e = useTestKorpu({ offices: OfficesFileSchema.parse({ offices: [baku, ganja] }), clock: { now: () => NOW } });
  let base: string;
  let handled: (id: number) => Promise<void>;
  let aysel: User;
  let rauf: User;
  let web: WebClient;
  let other: WebClient;
  /** A text as the page shows it (HTML-escaped, as the templates write every text). */
  const t = (key: string, params?: Record<string, unknown>) => html(e2e.core.translator.t('en', key, params));
  const html = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

  const signIn = (user: User) => signInAs(e2e.api, handled, base, user);


  beforeAll(async () => {
    handled = trackHandled(e2e.bot);
    base = (await e2e.korpu.start()).url;
    let ayselStaffId: string;
    ({ user: aysel, staffId: ayselStaffId } = await addStaff(e2e, { name: 'Aysel Quliyeva', firstName: 'Aysel', lang: 'en', langs: ['en'], addedAt: NOW }));
    ({ user: rauf } = await addStaff(e2e, { name: 'Rauf Məmmədov', firstName: 'Rauf', lang: 'en', langs: ['en'], office: 'ganja', addedAt: NOW }));
    // A case as the bot leaves it: intake done, consent B, the bot's provisional diagnosis, a meeting an hour ago, claimed by Aysel.
    const { keys, cipher, bookings } = e2e.core;
    await e2e.redis.hset(keys.case(CODE), { code: CODE, lang: 'ru', status: 'intake_completed', created_at: '2026-11-20T09:00:00.000Z', consent: 'B', diagnosis: 'likely_eligible', diagnosis_provisional: 'true', contact: sealContact(cipher, CODE, { channel: 'telegram', chatId: '555' }) });
    await e2e.redis.rpush(keys.diagnoses(CODE), JSON.stringify({ at: '2026-11-20T10:00:00.000Z', by: 'self_service', answers: { q1: 'yes', q2: 'yes', q3: ['language'], q4: 'pending' }, outcome: 'likely_eligible', reasons: [], provisional: true }));
    await bookings.book(baku, { id: slotIdAt(baku, MEETING), office: 'baku', start: MEETING, end: new Date(MEETING.getTime() + 3_600_000) }, CODE, 'ru', new Date('2026-11-20T10:00:00Z'));
    await new ClaimStore(e2e.redis, keys).claim(CODE, ayselStaffId, NOW);
    web = await signIn(aysel);
    other = await signIn(rauf);
  });

  const meeting = `/desk/cases/${CODE}/meeting`;

  it('shows the first meeting page, not kept by any cache, in the guidelines’ order', async () => {
    const page = await web.get(meeting);
    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).toContain('no-store');
    expect(page.text).toContain(t('casework:diagnosis.q4_hint'));
    expect(page.text).toContain(t('casework:status.claimed'));
    expect(page.text).toContain(t('casework:diagnosis.provisional'));
  });

  it('opens a part’s address with GET (the language switch on a form sent back with a problem) as the meeting page at that part', async () => {
    const r = await web.get(`/desk/cases/${CODE}/meeting/assessment`);
    expect(r).toMatchObject({ status: 303, location: `/desk/cases/${CODE}/meeting#assessment` });
    expect((await web.get(`/desk/cases/${CODE}/meeting/nothing`)).status).toBe(404);
  });

  it('a first Annex 1 starts from what the intake has: name, date of birth, who referred them, the services', async () => {
    const { keys, cipher } = e2e.core;
    const seal = (field: string, value: string) => cipher.encrypt(value, `${CODE}:${field}`);
    await e2e.redis.hset(keys.case(CODE), { 'f:first_name': seal('first_name', 'Olena'), 'f:last_name': seal('last_name', 'Kovalenko'), 'f:birth_date': seal('birth_date', '1990-03-25'), 'f:referral_source': 'friend_family', 'f:referral_detail': seal('referral_detail', 'a neighbour') });
    const page = (await web.get(meeting)).text;
    expect(page).toMatch(/name="beneficiaryName"[^>]*value="Olena Kovalenko"|value="Olena Kovalenko"[^>]*name="beneficiaryName"/);
    expect(page).toMatch(/name="birthDate"[^>]*value="1990-03-25"|value="1990-03-25"[^>]*name="birthDate"/);
    expect(page).toContain(`value="${t('interview:referral.friend_family')}: a neighbour"`);
    // The diagnosis named the language course: service 13 is ticked, and no other.
    expect(page.match(/<input[^>]*name="services"[^>]*>/g)!.filter((i) => i.includes(' checked')).map((i) => /value="([^"]+)"/.exec(i)![1])).toEqual(['language']);
  });

  it('records attendance, then Annex 2 with Q4, then Annex 1, then a plan; the status follows', async () => {
    await web.get(meeting);
    // Annex 2 before the attendance: refused, the page says what comes first, nothing saved.
    let r = await web.post(`${meeting}/diagnosis`, { q1: 'yes', q2: 'yes', q3: 'language', q4: 'no', place: 'Baku office' });
    expect(r.status).toBe(400);
    expect(r.text).toContain(t('casework:problem.not_attended'));
    expect(await e2e.redis.llen(e2e.core.keys.diagnoses(CODE))).toBe(1);
    expect(await e2e.redis.hget(e2e.core.keys.case(CODE), 'diagnosis_provisional')).toBe('true');
    r = await web.post(`${meeting}/attendance`, { status: 'attended', meeting: MEETING.toISOString() });
    expect(r).toMatchObject({ status: 303, location: `${meeting}?done=attendance#attendance` });
    expect((await web.get(meeting)).text).toContain(`data-status="met"`);

    // Q4 left unanswered: the page comes back with the problem beside it, nothing saved.
    r = await web.post(`${meeting}/diagnosis`, { q1: 'yes', q2: 'yes', q3: 'language', place: 'Baku office' });
    expect(r.status).toBe(400);
    expect(r.text).toContain(t('casework:form.fix'));
    expect(await e2e.redis.llen(e2e.core.keys.diagnoses(CODE))).toBe(1);
    r = await web.post(`${meeting}/diagnosis`, { q1: 'yes', q2: 'yes', q3: 'language', q4: 'no', place: 'Baku office' });
    expect(r.status).toBe(303);
    const afterDiagnosis = (await web.get(r.location!)).text;
    expect(afterDiagnosis).toContain(t('casework:saved.diagnosis'));
    expect(afterDiagnosis).toContain(t('casework:diagnosis.final'));
    expect(afterDiagnosis).toContain('Aysel Quliyeva');
    // Signed with the day as the page writes dates elsewhere (25/11/2026 in English), not the record's 2026-11-25.
    expect(afterDiagnosis).toContain(t('casework:diagnosis.signed', { counsellor: 'Aysel Quliyeva', place: 'Baku office', date: '25/11/2026', time: '11:00' }));

    // A plan before Annex 1: the page says Annex 1 comes first, and each problem in words beside its field.
    r = await web.post(`${meeting}/plan`, { need_text_0: '', goal_text_0: '', goal_term_0: 'short', activity_goal_0: '1', activity_text_0: 'Enrol in the course', activity_owner_0: '', activity_due_0: '', activity_status_0: 'planned' });
    expect(r.status).toBe(400);
    expect(r.text).toContain(t('casework:problem.not_assessed'));
    expect(r.text).toContain(`<p class="alert field-issue" id="e-plan-needs">${t('casework:form.issue.none_needs')}</p>`);
    expect(r.text).toContain(`<p class="alert field-issue" id="e-plan-goals">${t('casework:form.issue.none_goals')}</p>`);
    expect(r.text).toMatch(/name="activity_owner_0" aria-invalid="true" aria-describedby="e-plan-activities-0-owner"[^>]*>/);
    expect(r.text).toContain(`<p class="alert field-issue" id="e-plan-activities-0-owner">${t('casework:form.issue.required')}</p>`);
    expect(r.text).toContain(`<p class="alert field-issue" id="e-plan-activities-0-due">${t('casework:form.issue.not_a_date')}</p>`);
    // zod's English and the fields' paths never reach the page.
    expect(r.text).not.toMatch(/Too small|expected string|activities\.0\.owner:|goals:/);

    r = await web.post(`${meeting}/assessment`, { assessmentDate: '2026-13-01', beneficiaryName: 'Olena' });
    expect(r.status).toBe(400);
    expect(r.text).toContain(`<p class="alert field-issue" id="e-assessment-assessmentDate">${t('casework:form.issue.no_such_date')}</p>`);
    expect(r.text).not.toContain('must be a date');
    // Dates that cannot be: each said beside its field, nothing saved.
    const dateIssue = (page: string, field: string, problem: string) => expect(page).toContain(`<p class="alert field-issue" id="e-assessment-${field}">${t(`casework:form.issue.${problem}`)}</p>`);
    r = await web.post(`${meeting}/assessment`, { assessmentDate: '2030-01-01', birthDate: '2031-05-05', beneficiaryName: 'Olena' });
    expect(r.status).toBe(400);
    dateIssue(r.text, 'birthDate', 'future_date');
    dateIssue(r.text, 'assessmentDate', 'future_date');
    r = await web.post(`${meeting}/assessment`, { assessmentDate: '2026-11-24', birthDate: '2026-11-25', beneficiaryName: 'Olena' });
    expect(r.status).toBe(400);
    dateIssue(r.text, 'birthDate', 'after_assessment');
    r = await web.post(`${meeting}/assessment`, { assessmentDate: '2020-01-01', beneficiaryName: 'Olena' });
    expect(r.status).toBe(400);
    dateIssue(r.text, 'assessmentDate', 'before_case');
    expect(await e2e.redis.hget(e2e.core.keys.case(CODE), 'assessment_at')).toBeNull();
    r = await web.post(`${meeting}/assessment`, { assessmentDate: '2026-11-25', birthDate: '1990-03-25', beneficiaryName: 'Olena Kovalenko', urgentNeed: 'housing', summary: 'language first' });
    expect(r.status).toBe(303);
    const afterAssessment = (await web.get(meeting)).text;
    expect(afterAssessment).toContain('Olena Kovalenko');
    expect(afterAssessment).toContain(`data-status="assessed"`);

    r = await web.post(`${meeting}/plan`, { need_text_0: 'Azerbaijani lessons', need_area_0: 'language', goal_text_0: 'Speak Azerbaijani at work', goal_term_0: 'short', activity_goal_0: '1', activity_text_0: 'Enrol in the course', activity_owner_0: 'Olena', activity_due_0: '2026-12-15', activity_status_0: 'planned' });
    expect(r.status).toBe(400);
    expect(r.text).not.toContain(t('casework:problem.not_assessed'));
    expect(r.text).toContain(`<p class="alert field-issue" id="e-plan-goals-0-agreedWithPerson">${t('casework:form.issue.not_agreed')}</p>`);
    expect(r.text).not.toContain('goals.0.agreedWithPerson:');
    expect(r.text).not.toContain('must be agreed');
    // Due, and reviewed, years before the case was opened: a slip, said beside each field.
    r = await web.post(`${meeting}/plan`, { need_text_0: 'Azerbaijani lessons', need_area_0: 'language', goal_text_0: 'Speak Azerbaijani at work', goal_term_0: 'short', goal_agreed_0: 'on', activity_goal_0: '1', activity_text_0: 'Enrol in the course', activity_owner_0: 'Olena', activity_due_0: '2020-01-01', activity_status_0: 'planned', review_on_0: '2019-01-01', review_progress_0: 'Started' });
    expect(r.status).toBe(400);
    expect(r.text).toContain(`<p class="alert field-issue" id="e-plan-activities-0-due">${t('casework:form.issue.before_case')}</p>`);
    expect(r.text).toContain(`<p class="alert field-issue" id="e-plan-reviews-0-on">${t('casework:form.issue.before_case')}</p>`);
    expect(await e2e.redis.hget(e2e.core.keys.case(CODE), 'plan_at')).toBeNull();
    r = await web.post(`${meeting}/plan`, { need_text_0: 'Azerbaijani lessons', need_area_0: 'language', goal_text_0: 'Speak Azerbaijani at work', goal_term_0: 'short', goal_agreed_0: 'on', activity_goal_0: '1', activity_text_0: 'Enrol in the course', activity_owner_0: 'Olena', activity_due_0: '2026-12-15', activity_status_0: 'planned' });
    expect(r.status).toBe(303);
    const afterPlan = (await web.get(meeting)).text;
    expect(afterPlan).toContain(`data-status="in_plan"`);
    expect(afterPlan).toContain('Speak Azerbaijani at work');
    expect(afterPlan).toContain(t('casework:version.line', { version: 1, name: 'Aysel Quliyeva', when: '25/11/2026, 11:00' }));
  });

  it('for a phone intake: Annex 2 defaults to the meeting\'s office, not "Phone"; the place is said in words; a Q4 concern raised on the phone is shown', async () => {
    const { keys, cipher, bookings } = e2e.core;
    const ayselId = (await e2e.korpu.roster.get(aysel.id))!.staffId;
    const phoneCase = async (code: string, q4: 'no' | 'pending') => {
      await e2e.redis.hset(keys.case(code), { code, lang: 'ru', channel: 'phone', by: 'phone', status: 'intake_completed', consent: 'B', diagnosis: q4 === 'no' ? 'eligible' : 'likely_eligible', diagnosis_provisional: String(q4 !== 'no'), contact: sealContact(cipher, code, { channel: 'phone', chatId: `${aysel.id}:1` }), ...(q4 === 'pending' ? { 'f:q4_concern': 'yes', handoff: 'q4_concern' } : {}) });
      await e2e.redis.rpush(keys.diagnoses(code), JSON.stringify({ at: '2026-11-20T10:00:00.000Z', date: '2026-11-20', time: '14:00', place: 'Phone', counsellor: 'Aysel Quliyeva', by: 'phone', answers: { adult: 'adult', q1: 'yes', q2: 'yes', q3: ['language'], q4 }, outcome: q4 === 'no' ? 'eligible' : 'likely_eligible', reasons: [], provisional: q4 !== 'no' }));
      await bookings.book(baku, { id: slotIdAt(baku, MEETING), office: 'baku', start: MEETING, end: new Date(MEETING.getTime() + 3_600_000) }, code, 'ru', new Date('2026-11-20T10:00:00Z'));
      await new ClaimStore(e2e.redis, keys).claim(code, ayselId, NOW);
    };
    await phoneCase('KP-WEBF-0002', 'no');
    await phoneCase('KP-WEBF-0003', 'pending');

    const final = (await web.get('/desk/cases/KP-WEBF-0002/meeting')).text;
    expect(final).toMatch(/name="place"[^>]*value="Baku office"/);
    expect(final).not.toMatch(/name="place"[^>]*value="Phone"/);
    expect(final).toContain(t('casework:diagnosis.signed', { counsellor: 'Aysel Quliyeva', place: e2e.core.translator.t('en', 'web:place.phone'), date: '20/11/2026', time: '14:00' }));
    const finalFile = (await web.get('/desk/cases/KP-WEBF-0002')).text;
    expect(finalFile).toContain(` · ${t('web:place.phone')} · Aysel Quliyeva`);
    expect(finalFile).not.toContain(' · Phone · ');

    const concern = (await web.get('/desk/cases/KP-WEBF-0003/meeting')).text;
    expect(concern).toContain(t('casework:diagnosis.provisional_phone'));
    expect(concern).not.toContain(t('casework:diagnosis.provisional'));
    expect(concern).toContain(t('casework:diagnosis.q4_concern', { counsellor: 'Aysel Quliyeva', when: '20/11/2026, 14:00' }));
    const concernFile = (await web.get('/desk/cases/KP-WEBF-0003')).text;
    expect(concernFile).toContain(t('web:case.q4_concern', { counsellor: 'Aysel Quliyeva', date: '20/11/2026, 14:00' }));
  });

  it('refuses a worker of another office (403) and a change without the CSRF token (403)', async () => {
    const page = await other.get(meeting);
    expect(page.status).toBe(403);
    expect(page.text).toContain(t('web:forbidden.reason.other_office'));
    await other.get('/desk/incidents');
    expect((await other.post(`${meeting}/diagnosis`, { q1: 'yes', q2: 'yes', q4: 'no', place: 'x' })).status).toBe(403);
    expect((await other.post(`/desk/cases/${CODE}/close`, { reason: 'goals_achieved' })).status).toBe(403);
    // The incident form itself is refused up front, before anything is typed into it.
    const form = await other.get(`/desk/cases/${CODE}/incidents/new`);
    expect(form.status).toBe(403);
    expect(form.text).toContain(t('web:forbidden.reason.other_office'));
    expect(form.text).not.toContain('name="whatHappened"');
    expect((await other.post(`/desk/cases/${CODE}/incidents/new`, { urgent: 'on' })).status).toBe(403);
    await web.get(meeting);
    expect((await web.post(`${meeting}/assessment`, { _csrf: null, assessmentDate: '2026-11-25' })).status).toBe(403);
    expect((await web.post(`${meeting}/assessment`, { _csrf: 'forged', assessmentDate: '2026-11-25' })).status).toBe(403);
  });

  it('starts an urgent incident report, keeps it on top until taken on, and completes it', async () => {
    await web.get(`/desk/cases/${CODE}/incidents/new`);
    let r = await web.post(`/desk/cases/${CODE}/incidents/new`, { urgent: 'on', types: 'partner_violence', whatHappened: 'bruises on her arms' });
    expect(r.status).toBe(303);
    const reportPath = r.location!.replace(/\?.*$/, '');
    expect(reportPath).toMatch(/^\/desk\/incidents\/w-/);
    let list = await web.get('/desk/incidents');
    expect(list.text).toContain(t('casework:incidents.acknowledge'));
    // Reported at, as every page writes dates (25/11/2026, 11:00 in English), not 2026-11-25 11:00.
    expect(list.text).toContain('<td>25/11/2026, 11:00</td>');
    expect(list.text).not.toContain('2026-11-25 11:00');
    expect(list.text).toContain(CODE);
    // Not Rauf's office: not on his list, and the report itself is refused.
    expect((await other.get('/desk/incidents')).text).not.toContain(CODE);
    expect((await other.get(reportPath)).status).toBe(403);
    // The case list's urgent block shows the case until the report is taken on.
    const urgentBlock = (page: string) => page.match(/<section class="card urgent-block"[\s\S]*?<\/section>/)?.[0] ?? '';
    expect(urgentBlock((await web.get('/desk/cases')).text)).toContain(`href="/desk/cases/${CODE}"`);

    r = await web.post(`${reportPath}/acknowledge`);
    expect(r).toMatchObject({ status: 303, location: '/desk/incidents?done=acknowledged' });
    list = await web.get('/desk/incidents');
    expect(list.text).toContain(t('casework:incidents.none_urgent'));
    expect(urgentBlock((await web.get('/desk/cases')).text)).not.toContain(CODE);

    await web.get(reportPath);
    r = await web.post(reportPath, { complete: '1', howHandled: 'talked with her, safety plan' });
    expect(r.status).toBe(400);
    expect(r.text).toContain(t('casework:incidents.missing'));
    expect(r.text).toContain(t('casework:incidents.field.referredTo'));
    r = await web.post(reportPath, { complete: '1', occurredOn: '2026-11-24', types: 'partner_violence', adviceGiven: 'yes', advice: 'hotline 152', referredTo: 'women’s shelter', nextCallMade: 'no' });
    expect(r.status).toBe(303);
    const done = await web.get(reportPath);
    expect(done.text).toContain(t('casework:incidents.locked'));
    expect(done.text).toContain('women’s shelter');
  });

  it('closes a case that never started with a reason that says so: here the phone diagnosis found the person not eligible', async () => {
    const { keys, cipher } = e2e.core;
    const code = 'KP-WEBF-0004';
    await e2e.redis.hset(keys.case(code), { code, lang: 'ru', channel: 'phone', by: 'phone', status: 'intake_completed', created_at: '2026-11-20T09:00:00.000Z', diagnosis: 'not_eligible', diagnosis_provisional: 'false', contact: sealContact(cipher, code, { channel: 'phone', chatId: `${aysel.id}:4` }) });
    await e2e.redis.rpush(keys.diagnoses(code), JSON.stringify({ at: '2026-11-20T10:00:00.000Z', place: 'Phone', counsellor: 'Aysel Quliyeva', by: 'phone', answers: { q1: 'no', q2: 'no', q3: [], q4: 'no' }, outcome: 'not_eligible', reasons: ['q1_no', 'q2_no', 'q3_none'], provisional: false }));
    await new ClaimStore(e2e.redis, keys).claim(code, (await e2e.korpu.roster.get(aysel.id))!.staffId, NOW);
    const close = `/desk/cases/${code}/close`;
    const page = (await web.get(close)).text;
    expect(page).toContain(t('casework:close.intake_label'));
    for (const reason of ['not_eligible', 'no_consent', 'unreachable', 'duplicate']) expect(page).toContain(t(`casework:close.intake.${reason}`));
    const r = await web.post(close, { reason: 'not_eligible' });
    expect(r).toMatchObject({ status: 303, location: close });
    expect(await e2e.redis.hmget(keys.case(code), 'status', 'close_reason')).toEqual(['closed', 'not_eligible']);
    expect((await web.get(`/desk/cases/${code}`)).text).toContain(`<dd>${t('casework:close.intake.not_eligible')}</dd>`);
  });

  it('closes the case with one of the five reasons; withdrawal needs the reason in writing', async () => {
    const close = `/desk/cases/${CODE}/close`;
    const page = await web.get(close);
    expect(page.status).toBe(200);
    for (const reason of ['withdrew', 'goals_achieved', 'no_longer_eligible', 'other_body', 'rules_not_followed']) expect(page.text).toContain(t(`casework:close.reason.${reason}`));
    // Annex 1 is saved: support began, so no reason for a case that never started is offered.
    expect(page.text).not.toContain(t('casework:close.intake_label'));
    let r = await web.post(close, { reason: 'withdrew' });
    expect(r.status).toBe(400);
    expect(r.text).toContain(t('casework:problem.written_reason_needed'));
    r = await web.post(close, { reason: 'goals_achieved' });
    expect(r).toMatchObject({ status: 303, location: close });
    expect((await web.get(close)).text).toContain(t('casework:close.done', { reason: e2e.core.translator.t('en', 'casework:close.reason.goals_achieved') }));
    expect((await web.get(meeting)).text).toContain(`data-status="closed"`);
    // The case file says why, in words (not the stored wire value).
    const file = (await web.get(`/desk/cases/${CODE}`)).text;
    expect(file).toContain(`<dd>${t('casework:close.reason.goals_achieved')}</dd>`);
    expect(file).not.toContain('<dd>goals_achieved</dd>');
  });
});
