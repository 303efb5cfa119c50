import { Queue } from 'bullmq';
import type { Message, User } from 'grammy/types';
import { OfficesFileSchema } from '../../src/config/offices';
import { decodeSlotValue, meetingDetails } from '../../src/intake/booking-desk';
import { reminderJobId, REMINDER_QUEUE } from '../../src/scheduling/reminders';
import { slotIdParts } from '../../src/scheduling/slot-id';
import { redisKeys } from '../../src/storage/keys';
import { choiceButton } from '../helpers/intake';
import { testOffice } from '../helpers/office';
import { trackHandled, signInAs, type WebClient } from '../helpers/workspace';
import { addStaff, useTestKorpu } from '../helpers/use-korpu';

/**
 * A person who walked into the office (spec §3.6, route 4) has a case but no chat with the bot.
 * A busy case worker still books their next meeting and phones them: the meeting is booked into
 * a free time from the workspace (the bot tells them nothing; with a number left, the page says
 * to phone them and the worker holding the case gets a call-back reminder; without one, to tell
 * them before they leave), and `/call <their case code>` in Telegram phones a walk-in who left a
 * number, the call's meeting booked in the same case. Refusals come in the worker's language.
 */

jest.setTimeout(90_000);

// Tuesday 24 November 2026, 12:00 in Baku (UTC+4); the test office is open on weekdays.
const START = new Date('2026-11-24T08:00:00Z');
const baku = testOffice();
const offices = OfficesFileSchema.parse({ offices: [baku] });
const MONDAY_10 = 'baku@2026-11-30T10:00';
const startOf = (slot: string) => new Date(`${slotIdParts(slot).localStart}:00+04:00`);

describe('walk-in cases: a meeting booked and a phone call', () => {
  const e2e = useTestKorpu({ offices, clock: { now: () => START }, beforeStop: () => reminders?.close() });
  let base: string;
  let handled: (id: number) => Promise<void>;
  let reminders: Queue;
  let aysel: User;
  let nigar: User;
  const t = (key: string, params?: Record<string, unknown>) => html(e2e.core.translator.t('en', key, params));
  const html = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

  beforeAll(async () => {
    handled = trackHandled(e2e.bot);
    base = (await e2e.korpu.start()).url;
    reminders = new Queue(REMINDER_QUEUE, { connection: e2e.redis, prefix: redisKeys(e2e.prefix).bull() });
    ({ user: aysel } = await addStaff(e2e, { name: 'Aysel Quliyeva', firstName: 'Aysel', lang: 'en', langs: ['en'], addedAt: START }));
    // A supervisor of the same office who speaks Azerbaijani (her refusals come in it).
    ({ user: nigar } = await addStaff(e2e, { name: 'Nigar Həsənova', firstName: 'Nigar', lang: 'az', langs: ['az'], role: 'supervisor', addedAt: START }));
  });

  const signIn = (user: User) => signInAs(e2e.api, handled, base, user);

  /** Opens a walk-in's case from the case list, with the phone number they left (if any). */
  async function openWalkIn(web: WebClient, phone?: string): Promise<string> {
    await web.get('/desk/cases');
    const opened = await web.post('/desk/cases/walk-in', { lang: 'ru', ...(phone ? { phone } : {}) });
    expect(opened.status).toBe(303);
    return /^\/desk\/cases\/(KP-[A-Z0-9]{4}-[A-Z0-9]{4})\/meeting$/.exec(opened.location ?? '')![1]!;
  }

  /** Waits until the reminder worker has taken and finished job `id` (completed jobs are removed). */
  async function doneWith(id: string): Promise<void> {
    for (let i = 0; i < 200; i++) {
      const job = await reminders.getJob(id);
      if (!job || (await job.getState()) === 'completed') return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`reminder ${id} was never handled`);
  }

  const sentTo = (mark: number, chat: number) => e2e.api.callsSince(mark).filter((c) => c.method === 'sendMessage' && String(c.params.chat_id) === String(chat)).map((c) => String(c.params.text));

  it('refuses a phone number that is not one, opens nothing, and gives the form back with the language and number sent', async () => {
    const web = await signIn(aysel);
    await web.get('/desk/cases');
    const r = await web.post('/desk/cases/walk-in', { lang: 'fa', phone: '050 12' });
    expect(r.status).toBe(400);
    expect(r.text).toContain(t('web:cases.walk_in.bad_phone'));
    // Sent again as it stands, the case opens in Persian, not in the list's first language.
    const form = /<form method="post" action="\/desk\/cases\/walk-in[^"]*"[\s\S]*?<\/form>/.exec(r.text)![0];
    expect(form).toMatch(/<option value="fa" selected>/);
    expect(form).toMatch(/name="phone"[^>]*value="050 12"/);
    expect(await e2e.redis.zcard(e2e.core.keys.cases())).toBe(0);
    // The page stands at the form's address: opened with GET (the language switch), the list at the form.
    expect(await web.get('/desk/cases/walk-in')).toMatchObject({ status: 303, location: '/desk/cases#walk-in' });
  });

  it('books a walk-in who left a number into a free time: the page says to phone them, the calendar has it, the holder is reminded to call', async () => {
    const web = await signIn(aysel);
    const code = await openWalkIn(web, '050 123 45 67');
    // The case file: the number to phone, no message form (the bot has no chat with them).
    const file = (await web.get(`/desk/cases/${code}`)).text;
    expect(file).toContain(`${t('web:case.walk_in.call')} <bdi dir="ltr">+994501234567</bdi>`);
    expect(file).toContain(t('web:case.walk_in.call_hint', { code }));
    expect(file).not.toContain(`/desk/cases/${code}/message"`);
    expect(file).toContain(`/desk/cases/${code}/booking"`);

    const page = (await web.get(`/desk/cases/${code}/booking`)).text;
    expect(page).toContain(t('behalf:walk_in.pick', { office: 'Baku office', days: 14 }));
    expect(page).toContain(`value="${MONDAY_10}"`);
    const mark = e2e.api.mark();
    const booked = await web.post(`/desk/cases/${code}/booking`, { slot: MONDAY_10 });
    expect(booked.status).toBe(303);
    const done = (await web.get(booked.location!)).text;
    expect(done).toContain(t('behalf:walk_in.done_phone'));
    expect(done).toContain(t('behalf:phone.tell', meetingDetails(baku, startOf(MONDAY_10), 'en')));
    expect(await e2e.core.bookings.get(code)).toMatchObject({ slot: MONDAY_10, status: 'booked' });
    // The worker's calendar shows the meeting.
    expect((await web.get('/desk/calendar?date=2026-11-30')).text).toContain(`data-case="${code}"`);

    // Nobody was told by the bot; before the meeting, Aysel (who holds the case) is reminded to phone them.
    await e2e.korpu.settled();
    expect(e2e.api.callsSince(mark).filter((c) => c.method === 'sendMessage')).toEqual([]);
    const before = offices.reminders.beforeMinutes[0]!;
    const job = await reminders.getJob(reminderJobId(code, MONDAY_10, before));
    expect(await job?.getState()).toBe('delayed');
    await job!.promote();
    const callBack = e2e.core.translator.t('en', 'call:worker.call_back_walk_in', { code, ...meetingDetails(baku, startOf(MONDAY_10), 'en') });
    await e2e.api.waitForCalls((c) => c.method === 'sendMessage' && String(c.params.chat_id) === String(aysel.id) && c.params.text === callBack, 1, 15_000, mark);
  });

  it('books a walk-in who left no number: the page says to tell them before they leave, and nobody is reminded', async () => {
    const web = await signIn(aysel);
    const code = await openWalkIn(web);
    const file = (await web.get(`/desk/cases/${code}`)).text;
    expect(file).toContain(t('web:case.walk_in.no_number'));
    expect(file).not.toContain(`/desk/cases/${code}/message"`);
    // A message sent anyway (an old page) is refused, nothing kept as sent.
    const msg = await web.post(`/desk/cases/${code}/message`, { text: 'Hello', ref: 'ref-from-an-old-page-0001' });
    expect(msg.location).toBe(`/desk/cases/${code}?notice=walk_in#talk`);
    expect((await web.get(msg.location!)).text).toContain(t('web:case.notice.walk_in'));

    await web.get(`/desk/cases/${code}/booking`);
    const mark = e2e.api.mark();
    const booked = await web.post(`/desk/cases/${code}/booking`, { slot: MONDAY_10 });
    expect(booked.status).toBe(303);
    const done = (await web.get(booked.location!)).text;
    expect(done).toContain(t('behalf:walk_in.done_in_person'));
    expect(done).toContain(t('behalf:phone.tell', meetingDetails(baku, startOf(MONDAY_10), 'en')));
    expect(await e2e.core.bookings.get(code)).toMatchObject({ slot: MONDAY_10, status: 'booked' });
    // Its reminder, once due, goes to nobody (no chat, no number to call).
    const id = reminderJobId(code, MONDAY_10, offices.reminders.beforeMinutes[0]!);
    await (await reminders.getJob(id))!.promote();
    await doneWith(id);
    await e2e.korpu.settled();
    expect(e2e.api.callsSince(mark).filter((c) => c.method === 'sendMessage')).toEqual([]);
  });

  it('keeps a number a walk-in gives later (a wrong one refused): from then on their meetings say to phone them', async () => {
    const web = await signIn(aysel);
    const code = await openWalkIn(web);
    let file = (await web.get(`/desk/cases/${code}`)).text;
    expect(file).toContain(t('web:case.walk_in.phone_label'));
    let r = await web.post(`/desk/cases/${code}/phone`, { phone: '12' });
    expect(r.location).toBe(`/desk/cases/${code}?notice=bad_phone#talk`);
    expect((await web.get(r.location!)).text).toContain(t('web:case.notice.bad_phone'));
    expect(await e2e.redis.hget(e2e.core.keys.case(code), 'f:phone')).toBeNull();
    r = await web.post(`/desk/cases/${code}/phone`, { phone: '050 333 44 55' });
    expect(r.location).toBe(`/desk/cases/${code}?done=phone_saved#talk`);
    file = (await web.get(r.location!)).text;
    expect(file).toContain(t('web:case.done.phone_saved'));
    expect(file).toContain(`${t('web:case.walk_in.call')} <bdi dir="ltr">+994503334455</bdi>`);
    const audit = (await e2e.redis.xrange(redisKeys(e2e.prefix).audit('2026-11'), '-', '+')).map(([, f]) => f.join(' '));
    expect(audit.some((e) => e.includes('correct_data') && e.includes(code) && e.includes('phone') && !e.includes('4455'))).toBe(true);

    // (Monday 10:00 is full by now: two places, both booked above.)
    await web.get(`/desk/cases/${code}/booking`);
    const booked = await web.post(`/desk/cases/${code}/booking`, { slot: 'baku@2026-11-30T11:00' });
    expect(booked.status).toBe(303);
    expect((await web.get(booked.location!)).text).toContain(t('behalf:walk_in.done_phone'));
  });

  it('refuses a booking for a walk-in whose case is closed, or whose person withdrew or had their data erased, saying which', async () => {
    const web = await signIn(aysel);
    const codes = { closed: await openWalkIn(web, '050 222 33 44'), withdrawn: await openWalkIn(web, '050 222 33 45'), erased: await openWalkIn(web, '050 222 33 46') };
    await e2e.redis.hset(e2e.core.keys.case(codes.closed), { status: 'closed', close_reason: 'not_eligible' });
    await e2e.redis.hset(e2e.core.keys.case(codes.withdrawn), { status: 'withdrawn', withdrawn_at: START.toISOString() });
    await e2e.redis.hset(e2e.core.keys.case(codes.erased), { status: 'erased' });
    for (const [status, problem] of [['closed', 'case_closed'], ['withdrawn', 'withdrawn'], ['erased', 'erased']] as const) {
      const code = codes[status];
      const page = await web.get(`/desk/cases/${code}/booking`);
      expect(page.status).toBe(400);
      expect(page.text).toContain(t(`behalf:problem.${problem}`));
      expect(page.text).not.toContain(`value="${MONDAY_10}"`);
      const r = await web.post(`/desk/cases/${code}/booking`, { slot: MONDAY_10 });
      expect(r.status).toBe(400);
      expect(r.text).toContain(t(`behalf:problem.${problem}`));
      expect(await e2e.core.bookings.get(code)).toBeUndefined();
    }
  });

  it('phones a walk-in who left a number with /call <case code>: the meeting booked on the call goes into the same case', async () => {
    const web = await signIn(aysel);
    const code = await openWalkIn(web, '+994 55 765 43 21');
    const cases = await e2e.redis.zcard(e2e.core.keys.cases());
    const say = async (text: string) => {
      const mark = e2e.api.mark();
      await e2e.bot.handleUpdate(e2e.api.updates.text(aysel, text));
      return sentTo(mark, aysel.id);
    };
    const tap = async (message: Message, data: string) => {
      const mark = e2e.api.mark();
      await e2e.bot.handleUpdate(e2e.api.updates.callback(aysel, message, data));
      return [...sentTo(mark, aysel.id), ...e2e.api.callsSince(mark).filter((c) => c.method === 'editMessageText' && String(c.params.chat_id) === String(aysel.id)).map((c) => String(c.params.text))];
    };
    const button = (node: string, value: string) => choiceButton(e2e.api, e2e.core.flows, aysel.id, node, value);

    let said = await say(`/call ${code.toLowerCase()}`);
    expect(said[0]).toBe(e2e.core.translator.t('en', 'call:worker.walk_in_started', { n: 1, code, phone: '+994557654321' }));
    // The call's language is asked first, in the one the person chose at the office.
    expect(said.join('\n')).toContain(e2e.core.translator.t('ru', 'call:language.prompt'));
    said = await tap(...button('language', 'ru'));
    const ru = (key: string) => e2e.core.translator.t('ru', key);
    expect(said.join('\n')).toContain(ru('call:walk_in.greeting'));
    // Not the interview of someone new: no diagnosis on the phone.
    expect(said.join('\n')).not.toContain(ru('call:script.purpose'));
    said = await tap(...button('walk_in_minutes', 'yes'));
    expect(said.join('\n')).toContain(ru('call:walk_in.pick_time'));
    // The latest time offered (its reminders are still ahead).
    const offer = e2e.api.lastMessage(aysel.id)!;
    const data = offer.reply_markup!.inline_keyboard.flat().map((b) => ('callback_data' in b ? b.callback_data : '')).filter((d) => /:s_\d{12}_baku$/.test(d)).at(-1)!;
    const slot = decodeSlotValue(/:(s_\d{12}_baku)$/.exec(data)![1]!)!.slot;
    said = await tap(offer, data);
    expect(said.join('\n')).toContain(e2e.core.translator.t('en', 'call:worker.walk_in_ended_booked', { n: 1, code, ...meetingDetails(baku, startOf(slot), 'en') }).slice(0, 30));

    // The meeting is the walk-in's, no second case was opened, and the case's records say walk-in still.
    expect(await e2e.core.bookings.get(code)).toMatchObject({ slot, status: 'booked' });
    expect(await e2e.redis.zcard(e2e.core.keys.cases())).toBe(cases);
    expect(await e2e.redis.hmget(e2e.core.keys.case(code), 'channel', 'status', 'claimed_by')).toEqual(['walk_in', 'open', (await e2e.korpu.roster.get(aysel.id))!.staffId]);
    const contact = e2e.core.cipher.decrypt((await e2e.redis.hget(e2e.core.keys.case(code), 'contact'))!, `${code}:contact`);
    expect(contact).toMatch(new RegExp(`^phone:${aysel.id}:1:\\d+$`));
    await e2e.korpu.settled();
    // Its reminders are scheduled (those whose time is still ahead): the call-back comes to Aysel, who made the call.
    const jobs = await Promise.all(offices.reminders.beforeMinutes.map((before) => reminders.getJob(reminderJobId(code, slot, before))));
    const due = jobs.find((j) => j !== undefined);
    expect(await due?.getState()).toBe('delayed');
    const mark = e2e.api.mark();
    await due!.promote();
    const callBack = e2e.core.translator.t('en', 'call:worker.call_back_walk_in', { code, ...meetingDetails(baku, startOf(slot), 'en') });
    await e2e.api.waitForCalls((c) => c.method === 'sendMessage' && String(c.params.chat_id) === String(aysel.id) && c.params.text === callBack, 1, 15_000, mark);
    // The call is over: what Aysel sends now is hers again (no call open).
    expect(await say('/endcall')).toEqual([e2e.core.translator.t('en', 'call:worker.not_open')]);
  });

  it('a walk-in’s call ended early with /endcall says /call <code> starts a new call (nothing to go on with), in the worker’s language', async () => {
    const web = await signIn(aysel);
    const code = await openWalkIn(web, '+994 55 111 22 33');
    const say = async (text: string) => {
      const mark = e2e.api.mark();
      await e2e.bot.handleUpdate(e2e.api.updates.text(aysel, text));
      return sentTo(mark, aysel.id);
    };
    const started = await say(`/call ${code}`);
    // The call's number among Aysel's calls (earlier tests made some).
    const n = [1, 2, 3, 4, 5].find((i) => started[0] === e2e.core.translator.t('en', 'call:worker.walk_in_started', { n: i, code, phone: '+994551112233' }));
    expect(n).toBeDefined();
    // Not the interview's "to go on with it later, send /call": for a walk-in that phones them afresh.
    expect(await say('/endcall')).toEqual([e2e.core.translator.t('en', 'call:worker.walk_in_ended_early', { n, code })]);
  });

  it('refuses a call, in the worker’s language, to a walk-in who left no number, to a closed case, and to one whose person erased their data or withdrew', async () => {
    const web = await signIn(aysel);
    const noNumber = await openWalkIn(web);
    const closed = await openWalkIn(web, '050 111 22 33');
    const erased = await openWalkIn(web, '050 111 22 34');
    const withdrawn = await openWalkIn(web, '050 111 22 35');
    await e2e.redis.hset(e2e.core.keys.case(closed), { status: 'closed', close_reason: 'not_eligible' });
    await e2e.redis.hset(e2e.core.keys.case(erased), { status: 'erased' });
    await e2e.redis.hset(e2e.core.keys.case(withdrawn), { status: 'withdrawn', withdrawn_at: START.toISOString() });
    const az = (key: string, code: string) => e2e.core.translator.t('az', key, { code });
    const say = async (text: string) => {
      const mark = e2e.api.mark();
      await e2e.bot.handleUpdate(e2e.api.updates.text(nigar, text));
      return sentTo(mark, nigar.id);
    };
    expect(await say(`/call ${noNumber}`)).toEqual([az('call:worker.walk_in_no_phone', noNumber)]);
    expect(await say(`/call ${closed}`)).toEqual([az('call:worker.walk_in_case_closed', closed)]);
    expect(await say(`/call ${erased}`)).toEqual([az('call:worker.walk_in_erased', erased)]);
    expect(await say(`/call ${withdrawn}`)).toEqual([az('call:worker.walk_in_withdrawn', withdrawn)]);
    // No call was opened by any of them.
    expect(await say('/endcall')).toEqual([e2e.core.translator.t('az', 'call:worker.not_open')]);
  });
});
