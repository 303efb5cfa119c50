import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadProgrammeContent } from '../../src/config/programme';

/**
 * The baselines say the same things as Körpü: their texts are read once from Körpü's English
 * locale files (plain lookups, no i18n library), so that every bot sends messages of the same
 * length and the comparison is about the machinery, not about shorter strings.
 */
const cache = new Map<string, Record<string, unknown>>();

/** `en('diagnosis:q1.prompt')`: the English text of a Körpü i18n key. */
export function en(key: string): string {
  const [ns, path] = key.split(':') as [string, string];
  let file = cache.get(ns);
  if (!file) {
    file = JSON.parse(readFileSync(join(__dirname, '..', '..', 'locales', 'en', `${ns}.json`), 'utf8')) as Record<string, unknown>;
    cache.set(ns, file);
  }
  let v: unknown = file;
  for (const part of path.split('.')) v = (v as Record<string, unknown> | undefined)?.[part];
  if (typeof v !== 'string') throw new Error(`bench: no English text for ${key}`);
  return v;
}

/** `fill('booking:details', { date, … })`: an English text with its `{{params}}` filled in. */
export function fill(key: string, params: Record<string, string>): string {
  return en(key).replace(/\{\{(\w+)\}\}/g, (_, name: string) => params[name] ?? '');
}

/** Paragraphs joined as Körpü joins them. */
export const say = (...keys: string[]): string => keys.map(en).join('\n\n');

export type Keyboard = { inline_keyboard: { text: string; callback_data: string }[][] };

/** One button per row, callback data in Körpü's format (`c:<node>:<value>`). */
export function buttons(node: string, options: [value: string, labelKey: string][], label: (value: string, text: string) => string = (_, t) => t): Keyboard {
  return { inline_keyboard: options.map(([value, key]) => [{ text: label(value, en(key)), callback_data: `c:${node}:${value}` }]) };
}

export const YES_NO: [string, string][] = [
  ['yes', 'common:button.yes'],
  ['no', 'common:button.no'],
];

export const LANGUAGES: [string, string][] = [
  ['az', 'common:language_name.az'],
  ['ru', 'common:language_name.ru'],
  ['en', 'common:language_name.en'],
];

export const MENU: [string, string][] = [
  ['eligibility', 'welcome:menu.eligibility'],
  ['book', 'welcome:menu.book'],
  ['appointment', 'welcome:menu.appointment'],
  ['person', 'welcome:menu.person'],
  ['about', 'welcome:menu.about'],
];

export const Q3: [string, string][] = [
  ['planning', 'diagnosis:q3.planning'],
  ['health_social', 'diagnosis:q3.health_social'],
  ['employment_education', 'diagnosis:q3.employment_education'],
  ['culture_social', 'diagnosis:q3.culture_social'],
  ['language', 'diagnosis:q3.language'],
];

/** The office paragraph Körpü renders for `{ content: 'office' }` (config/programme.yaml's office). */
let officeText: string | undefined;
export function office(): string {
  officeText ??= (() => {
    const o = loadProgrammeContent(join(__dirname, '..', '..', 'config', 'programme.yaml')).office;
    return [
      fill('common:content.office', { name: o.name.en }),
      o.address ? fill('common:content.office_address', { address: o.address.en }) : '',
      o.hours ? fill('common:content.office_hours', { hours: o.hours.en }) : '',
    ].filter(Boolean).join('\n');
  })();
  return officeText;
}

/** The data-use options A/B/C (the long test flow's first question). */
export const OPTIONS: [string, string][] = [
  ['A', 'consent:option.a'],
  ['B', 'consent:option.b'],
  ['C', 'consent:option.c'],
];

/** Consent in one screen: tapping A, B or C is the agreement; the full form; "I do not agree". */
export const AGREE: [string, string][] = [
  ['A', 'consent:agree.a'],
  ['B', 'consent:agree.b'],
  ['C', 'consent:agree.c'],
  ['full_text', 'consent:button.full_text'],
  ['no', 'consent:agree.no'],
];

/** The consent screen's paragraphs, after the short introduction and the office. */
export const CONSENT_SCREEN = ['consent:notice', 'consent:option.prompt', 'consent:rights.withdraw', 'consent:rights.correct', 'consent:agree.prompt'] as const;

/** Where the person heard of the programme (asked after the booking), two per row, and Skip. */
export function referralKeyboard(): Keyboard {
  const options = ['leaflet', 'friend_family', 'organisation', 'asan', 'social_media', 'other'].map((v) => ({ text: en(`interview:referral.${v}`), callback_data: `c:referral:${v}` }));
  const rows: Keyboard['inline_keyboard'] = [];
  for (let i = 0; i < options.length; i += 2) rows.push(options.slice(i, i + 2));
  rows.push([{ text: en('common:button.skip'), callback_data: 'c:referral:not_said' }]);
  return { inline_keyboard: rows };
}

/** Longest typed answer each question takes (flows/interview.yaml `maxLength`). */
export const MAX_LENGTH = { first_name: 100, last_name: 100, country: 80, reason_other: 300, address: 300, questions: 2000 } as const;

/** What Körpü answers to a typed answer it cannot take: empty, or over `max` characters. */
export function textProblem(text: string, max: number): string | undefined {
  if (!text) return en('common:reprompt.empty');
  if (text.length > max) return fill(max === 1 ? 'common:reprompt.too_long_one' : 'common:reprompt.too_long_other', { count: String(max), length: String(text.length) });
  return undefined;
}

export const REASONS: [string, string][] = [
  ['work', 'interview:reason.work'],
  ['study', 'interview:reason.study'],
  ['family', 'interview:reason.family'],
  ['asylum', 'interview:reason.asylum'],
  ['other', 'interview:reason.other'],
];

/** The multiple-choice keyboard with ticks and Done. */
export function q3Keyboard(sel: readonly string[]): Keyboard {
  const kb = buttons('q3', Q3, (value, text) => (sel.includes(value) ? '☑ ' : '☐ ') + text);
  kb.inline_keyboard.push([{ text: en('common:button.done'), callback_data: 'c:q3:__done' }]);
  return kb;
}

/** The "share my phone number" reply keyboard. */
export const CONTACT_KEYBOARD = {
  keyboard: [[{ text: en('common:button.share_phone'), request_contact: true }]],
  one_time_keyboard: true,
  resize_keyboard: true,
};

/** A skip button for optional questions. */
export const skip = (node: string): Keyboard => ({ inline_keyboard: [[{ text: en('common:button.skip'), callback_data: `c:${node}:__skip` }]] });

/**
 * A date of birth, dd.mm.yyyy, in the past: the date and whether the person is an adult today
 * (18 or older: under-18s go to the parent-or-guardian path), or the reprompt Körpü sends.
 */
export function parseBirthDate(text: string, now = new Date()): { date: string; adult: boolean } | { problem: string } {
  const m = /^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$/.exec(text.trim());
  if (!m) return { problem: en('common:reprompt.date') };
  const [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCDate() !== d || date.getUTCMonth() !== mo - 1) return { problem: en('common:reprompt.date') };
  if (date.getTime() > now.getTime()) return { problem: en('common:reprompt.date_past') };
  const eighteenth = Date.UTC(y + 18, mo - 1, d);
  return { date: date.toISOString().slice(0, 10), adult: eighteenth <= now.getTime() };
}

/** An international phone number, `+` and 8–15 digits. */
export function parsePhone(text: string): string | undefined {
  const digits = text.replace(/[\s()-]/g, '');
  const n = /^\+?\d{8,15}$/.test(digits) ? digits : undefined;
  return n && !n.startsWith('+') ? `+${n}` : n;
}
