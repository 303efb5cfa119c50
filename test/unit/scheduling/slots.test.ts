import { slotIdAt } from '../../../src/scheduling/slot-id';
import { slotById, upcomingSlots } from '../../../src/scheduling/slots';
import { testOffice } from '../../helpers/office';

// Tuesday 24 November 2026, 10:30 in Baku (UTC+4).
const now = new Date('2026-11-24T06:30:00Z');
const office = testOffice();

describe('upcomingSlots', () => {
  const slots = upcomingSlots(office, now);

  it('starts after the minimum lead time, in office-local hours', () => {
    expect(slots[0]!.id).toBe('baku@2026-11-24T14:00'); // 12:00 is within 2 h, 13:00 is lunch
    expect(slots[0]!.start.toISOString()).toBe('2026-11-24T10:00:00.000Z');
    expect(slots[0]!.end.toISOString()).toBe('2026-11-24T11:00:00.000Z');
  });

  it('skips lunch, closed dates and weekends', () => {
    const ids = slots.map((s) => s.id);
    expect(ids).not.toContain('baku@2026-11-25T13:00');
    expect(ids.some((id) => id.includes('2026-11-26'))).toBe(false); // a holiday
    expect(ids.some((id) => id.includes('2026-11-28') || id.includes('2026-11-29'))).toBe(false); // Sat, Sun
    expect(ids.filter((id) => id.includes('2026-11-25'))).toEqual([
      'baku@2026-11-25T09:00', 'baku@2026-11-25T10:00', 'baku@2026-11-25T11:00', 'baku@2026-11-25T12:00',
      'baku@2026-11-25T14:00', 'baku@2026-11-25T15:00', 'baku@2026-11-25T16:00', 'baku@2026-11-25T17:00',
    ]);
  });

  it('stops at the horizon and keeps time order', () => {
    expect(slots.at(-1)!.id.startsWith('baku@2026-12-08')).toBe(true);
    for (let i = 1; i < slots.length; i++) expect(slots[i]!.start.getTime()).toBeGreaterThan(slots[i - 1]!.start.getTime());
  });
});

describe('slot ids', () => {
  it('round-trip and refuse what the office never offers', () => {
    const s = upcomingSlots(office, now)[3]!;
    expect(slotById(office, slotIdAt(office, s.start))).toEqual(s);
    for (const bad of ['baku@2026-11-25T13:00', 'baku@2026-11-28T10:00', 'baku@2026-11-25T09:30', 'ganja@2026-11-25T09:00', 'baku@2026-02-31T09:00', 'nonsense']) {
      expect(slotById(office, bad)).toBeUndefined();
    }
  });
});
