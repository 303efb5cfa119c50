/**
 * Whether a button's label fits its button on a small phone, before Telegram cuts it with "…".
 *
 * Telegram does not wrap a button's label: what does not fit the button is cut. The estimate is
 * made for the smallest screen we plan for, 360 dp wide (a cheap Android phone), at Telegram's
 * default text size, and errs on the side of "does not fit":
 * - Telegram for Android draws inline buttons in Roboto Medium at 15 dp, under a message whose
 *   bubble is at most the screen less 80 dp wide in a private chat (280 dp on 360 dp); buttons
 *   in one row are 5 dp apart and a label gets its button less 10 dp. A full-width label thus has
 *   270 dp = 18 em, which is about 38 characters of ordinary Latin text (0.47 em a character,
 *   spaces included).
 * - The width of each kind of character, in em, is the mean advance width of its letters in the
 *   fonts a phone uses, read with fontTools from Debian's fonts-roboto-unhinted
 *   (Roboto-Medium.ttf) and fonts-noto-core (NotoSansArabic-Regular.ttf), rounded up:
 *   Latin a–z 0.504 (ə ş ç ğ ı ö ü ʻ 0.44), A–Z 0.638; Cyrillic а–я і ї є ґ 0.578, capitals
 *   0.683; digits 0.568; space 0.249; punctuation 0.353. Persian letters 0.60: joined letters are
 *   0.48–0.55 em wide (initial and medial forms), a word's last letter and isolated letters up
 *   to 0.68, so 0.60 over-counts a Persian word a little. Emoji and symbols (✅ 📞 ◀ ☐) are
 *   drawn about 1.25 em wide. Marks that take no room (ZWNJ, bidi isolates, variation
 *   selectors) count nothing.
 * Pure: no I/O.
 */

/** The keyboard's width and the gaps, in em at 15 dp: 280 dp wide, 5 dp between buttons, 10 dp of padding. */
const KEYBOARD_EM = 280 / 15;
const GAP_EM = 5 / 15;
const PADDING_EM = 10 / 15;

/** Characters that take no room: ZWNJ, ZWJ, LRM/RLM, bidi embeddings and isolates, variation selectors. */
const ZERO_WIDTH = /[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufe00-\ufe0f]/u;

/** Width of one character, in em (see the table above). */
function charWidth(ch: string): number {
  if (ZERO_WIDTH.test(ch)) return 0;
  if (ch === ' ') return 0.25;
  if (/[0-9]/.test(ch)) return 0.57;
  // ʻ and ʼ of Uzbek (oʻ, gʻ, taʼlim) are modifier letters, of no script.
  if (/[\p{Script=Latin}\u02bb\u02bc]/u.test(ch)) return /\p{Lu}/u.test(ch) ? 0.64 : 0.51;
  if (/\p{Script=Cyrillic}/u.test(ch)) return /\p{Lu}/u.test(ch) ? 0.69 : 0.58;
  if (/\p{Script=Arabic}/u.test(ch)) return /\p{Nd}/u.test(ch) ? 0.48 : 0.6;
  if (/\p{L}/u.test(ch)) return 0.65;
  if (/[\p{Extended_Pictographic}\u2190-\u2bff]/u.test(ch)) return 1.25;
  return 0.36;
}

/**
 * Widths of the characters met so far, by code point: every reply's keyboard is measured, and
 * the regular expressions of {@link charWidth} cost more than the whole reply's other layout.
 * Characters, not labels: nothing a person typed is kept. Bounded (a label of rare characters
 * is measured afresh once it is full).
 */
const measured = new Map<number, number>();
const MAX_MEASURED = 4096;

/** The estimated width of a label, in em of Telegram's button font. */
export function labelWidthEm(label: string): number {
  let w = 0;
  for (const ch of label) {
    const cp = ch.codePointAt(0)!;
    let width = measured.get(cp);
    if (width === undefined) {
      width = charWidth(ch);
      if (measured.size < MAX_MEASURED) measured.set(cp, width);
    }
    w += width;
  }
  return w;
}

/** Room for a label in a button of a row of `perRow` buttons, in em. */
export function buttonRoomEm(perRow: number): number {
  const n = Math.max(1, perRow);
  // One button: 280/15 - 10/15 = 18 em, the 38 Latin characters above.
  return (KEYBOARD_EM - GAP_EM * (n - 1)) / n - PADDING_EM;
}

/** Whether `label` shows whole in a button of a row of `perRow` buttons on a 360 dp screen. */
export function labelFits(label: string, perRow: number): boolean {
  return labelWidthEm(label) <= buttonRoomEm(perRow);
}
