import { DateTime } from 'luxon';
import { SUPPORTED_LANGS } from '../../../src/core/lang';
import { createTranslator } from '../../../src/i18n';
import { meetingDetails } from '../../../src/intake/booking-desk';
import { testOffice } from '../../helpers/office';

/**
 * A meeting's date in the person's language, in the office's time zone, and in the Gregorian
 * calendar in every language (the calendar file and the office use it; Persian would otherwise
 * get the Solar Hijri date).
 */
describe('dates in the person’s language', () => {
  createTranslator();
  const start = new Date('2026-12-14T06:30:00Z'); // 10:30 in Baku
  const say = (lang: string) => {
    const local = DateTime.fromJSDate(start, { zone: 'Asia/Baku' }).setLocale(lang);
    return `${local.toLocaleString({ weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' })} ${local.toFormat('HH:mm')}`;
  };

  it.each([
    ['az', /14 dekabr 2026.*10:30/],
    ['ru', /14 декабря 2026.*10:30/],
    ['en', /December 14, 2026.*10:30/],
    ['fa', /۱۴ دسامبر ۲۰۲۶.*۱۰:۳۰/],
    ['uz', /14-dekabr, 2026.*10:30/],
    ['tr', /14 Aralık 2026.*10:30/],
    ['uk', /14 грудня 2026.*10:30/],
  ])('%s: %s', (lang, expected) => {
    expect(say(lang)).toMatch(expected);
  });

  it('covers every supported language', () => {
    for (const lang of SUPPORTED_LANGS) expect(say(lang)).toMatch(/2026|۲۰۲۶/);
    expect(say('fa')).not.toMatch(/۱۴۰۵|آذر/);
  });
});

describe('the meeting reminder in each language', () => {
  const tr = createTranslator();
  const office = testOffice({ name: { az: 'Bakı ofisi', ru: 'Бакинский офис', en: 'Baku office', fa: 'دفتر باکو' } });
  const start = new Date('2026-12-14T06:30:00Z');

  it.each([...SUPPORTED_LANGS])('%s: the reminder says the Gregorian date and the time in Baku, in the person’s language', (lang) => {
    const text = tr.t(lang, 'booking:reminder.text', meetingDetails(office, start, lang));
    expect(text).toMatch(/10:30|۱۰:۳۰/);
    expect(text).toMatch(/14|۱۴/);
    expect(text).not.toMatch(/آذر|۱۴۰۵/);
    if (lang === 'fa') expect(text).toContain('\u2068دفتر باکو\u2069');
  });
});
