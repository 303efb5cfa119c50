import { redisKeys } from '../../src/storage/keys';
import { consentTextVersion } from '../../src/intake/consent-version';
import { BOT_COUNSELLOR } from '../../src/intake/record-writes';
import type { Message, Update, User } from 'grammy/types';
import { DateTime } from 'luxon';
import { OfficesFileSchema, WEEKDAYS, type OfficesFile } from '../../src/config/offices';
import type { Lang } from '../../src/core/lang';
import { decodeSlotValue, meetingDetails } from '../../src/intake/booking-desk';
import { testOffice, testOfficesFile } from '../helpers/office';
import { addStaff, useTestKorpu, type KorpuFixture } from '../helpers/use-korpu';
import { keysUnder } from '../helpers/redis';
import { chatAs } from '../helpers/chat-as';

/**
 * Phone-assisted interviews end to end, through the fake Bot API: a case worker sends /call and
 * records a person's answers read out on the phone; the records, the booking and the reminders
 * are the self-service ones, by phone. Time is controlled as in reminder.test.ts: the core's
 * clock runs at real speed from a chosen moment, moved just before a booking so that its
 * 5-minute reminder falls due about 1.5 s later.
 */

jest.setTimeout(30_000);

const WORKER_NAME = 'Aysel Məmmədova';

const offices: OfficesFile = testOfficesFile({ hours: '12:00-18:00', office: { slotMinutes: 10, capacity: 2, minLeadMinutes: 0, horizonDays: 3 }, reminders: { beforeMinutes: [5], quietHours: { from: '22:00', to: '08:00' }, nudgeAfterMinutes: 1440 } });
const office = offices.offices[0]!;

/** The same person, once on their own in the chat and once on the phone. */
const PERSON = { first: 'Анна', last: 'Иванова', birth: '03.11.1988', country: 'Казахстан', phone: '050 765 43 21', phoneE164: '+994507654321', address: 'Баку, ул. Низами 7' };

/**
 * Sending and tapping as a user of the fake Bot API, shared by the describes of this file. Reads
 * `e2e` only when called (inside tests).
 */
function callHelpers(e2e: KorpuFixture) {
  const { send, say, button, tap } = chatAs(e2e);
  /** The first free time offered in the newest booking question, and the slot it stands for. */
  function firstSlot(user: User): { message: Message; data: string; start: Date } {
    for (const message of [...e2e.api.sentMessages(user.id)].reverse()) {
      for (const b of message.reply_markup?.inline_keyboard.flat() ?? []) {
        const data = 'callback_data' in b ? b.callback_data : undefined;
        const m = data ? /^c:[a-z_]+:(s_\d{12}_[a-z0-9_]+)$/.exec(data) : null;
        if (!data || !m) continue;
        const slot = decodeSlotValue(m[1]!)!.slot;
        return { message, data, start: DateTime.fromISO(slot.split('@')[1]!, { zone: office.timeZone }).toJSDate() };
      }
    }
    throw new Error('no meeting time offered in the chat');
  }
  return { send, say, button, tap, firstSlot };
}

describe('phone-assisted interview (/call) end to end', () => {
  let worker: User;
  let workerStaffId: string;

  // The first slot: tomorrow at 12:00 in Baku. The clock runs at real speed from a chosen moment.
  const slotLocal = DateTime.now().setZone('Asia/Baku').plus({ days: 1 }).set({ hour: 12, minute: 0, second: 0, millisecond: 0 });
  let base = { fake: slotLocal.toMillis() - 10 * 60_000, real: Date.now() };
  const setClock = (fake: number) => (base = { fake, real: Date.now() });
  const clock = { now: () => new Date(base.fake + (Date.now() - base.real)) };

  // Körpü as main.ts builds it (createKorpu): the reminder worker hands messages to the outbox worker.
  const e2e = useTestKorpu({ offices, clock });

  beforeAll(async () => {
    ({ user: worker, staffId: workerStaffId } = await addStaff(e2e, { name: WORKER_NAME, firstName: 'Aysel', lang: 'en', langs: ['az', 'ru'] }));
  });

  const t = (lang: Lang, key: string, params?: Record<string, unknown>) => e2e.core.translator.t(lang, key, params);

  const { send, say, tap, firstSlot } = callHelpers(e2e);

  /** A case's whole record: the case hash (personal fields and contact decrypted), diagnoses, consents, booking. */
  async function recordOf(code: string) {
    const hash = await e2e.redis.hgetall(e2e.core.keys.case(code));
    const plain: Record<string, string> = {};
    for (const [k, v] of Object.entries(hash)) {
      const personal = ['f:first_name', 'f:last_name', 'f:birth_date', 'f:country', 'f:reason', 'f:phone', 'f:address'].includes(k);
      plain[k] = personal ? e2e.core.cipher.decrypt(v, `${code}:${k.slice(2)}`) : k === 'contact' ? e2e.core.cipher.decrypt(v, `${code}:contact`) : v;
    }
    const list = async (key: string) => (await e2e.redis.lrange(key, 0, -1)).map((j) => JSON.parse(j) as Record<string, unknown>);
    return { case: plain, diagnoses: await list(e2e.core.keys.diagnoses(code)), consents: await list(e2e.core.keys.consents(code)), booking: await e2e.redis.hgetall(e2e.core.keys.booking(code)) };
  }
  /** Drops the values that differ between any two records (codes, moments), keeping the keys. */
  const withoutMoments = (r: Record<string, unknown>, more: string[] = []) =>
    Object.fromEntries(Object.entries(r).map(([k, v]) => [k, ['code', 'case', 'at', 'date', 'time', 'created_at', 'updated_at', 'consent_at', 'intake_completed_at', 'form_date', 'form_time', 'booked_at', 'slot', 'start', 'end', 'booking', ...more].includes(k) ? '<varies>' : v]));

  /** A whole phone interview, in Russian, up to the booking question; returns nothing, asserts the way. */
  async function interviewByPhone(telegram: 'yes' | 'no'): Promise<void> {
    let said = await say(worker, '/call');
    expect(said[0]).toMatch(/^📞 Zəng \d+:/);
    expect(said[1]).toContain(t('az', 'call:language.prompt'));
    said = await tap(worker, 'language', 'ru');
    for (const key of ['call:script.greeting', 'call:script.purpose', 'call:minutes.prompt']) expect(said.join('\n')).toContain(t('ru', key));
    said = await tap(worker, 'minutes', 'yes');
    for (const key of ['call:script.free', 'call:age.prompt']) expect(said.join('\n')).toContain(t('ru', key));
    // Line 12 (voluntary) comes in the script's order, after the details of line 11.
    expect(said.join('\n')).not.toContain(t('ru', 'call:script.voluntary'));
    await tap(worker, 'age', 'adult');
    await tap(worker, 'q1', 'yes');
    await tap(worker, 'q2', 'yes');
    await tap(worker, 'q3', 'language');
    said = await tap(worker, 'q3', '__done');
    expect(said.join('\n')).toContain(t('ru', 'call:q4.prompt'));
    said = await tap(worker, 'q4', 'no');
    // The source of the number, for the record, once the diagnosis has opened the case.
    expect(said.join('\n')).toContain(t('ru', 'call:source.prompt'));
    said = await tap(worker, 'source', 'organisation');
    expect(said.join('\n')).toContain(t('ru', 'call:result.eligible'));
    said = await tap(worker, 'meet', 'yes');
    // What the call asks, the address too, read aloud once: one "📞 Read aloud:" for the notice and the summary.
    expect(said.join('\n')).toContain(t('ru', 'call:consent.notice'));
    expect(t('ru', 'call:consent.notice')).toContain('адрес проживания');
    expect(said.join('\n').split(t('ru', 'call:read_aloud'))).toHaveLength(2);
    await tap(worker, 'statement', 'continue');
    await tap(worker, 'option', 'A');
    said = await tap(worker, 'agree', 'yes');
    // The date of birth first, as in the chat: it tells whether a parent or guardian must take part.
    expect(said.join('\n')).toContain(t('ru', 'call:birth_date.prompt'));
    await say(worker, PERSON.birth);
    await say(worker, PERSON.first);
    await say(worker, PERSON.last);
    await say(worker, PERSON.country);
    said = await tap(worker, 'reason', 'work');
    expect(said.join('\n')).toContain(t('ru', 'call:phone.prompt'));
    // Never the "share my phone number" keyboard: it would share the worker's own number.
    const phoneAsk = e2e.api.calls.filter((c) => c.method === 'sendMessage' && String(c.params.chat_id) === String(worker.id)).at(-1)!;
    expect(JSON.stringify(phoneAsk.params.reply_markup ?? {})).not.toContain('request_contact');
    // The worker's own contact card is not the person's number; the person's card is.
    said = await send(worker, e2e.api.updates.contact(worker, '994701112233'));
    expect(said.join('\n')).toContain(t('ru', 'call:phone.prompt'));
    said = await send(worker, e2e.api.updates.contact(worker, PERSON.phoneE164.slice(1), e2e.api.updates.user({ first_name: 'Anna' })));
    expect(said.join('\n')).toContain(t('ru', 'call:address.prompt'));
    await say(worker, PERSON.address);
    said = await tap(worker, 'telegram', telegram);
    expect(said.join('\n')).toContain(t('ru', `call:telegram.${telegram}`));
    const afterDetails = said.join('\n');
    expect(afterDetails).toContain(t('ru', 'call:script.voluntary'));
    expect(afterDetails.indexOf(t('ru', 'call:read_aloud'))).toBeGreaterThan(afterDetails.indexOf(t('ru', `call:telegram.${telegram}`)));
    said = await tap(worker, 'questions', '__skip');
    expect(said.join('\n')).toContain(t('ru', 'call:pick_time.prompt'));
  }

  /** The same person on their own, in the chat, up to the booking question. */
  async function interviewInChat(person: User): Promise<void> {
    await say(person, '/start');
    await tap(person, 'language', 'ru');
    await tap(person, 'menu', 'eligibility');
    await tap(person, 'age', 'adult');
    await tap(person, 'q1', 'yes');
    await tap(person, 'q2', 'yes');
    await tap(person, 'q3', 'language');
    await tap(person, 'q3', '__done');
    await tap(person, 'continue', 'yes');
    await tap(person, 'agree', 'A');
    for (const text of [PERSON.birth, PERSON.first, PERSON.last, PERSON.country]) await say(person, text);
    await tap(person, 'reason', 'work');
    const said = await say(person, PERSON.phone);
    expect(said.join('\n')).toContain(t('ru', 'booking:pick.prompt_first'));
  }

  const stateOf = async (channel: string, chatId: string) => e2e.core.runner.peek(e2e.core.runner.conversationId(channel, chatId));

  it('produces the same record as self-service, marked by phone, with the form’s date, time, place and counsellor', async () => {
    const person = e2e.api.updates.user({ language_code: 'ru' });
    await interviewInChat(person);
    const own = firstSlot(person);
    await send(person, e2e.api.updates.callback(person, own.message, own.data));
    // In the chat, the address comes after the booking (optional, like the referral question).
    await tap(person, 'referral', 'not_said');
    await say(person, PERSON.address);
    await tap(person, 'questions', '__skip');
    const selfCode = (await stateOf('telegram', String(person.id)))!.caseCode!;

    await interviewByPhone('yes');
    const slot = firstSlot(worker);
    const said = await send(worker, e2e.api.updates.callback(worker, slot.message, slot.data));
    expect(said.join('\n')).toContain(t('ru', 'booking:booked'));
    // The confirmation tells the worker what to do with the calendar file, not the person how to change the time.
    expect(said.join('\n')).toContain(t('ru', 'booking:details_hint_staff'));
    expect(said.join('\n')).not.toContain(t('ru', 'booking:details_hint'));
    expect(said.join('\n')).toContain(t('ru', 'call:script.look_forward'));
    // The call ends with its flow; the worker is told the case and the meeting, in their own language.
    const state = (await stateOf('phone', `${worker.id}:1`))!;
    const code = state.caseCode!;
    const details = meetingDetails(office, slot.start, 'az');
    expect(said.at(-1)).toBe(t('az', 'call:worker.ended_booked', { n: 1, code, date: details.date, time: details.time, office: details.office }));
    expect(await e2e.redis.exists(redisKeys(e2e.prefix).openCall(String(worker.id)))).toBe(0);

    // The effects of both intakes (reminders, the escalation schedule) are done before records are compared.
    await e2e.korpu.settled();
    const self = await recordOf(selfCode);
    const phone = await recordOf(code);
    // The case: the same fields with the same values, plus whether the person uses Telegram;
    // only how the answers were taken differs, and Q4 makes the diagnosis final.
    const differs = ['channel', 'by', 'place', 'counsellor', 'contact', 'diagnosis', 'diagnosis_provisional'];
    // The case the call opened is the caller's (claimed), not left for the group to claim.
    const { 'f:telegram': telegram, 'f:q4_concern': q4Concern, 'f:referral_source': source, claimed_by: holder, claimed_at: _since, ...phoneCase } = phone.case;
    expect(holder).toBe(workerStaffId);
    const { 'f:referral_source': referral, ...selfCase } = self.case;
    expect(telegram).toBe('yes');
    expect(q4Concern).toBe('no');
    expect([source, referral]).toEqual(['organisation', 'not_said']);
    expect(withoutMoments(phoneCase, differs)).toEqual(withoutMoments(selfCase, differs));
    expect(phone.case).toMatchObject({ channel: 'phone', by: 'phone', place: 'Phone', counsellor: WORKER_NAME, contact: `phone:${worker.id}:1`, status: 'intake_completed', diagnosis: 'eligible', diagnosis_provisional: 'false', consent: 'A', 'f:phone': PERSON.phoneE164, 'f:first_name': PERSON.first });
    expect(self.case).toMatchObject({ channel: 'telegram', by: 'self_service', place: 'Telegram', counsellor: BOT_COUNSELLOR, diagnosis: 'likely_eligible', diagnosis_provisional: 'true' });
    expect(phone.case.form_date).toBe(DateTime.fromJSDate(clock.now(), { zone: 'Asia/Baku' }).toISODate());
    expect(phone.case.form_time).toMatch(/^\d{2}:\d{2}$/);

    // The diagnosis (Annex 2): the same answers and rule, Q4 answered by the worker.
    expect(phone.diagnoses).toHaveLength(1);
    const [pd, sd] = [phone.diagnoses[0]!, self.diagnoses[0]!];
    const diagnosisDiffers = ['place', 'counsellor', 'by', 'answers', 'outcome', 'provisional'];
    expect(withoutMoments(pd, diagnosisDiffers)).toEqual(withoutMoments(sd, diagnosisDiffers));
    expect(pd.answers).toEqual({ ...(sd.answers as object), q4: 'no' });
    expect(pd).toMatchObject({ place: 'Phone', counsellor: WORKER_NAME, by: 'phone', outcome: 'eligible', provisional: false, reasons: [], lang: 'ru' });
    expect(sd).toMatchObject({ place: 'Telegram', counsellor: BOT_COUNSELLOR, by: 'self_service', outcome: 'likely_eligible', provisional: true });

    // Consent (Annex 4): the same choice, given aloud to the worker.
    // The same full form in the same language: the same version, derived from the text.
    const consentDiffers = ['place', 'counsellor', 'by', 'given'];
    expect(withoutMoments(phone.consents[0]!, consentDiffers)).toEqual(withoutMoments(self.consents[0]!, consentDiffers));
    expect(phone.consents[0]).toMatchObject({ agreed: true, option: 'A', given: 'verbally', by: 'phone', counsellor: WORKER_NAME, place: 'Phone', text_version: consentTextVersion(t('ru', 'consent:full_text')), lang: 'ru' });
    expect(self.consents[0]).toMatchObject({ given: 'in_chat', by: 'self_service', counsellor: BOT_COUNSELLOR });

    // The same booking, in the person's language.
    expect(withoutMoments(phone.booking)).toEqual(withoutMoments(self.booking));
    expect(phone.booking).toMatchObject({ status: 'booked', lang: 'ru', office: 'baku' });

    // The worker's chat is theirs again: /start opens their own conversation.
    const back = await say(worker, '/start');
    expect(back.join('\n')).toContain(t('en', 'welcome:choose_language'));
    expect((await stateOf('phone', `${worker.id}:1`))!.frames).toEqual([]);
  });

  it('takes Q4 = yes as the worker’s concern, not a refusal: recorded, a review asked, and the call goes on to a meeting', async () => {
    await say(worker, '/call');
    await tap(worker, 'language', 'en');
    await tap(worker, 'minutes', 'yes');
    await tap(worker, 'age', 'adult');
    await tap(worker, 'q1', 'yes');
    await tap(worker, 'q2', 'yes');
    await tap(worker, 'q3', 'planning');
    await tap(worker, 'q3', '__done');
    expect((await tap(worker, 'q4', 'yes')).join('\n')).toContain(t('en', 'call:q4.noted'));
    const said = await tap(worker, 'source', 'not_said');
    const all = said.join('\n');
    expect(all).toContain(t('en', 'call:result.likely'));
    expect(all).toContain(t('en', 'call:meet.prompt'));
    expect(all).not.toContain(t('en', 'call:result.not_eligible'));
    expect(all).not.toContain(t('en', 'diagnosis:reason.q4_yes'));
    const code = (await stateOf('phone', `${worker.id}:2`))!.caseCode!;

    await e2e.korpu.settled();
    const r = await recordOf(code);
    expect(r.diagnoses).toEqual([
      expect.objectContaining({ answers: { adult: 'adult', q1: 'yes', q2: 'yes', q3: ['planning'], q4: 'pending' }, outcome: 'likely_eligible', reasons: [], provisional: true, by: 'phone', counsellor: WORKER_NAME, place: 'Phone', lang: 'en' }),
    ]);
    expect(r.case).toMatchObject({ diagnosis: 'likely_eligible', diagnosis_provisional: 'true', 'f:q4_concern': 'yes', handoff: 'q4_concern', channel: 'phone', by: 'phone' });
    expect(r.consents).toEqual([]);
    // The person does not want a meeting now: the call ends with the case, no refusal said.
    const end = await tap(worker, 'meet', 'no');
    expect(end.at(-1)).toBe(t('az', 'call:worker.ended_case', { n: 2, code }));
  });

  it('books for a person without Telegram and reminds the worker to call them back, in the worker’s language', async () => {
    await interviewByPhone('no');
    const slot = firstSlot(worker);
    // Booked 5 minutes and 1.5 seconds before the meeting: its 5-minute reminder is due at once.
    setClock(slot.start.getTime() - 5 * 60_000 - 1_500);
    await send(worker, e2e.api.updates.callback(worker, slot.message, slot.data));
    const code = (await stateOf('phone', `${worker.id}:3`))!.caseCode!;
    expect(await e2e.core.bookings.get(code)).toMatchObject({ status: 'booked', lang: 'ru' });
    expect((await recordOf(code)).case['f:telegram']).toBe('no');

    const details = meetingDetails(office, slot.start, 'az');
    const expected = t('az', 'call:worker.call_back', { code, ...details });
    const [callBack] = await e2e.api.waitForCalls((c) => c.method === 'sendMessage' && String(c.params.text).includes(code) && String(c.params.text).startsWith('📞'), 1, 10_000);
    expect(String(callBack!.params.chat_id)).toBe(String(worker.id));
    expect(callBack!.params.text).toBe(expected);
    // No meeting buttons: they would act on the worker's own conversation.
    expect(callBack!.params.reply_markup).toBeUndefined();
    await new Promise((r) => setTimeout(r, 300));
    expect(e2e.api.calls.filter((c) => c.method === 'sendMessage' && String(c.params.text).includes(code) && String(c.params.text).startsWith('📞'))).toHaveLength(1);
  });

  it('/endcall ends an open call; strangers get /call and /endcall answered like any unknown command', async () => {
    let said = await say(worker, '/call');
    expect(said[0]).toBe(t('az', 'call:worker.started', { n: 4 }));
    said = await say(worker, '/endcall');
    expect(said).toEqual([t('az', 'call:worker.ended', { n: 4 })]);
    expect(await say(worker, '/endcall')).toEqual([t('az', 'call:worker.not_open')]);

    const stranger = e2e.api.updates.user({ language_code: 'ru' });
    await say(stranger, '/start');
    const weather = await say(stranger, '/weather');
    for (const command of ['call', 'endcall']) {
      const answer = await say(stranger, `/${command}`);
      expect(answer.join('\n')).toContain(t('ru', 'common:notice.unknown_command', { command }));
      expect(answer.map((s) => s.replaceAll(`/${command}`, '/weather'))).toEqual(weather);
    }
    expect(await e2e.redis.exists(redisKeys(e2e.prefix).openCall(String(stranger.id)), redisKeys(e2e.prefix).callCounter(String(stranger.id)))).toBe(0);
  });
});

/**
 * Calls by case workers of two offices, with the case workers' chat and an admin: where the
 * meeting is, what the closing reads aloud, a call left open, and a caller leaving the roster.
 * The offices are open every day, so that times are offered whenever the test runs.
 */
describe('phone interviews at two offices, with the case workers’ chat', () => {
  const ADMIN = 610_900_001;
  const CASEWORKERS = -1_001_777_000_222;
  const everyDay = Object.fromEntries(WEEKDAYS.map((d) => [d, ['00:00-23:50']]));
  const slots = { hours: everyDay, closed: [], slotMinutes: 10, minLeadMinutes: 0, horizonDays: 3 };
  const ganja = testOffice({
    ...slots,
    id: 'ganja',
    name: { az: 'Gəncə ofisi', ru: 'Гянджинский офис', en: 'Ganja office' },
    address: { az: 'Gəncə, Atatürk prospekti 5', ru: 'Гянджа, проспект Ататюрка 5', en: 'Ganja, 5 Ataturk avenue' },
    landmark: { az: 'Gəncə qapısının yanında', ru: 'рядом с Гянджинскими воротами', en: 'next to the Ganja Gate' },
  });
  const twoOffices: OfficesFile = OfficesFileSchema.parse({ offices: [testOffice(slots), ganja] });
  const e2e = useTestKorpu({ offices: twoOffices, env: { CASEWORKER_CHAT_ID: String(CASEWORKERS), ADMIN_TELEGRAM_IDS: String(ADMIN) } });
  const { send, say, tap, firstSlot } = callHelpers(e2e);
  const t = (lang: Lang, key: string, params?: Record<string, unknown>) => e2e.core.translator.t(lang, key, params);
  const stateOf = async (chatId: string) => e2e.core.runner.peek(e2e.core.runner.conversationId('phone', chatId));

  /** A call in English from /call to the source of the number, after Q4 (the case is opened at the diagnosis). */
  async function callUpToCase(worker: User): Promise<string[]> {
    await say(worker, '/call');
    await tap(worker, 'language', 'en');
    await tap(worker, 'minutes', 'yes');
    await tap(worker, 'age', 'adult');
    await tap(worker, 'q1', 'yes');
    await tap(worker, 'q2', 'yes');
    await tap(worker, 'q3', 'language');
    await tap(worker, 'q3', '__done');
    await tap(worker, 'q4', 'no');
    return tap(worker, 'source', 'not_said');
  }

  /** On from Q4 to the booking question, at `officeId`: returns the first time offered there. */
  async function callOnToBooking(worker: User, officeId: string): Promise<ReturnType<typeof firstSlot>> {
    await tap(worker, 'meet', 'yes');
    await tap(worker, 'statement', 'continue');
    await tap(worker, 'option', 'A');
    await tap(worker, 'agree', 'yes');
    for (const text of ['03.11.1988', 'Anna', 'Ivanova', 'Kazakhstan']) await say(worker, text);
    await tap(worker, 'reason', 'work');
    await say(worker, '+994507654321');
    await tap(worker, 'address', '__skip');
    await tap(worker, 'telegram', 'no');
    await tap(worker, 'questions', '__skip');
    await tap(worker, 'pick_time', `o_${officeId}`);
    return firstSlot(worker);
  }

  it('reads aloud the address of the office the meeting was booked at, with its date and time', async () => {
    const { user: rauf } = await addStaff(e2e, { name: 'Rauf Məmmədov', firstName: 'Rauf', lang: 'en', langs: ['en'], office: 'ganja' });
    await callUpToCase(rauf);
    const slot = await callOnToBooking(rauf, 'ganja');
    const said = (await send(rauf, e2e.api.updates.callback(rauf, slot.message, slot.data))).join('\n');
    const where = meetingDetails(ganja, slot.start, 'en');
    // "📞 Read aloud: the counselling takes place at this address:" and then the meeting at Ganja.
    expect(said).toContain(`${t('en', 'call:read_aloud')}\n\n${t('en', 'call:script.place')}\n\n${t('en', 'booking:details', where)}`);
    expect(said).toContain(t('en', 'call:script.look_forward'));
    // Not the programme's office (Baku) from config/programme.yaml.
    expect(said).not.toContain(t('en', 'common:content.office', { name: e2e.core.content.office.name.en }));
    expect((await stateOf(`${rauf.id}:1`))!.booking).toMatchObject({ office: 'ganja' });
  });

  it('gives the case the call opened to the caller: the intake alert shows them holding it, without Claim, and no escalation waits', async () => {
    const { user: leyla, staffId } = await addStaff(e2e, { name: 'Leyla Həsənova', firstName: 'Leyla', lang: 'az', langs: ['az'] });
    await callUpToCase(leyla);
    const slot = await callOnToBooking(leyla, 'baku');
    await send(leyla, e2e.api.updates.callback(leyla, slot.message, slot.data));
    const code = (await stateOf(`${leyla.id}:1`))!.caseCode!;
    await e2e.korpu.settled();
    expect(await e2e.redis.hget(e2e.core.keys.case(code), 'claimed_by')).toBe(staffId);
    const [alert] = await e2e.api.waitForCalls((c) => c.method === 'sendMessage' && String(c.params.chat_id) === String(CASEWORKERS) && String(c.params.text).startsWith(t('az', 'caseworker:alert.title.intake', { code })), 1, 10_000);
    const text = String(alert!.params.text);
    expect(text).toContain(t('az', 'caseworker:alert.claimed', { worker: 'Leyla Həsənova', time: '' }).replace(/\s*\(\)$/, ''));
    expect(JSON.stringify(alert!.params.reply_markup ?? {})).not.toContain(t('az', 'caseworker:alert.button.claim'));
    // No escalation of an unclaimed intake was scheduled for it.
    expect((await keysUnder(e2e.redis, e2e.prefix)).filter((k) => k.includes(`esc_${code}`))).toEqual([]);
  });

  it('a worker taken off the roster mid-call is told once that the call was closed, its answers kept with its case; then answered as anyone', async () => {
    const { user: samir } = await addStaff(e2e, { name: 'Samir Quliyev', firstName: 'Samir', lang: 'en', langs: ['en'] });
    await callUpToCase(samir);
    const code = (await stateOf(`${samir.id}:1`))!.caseCode!;
    const admin = e2e.api.updates.user({ id: ADMIN, language_code: 'en' });
    await say(admin, `/roster_remove ${samir.id}`);
    const told = await say(samir, 'Yes');
    expect(told).toEqual([[t('en', 'caseworker:left.removed'), t('en', 'caseworker:left.call_case', { n: 1, code }), t('en', 'caseworker:left.released', { codes: code, count: 1 }), t('en', 'caseworker:left.from_now')].join('\n\n')]);
    // What the call recorded is kept with its case, which went back to the group.
    await e2e.korpu.settled();
    expect(await e2e.redis.hgetall(e2e.core.keys.case(code))).toMatchObject({ status: expect.any(String), diagnosis: 'eligible' });
    expect(await e2e.redis.hget(e2e.core.keys.case(code), 'claimed_by')).toBeNull();
    // Once: the next message is a person's, like anyone's.
    const next = (await say(samir, 'Yes')).join('\n');
    expect(next).not.toContain(t('en', 'caseworker:left.removed'));
    expect(next).toContain(t('en', 'welcome:choose_language'));
  });

  it('/call during an open call starts none: the worker is told which call and case are open, and it goes on', async () => {
    const { user: nigar } = await addStaff(e2e, { name: 'Nigar Əliyeva', firstName: 'Nigar', lang: 'ru', langs: ['ru'] });
    await callUpToCase(nigar);
    const code = (await stateOf(`${nigar.id}:1`))!.caseCode!;
    expect(await say(nigar, '/call')).toEqual([t('ru', 'call:worker.still_open_case', { n: 1, code })]);
    // Call 1 is still the open one: the next answer is its, and it ends with its case.
    const end = await tap(nigar, 'meet', 'no');
    expect(end.at(-1)).toBe(t('ru', 'call:worker.ended_case', { n: 1, code }));
    // Now /call opens call 2.
    expect((await say(nigar, '/call'))[0]).toBe(t('ru', 'call:worker.started', { n: 2 }));
    expect(await say(nigar, '/call')).toEqual([t('ru', 'call:worker.still_open', { n: 2 })]);
    expect(await say(nigar, '/endcall')).toEqual([t('ru', 'call:worker.ended', { n: 2 })]);
  });
});
