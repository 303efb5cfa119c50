/**
 * Control characters (Unicode Cc) other than line breaks and tabs, and the bidirectional
 * embedding, override and isolate controls (U+202A–U+202E, U+2066–U+2069) and marks (U+200E,
 * U+200F, U+061C). Zero-width joiners (U+200C, U+200D) stay: Persian spelling and emoji need them.
 */
const UNSAFE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

/**
 * What a person typed, made safe to store, relay and show to case workers: control and
 * bidirectional-override characters removed, so that a name cannot flip the text of a case
 * worker's alert around it or hide part of it. Everything a person can see stays.
 * @example cleanText('Ali\u202Eqa') // 'Aliqa'
 */
export function cleanText(text: string): string {
  return text.replace(UNSAFE, '');
}
