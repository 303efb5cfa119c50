import { DateTime } from 'luxon';
import { addWorkingTime } from '../../../src/caseworkers/working-hours';
import { testOffice } from '../../helpers/office';

/** Weekdays 09:00–13:00 and 14:00–18:00 in Baku (UTC+4); Thursday 26 November 2026 is closed. */
const baku = testOffice();
const at = (local: string) => DateTime.fromISO(local, { zone: 'Asia/Baku' }).toJSDate();
const local = (d: Date) => DateTime.fromJSDate(d, { zone: 'Asia/Baku' }).toFormat("ccc yyyy-MM-dd'T'HH:mm");

describe('addWorkingTime', () => {
  it('adds opening time within one morning', () => {
    expect(local(addWorkingTime(at('2026-11-23T09:30'), 120, baku))).toBe('Mon 2026-11-23T11:30');
  });

  it('skips the lunch break', () => {
    // 11:00 → 13:00 is 2 h; the other 2 h run from 14:00.
    expect(local(addWorkingTime(at('2026-11-23T11:00'), 240, baku))).toBe('Mon 2026-11-23T16:00');
  });

  it('carries over the night into the next opening', () => {
    expect(local(addWorkingTime(at('2026-11-23T16:00'), 240, baku))).toBe('Tue 2026-11-24T11:00');
  });

  it('skips weekends', () => {
    expect(local(addWorkingTime(at('2026-11-27T16:00'), 240, baku))).toBe('Mon 2026-11-30T11:00');
  });

  it("skips the office's closed dates", () => {
    expect(local(addWorkingTime(at('2026-11-25T17:00'), 120, baku))).toBe('Fri 2026-11-27T10:00');
  });

  it('starts counting at the next opening when the intake comes at night or at the weekend', () => {
    expect(local(addWorkingTime(at('2026-11-28T03:00'), 240, baku))).toBe('Mon 2026-11-30T13:00');
    expect(local(addWorkingTime(at('2026-11-23T20:00'), 30, baku))).toBe('Tue 2026-11-24T09:30');
  });

  it('ends exactly at closing time when the time runs out there', () => {
    expect(local(addWorkingTime(at('2026-11-23T09:00'), 240, baku))).toBe('Mon 2026-11-23T13:00');
  });

  it('gives the first open moment for zero minutes', () => {
    expect(local(addWorkingTime(at('2026-11-23T13:30'), 0, baku))).toBe('Mon 2026-11-23T14:00');
    expect(local(addWorkingTime(at('2026-11-23T10:15'), 0, baku))).toBe('Mon 2026-11-23T10:15');
  });

  it('reads the hours in the office time zone, whatever the machine’s', () => {
    const start = new Date('2026-11-23T05:00:00Z'); // 09:00 in Baku
    expect(addWorkingTime(start, 60, baku).toISOString()).toBe('2026-11-23T06:00:00.000Z');
  });

  it('counts plain time for an office that is never open, and refuses negative minutes', () => {
    const never = testOffice({ hours: {} });
    const start = new Date('2026-11-23T05:00:00Z');
    expect(addWorkingTime(start, 240, never).toISOString()).toBe('2026-11-23T09:00:00.000Z');
    expect(() => addWorkingTime(start, -1, baku)).toThrow(RangeError);
  });
});
