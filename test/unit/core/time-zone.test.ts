import { DateTime } from 'luxon';
import { luxonZone as timeZone } from '../../../src/core/time-zone';

/**
 * Dates built in `timeZone(name)` are the dates built in `name`: the same wall clock, offset
 * and day, before, across and after clock changes, however often the same hours are asked.
 */
describe('timeZone', () => {
  const MIN = 60_000;
  /** Every 17 minutes (and the seconds around each hour's turn) over a day from `fromIso`. */
  function instants(fromIso: string): number[] {
    const start = Date.parse(fromIso);
    const out: number[] = [];
    for (let t = start; t < start + 24 * 60 * MIN; t += 17 * MIN) out.push(t);
    for (let h = start; h < start + 24 * 60 * MIN; h += 60 * MIN) out.push(h - 1000, h - 1, h, h + 1000);
    return out;
  }
  const moments = [
    ...instants('2026-03-28T12:00:00Z'), // Europe's spring change (29 March, 01:00 UTC)
    ...instants('2026-10-24T12:00:00Z'), // Europe's autumn change (25 October, 01:00 UTC)
    ...instants('2026-03-07T20:00:00Z'), // North America's (8 March)
    ...instants('2026-04-04T03:00:00Z'), // Lord Howe's half hour (4 April, 15:00 UTC)
    ...instants('2015-10-24T12:00:00Z'), // Baku's last change (25 October 2015)
    ...instants('1924-05-01T08:00:00Z'), // Baku leaving local mean time (+3:19:24), inside an hour
    Date.parse('2026-12-07T09:00:00Z'),
  ];
  const view = (d: DateTime) => [d.isValid, d.toISO(), d.offset, d.zoneName, d.toFormat('yyyy-MM-dd HH:mm:ss ZZ'), d.startOf('day').toMillis(), d.set({ hour: 9, minute: 30 }).toMillis(), d.plus({ days: 1 }).toISO()];

  it.each(['Asia/Baku', 'Europe/Kyiv', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'Asia/Tehran', 'UTC', 'Etc/GMT-4', 'UTC+4', 'local', 'Not/A_Zone'])('gives the dates %s gives, twice over', (name) => {
    for (const pass of [moments, [...moments].reverse()]) {
      expect(pass.map((ts) => view(DateTime.fromMillis(ts, { zone: timeZone(name) })))).toEqual(pass.map((ts) => view(DateTime.fromMillis(ts, { zone: name }))));
    }
  });

  it('reads a local wall clock as the name does, in the hour that repeats and the hour that is skipped', () => {
    for (const text of ['2026-10-25 03:30', '2026-03-29 03:30', '2026-03-29 02:59', '2026-10-25 04:00']) {
      const fromName = DateTime.fromFormat(text, 'yyyy-MM-dd HH:mm', { zone: 'Europe/Kyiv' });
      const fromZone = DateTime.fromFormat(text, 'yyyy-MM-dd HH:mm', { zone: timeZone('Europe/Kyiv') });
      expect(fromZone.toMillis()).toBe(fromName.toMillis());
    }
  });
});
