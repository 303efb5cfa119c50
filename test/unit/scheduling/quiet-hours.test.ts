import { inQuietHours, reminderTime } from '../../../src/scheduling/quiet-hours';

const quiet = { from: '21:00', to: '09:00' };
const tz = 'Asia/Baku';
const baku = (local: string) => new Date(`${local}+04:00`);

describe('quiet hours', () => {
  it('span midnight in local time', () => {
    expect(inQuietHours(baku('2026-11-24T20:59:00'), quiet, tz)).toBe(false);
    expect(inQuietHours(baku('2026-11-24T21:00:00'), quiet, tz)).toBe(true);
    expect(inQuietHours(baku('2026-11-25T03:00:00'), quiet, tz)).toBe(true);
    expect(inQuietHours(baku('2026-11-25T09:00:00'), quiet, tz)).toBe(false);
  });

  it('send a reminder on time when it falls in the day', () => {
    const at = reminderTime(baku('2026-11-26T15:00:00'), 1440, quiet, tz, baku('2026-11-24T10:00:00'));
    expect(at).toEqual(baku('2026-11-25T15:00:00'));
  });

  it('move a reminder that would fall at night to the evening before', () => {
    // 2 h before a 10:00 meeting is 08:00: too early, so it goes at 20:45 the day before.
    expect(reminderTime(baku('2026-11-26T10:00:00'), 120, quiet, tz, baku('2026-11-24T10:00:00'))).toEqual(baku('2026-11-25T20:45:00'));
    // 24 h before a 22:30 slot would be 22:30: goes at 20:45 the same evening.
    expect(reminderTime(baku('2026-11-26T22:30:00'), 1440, quiet, tz, baku('2026-11-24T10:00:00'))).toEqual(baku('2026-11-25T20:45:00'));
  });

  it('drop a reminder whose moment has passed', () => {
    expect(reminderTime(baku('2026-11-24T14:00:00'), 1440, quiet, tz, baku('2026-11-24T10:00:00'))).toBeUndefined();
  });
});
