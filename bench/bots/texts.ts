import { readFileSync } from 'node:fs';
import { join } from 'node:path';

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

export const OPTIONS: [string, string][] = [
  ['A', 'consent:option.a'],
  ['B', 'consent:option.b'],
  ['C', 'consent:option.c'],
];

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

/** dd.mm.yyyy, a real date in the past. */
export function parseBirthDate(text: string): string | undefined {
  const m = /^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$/.exec(text.trim());
  if (!m) return undefined;
  const [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCDate() !== d || date.getUTCMonth() !== mo - 1 || date.getTime() > Date.now()) return undefined;
  return date.toISOString().slice(0, 10);
}

/** An international phone number, `+` and 8–15 digits. */
export function parsePhone(text: string): string | undefined {
  const digits = text.replace(/[\s()-]/g, '');
  const n = /^\+?\d{8,15}$/.test(digits) ? digits : undefined;
  return n && !n.startsWith('+') ? `+${n}` : n;
}
