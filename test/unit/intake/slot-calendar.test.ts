import { SlotCalendar } from '../../../src/intake/slot-calendar';
import { upcomingSlots } from '../../../src/scheduling/slots';
import { testOffice } from '../../helpers/office';

describe('SlotCalendar', () => {
  const office = testOffice();
  // Across a day (lead time crossing slot starts and the day's end), a closed day and a weekend.
  const moments = [
    '2026-11-23T00:00:00.000Z', '2026-11-23T04:59:59.999Z', '2026-11-23T05:00:00.000Z', '2026-11-23T07:30:00.000Z',
    '2026-11-23T12:00:00.000Z', '2026-11-23T19:59:59.999Z', '2026-11-23T20:00:00.000Z', '2026-11-25T06:00:00.000Z',
    '2026-11-28T10:00:00.000Z', '2026-11-29T23:00:00.000Z',
  ].map((t) => new Date(t));

  it('gives exactly what upcomingSlots gives, whatever the moment of the day', () => {
    const calendar = new SlotCalendar();
    for (const now of moments) expect(calendar.upcoming(office, now).map((s) => s.id)).toEqual(upcomingSlots(office, now).map((s) => s.id));
  });

  it('finds a slot only while it can be booked', () => {
    const calendar = new SlotCalendar();
    const now = new Date('2026-11-23T05:00:00.000Z'); // 09:00 in Baku: the lead time ends at 11:00
    expect(calendar.find(office, 'baku@2026-11-23T11:00', now)?.start.toISOString()).toBe('2026-11-23T07:00:00.000Z');
    expect(calendar.find(office, 'baku@2026-11-23T10:00', now)).toBeUndefined(); // too soon
    expect(calendar.find(office, 'baku@2026-11-23T11:30', now)).toBeUndefined(); // off the grid
    expect(calendar.find(office, 'baku@2026-11-26T11:00', now)).toBeUndefined(); // closed day
    expect(calendar.find(office, 'baku@2026-11-28T11:00', now)).toBeUndefined(); // Saturday
    expect(calendar.find(office, 'baku@2026-12-08T11:00', now)).toBeUndefined(); // past the 14-day horizon
    expect(calendar.find(office, 'other@2026-11-24T11:00', now)).toBeUndefined();
  });
});
