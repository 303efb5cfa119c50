import type { ShownCount } from '../caseworkers/reports/disclosure';
import type { Office } from '../config/offices';
import type { Lang } from '../core/lang';
import type { Translator } from '../i18n';
import { BOT_COUNSELLOR } from '../intake/record-writes';
import type { Translate } from './web-context';

/** The locale Intl formats a page's numbers, dates and lists in (English day first: en-GB). */
const localeOf = (lang: Lang) => (lang === 'en' ? 'en-GB' : lang);

const numberFormats = new Map<Lang, Intl.NumberFormat>();
const listFormats = new Map<Lang, Intl.ListFormat>();
const digitFormats = new Map<Lang, Intl.NumberFormat>();

/** A number as the page's language writes it: Persian digits on a Persian page (۵), 1 234 in Russian. */
export function formatNumber(lang: Lang, n: number): string {
  let f = numberFormats.get(lang);
  if (!f) numberFormats.set(lang, (f = new Intl.NumberFormat(localeOf(lang))));
  return f.format(n);
}

/**
 * The ASCII digits of a code-like text (`2026-W48`) in the page's digits (`۲۰۲۶-W۴۸` on a
 * Persian page), each run as {@link formatNumber} writes it without grouping; other texts as they are.
 */
export function formatDigits(lang: Lang, text: string): string {
  let f = digitFormats.get(lang);
  if (!f) digitFormats.set(lang, (f = new Intl.NumberFormat(localeOf(lang), { useGrouping: false })));
  const digits = f;
  return text.replace(/[0-9]/g, (d) => digits.format(Number(d)));
}

/** A published count (`10`, `<5`: reports/disclosure.ts) in the page's digits, for the table and the charts. */
export function formatCount(lang: Lang, count: ShownCount): ShownCount {
  return { ...count, text: count.value === undefined ? formatDigits(lang, count.text) : formatNumber(lang, count.value) };
}

/** Items joined as the page's language joins a list ("a, b and c"; in Persian with «،» and «و»). */
export function formatList(lang: Lang, items: readonly string[]): string {
  let f = listFormats.get(lang);
  if (!f) listFormats.set(lang, (f = new Intl.ListFormat(localeOf(lang), { type: 'conjunction', style: 'long' })));
  return f.format(items);
}

/**
 * The workspace's `t` for a page in `lang`: every number among the parameters is written as the
 * language writes numbers ({@link formatNumber}), so that "2 of 2 free" or "5 hours 8 minutes"
 * has Persian digits on a Persian page beside its Persian-digit dates. Pass counts as numbers,
 * not strings. (The workspace's texts have no plural forms, so `count` is only shown.)
 */
export function pageTranslate(translator: Translator, lang: Lang): Translate {
  return (key, params) => {
    if (!params) return translator.t(lang, key);
    let shown: Record<string, unknown> | undefined;
    for (const [k, v] of Object.entries(params)) {
      if (typeof v === 'number' && Number.isFinite(v)) (shown ??= { ...params })[k] = formatNumber(lang, v);
    }
    return translator.t(lang, key, shown ?? params);
  };
}

/** Formats for one page: dates and times in the programme's time zone, in the page's language. */
export interface PageFormat {
  /** `25.11.2026` (as the language writes it). */
  date(d: Date | undefined): string;
  /**
   * A calendar day stored as `1990-05-12` (a birth date: no time, no zone), as `date` writes
   * dates; anything else as it is.
   */
  calendarDate(iso: string): string;
  /** Date and time, minutes. */
  dateTime(d: Date | undefined): string;
  /** Date and time to the second (an audit trail's entries, which may come seconds apart). */
  moment(d: Date): string;
  /**
   * The page's time zone named in its language, with its offset at `at` (now by default):
   * "Azerbaijan Standard Time, GMT+4", «Азербайджан, стандартное время, GMT+4», in Persian
   * with Persian digits. Said beside times that would otherwise be read as the reader's own.
   */
  zoneName(at?: Date): string;
  /** A time of day, hours and minutes (`09:00`, `۰۹:۰۰` in Persian). */
  time(d: Date): string;
  /** A span of time, roughly: minutes, hours and minutes, or days. */
  duration(ms: number): string;
  /** A form's counsellor: a name as written; the records' self-service (a person alone in a chat) in words. */
  counsellor(stored: string): string;
  /** An office's name in the language (`none`: "no meeting yet"). */
  office(id: string): string;
  /**
   * A form's "Place": the records' own words for where the bot took it (`Telegram`,
   * `Simulator`, `Phone`) in the page's language; a place a counsellor typed, as typed.
   */
  place(stored: string): string;
}

/** The places the bot's records write (intake/conversation-runner.ts), and their texts. */
const RECORDED_PLACES: Readonly<Record<string, string>> = { Telegram: 'web:place.telegram', Simulator: 'web:place.simulator', Phone: 'web:place.phone' };

/**
 * ICU joins a Persian date and time with a Latin comma ("۱۴۰۵/۰۹/۱۶, ۱۴:۵۹"); Persian writes its
 * own (،). Every other language's separator is left as ICU gives it.
 */
const ownComma = (lang: Lang, text: string): string => (lang === 'fa' ? text.replace(', ', '، ') : text);

const formats = new Map<string, Intl.DateTimeFormat>();
function format(lang: Lang, timeZone: string, withTime: boolean | 'only' | 'seconds'): Intl.DateTimeFormat {
  const key = `${lang}|${timeZone}|${withTime}`;
  let f = formats.get(key);
  if (!f) {
    // Gregorian in every language (as the bot's dates, i18n/dates.ts); fa with Persian digits.
    // English day first (en-GB, 01/05/1990): in Azerbaijan numbers are read day first, and a
    // case worker reading American order (05/01/1990) takes 1 May for 5 January.
    f = new Intl.DateTimeFormat(`${localeOf(lang)}-u-ca-gregory`, { timeZone, ...(withTime === 'only' ? {} : { year: 'numeric', month: '2-digit', day: '2-digit' }), ...(withTime ? { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' } : {}), ...(withTime === 'seconds' ? { second: '2-digit' } : {}) });
    formats.set(key, f);
  }
  return f;
}

/** The formats of a page in `lang`. */
export function pageFormat(lang: Lang, t: Translate, o: { timeZone: string; offices: readonly Office[] }): PageFormat {
  const names = new Map(o.offices.map((office) => [office.id, office.name[lang]]));
  return {
    date: (d) => (d ? format(lang, o.timeZone, false).format(d) : '—'),
    // Read and written in UTC: a day, not a moment, so no zone may move it to the day before.
    calendarDate: (iso) => (/^\d{4}-\d{2}-\d{2}$/.test(iso) && !Number.isNaN(Date.parse(`${iso}T00:00:00Z`)) ? format(lang, 'UTC', false).format(new Date(`${iso}T00:00:00Z`)) : iso),
    dateTime: (d) => (d ? ownComma(lang, format(lang, o.timeZone, true).format(d)) : '—'),
    moment: (d) => ownComma(lang, format(lang, o.timeZone, 'seconds').format(d)),
    zoneName: (at = new Date()) => {
      const part = (style: 'longGeneric' | 'shortOffset') => new Intl.DateTimeFormat(localeOf(lang), { timeZone: o.timeZone, timeZoneName: style }).formatToParts(at).find((p) => p.type === 'timeZoneName')?.value;
      const name = part('longGeneric');
      const offset = part('shortOffset');
      return [...new Set([name, offset].filter((x): x is string => !!x))].join(lang === 'fa' ? '، ' : ', ') || o.timeZone;
    },
    time: (d) => format(lang, o.timeZone, 'only').format(d),
    duration: (ms) => {
      const minutes = Math.max(0, Math.floor(ms / 60_000));
      if (minutes < 60) return t('web:duration.minutes', { m: minutes });
      if (minutes < 48 * 60) return t('web:duration.hours', { h: Math.floor(minutes / 60), m: minutes % 60 });
      return t('web:duration.days', { d: Math.floor(minutes / 1440) });
    },
    counsellor: (stored) => (stored === BOT_COUNSELLOR ? t('web:case.self_service') : stored),
    office: (id) => (id === 'none' ? t('web:office.none') : (names.get(id) ?? id)),
    place: (stored) => (Object.hasOwn(RECORDED_PLACES, stored) ? t(RECORDED_PLACES[stored]!) : stored),
  };
}
