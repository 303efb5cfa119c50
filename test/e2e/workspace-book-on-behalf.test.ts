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
 * Booking or moving a person's meeting on their behalf from the workspace (issue 12, item 4),
 * through the whole of Körpü (createKorpu, HTTP, the fake Bot API, BullMQ): the person books in
 * the bot; their holder moves the meeting from the case file's page; the person is told by the
 * bot in their language, /appointment shows the new time, and the reminders follow the move.
 * Refusals: no CSRF token, another office (403, audited), a full time, a closed day. A day
 * closed from the calendar takes the meeting out of the person's conversation too.
 */

jest.setTimeout(90_000);

// Tuesday 24 November 2026, 12:00 in Baku (UTC+4). The test office is open on weekdays, 2 places a slot, closed on Thursday 26th.
const START = new Date('2026-11-24T08:00:00Z');
const baku = testOffice();
const ganja = testOffice({ id: 'ganja', name: { az: 'Gəncə ofisi', ru: 'Гянджинский офис', en: 'Ganja office' } });
const offices = OfficesFileSchema.parse({ offices: [baku, ganja] });
const FRIDAY_10 = 'baku@2026-11-27T10:00';
const MONDAY_10 = 'baku@2026-11-30T10:00';
const MONDAY_11 = 'baku@2026-11-30T11:00';
const TUESDAY_10 = 'baku@2026-12-01T10:00';
const startOf = (slot: string) => new Date(`${slotIdParts(slot).localStart}:00+04:00`);

describe('workspace: book or move a meeting on the person’s behalf', () => {
  const e2e = useTestKorpu({ offices, clock: { now: () => START }, beforeStop: () => reminders?.close() });
  let base: string;
  let handled: (id: number) => Promise<void>;
  let reminders: Queue;
  let code: string;
  const staff: Record<'aysel' | 'rauf' | 'leyla', User> = {} as never;
  const p = person(1); // writes in Russian
  const t = (key: string, params?: Record<string, unknown>) => e2e.core.translator.t('ru', key, params);
  const conversation = () => e2e.core.runner.peek(e2e.core.runner.conversationId('telegram', String(p.id)));

  beforeAll(async () => {
    handled = trackHandled(e2e.bot);
    base = (await e2e.korpu.start()).url;
    reminders = new Queue(REMINDER_QUEUE, { connection: e2e.redis, prefix: redisKeys(e2e.prefix).bull() });
    const add = async (name: string, role: 'caseworker' | 'supervisor', office: string) => (await addStaff(e2e, { name, firstName: name, lang: 'en', langs: ['en'], office, role, addedAt: START })).user;
    staff.aysel = await add('Aysel Quliyeva', 'caseworker', 'baku');
    staff.rauf = await add('Rauf Məmmədov', 'caseworker', 'ganja');
    staff.leyla = await add('Leyla Əliyeva', 'supervisor', 'baku');

    // The person's intake in the bot, booking Friday 10:00 themself.
    const script: Answer[] = [
      ...intakeUntilTimes(p.lang, { consent: 'B', firstName: p.user.first_name, surname: 'Mammadova', reason: 'study' }),
      { kind: 'tap', node: 'pick_time', value: 's_202611271000_baku' },
    ];
    for (const answer of script) await e2e.bot.handleUpdate(toUpdate(p, answer));
    code = (await conversation())!.caseCode!;
    expect(await e2e.core.bookings.get(code)).toMatchObject({ slot: FRIDAY_10, status: 'booked', lang: 'ru' });
    await e2e.korpu.settled();
  });

  const signIn = (user: User) => signInAs(e2e.api, handled, base, user);

  const reminderStates = (slot: string) => Promise.all(offices.reminders.beforeMinutes.map((before) => reminders.getJobState(reminderJobId(code, slot, before))));
  const refusals = async () => (await e2e.redis.xrange(redisKeys(e2e.prefix).audit('2026-11'), '-', '+')).filter(([, f]) => f.includes('web_refused')).length;

  it('refuses a change without the CSRF token, and a case worker of another office (403, audited)', async () => {
    const rauf = await signIn(staff.rauf);
    const before = await refusals();
    expect((await rauf.get(`/desk/cases/${code}/booking`)).status).toBe(403);
    expect((await rauf.post(`/desk/cases/${code}/booking`, { slot: MONDAY_10 })).status).toBe(403);
    expect(await refusals()).toBe(before + 2);

    const aysel = await signIn(staff.aysel);
    // Not hers yet: a case worker books only for the cases she holds. Nobody holds it: she is
    // told to claim it, not that a colleague has it.
    const unclaimed = await aysel.get(`/desk/cases/${code}/booking`);
    expect(unclaimed.status).toBe(403);
    const en = (key: string) => e2e.core.translator.t('en', key);
    expect(unclaimed.text).toContain(en('web:forbidden.reason.not_claimed'));
    expect(unclaimed.text).not.toContain(en('web:forbidden.reason.not_holder'));
    expect((await aysel.get(`/desk/cases/${code}`)).status).toBe(200);
    expect((await aysel.post(`/desk/cases/${code}/claim`)).status).toBe(303);
    const page = await aysel.get(`/desk/cases/${code}/booking`);
    expect(page.status).toBe(200);
    expect(page.text).toContain(`value="${MONDAY_10}"`);
    // Thursday is closed in the office's configuration: no time offered.
    expect(page.text).not.toContain('baku@2026-11-26');
    expect((await aysel.post(`/desk/cases/${code}/booking`, { _csrf: null, slot: MONDAY_10 })).status).toBe(403);
    expect((await e2e.core.bookings.get(code))!.slot).toBe(FRIDAY_10);
  });

  it('moves the meeting: the person is told in Russian, /appointment shows the new time, the reminders move', async () => {
    await e2e.korpu.settled();
    expect((await reminderStates(FRIDAY_10)).every((s) => s === 'delayed')).toBe(true);
    const aysel = await signIn(staff.aysel);
    await aysel.get(`/desk/cases/${code}/booking`);
    const mark = e2e.api.mark();
    const moved = await aysel.post(`/desk/cases/${code}/booking`, { slot: MONDAY_10 });
    expect(moved.status).toBe(303);
    expect((await aysel.get(moved.location!)).text).toContain(e2e.core.translator.t('en', 'behalf:done.moved'));
    expect(await e2e.core.bookings.get(code)).toMatchObject({ slot: MONDAY_10, status: 'booked' });
    expect(await e2e.core.bookings.day('baku', '2026-11-27')).toEqual([]);

    const told = t('booking:behalf.moved', meetingDetails(baku, startOf(MONDAY_10), 'ru'));
    await e2e.api.waitForCalls((c) => c.method === 'sendMessage' && String(c.params.chat_id) === String(p.id) && c.params.text === told, 1, 10_000, mark);

    await e2e.korpu.settled();
    expect(await reminderStates(FRIDAY_10)).not.toContain('delayed');
    expect((await reminderStates(MONDAY_10)).every((s) => s === 'delayed')).toBe(true);

    await e2e.bot.handleUpdate(textUpdate(p, '/appointment'));
    const shown = e2e.api.lastMessage(p.id)!.text!;
    expect(shown).toContain(t('booking:details', meetingDetails(baku, startOf(MONDAY_10), 'ru')));
    expect((await conversation())!.booking!.slot).toBe(MONDAY_10);
  });

  it('refuses a full time and a day closed from the calendar, and changes nothing', async () => {
    // Both places of Monday 11:00 taken by others.
    const slot = { id: MONDAY_11, office: 'baku', start: startOf(MONDAY_11), end: new Date(startOf(MONDAY_11).getTime() + 3_600_000) };
    await e2e.core.bookings.book(baku, slot, 'KP-FULL-0001', 'az', START);
    await e2e.core.bookings.book(baku, slot, 'KP-FULL-0002', 'az', START);
    const aysel = await signIn(staff.aysel);
    await aysel.get(`/desk/cases/${code}/booking`);
    const full = await aysel.post(`/desk/cases/${code}/booking`, { slot: MONDAY_11 });
    expect(full.status).toBe(409);
    expect(full.text).toContain(e2e.core.translator.t('en', 'behalf:problem.full'));

    const leyla = await signIn(staff.leyla);
    await leyla.get('/desk/calendar');
    expect((await leyla.post('/desk/calendar/close', { office: 'baku', date: '2026-12-01' })).status).toBe(303);
    const closed = await aysel.post(`/desk/cases/${code}/booking`, { slot: TUESDAY_10 });
    expect(closed.status).toBe(400);
    expect(closed.text).toContain(e2e.core.translator.t('en', 'behalf:problem.closed_day'));
    expect((await e2e.core.bookings.get(code))!.slot).toBe(MONDAY_10);
  });

  it("takes a meeting cancelled by an office's closure out of the person's conversation", async () => {
    const leyla = await signIn(staff.leyla);
    await leyla.get('/desk/calendar');
    const mark = e2e.api.mark();
    expect((await leyla.post('/desk/calendar/close', { office: 'baku', date: '2026-11-30' })).status).toBe(303);
    await e2e.api.waitForCalls((c) => c.method === 'sendMessage' && String(c.params.chat_id) === String(p.id) && String(c.params.text).startsWith(t('booking:office_closed.text', meetingDetails(baku, startOf(MONDAY_10), 'ru')).slice(0, 20)), 1, 10_000, mark);
    expect((await conversation())!.booking).toBeUndefined();
    await e2e.bot.handleUpdate(textUpdate(p, '/appointment'));
    expect(e2e.api.lastMessage(p.id)!.text).not.toContain(meetingDetails(baku, startOf(MONDAY_10), 'ru').date);
  });
});
