/** Telegram's limit for the text of one message (UTF-16 code units, as JavaScript counts). */
export const TELEGRAM_TEXT_MAX = 4096;

/** Telegram's limit for a caption (a photo's, document's, voice message's, a copy's), counted as for texts. */
export const TELEGRAM_CAPTION_MAX = 1024;

/**
 * Splits a text into parts of at most `max` characters, preferring to cut between
 * paragraphs (blank line), then between lines, then between words; a single word longer than
 * `max` is cut hard (never inside a surrogate pair, so emoji and non-Latin scripts survive).
 * Separators at a cut are dropped; nothing else is lost or reordered.
 * @example splitText('a\n\nb', 3) // ['a', 'b']
 */
export function splitText(text: string, max = TELEGRAM_TEXT_MAX): string[] {
  if (max < 2) throw new RangeError('max must be at least 2');
  const parts: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const cut = cutPoint(rest, max);
    const head = rest.slice(0, cut.end).trimEnd();
    if (head.length > 0) parts.push(head);
    rest = rest.slice(cut.resume).replace(/^\s+/, '');
  }
  if (rest.length > 0 || parts.length === 0) parts.push(rest);
  return parts;
}

/** Where to end this part (`end`) and where the next one starts (`resume`). */
function cutPoint(text: string, max: number): { end: number; resume: number } {
  const window = text.slice(0, max + 1);
  for (const sep of ['\n\n', '\n', ' ']) {
    const at = window.lastIndexOf(sep, max);
    // A cut in the first quarter would leave a tiny part; cut at a weaker boundary instead.
    if (at > max / 4) return { end: at, resume: at + sep.length };
  }
  let end = max;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1; // keep a surrogate pair together
  return { end, resume: end };
}
