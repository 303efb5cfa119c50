import { Queue } from 'bullmq';
import type { User } from 'grammy/types';
import { person, textUpdate } from '../../bench/telegram-updates';
import { toUpdate, type Answer } from '../../bench/workload';
import { OfficesFileSchema } from '../../src/config/offices';
import { meetingDetails } from '../../src/intake/booking-desk';
import { reminderJobId, REMINDER_QUEUE } from '../../src/scheduling/reminders';
import { slotIdParts } from '../../src/scheduling/slot-id';
import { redisKeys } from '../../src/storage/keys';
import { intakeUntilTimes } from '../helpers/intake';
import { testOffice } from '../helpers/office';
import { trackHandled, signInAs } from '../helpers/workspace';
import { addStaff, useTestKorpu } from '../helpers/use-korpu';

/**
 * Closing a case from the workspace while its meeting is still to come, through the whole of
 * Körpü (createKorpu, HTTP, the fake Bot API, BullMQ): the person books in the bot; a
 * supervisor closes the case; the meeting is cancelled as an office's closure cancels one
 * (place freed, reminders removed, gone from /appointment), the person is told in their
 * language without being offered a new time, and a later closure of that day tells them nothing.
 */

jest.setTimeout(90_000);

// Tuesday 24 November 2026, 12:00 in Baku (UTC+4).
const START = new Date('2026-11-24T08:00:00Z');
const baku = testOffice();
const offices = OfficesFileSchema.parse({ offices: [baku] });
const FRIDAY_10 = 'baku@2026-11-27T10:00';
const startOf = (slot: string) => new Date(`${slotIdParts(slot).localStart}:00+04:00`);

describe('workspace: closing a case with a meeting still to come', () => {
  const e2e = useTestKorpu({ offices, clock: { now: () => START }, beforeStop: () => reminders?.close() });
  let base: string;
  let handled: (id: number) => Promise<void>;
  let reminders: Queue;
  let code: string;
  let leyla: User;
  const p = person(1); // writes in Russian
  const t = (key: string, params?: Record<string, unknown>) => e2e.core.translator.t('ru', key, params);
  const conversation = () => e2e.core.runner.peek(e2e.core.runner.conversationId('telegram', String(p.id)));
  const reminderStates = () => Promise.all(offices.reminders.beforeMinutes.map((before) => reminders.getJobState(reminderJobId(code, FRIDAY_10, before))));

  beforeAll(async () => {
    handled = trackHandled(e2e.bot);
    base = (await e2e.korpu.start()).url;
    reminders = new Queue(REMINDER_QUEUE, { connection: e2e.redis, prefix: redisKeys(e2e.prefix).bull() });
    leyla = (await addStaff(e2e, { name: 'Leyla Əliyeva', firstName: 'Leyla', lang: 'en', langs: ['en'], office: 'baku', role: 'supervisor', addedAt: START })).user;
    const script: Answer[] = [
      ...intakeUntilTimes(p.lang, { consent: 'B', firstName: p.user.first_name, surname: 'Mammadova', reason: 'study' }),
      { kind: 'tap', node: 'pick_time', value: 's_202611271000_baku' },
    ];
    for (const answer of script) await e2e.bot.handleUpdate(toUpdate(p, answer));
    code = (await conversation())!.caseCode!;
    await e2e.korpu.settled();
  });

  const signIn = (user: User) => signInAs(e2e.api, handled, base, user);


  it('refuses "all the plan’s goals are achieved" for a case without a plan, saying why on the close page', async () => {
    const web = await signIn(leyla);
    await web.get(`/desk/cases/${code}/close`);
    const r = await web.post(`/desk/cases/${code}/close`, { reason: 'goals_achieved' });
    expect(r.status).toBe(400);
    expect(r.text).toContain(e2e.core.translator.t('en', 'casework:problem.no_plan').replace(/'/g, '&#39;'));
    expect(await e2e.redis.hget(redisKeys(e2e.prefix).case(code), 'status')).not.toBe('closed');
    expect(await e2e.core.bookings.get(code)).toMatchObject({ slot: FRIDAY_10, status: 'booked' });
  });

  it('cancels the meeting, frees its place, removes its reminders and tells the person, without a new time', async () => {
    expect(await e2e.core.bookings.get(code)).toMatchObject({ slot: FRIDAY_10, status: 'booked' });
    expect((await reminderStates()).every((s) => s === 'delayed')).toBe(true);
    const web = await signIn(leyla);
    await web.get(`/desk/cases/${code}/close`);
    const mark = e2e.api.mark();
    expect(await web.post(`/desk/cases/${code}/close`, { reason: 'other_body' })).toMatchObject({ status: 303 });

    expect(await e2e.core.bookings.get(code)).toMatchObject({ slot: FRIDAY_10, status: 'cancelled' });
    expect(await e2e.redis.scard(redisKeys(e2e.prefix).slot(FRIDAY_10))).toBe(0);
    expect(await e2e.core.bookings.day('baku', '2026-11-27')).toEqual([]);
    const told = t('booking:case_closed.text', meetingDetails(baku, startOf(FRIDAY_10), 'ru'));
    const [call] = await e2e.api.waitForCalls((c) => c.method === 'sendMessage' && String(c.params.chat_id) === String(p.id) && c.params.text === told, 1, 10_000, mark);
    expect(call!.params.reply_markup).toBeUndefined();
    await e2e.korpu.settled();
    expect(await reminderStates()).not.toContain('delayed');
    expect((await conversation())!.booking).toBeUndefined();
    await e2e.bot.handleUpdate(textUpdate(p, '/appointment'));
    expect(e2e.api.lastMessage(p.id)!.text).not.toContain(meetingDetails(baku, startOf(FRIDAY_10), 'ru').date);
  });

  it('offers the person no new time when that day is closed afterwards', async () => {
    const web = await signIn(leyla);
    await web.get('/desk/calendar');
    const mark = e2e.api.mark();
    expect((await web.post('/desk/calendar/close', { office: 'baku', date: '2026-11-27' })).status).toBe(303);
    // The closing had cancelled the meeting already: the day's closure finds nothing to cancel.
    expect(await e2e.redis.hget(redisKeys(e2e.prefix).booking(code), 'cancel_reason')).toBe('case_closed');
    await e2e.korpu.settled();
    await new Promise((r) => setTimeout(r, 1000));
    expect(e2e.api.callsSince(mark).filter((c) => c.method === 'sendMessage' && String(c.params.chat_id) === String(p.id))).toEqual([]);
  });
});
