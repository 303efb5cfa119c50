/**
 * What a person typed into a form that was refused before it reached its page (a form of a
 * session that has ended since: its CSRF token is an old one), to be shown back on the refusal
 * page so that it can be copied, not lost. Only free text: a value that is one plain word of
 * ASCII letters, digits and `_ . : + -` (a choice's value, an id, a date, the CSRF token) is
 * left out, as is any field of the form's own machinery (`_csrf`, a message's `ref`).
 *
 * The page is shown only to the signed-in member whose browser sent it (the session cookie is
 * SameSite=Lax: another site's form arrives without it, and goes to sign in), and autoescaped.
 *
 * @example typedTexts({ _csrf: 'abc', text: 'Called her, no answer', status: 'attended' }) // ['Called her, no answer']
 */
export function typedTexts(body: unknown): string[] {
  if (!body || typeof body !== 'object') return [];
  const kept: string[] = [];
  for (const [field, value] of Object.entries(body as Record<string, unknown>)) {
    if (MACHINERY.has(field)) continue;
    for (const v of Array.isArray(value) ? value : [value]) {
      if (typeof v !== 'string') continue;
      const text = v.trim();
      if (text && !PLAIN_TOKEN.test(text)) kept.push(text);
    }
  }
  return kept.slice(0, MAX_KEPT);
}

/** A form's own fields, never typed by anyone. */
const MACHINERY = new Set(['_csrf', 'ref', 'token', 'back']);
/** One word a form's choice or hidden field sends (`attended`, `KP-7G4Q-M2XD`, `2026-12-07`). */
const PLAIN_TOKEN = /^[A-Za-z0-9_.:+-]{1,64}$/;
/** The most a form has (a plan's rows): more is not a form of this workspace. */
const MAX_KEPT = 200;
