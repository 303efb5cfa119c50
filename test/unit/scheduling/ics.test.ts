import { meetingIcs } from '../../../src/scheduling/ics';
import { testOffice } from '../../helpers/office';

/** Content lines of an .ics file with folded lines joined again (RFC 5545 §3.1 unfolding). */
function unfold(ics: string): string[] {
  return ics.replace(/\r\n[ \t]/g, '').split('\r\n');
}

/** A TEXT value as a calendar app reads it. */
function unescape(value: string): string {
  return value.replace(/\\([\\;,nN])/g, (_, c: string) => (c === 'n' || c === 'N' ? '\n' : c));
}

describe('meeting calendar file (.ics)', () => {
  const office = testOffice();
  const meeting = {
    office,
    start: new Date('2026-12-10T06:00:00Z'),
    end: new Date('2026-12-10T07:00:00Z'),
    uid: 'baku@2026-12-10T10:00@korpu',
    now: new Date('2026-12-04T20:30:18.123Z'),
  };

  it('is one confirmed event in UTC with a reminder two hours before, as calendar apps read it', () => {
    const ics = meetingIcs({ ...meeting, lang: 'en', title: 'Meeting at Körpü', description: 'Bring your passport.' });
    expect(ics.endsWith('\r\n')).toBe(true);
    expect(ics.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    expect(unfold(ics)).toEqual([
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'CALSCALE:GREGORIAN',
      'PRODID:korpu/ics',
      'METHOD:PUBLISH',
      'X-PUBLISHED-TTL:PT1H',
      'BEGIN:VEVENT',
      'UID:baku@2026-12-10T10:00@korpu',
      'SUMMARY:Meeting at Körpü',
      'DTSTAMP:20261204T203018Z',
      'DTSTART:20261210T060000Z',
      'DTEND:20261210T070000Z',
      'DESCRIPTION:Bring your passport.',
      'GEO:40.4093;49.8671',
      'LOCATION:Baku office\\, Baku\\, 1 Test street',
      'STATUS:CONFIRMED',
      'BEGIN:VALARM',
      'ACTION:DISPLAY',
      'DESCRIPTION:Meeting at Körpü',
      'TRIGGER:-PT2H',
      'END:VALARM',
      'END:VEVENT',
      'END:VCALENDAR',
      '',
    ]);
  });

  it('escapes text and folds long lines at 75 octets without breaking a letter', () => {
    const title = 'Körpü ilə görüş: ilk söhbət, çox uzun başlıq; sətir 75 baytdan uzun olsun \\ Встреча с консультантом 🗓️';
    const description = 'Birinci sətir\nİkinci sətir, pasportunuzu gətirin; 9:00-da gəlin.';
    const ics = meetingIcs({ ...meeting, lang: 'az', title, description });

    const physical = ics.split('\r\n');
    for (const line of physical) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
    expect(physical.some((l) => l.startsWith(' '))).toBe(true);
    // No character was cut: every folded piece is valid UTF-8 on its own.
    for (const line of physical) expect(Buffer.from(line, 'utf8').toString('utf8')).toBe(line);
    expect(ics).not.toContain('\uFFFD');

    const lines = unfold(ics);
    const value = (name: string) => lines.filter((l) => l.startsWith(`${name}:`)).map((l) => l.slice(name.length + 1));
    expect(value('SUMMARY').map(unescape)).toEqual([title]);
    expect(value('DESCRIPTION').map(unescape)).toEqual([description, title]);
    expect(value('LOCATION').map(unescape)).toEqual(['Bakı ofisi, Bakı, Test küçəsi 1']);
    // Unescaped separators would split a TEXT value in a calendar app.
    for (const v of [...value('SUMMARY'), ...value('DESCRIPTION'), ...value('LOCATION')]) expect(v).not.toMatch(/(^|[^\\])(\\\\)*[;,\n]/);
  });

  it('stamps the file with the time it was made when no time is given', () => {
    const before = Date.now();
    const { now: _given, ...unstamped } = meeting;
    const ics = meetingIcs({ ...unstamped, lang: 'ru', title: 'Встреча', description: 'Паспорт' });
    const stamp = /DTSTAMP:(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z/.exec(ics)!;
    const at = Date.UTC(+stamp[1]!, +stamp[2]! - 1, +stamp[3]!, +stamp[4]!, +stamp[5]!, +stamp[6]!);
    expect(at).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(at).toBeLessThanOrEqual(Date.now());
  });
});
