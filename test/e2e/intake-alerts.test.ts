import type { Message, Update, User } from 'grammy/types';
import type { Redis } from 'ioredis';
import { DateTime } from 'luxon';
import type { KorpuCore } from '../../src/app';
import { EscalationScheduler, escalationJobId, type EscalationPolicy } from '../../src/caseworkers/escalation';
import { RosterStore, type NewCaseWorker } from '../../src/caseworkers/roster';
import type { KorpuBot } from '../../src/channels/telegram';
import type { Lang } from '../../src/core/lang';
import { meetingDetails } from '../../src/intake/booking-desk';
import { redisKeys } from '../../src/storage/keys';
import { RedisAuditTrail } from '../../src/storage/redis-audit-trail';
import { FakeBotApi, type ApiCall } from '../helpers/fake-bot-api';
import { answerWholeIntake, nodeLookupOf } from '../helpers/intake';
import { startTestKorpu, type TestKorpu } from '../helpers/korpu';
import { dropPrefix, testRedis, testRedisWith } from '../helpers/redis';
import { languageNameIn } from '../../src/i18n/language-names';

/**
 * The case workers' alerts through the whole bot, against the fake Bot API: people go through
 * the intake, alerts arrive in the case workers' group through the outbox worker, and workers
 * tap Claim, Open, Came and Did not come; an intake nobody claims reaches the supervisors.
 * Two Körpü processes, each built by createKorpu as main.ts builds it, share Redis, so that
 * simultaneous claims really race. Texts are compared with the translator's. Körpü's clock is
 * movable (attendance before/after the meeting); the escalation delay is short for the one
 * intake that should be escalated.
 */

jest.setTimeout(60_000);

const CASEWORKERS = -1_001_777_000_111;
type CaseWorker = NewCaseWorker;
const worker = (telegramId: number, name: string, role: CaseWorker['role'], langs: Lang[]): CaseWorker => ({ telegramId, name, langs, office: 'baku', role, addedAt: new Date(0), addedBy: 1 });
const AYSEL = worker(610_100_001, 'Aysel Quliyeva', 'caseworker', ['en']);
const RAUF = worker(610_100_002, 'Rauf Həsənov', 'caseworker', ['ru', 'az']);
const LEYLA = worker(610_100_003, 'Leyla Əliyeva', 'supervisor', ['az']);

describe('case-worker alerts end to end', () => {
  let api: FakeBotApi;
  let redis: Redis;
  let bull: Redis;
  let prefix: string;
  /** Two Körpü processes on one Redis: taps can race across them, and either performs effects. */
  let korpus: TestKorpu[];
  let core: KorpuCore;
  let bots: [KorpuBot, KorpuBot];
  /** The escalation queue, looked at from the test. */
  let escalations: EscalationScheduler;
  /** How far Körpü's clock is ahead of real time (the staff marking attendance after the meeting). */
  let shift = 0;
  const clock = { now: () => new Date(Date.now() + shift) };
  /** How long after its alert an intake is escalated (long, except in the escalation test). */
  let escalateAfterMs = 10 * 60_000;
  const escalationPolicy: EscalationPolicy = { dueAt: (at) => new Date(at.getTime() + escalateAfterMs) };
  /** The staff ids the roster gave the workers. */
  const staffIds = new Map<number, string>();
  const staffIdOf = (w: CaseWorker) => staffIds.get(w.telegramId)!;
  const tr = (lang: Lang, key: string, params?: Record<string, unknown>) => core.translator.t(lang, key, params);

  beforeAll(async () => {
    api = await FakeBotApi.start();
    redis = testRedis();
    // Körpü as main.ts builds it (createKorpu), twice on one prefix and data key: two processes.
    // Ten tests' intakes alert the group more than Telegram's 20 a minute: its limit lifted, so
    // that the last tests' alerts are not held back a minute by the first ones'.
    const options = { api, env: { CASEWORKER_CHAT_ID: String(CASEWORKERS) }, clock, escalationPolicy, telegramLimits: { groupMax: 1000 } };
    const first = await startTestKorpu(options);
    korpus = [first, await startTestKorpu({ ...options, prefix: first.prefix, dataKey: first.dataKey })];
    ({ core, prefix } = first);
    bots = [first.bot!, korpus[1]!.bot!];
    bull = testRedisWith({ maxRetriesPerRequest: null });
    escalations = EscalationScheduler.create(bull, prefix, escalationPolicy);
    for (const w of [AYSEL, RAUF, LEYLA]) staffIds.set(w.telegramId, (await first.roster.save(w)).worker.staffId);
  });

  afterAll(async () => {
    for (const k of korpus) await k.stop();
    await escalations.close();
    await dropPrefix(redis, prefix);
    redis.disconnect();
    bull.disconnect();
    await api.close();
  });

  // ---- people -------------------------------------------------------------------------

  const first = () => korpus[0]!;

  /** Taps the newest button in `chat` whose data matches. */
  function buttonIn(chat: number, match: (data: string) => boolean): [Message, string] {
    for (const m of [...api.sentMessages(chat)].reverse()) {
      for (const b of m.reply_markup?.inline_keyboard.flat() ?? []) if ('callback_data' in b && b.callback_data && match(b.callback_data)) return [m, b.callback_data];
    }
    throw new Error(`no matching button in chat ${chat}`);
  }

  async function intake(person: User, o: { consent: 'A' | 'B' | 'C'; question?: string }): Promise<string> {
    await answerWholeIntake(api, nodeLookupOf(core.flows), (u) => bots[0].handleUpdate(u), person, { ...o, needs: ['health_social', 'language'] });
    return (await core.runner.peek(core.runner.conversationId('telegram', String(person.id))))!.caseCode!;
  }

  // ---- case workers -------------------------------------------------------------------

  const alertsOf = (code: string) => (c: ApiCall) => c.method === 'sendMessage' && c.params.chat_id === CASEWORKERS && String(c.params.text).includes(code);
  /** The group's alert of a kind for a case, as it looks now. */
  function alert(code: string, kind: string): Message {
    const title = tr('az', `caseworker:alert.title.${kind}`, { code });
    const m = api.sentMessages(CASEWORKERS).find((x) => x.text?.split('\n')[0] === title);
    if (!m) throw new Error(`no ${kind} alert for ${code}`);
    return m;
  }
  const dataOf = (m: Message, prefix: string) => (m.reply_markup?.inline_keyboard.flat() ?? []).map((b) => ('callback_data' in b ? b.callback_data! : '')).find((d) => d.startsWith(prefix));
  const staffUser = (w: CaseWorker) => api.updates.user({ id: w.telegramId, first_name: w.name.split(' ')[0]!, language_code: w.langs[0] });

  /** A worker taps a button of a message; returns the answer to the tap (toast). */
  async function staffTap(who: User, m: Message, data: string, bot: KorpuBot = bots[0]): Promise<{ text?: string; update: Update }> {
    const update = api.updates.callback(who, m, data);
    await bot.handleUpdate(update);
    return { text: answerTo(update), update };
  }
  const answerTo = (u: Update) => {
    const a = api.calls.find((c) => c.method === 'answerCallbackQuery' && c.params.callback_query_id === u.callback_query!.id);
    return a?.params.text as string | undefined;
  };
  /** Resolves once the group's message `m` was edited since `mark` (a tapped alert is redrawn through the outbox). */
  const redrawn = (m: Message, mark: number) => api.waitForCalls((c) => c.method === 'editMessageText' && c.params.chat_id === CASEWORKERS && Number(c.params.message_id) === m.message_id && !c.failedWith, 1, 10_000, mark);
  const privateTo = (id: number, since: number) => api.callsSince(since).filter((c) => c.method === 'sendMessage' && String(c.params.chat_id) === String(id));

  // ---- the tests ----------------------------------------------------------------------

  let code: string;
  let nigar: User;

  it('posts exactly one alert per effect kind of an intake: diagnosis, booking, completed intake; a name only under consent C, never the phone', async () => {
    nigar = api.updates.user({ first_name: 'Nigar', language_code: 'en' });
    code = await intake(nigar, { consent: 'C', question: 'Can my husband come to the meeting?' });
    const calls = await api.waitForCalls(alertsOf(code), 3, 15_000);
    await first().settled();
    await new Promise((r) => setTimeout(r, 200)); // anything extra would have arrived by now
    expect(api.calls.filter(alertsOf(code))).toHaveLength(3);
    const texts = calls.map((c) => String(c.params.text));
    for (const kind of ['diagnosis', 'booking', 'intake']) expect(texts.filter((t) => t.split('\n')[0] === tr('az', `caseworker:alert.title.${kind}`, { code }))).toHaveLength(1);

    const intakeAlert = alert(code, 'intake').text!;
    for (const line of [
      tr('az', 'caseworker:alert.language', { language: languageNameIn('az', 'en') }),
      tr('az', 'caseworker:alert.eligibility', { result: tr('az', 'caseworker:alert.result.likely_eligible') }),
      tr('az', 'caseworker:alert.areas', { areas: `${tr('az', 'diagnosis:q3.health_social')}; ${tr('az', 'diagnosis:q3.language')}` }),
      tr('az', 'caseworker:alert.vulnerability_none'),
      tr('az', 'caseworker:alert.name', { name: 'Nigar Məmmədova' }),
    ]) expect(intakeAlert).toContain(line);
    const booking = (await core.bookings.get(code))!;
    expect(alert(code, 'booking').text).toContain(tr('az', 'caseworker:alert.meeting', meetingLine(booking)));
    for (const text of texts) for (const secret of ['994501234567', '50 123 45 67', 'Nizami', 'husband']) expect(text).not.toContain(secret);
    // Buttons: Claim and Open; the booking alert also Came / Did not come. All within 64 bytes (the fake API checks).
    expect(dataOf(alert(code, 'intake'), 'w:claim:')).toBe(`w:claim:i:${code}`);
    expect(dataOf(alert(code, 'intake'), 'w:open:')).toBe(`w:open:i:${code}`);
    expect(dataOf(alert(code, 'booking'), 'w:came:')).toMatch(new RegExp(`^w:came:b:${code}:[0-9a-z]+$`));
    expect(dataOf(alert(code, 'booking'), 'w:noshow:')).toBeDefined();
    // The completed intake's escalation waits (10 minutes in this test) unless someone claims it.
    expect(await (await escalations.queue.getJob(escalationJobId(code)))?.isDelayed()).toBe(true);
  });

  it('shows no name in the group under consent A or B', async () => {
    for (const consent of ['A', 'B'] as const) {
      const person = api.updates.user({ first_name: 'Nigar', language_code: 'en' });
      const c = await intake(person, { consent });
      const calls = await api.waitForCalls(alertsOf(c), 3, 15_000);
      for (const call of calls) for (const secret of ['Nigar', 'Məmmədova', '994501234567']) expect(String(call.params.text)).not.toContain(secret);
    }
  });

  it('gives a case to one worker when two claim it at the same moment in two bot processes', async () => {
    const m = alert(code, 'intake');
    const data = dataOf(m, 'w:claim:')!;
    const a = api.updates.callback(staffUser(AYSEL), m, data);
    const b = api.updates.callback(staffUser(RAUF), m, data);
    const mark = api.mark();
    await Promise.all([bots[0].handleUpdate(a), bots[1].handleUpdate(b)]);

    // Claims name the roster's staff ids, not Telegram accounts.
    const owner = await redis.hget(core.keys.case(code), 'claimed_by');
    expect([staffIdOf(AYSEL), staffIdOf(RAUF)]).toContain(owner);
    expect(await redis.get(core.keys.claim(code))).toBe(owner);
    const [winner, loser] = owner === staffIdOf(AYSEL) ? [AYSEL, RAUF] : [RAUF, AYSEL];
    const [won, lost] = owner === staffIdOf(AYSEL) ? [a, b] : [b, a];
    expect(answerTo(won)).toBe(tr(winner.langs[0]!, 'caseworker:claim.done', { code }));
    expect(answerTo(lost)).toBe(tr(loser.langs[0]!, 'caseworker:claim.taken', { code, worker: winner.name }));
    // The alert shows who took it, and Claim is gone (edited through the outbox, in the group's turn).
    await redrawn(m, mark);
    const now = api.message(CASEWORKERS, m.message_id)!;
    const claimedAt = new Date((await redis.hget(core.keys.case(code), 'claimed_at'))!);
    expect(now.text).toContain(tr('az', 'caseworker:alert.claimed', { worker: winner.name, time: local(claimedAt, 'dd.MM.yyyy HH:mm') }));
    expect(dataOf(now, 'w:claim:')).toBeUndefined();
    expect(dataOf(now, 'w:open:')).toBe(`w:open:i:${code}`);
    // Its escalation is cancelled.
    expect(await escalations.queue.getJob(escalationJobId(code))).toBeUndefined();
    claimer = winner;
    other = loser;
  });

  it('refuses a case worker of another office, with a toast, and changes nothing', async () => {
    expect((await core.bookings.get(code))!.office).toBe('baku');
    const zaur: CaseWorker = { ...worker(610_100_009, 'Zaur Əliyev', 'caseworker', ['en']), office: 'ganja' };
    await new RosterStore(redis, prefix).save(zaur);
    const m = alert(code, 'booking');
    const before = await redis.hget(core.keys.case(code), 'claimed_by');
    expect((await staffTap(staffUser(zaur), m, `w:claim:b:${code}`)).text).toBe(tr('en', 'caseworker:refused.other_office', { code }));
    expect(await redis.hget(core.keys.case(code), 'claimed_by')).toBe(before);
  });

  it('refuses a claim pressed in any other chat (a forged callback), politely, and audits it and the other office', async () => {
    const m = alert(code, 'booking');
    const before = await redis.hget(core.keys.case(code), 'claimed_by');
    const elsewhere: Message = { ...m, chat: { id: -1_001_999_000_222, type: 'supergroup', title: 'Somewhere else' } };
    const { text } = await staffTap(staffUser(RAUF), elsewhere, `w:claim:b:${code}`);
    expect(text).toBe(tr(RAUF.langs[0]!, 'caseworker:refused.wrong_chat'));
    const stranger = api.updates.user({ language_code: 'en' });
    expect((await staffTap(stranger, elsewhere, `w:claim:i:${code}`)).text).toBe(tr('en', 'caseworker:refused.wrong_chat'));
    expect(await redis.hget(core.keys.case(code), 'claimed_by')).toBe(before);
    // The trail: the other office's worker, the forged presses (a stranger by the pseudonym of their account).
    const refusals = (await new RedisAuditTrail(redis, redisKeys(prefix)).forCase(code)).filter((r) => r.action === 'refuse_claim');
    expect(refusals.map((r) => r.details.why).sort()).toEqual(['not_staff', 'other_office', 'wrong_chat']);
    expect(refusals.find((r) => r.details.why === 'wrong_chat')!.staffId).toBe(staffIdOf(RAUF));
    const byStranger = refusals.find((r) => r.staffId.startsWith('account:'))!;
    expect(byStranger.details.why).toBe('not_staff');
    expect(byStranger.staffId).not.toContain(String(stranger.id));
  });

  it('audits a stranger\'s forged claims once a minute per account, however many they send (each entry is kept for months)', async () => {
    const m = alert(code, 'booking');
    const stranger = api.updates.user({ language_code: 'en' });
    const account = (r: { staffId: string }) => r.staffId.startsWith('account:');
    const trail = async () => (await new RedisAuditTrail(redis, redisKeys(prefix)).forCase(code)).filter((r) => r.action === 'refuse_claim' && account(r));
    const before = (await trail()).length;
    for (let i = 0; i < 20; i++) expect((await staffTap(stranger, m, `w:claim:b:${code}`)).text).toBe(tr('en', 'caseworker:refused.not_on_roster'));
    const after = await trail();
    expect(after.length - before).toBe(1);
    expect(after.every((r) => r.details.why === 'not_staff' || r.details.why === 'wrong_chat')).toBe(true);
  });

  let claimer: CaseWorker;
  let other: CaseWorker;

  it('opens the case privately for the claimer only, decrypted and protected from forwarding; refuses the other worker and strangers', async () => {
    const m = alert(code, 'intake');
    const open = dataOf(m, 'w:open:')!;
    let mark = api.mark();
    expect((await staffTap(staffUser(other), m, open)).text).toBe(tr(other.langs[0]!, 'caseworker:open.not_yours', { code, worker: claimer.name }));
    const stranger = api.updates.user({ language_code: 'ru' });
    expect((await staffTap(stranger, m, open)).text).toBe(tr('ru', 'caseworker:refused.not_on_roster'));
    expect((await staffTap(stranger, m, `w:claim:i:${code}`)).text).toBe(tr('ru', 'caseworker:refused.not_on_roster'));
    expect(api.callsSince(mark, 'sendMessage')).toEqual([]);
    expect(await redis.hget(core.keys.case(code), 'claimed_by')).toBe(staffIdOf(claimer));

    mark = api.mark();
    const lang = claimer.langs[0]!;
    expect((await staffTap(staffUser(claimer), m, open)).text).toBe(tr(lang, 'caseworker:open.sent', { code }));
    const sent = api.callsSince(mark, 'sendMessage');
    expect(sent.map((c) => c.params.chat_id)).toEqual([claimer.telegramId]);
    // The decrypted file cannot be forwarded or saved from the chat (as the sign-in link).
    expect(sent.every((c) => c.params.protect_content === true)).toBe(true);
    const details = String(sent[0]!.params.text);
    for (const line of [
      tr(lang, 'caseworker:open.title', { code }),
      tr(lang, 'caseworker:open.field.first_name', { value: 'Nigar' }),
      tr(lang, 'caseworker:open.field.last_name', { value: 'Məmmədova' }),
      tr(lang, 'caseworker:open.field.birth_date', { value: '14.02.1995' }),
      tr(lang, 'caseworker:open.field.phone', { value: '+994501234567' }),
      tr(lang, 'caseworker:open.field.address', { value: 'Bakı, Nizami küçəsi 5' }),
      tr(lang, 'caseworker:open.consent', { option: tr(lang, 'caseworker:open.consent_option.C') }),
      '• Can my husband come to the meeting?',
    ]) expect(details).toContain(line);
  });

  it('refuses attendance before the meeting; after it, records a no-show, redraws the alert and offers the person a new time', async () => {
    const booking = (await core.bookings.get(code))!;
    const m = alert(code, 'booking');
    const lang = claimer.langs[0]!;
    const office = core.offices.offices.find((o) => o.id === booking.office)!;
    const early = await staffTap(staffUser(claimer), m, dataOf(m, 'w:noshow:')!);
    const when = meetingDetails(office, booking.start, lang);
    expect(early.text).toBe(tr(lang, 'caseworker:attendance.too_early', { date: when.date, time: when.time }));
    expect((await core.bookings.get(code))!.status).toBe('booked');

    // An hour after the meeting began.
    shift = booking.start.getTime() - Date.now() + 3_600_000;
    const mark = api.mark();
    expect((await staffTap(staffUser(claimer), m, dataOf(m, 'w:noshow:')!)).text).toBe(tr(lang, 'caseworker:attendance.marked_no_show', { code }));
    expect((await core.bookings.get(code))!.status).toBe('no_show');
    expect(await redis.hget(core.keys.case(code), 'attendance_by')).toBe(staffIdOf(claimer));
    await redrawn(m, mark);
    const now = api.message(CASEWORKERS, m.message_id)!;
    expect(now.text).toContain(tr('az', 'caseworker:alert.meeting_no_show', { ...meetingLine(booking), worker: claimer.name }));
    expect(dataOf(now, 'w:came:')).toBeUndefined();
    expect(dataOf(now, 'w:noshow:')).toBeUndefined();

    // The person gets the offer through the outbox, in their language, with the engine's meeting button.
    const [offer] = await api.waitForCalls((c) => c.method === 'sendMessage' && String(c.params.chat_id) === String(nigar.id), 1, 10_000, mark);
    const personal = meetingDetails(office, booking.start, 'en');
    expect(offer!.params.text).toBe(tr('en', 'booking:no_show.text', { date: personal.date, time: personal.time }));
    const buttons = (offer!.params.reply_markup as { inline_keyboard: { text: string; callback_data: string }[][] }).inline_keyboard.flat();
    expect(buttons).toEqual([{ text: tr('en', 'booking:no_show.rebook'), callback_data: 'c:__appointment:rebook' }]);
    // Tapping it opens the booking question.
    const before = api.mark();
    const [offerMessage, rebook] = buttonIn(nigar.id, (d) => d === 'c:__appointment:rebook');
    await bots[0].handleUpdate(api.updates.callback(nigar, offerMessage, rebook));
    const replies = api.callsSince(before).filter((c) => (c.method === 'sendMessage' || c.method === 'editMessageText') && String(c.params.chat_id) === String(nigar.id));
    expect(replies.map((c) => String(c.params.text)).join('\n')).toContain(tr('en', 'booking:pick.prompt'));

    // A second tap (Came, on the old buttons) changes nothing.
    expect((await staffTap(staffUser(other), m, `w:came:b:${code}:${dataOf(m, 'w:came:')!.split(':')[4]}`)).text).toBe(tr(other.langs[0]!, 'caseworker:attendance.already', { code }));
    expect((await core.bookings.get(code))!.status).toBe('no_show');
    shift = 0;
  });

  it('records Came from the booking alert: the case’s first meeting (met_at) is the meeting’s time, recorded by the worker, who holds the case nobody held', async () => {
    const person = api.updates.user({ first_name: 'Nigar', language_code: 'en' });
    const c = await intake(person, { consent: 'B' });
    await api.waitForCalls(alertsOf(c), 3, 15_000);
    const booking = (await core.bookings.get(c))!;
    const m = alert(c, 'booking');
    expect(dataOf(m, 'w:claim:')).toBeDefined();
    shift = booking.start.getTime() - Date.now() + 3_600_000;
    const mark = api.mark();
    expect((await staffTap(staffUser(RAUF), m, dataOf(m, 'w:came:')!)).text).toBe(tr(RAUF.langs[0]!, 'caseworker:attendance.marked_came_claimed', { code: c }));
    expect((await core.bookings.get(c))!.status).toBe('attended');
    expect(await redis.hmget(core.keys.case(c), 'met_at', 'attendance_by')).toEqual([booking.start.toISOString(), staffIdOf(RAUF)]);
    // Nobody held the case: Rauf, who met the person, holds it now; the alert says so and offers Claim no more.
    expect(await redis.get(core.keys.claim(c))).toBe(staffIdOf(RAUF));
    await redrawn(m, mark);
    const now = api.message(CASEWORKERS, m.message_id)!;
    const claimedAt = new Date((await redis.hget(core.keys.case(c), 'claimed_at'))!);
    expect(now.text).toContain(tr('az', 'caseworker:alert.claimed', { worker: RAUF.name, time: local(claimedAt, 'dd.MM.yyyy HH:mm') }));
    expect(dataOf(now, 'w:claim:')).toBeUndefined();
    expect(await escalations.queue.getJob(escalationJobId(c))).toBeUndefined();
    shift = 0;
  });

  it('escalates an intake nobody claims to the supervisors, privately, through the outbox; a supervisor can claim it there', async () => {
    escalateAfterMs = 300;
    const person = api.updates.user({ first_name: 'Nigar', language_code: 'en' });
    const mark = api.mark();
    const c = await intake(person, { consent: 'A' });
    const [escalation] = await api.waitForCalls((x) => x.method === 'sendMessage' && x.params.chat_id === LEYLA.telegramId && String(x.params.text).includes(c), 1, 15_000, mark);
    escalateAfterMs = 10 * 60_000;
    const text = String(escalation!.params.text);
    const completedAt = new Date((await redis.hget(core.keys.case(c), 'intake_completed_at'))!);
    expect(text.split('\n')[0]).toBe(tr('az', 'caseworker:escalation.title', { code: c, since: local(completedAt, 'dd.MM.yyyy HH:mm') }));
    for (const secret of ['Nigar', '994501234567']) expect(text).not.toContain(secret);
    // Only supervisors hear of it.
    expect(privateTo(AYSEL.telegramId, mark).concat(privateTo(RAUF.telegramId, mark))).toEqual([]);
    expect(await redis.hget(core.keys.case(c), 'escalated_at')).toEqual(expect.any(String));

    const [m, claim] = buttonIn(LEYLA.telegramId, (d) => d === `w:claim:e:${c}`);
    expect((await staffTap(staffUser(LEYLA), m, claim)).text).toBe(tr('az', 'caseworker:claim.done', { code: c }));
    expect(await redis.hget(core.keys.case(c), 'claimed_by')).toBe(staffIdOf(LEYLA));
    expect(api.message(LEYLA.telegramId, m.message_id)!.text).toContain(LEYLA.name);
  });

  it('edits a supervisor’s escalation in place once the case is claimed from the group: who took it, no Claim', async () => {
    escalateAfterMs = 300;
    const mark = api.mark();
    const c = await intake(api.updates.user({ first_name: 'Nigar', language_code: 'en' }), { consent: 'A' });
    const [escalation] = await api.waitForCalls((x) => x.method === 'sendMessage' && x.params.chat_id === LEYLA.telegramId && String(x.params.text).includes(c), 1, 15_000, mark);
    escalateAfterMs = 10 * 60_000;
    const sent = api.sentMessages(LEYLA.telegramId).find((m) => m.text === escalation!.params.text)!;
    expect(dataOf(sent, 'w:claim:')).toBe(`w:claim:e:${c}`);

    // A case worker takes it up from the group's alert: the supervisor's message must not go on saying "take this up".
    await api.waitForCalls(alertsOf(c), 3, 15_000, mark);
    const m = alert(c, 'intake');
    expect((await staffTap(staffUser(AYSEL), m, dataOf(m, 'w:claim:')!)).text).toBe(tr('en', 'caseworker:claim.done', { code: c }));
    const end = Date.now() + 15_000;
    const shown = () => api.message(LEYLA.telegramId, sent.message_id)!;
    while (!shown().text!.includes(AYSEL.name) && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    expect(shown().text).toContain(AYSEL.name);
    expect(shown().text!.split('\n')[0]).toBe(String(escalation!.params.text).split('\n')[0]);
    expect(dataOf(shown(), 'w:claim:')).toBeUndefined();
    expect(dataOf(shown(), 'w:open:')).toBe(`w:open:e:${c}`);
    // Edited where it is, in the supervisor's language: nothing new was sent to them about it.
    expect(privateTo(LEYLA.telegramId, mark).filter((x) => String(x.params.text).includes(c))).toHaveLength(1);
  });

  it('escalates a case again when its holder gives it back with /release and nobody claims it within the limit: the supervisors are told again, waiting since the release', async () => {
    escalateAfterMs = 300;
    const toLeyla = (c: string) => (x: ApiCall) => x.method === 'sendMessage' && x.params.chat_id === LEYLA.telegramId && String(x.params.text).includes(c);
    const mark = api.mark();
    const c = await intake(api.updates.user({ first_name: 'Nigar', language_code: 'en' }), { consent: 'A' });
    // Nobody took it up: the supervisor is told once, and a case worker then takes it from the group.
    await api.waitForCalls(toLeyla(c), 1, 15_000, mark);
    await api.waitForCalls(alertsOf(c), 3, 15_000, mark);
    const m = alert(c, 'intake');
    expect((await staffTap(staffUser(AYSEL), m, dataOf(m, 'w:claim:')!)).text).toBe(tr('en', 'caseworker:claim.done', { code: c }));

    // Two minutes later she gives it back with /release in her private chat with the bot; nobody
    // claims it again. (Later than the intake's minute, so that "since" cannot be the intake's.)
    shift = 120_000;
    const released = api.mark();
    const before = clock.now();
    const command = api.updates.command(staffUser(AYSEL), `/release ${c}`);
    await bots[0].handleUpdate(command);
    const after = clock.now();
    expect(privateTo(AYSEL.telegramId, released).map((x) => x.params.text)).toContain(tr('en', 'caseworker:release.done', { code: c }));
    const [escalation] = await api.waitForCalls(toLeyla(c), 1, 15_000, released);
    escalateAfterMs = 10 * 60_000;
    // The supervisor's new message about it, waiting since the release (not since the intake).
    const title = String(escalation!.params.text).split('\n')[0];
    expect([before, after].map((at) => tr('az', 'caseworker:escalation.title_released', { code: c, since: local(at, 'dd.MM.yyyy HH:mm') }))).toContain(title);
    shift = 0;
    expect(api.callsSince(released).filter(toLeyla(c))).toHaveLength(1);
    // Claim is offered on it, and taking the case there takes it.
    const [sent, claim] = buttonIn(LEYLA.telegramId, (d) => d === `w:claim:e:${c}`);
    expect((await staffTap(staffUser(LEYLA), sent, claim)).text).toBe(tr('az', 'caseworker:claim.done', { code: c }));
    expect(await redis.hget(core.keys.case(c), 'claimed_by')).toBe(staffIdOf(LEYLA));
  });

  /** A moment in the programme's time zone (the first office's), as the alerts write it. */
  const local = (d: Date, format: string) => DateTime.fromJSDate(d, { zone: core.offices.offices[0]!.timeZone }).toFormat(format);

  /** The meeting's date, time and office as the group's (Azerbaijani) alerts write them. */
  function meetingLine(b: { start: Date; office: string }) {
    const office = core.offices.offices.find((o) => o.id === b.office)!;
    const at = DateTime.fromJSDate(b.start, { zone: office.timeZone });
    return { date: at.setLocale('az').toFormat('EEE dd.MM.yyyy'), time: at.toFormat('HH:mm'), office: office.name.az };
  }
});
