import type { Office } from '../config/offices';
import type { Lang } from '../core/lang';

/** Longest content line in octets, without its CRLF (RFC 5545 §3.1). */
const MAX_LINE_OCTETS = 75;

/**
 * An .ics calendar file for a booked meeting, so the person can add it to their phone's
 * calendar in one tap. `title` and `description` come translated from the caller; `now` is the
 * file's DTSTAMP.
 *
 * Written here rather than by the `ics` package: the file is always the same shape (one
 * event, one alarm, times in UTC) and its values are our own, so there is nothing for that
 * package's run-time schema validation to catch, and it cost ≈ 200 µs per booking. The output
 * follows RFC 5545: CRLF line ends, TEXT values escaped (`\\`, `;`, `,`, newlines), lines
 * folded at 75 octets without splitting a character (test/unit/scheduling/ics.test.ts).
 */
export function meetingIcs(o: { office: Office; start: Date; end: Date; lang: Lang; uid: string; title: string; description: string; now?: Date }): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'CALSCALE:GREGORIAN',
    'PRODID:korpu/ics',
    'METHOD:PUBLISH',
    'X-PUBLISHED-TTL:PT1H',
    'BEGIN:VEVENT',
    `UID:${escapeText(o.uid)}`,
    `SUMMARY:${escapeText(o.title)}`,
    `DTSTAMP:${utcDateTime(o.now ?? new Date())}`,
    `DTSTART:${utcDateTime(o.start)}`,
    `DTEND:${utcDateTime(o.end)}`,
    `DESCRIPTION:${escapeText(o.description)}`,
    `GEO:${o.office.location.latitude};${o.office.location.longitude}`,
    `LOCATION:${escapeText(`${o.office.name[o.lang]}, ${o.office.address[o.lang]}`)}`,
    'STATUS:CONFIRMED',
    'BEGIN:VALARM',
    'ACTION:DISPLAY',
    `DESCRIPTION:${escapeText(o.title)}`,
    'TRIGGER:-PT2H',
    'END:VALARM',
    'END:VEVENT',
    'END:VCALENDAR',
  ];
  return lines.map(foldLine).join('\r\n') + '\r\n';
}

/** A TEXT value (RFC 5545 §3.3.11): backslash, semicolon and comma escaped, line breaks as `\n`. */
export function escapeText(text: string): string {
  return text.replace(/[\\;,]/g, (c) => `\\${c}`).replace(/\r\n|\r|\n/g, '\\n');
}

/** A UTC DATE-TIME: `20261210T060000Z`. */
function utcDateTime(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/**
 * Folds a content line into lines of at most 75 octets, each continuation starting with one
 * space (RFC 5545 §3.1), never inside a UTF-8 sequence or a surrogate pair.
 */
export function foldLine(line: string): string {
  // Most lines are ASCII and short: nothing to fold.
  if (line.length <= MAX_LINE_OCTETS && Buffer.byteLength(line) <= MAX_LINE_OCTETS) return line;
  const parts: string[] = [];
  let part = '';
  let octets = 0;
  // The first line holds 75 octets; a continuation's leading space takes one of its 75.
  let limit = MAX_LINE_OCTETS;
  for (const ch of line) {
    const c = ch.codePointAt(0)!;
    const size = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
    if (octets + size > limit) {
      parts.push(part);
      part = '';
      octets = 0;
      limit = MAX_LINE_OCTETS - 1;
    }
    part += ch;
    octets += size;
  }
  parts.push(part);
  return parts.join('\r\n ');
}
