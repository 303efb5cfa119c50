import { pageFormat } from '../../../src/web/format';

const t = ((key: string) => key) as never;

describe('pageFormat (dates on the workspace pages)', () => {
  it('writes a stored birth date as the page writes dates, the same day whatever the zone', () => {
    // A zone behind UTC would put midnight UTC on the day before if the day were read as a moment.
    const en = pageFormat('en', t, { timeZone: 'America/New_York', offices: [] });
    expect(en.calendarDate('1990-05-01')).toBe('01/05/1990');
    expect(pageFormat('az', t, { timeZone: 'Asia/Baku', offices: [] }).calendarDate('1990-05-01')).toBe('01.05.1990');
    // Persian digits, Gregorian calendar (not 1369 of the Solar Hijri one).
    expect(pageFormat('fa', t, { timeZone: 'Asia/Baku', offices: [] }).calendarDate('1990-05-01')).toMatch(/۱۹۹۰/);
  });

  it('leaves what is not a stored day as it is (an answer typed before dates were checked)', () => {
    const f = pageFormat('en', t, { timeZone: 'Asia/Baku', offices: [] });
    expect(f.calendarDate('spring 1990')).toBe('spring 1990');
    expect(f.calendarDate('1990-13-45')).toBe('1990-13-45');
  });

  it('writes English dates day first, as they are read in Azerbaijan', () => {
    expect(pageFormat('en', t, { timeZone: 'Asia/Baku', offices: [] }).date(new Date('2026-11-25T07:00:00Z'))).toBe('25/11/2026');
  });
});
