import { bookOnBehalf, meetingTimes, type DeskDeps, type StaffBookedMeeting } from '../../../src/caseworkers/desk';
import { meetingDetails } from '../../../src/intake/booking-desk';
import { SlotCalendar } from '../../../src/intake/slot-calendar';
import { OfficeClosures } from '../../../src/scheduling/office-closures';
import { reminderButtons } from '../../../src/scheduling/reminders';
import { baku, startDesk, type Desk } from './desk-harness';

/**
 * bookOnBehalf and meetingTimes on a real Redis: the bot's BookingStore (capacity, one meeting a
 * case, a move frees the old place), the office's closed days, who may book for whom, the
 * person told in their language, the conversation handed the meeting (its reminders follow
 * from there: see test/e2e/workspace-book-on-behalf.test.ts), the audit entry.
 */
describe('desk: bookOnBehalf', () => {
  let d: Desk;
  let deps: DeskDeps;
  let closures: OfficeClosures;
  const handed: { meeting: StaffBookedMeeting; ref: string }[] = [];
  // Tuesday 24 November 2026, 12:00 in Baku (the harness's clock). Wednesday 10:00 is 06:00Z.
  const WEDNESDAY_10 = new Date('2026-11-25T06:00:00Z');
  const FRIDAY_10 = 'baku@2026-11-27T10:00';
  const FRIDAY_10_AT = new Date('2026-11-27T06:00:00Z');
  const UNREACHABLE = 'KP-BEHA-0009';

  beforeEach(async () => {
    d = await startDesk();
    handed.length = 0;
    closures = new OfficeClosures(d.redis, d.keys);
    deps = {
      ...d.desk,
      conversationOf: async (code) => (code === UNREACHABLE ? undefined : `conv-${code}`),
      booking: { store: d.bookings, calendar: new SlotCalendar(), closures },
      meetings: { booked: async (meeting, ref) => (handed.push({ meeting, ref }), true), cancelled: async () => undefined },
    };
    await d.seedCase('KP-BEHA-0001', { office: baku, start: WEDNESDAY_10, lang: 'ru' });
    await d.desk.claims.claim('KP-BEHA-0001', d.staff.aysel.staffId, d.desk.clock.now());
  });
  afterEach(() => d.close());

  it('moves the meeting atomically, hands it to the conversation and tells the person in their language', async () => {
    const r = await bookOnBehalf(deps, d.staff.aysel, { caseCode: 'KP-BEHA-0001', slotId: FRIDAY_10 });
    expect(r).toEqual({ ok: true, outcome: 'moved', slot: FRIDAY_10, office: 'baku', start: FRIDAY_10_AT, tell: 'bot' });
    expect(await d.bookings.get('KP-BEHA-0001')).toMatchObject({ slot: FRIDAY_10, status: 'booked', lang: 'ru' });
    // The old place is free again, and the old day's list no longer has the case.
    expect(await d.redis.scard(d.keys.slot('baku@2026-11-25T10:00'))).toBe(0);
    expect(await d.bookings.day('baku', '2026-11-25')).toEqual([]);
    expect(handed).toEqual([
      {
        meeting: { caseCode: 'KP-BEHA-0001', slot: FRIDAY_10, office: 'baku', start: FRIDAY_10_AT.toISOString(), end: '2026-11-27T07:00:00.000Z', lang: 'ru', previousSlot: 'baku@2026-11-25T10:00' },
        ref: expect.stringMatching(/^behalf:KP-BEHA-0001:baku@2026-11-27T10:00:\d+$/),
      },
    ]);
    expect(d.notifier.notices).toEqual([
      {
        id: handed[0]!.ref, to: { type: 'case', caseCode: 'KP-BEHA-0001' }, lang: 'ru', kind: 'notice', caseCode: 'KP-BEHA-0001',
        output: { type: 'message', text: [{ key: 'booking:behalf.moved', params: meetingDetails(baku, FRIDAY_10_AT, 'ru') }], buttons: reminderButtons(FRIDAY_10) },
      },
    ]);
    expect(d.audit.filter((e) => e.action === 'book_on_behalf')).toEqual([expect.objectContaining({ staffId: d.staff.aysel.staffId, caseCode: 'KP-BEHA-0001', office: 'baku', slot: FRIDAY_10, outcome: 'moved' })]);

    // The same time again: nothing changes, nobody is told twice.
    expect(await bookOnBehalf(deps, d.staff.aysel, { caseCode: 'KP-BEHA-0001', slotId: FRIDAY_10 })).toMatchObject({ ok: true, outcome: 'already' });
    expect(handed).toHaveLength(1);
    expect(d.notifier.notices).toHaveLength(1);
  });

  it('books a first meeting for a case without one (a supervisor, any office), told as a new booking', async () => {
    await d.seedCase('KP-BEHA-0002', { lang: 'en' });
    expect(await bookOnBehalf(deps, d.staff.leyla, { caseCode: 'KP-BEHA-0002', slotId: 'ganja@2026-11-27T10:00' })).toMatchObject({ ok: true, outcome: 'booked', office: 'ganja' });
    expect(handed[0]!.meeting.previousSlot).toBeUndefined();
    expect(d.notifier.notices[0]!.output.text[0]).toMatchObject({ key: 'booking:behalf.booked' });
  });

  it('books for a person interviewed on the phone without telling them through the bot (tell: phone); with no number taken, refuses', async () => {
    await d.seedCase('KP-BEHA-0003', { lang: 'ru' });
    await d.redis.hset(d.keys.case('KP-BEHA-0003'), { channel: 'phone', by: 'phone', 'f:phone': d.cipher.encrypt('+994501234567', 'KP-BEHA-0003:phone') });
    await d.desk.claims.claim('KP-BEHA-0003', d.staff.aysel.staffId, d.desk.clock.now());
    expect(await meetingTimes(deps, d.staff.aysel, { caseCode: 'KP-BEHA-0003' })).toMatchObject({ ok: true, tell: 'phone' });
    expect(await bookOnBehalf(deps, d.staff.aysel, { caseCode: 'KP-BEHA-0003', slotId: FRIDAY_10 })).toMatchObject({ ok: true, outcome: 'booked', tell: 'phone' });
    // The meeting is the conversation's (its call-back reminders go to the worker who took the call); nothing to the person.
    expect(handed).toHaveLength(1);
    expect(d.notifier.notices).toEqual([]);

    await d.seedCase('KP-BEHA-0004', { lang: 'ru' });
    await d.redis.hset(d.keys.case('KP-BEHA-0004'), { channel: 'phone', by: 'phone' });
    await d.desk.claims.claim('KP-BEHA-0004', d.staff.aysel.staffId, d.desk.clock.now());
    expect(await meetingTimes(deps, d.staff.aysel, { caseCode: 'KP-BEHA-0004' })).toEqual({ ok: false, reason: 'no_phone' });
    expect(await bookOnBehalf(deps, d.staff.aysel, { caseCode: 'KP-BEHA-0004', slotId: FRIDAY_10 })).toEqual({ ok: false, reason: 'no_phone' });
    expect(await d.bookings.get('KP-BEHA-0004')).toBeUndefined();
  });

  it('refuses a full time and a day closed from the calendar', async () => {
    const slot = { id: FRIDAY_10, office: 'baku', start: FRIDAY_10_AT, end: new Date(FRIDAY_10_AT.getTime() + 3_600_000) };
    await d.bookings.book(baku, slot, 'KP-OTHR-0001', 'az', d.desk.clock.now());
    await d.bookings.book(baku, slot, 'KP-OTHR-0002', 'az', d.desk.clock.now());
    expect(await bookOnBehalf(deps, d.staff.aysel, { caseCode: 'KP-BEHA-0001', slotId: FRIDAY_10 })).toEqual({ ok: false, reason: 'full' });
    await closures.close('baku', '2026-11-30');
    expect(await bookOnBehalf(deps, d.staff.aysel, { caseCode: 'KP-BEHA-0001', slotId: 'baku@2026-11-30T10:00' })).toEqual({ ok: false, reason: 'closed_day' });
    // Nothing moved, nobody told.
    expect((await d.bookings.get('KP-BEHA-0001'))!.slot).toBe('baku@2026-11-25T10:00');
    expect(handed).toEqual([]);
    expect(d.notifier.notices).toEqual([]);
    // The free times leave out the full slot and the closed day.
    const times = await meetingTimes(deps, d.staff.aysel, { caseCode: 'KP-BEHA-0001' });
    if (!times.ok) throw new Error(times.reason);
    const offered = times.days.flatMap((day) => day.times.map((x) => x.slot));
    expect(offered).toContain('baku@2026-11-27T11:00');
    expect(offered).not.toContain(FRIDAY_10);
    expect(times.days.map((day) => day.date)).not.toContain('2026-11-30');
    // Thursday 26th is closed in the office's configuration.
    expect(times.days.map((day) => day.date)).not.toContain('2026-11-26');
    expect(times.current?.slot).toBe('baku@2026-11-25T10:00');
  });

  it('refuses other offices, workers who do not hold the case, times not offered and people the bot cannot reach', async () => {
    const book = (who: keyof Desk['staff'], slotId: string, caseCode = 'KP-BEHA-0001') => bookOnBehalf(deps, d.staff[who], { caseCode, slotId });
    expect(await book('rauf', FRIDAY_10)).toEqual({ ok: false, reason: 'other_office' });
    expect(await book('nigar', FRIDAY_10)).toEqual({ ok: false, reason: 'not_holder' });
    expect(await book('aysel', 'ganja@2026-11-27T10:00')).toEqual({ ok: false, reason: 'other_office' });
    expect(await book('stranger', FRIDAY_10)).toEqual({ ok: false, reason: 'not_staff' });
    expect(await book('aysel', FRIDAY_10, 'KP-NONE-0000')).toEqual({ ok: false, reason: 'not_found' });
    expect(await meetingTimes(deps, d.staff.rauf, { caseCode: 'KP-BEHA-0001' })).toEqual({ ok: false, reason: 'other_office' });
    expect(await meetingTimes(deps, d.staff.aysel, { caseCode: 'KP-BEHA-0001', office: 'ganja' })).toEqual({ ok: false, reason: 'other_office' });
    // Not a slot id; Thursday (closed in the configuration); too soon (the office's lead time); past the horizon.
    for (const slotId of ['nonsense', 'baku@2026-11-26T10:00', 'baku@2026-11-24T09:00', 'baku@2027-03-01T10:00']) expect(await book('aysel', slotId)).toEqual({ ok: false, reason: 'gone' });
    await d.seedCase(UNREACHABLE, { office: baku, start: WEDNESDAY_10 });
    expect(await book('leyla', FRIDAY_10, UNREACHABLE)).toEqual({ ok: false, reason: 'unreachable' });
    // A closed case keeps its records as they are.
    await d.redis.hset(d.keys.case('KP-BEHA-0001'), 'status', 'closed');
    expect(await book('aysel', FRIDAY_10)).toMatchObject({ ok: false, reason: 'case_closed' });
    expect((await d.bookings.get('KP-BEHA-0001'))!.slot).toBe('baku@2026-11-25T10:00');
    expect(d.notifier.notices).toEqual([]);
    expect(d.audit.filter((e) => e.action === 'book_on_behalf')).toEqual([]);
  });

  it('answers unavailable where the deployment books nothing from the desk', async () => {
    const { booking: _b, meetings: _m, ...bare } = deps;
    expect(await bookOnBehalf(bare, d.staff.aysel, { caseCode: 'KP-BEHA-0001', slotId: FRIDAY_10 })).toEqual({ ok: false, reason: 'unavailable' });
  });
});
