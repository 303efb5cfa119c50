import { Queue } from 'bullmq';
import { person, textUpdate } from '../../bench/telegram-updates';
import { toUpdate, type Answer } from '../../bench/workload';
import { closeCase } from '../../src/caseworkers/desk';
import { OfficesFileSchema } from '../../src/config/offices';
import { APPOINTMENT_BUTTONS, meetingButtonValue } from '../../src/flows/engine/meeting-buttons';
import { reminderJobId, REMINDER_QUEUE } from '../../src/scheduling/reminders';
import { redisKeys } from '../../src/storage/keys';
import { intakeUntilTimes } from '../helpers/intake';
import { testOffice } from '../helpers/office';
import { addStaff, useTestKorpu } from '../helpers/use-korpu';

/**
 * A person whose case a case worker closed for good (spec §3.8) books no meeting through the
 * bot: not from the free times still on screen when the case was closed, not from
 * /appointment, not from an old reminder's "Reschedule". They are told, in their language, that
 * the programme's support ended and that /person reaches someone; no place is taken, no
 * booking written, no reminder scheduled.
 */

jest.setTimeout(90_000);

// Tuesday 24 November 2026, 12:00 in Baku (UTC+4).
const START = new Date('2026-11-24T08:00:00Z');
const offices = OfficesFileSchema.parse({ offices: [testOffice()] });
const FRIDAY_10 = 'baku@2026-11-27T10:00';
const MONDAY_11 = 'baku@2026-11-30T11:00';

describe('a case closed by a case worker: booking through the bot', () => {
  const e2e = useTestKorpu({ offices, clock: { now: () => START }, beforeStop: () => reminders?.close() });
  let reminders: Queue;
  let code: string;
  let supervisor: string;
  const p = person(1); // writes in Russian
  const t = (key: string) => e2e.core.translator.t('ru', key);
  const conversation = () => e2e.core.runner.peek(e2e.core.runner.conversationId('telegram', String(p.id)));
  const send = async (answer: Answer) => e2e.bot.handleUpdate(toUpdate(p, answer));
  const lastTimes = () => (e2e.api.lastMessage(p.id)?.reply_markup?.inline_keyboard.flat() ?? []).filter((b) => 'callback_data' in b && /:s_\d+_/.test(b.callback_data!));

  beforeAll(async () => {
    reminders = new Queue(REMINDER_QUEUE, { connection: e2e.redis, prefix: redisKeys(e2e.prefix).bull() });
    ({ staffId: supervisor } = await addStaff(e2e, { name: 'Leyla Əliyeva', firstName: 'Leyla', lang: 'en', langs: ['en'], office: 'baku', role: 'supervisor', addedAt: START }));
    for (const answer of [...intakeUntilTimes(p.lang, { consent: 'B', firstName: p.user.first_name, surname: 'Mammadova', reason: 'study' }), { kind: 'tap', node: 'pick_time', value: 's_202611271000_baku' } as const]) await send(answer);
    code = (await conversation())!.caseCode!;
    await e2e.korpu.settled();
    expect(await e2e.core.bookings.get(code)).toMatchObject({ slot: FRIDAY_10, status: 'booked' });
  });

  it('refuses a time tapped on the list that was on screen when the case was closed: no place taken, told why and where to turn', async () => {
    // The person opens their meeting and asks for another time: the free times are on screen.
    await e2e.bot.handleUpdate(textUpdate(p, '/appointment'));
    await send({ kind: 'tap', node: 'show', value: 'reschedule' });
    expect(lastTimes().length).toBeGreaterThan(0);

    // Meanwhile the supervisor closes the case (the desk's use case, as the workspace calls it).
    expect(await closeCase(e2e.korpu.desk!, { staffId: supervisor }, { caseCode: code, reason: 'other_body' })).toMatchObject({ ok: true, cancelledMeeting: FRIDAY_10 });
    await e2e.korpu.settled();

    const mark = e2e.api.mark();
    await send({ kind: 'tap', node: 'pick', value: 's_202611301100_baku' });
    const replies = e2e.api.callsSince(mark).filter((c) => c.method === 'sendMessage' && String(c.params.chat_id) === String(p.id));
    expect(replies.map((c) => String(c.params.text)).join('\n')).toContain(t('booking:case_closed.no_booking'));
    expect(t('booking:case_closed.no_booking')).toContain('/person');
    expect(lastTimes()).toEqual([]);

    // Nothing taken, nothing written, nothing to remind of.
    expect(await e2e.redis.scard(redisKeys(e2e.prefix).slot(MONDAY_11))).toBe(0);
    expect(await e2e.core.bookings.day('baku', '2026-11-30')).toEqual([]);
    expect(await e2e.core.bookings.get(code)).toMatchObject({ slot: FRIDAY_10, status: 'cancelled' });
    expect((await conversation())!.booking).toBeUndefined();
    await e2e.korpu.settled();
    const states = await Promise.all(offices.reminders.beforeMinutes.map((before) => reminders.getJobState(reminderJobId(code, MONDAY_11, before))));
    expect(states.every((s) => s === 'unknown')).toBe(true);
  });

  it('answers /appointment, the menu’s "book" and an old reminder’s buttons of someone whose case was closed with the same words, offers no time, and asks whether they want to take part again', async () => {
    const q = person(2, 0); // another person, who has not tried to book since their case was closed
    const tq = (key: string) => e2e.core.translator.t(q.lang, key);
    for (const answer of [...intakeUntilTimes(q.lang, { consent: 'A', firstName: q.user.first_name, surname: 'Həsənova' }), { kind: 'tap', node: 'pick_time', value: 's_202611271100_baku' } as const]) await e2e.bot.handleUpdate(toUpdate(q, answer));
    const qCode = (await e2e.core.runner.peek(e2e.core.runner.conversationId('telegram', String(q.id))))!.caseCode!;
    await e2e.korpu.settled();
    expect(await closeCase(e2e.korpu.desk!, { staffId: supervisor }, { caseCode: qCode, reason: 'no_longer_eligible' })).toMatchObject({ ok: true });
    await e2e.korpu.settled();
    const qTimes = () => (e2e.api.lastMessage(q.id)?.reply_markup?.inline_keyboard.flat() ?? []).filter((b) => 'callback_data' in b && /:s_\d+_/.test(b.callback_data!));
    for (const update of [
      textUpdate(q, '/appointment'),
      toUpdate(q, { kind: 'tap', node: 'menu', value: 'book' }),
      toUpdate(q, { kind: 'tap', node: APPOINTMENT_BUTTONS, value: meetingButtonValue('reschedule', 'baku@2026-11-27T11:00') }),
      toUpdate(q, { kind: 'tap', node: APPOINTMENT_BUTTONS, value: meetingButtonValue('rebook') }),
    ]) {
      // Each from the menu: the answer ends with the question whether they want to take part
      // again, where the menu's old buttons are an earlier message's.
      await e2e.bot.handleUpdate(textUpdate(q, '/menu'));
      const mark = e2e.api.mark();
      await e2e.bot.handleUpdate(update);
      const replies = e2e.api.callsSince(mark).filter((c) => c.method === 'sendMessage' && String(c.params.chat_id) === String(q.id));
      expect(replies.map((c) => String(c.params.text)).join('\n')).toContain(tq('booking:case_closed.no_booking'));
      expect(replies.map((c) => String(c.params.text)).join('\n')).toContain(tq('booking:case_closed.again.prompt'));
      expect(qTimes()).toEqual([]);
    }
    expect(await e2e.core.bookings.get(qCode)).toMatchObject({ status: 'cancelled' });
  });
});
