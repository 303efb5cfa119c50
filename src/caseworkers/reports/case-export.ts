import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { FieldCipher } from '../../storage/field-cipher';
import type { RedisKeys } from '../../storage/keys';
import { ageOn } from '../../flows/engine/parse-reply';
import { entryOf } from '../case-index';

/**
 * The programme's exports: the cases with their case codes and anonymous facts only (the
 * guidelines' coded names, spec §3.4), and, apart, the key file that maps case codes to names.
 * Both as CSV or XLSX. Reading is done in pages of cases, pipelined; nothing is logged.
 */

/**
 * The columns of the cases export, in order: wire names. The file a programme manager reads has
 * them translated as headers and every value in words ({@link CASE_COLUMNS} with the caller's
 * translations); the codes sheet (XLSX) and the codes CSV keep these names and the values as
 * codes, for analysis. Times in the codes are ISO 8601 in UTC (`…Z`).
 */
export const CASE_COLUMNS = [
  'case_code', 'created_at', 'status', 'lang', 'route', 'channel', 'reason', 'minor', 'referral_source',
  'diagnosis', 'diagnosis_final', 'diagnosis_by', 'diagnosis_at', 'diagnosis_q1', 'diagnosis_q2', 'service_areas', 'diagnosis_q4',
  'not_eligible_reasons', 'q4_concern',
  'consent', 'consent_at', 'consent_by_guardian', 'intake_completed_at', 'office', 'meeting_at', 'meeting_status', 'first_meeting_at', 'assessment_at', 'plan_at',
  'holder', 'incidents', 'close_reason', 'closed_at', 'withdrawn_at',
] as const;
export type CaseColumn = (typeof CASE_COLUMNS)[number];
export type CaseRow = Record<CaseColumn, string>;

/** The columns that hold a moment (ISO in UTC in the codes; local time, its zone named, in words). */
export const TIME_COLUMNS: ReadonlySet<CaseColumn> = new Set(['created_at', 'diagnosis_at', 'consent_at', 'intake_completed_at', 'meeting_at', 'first_meeting_at', 'assessment_at', 'plan_at', 'closed_at', 'withdrawn_at']);
/** The columns that hold a count. */
export const COUNT_COLUMNS: ReadonlySet<CaseColumn> = new Set(['incidents']);
/** The columns that hold several codes, separated by a space in the codes. */
export const LIST_COLUMNS: ReadonlySet<CaseColumn> = new Set(['not_eligible_reasons', 'service_areas']);

/**
 * The columns of the key file: the case code, the name, and how the person heard of us in
 * their own words (the interview's "Other", `referral_detail`). That answer is free text, which
 * can name people and places, so it travels with the names, under consent C, never in the
 * cases export (whose `referral_source` says "other").
 */
export const KEY_COLUMNS = ['case_code', 'first_name', 'last_name', 'referral_detail'] as const;
export type KeyColumn = (typeof KEY_COLUMNS)[number];
export type KeyRow = Record<KeyColumn, string>;

/** Export formats. */
export const EXPORT_FORMATS = ['csv', 'xlsx'] as const;
export const ExportFormatSchema = z.enum(EXPORT_FORMATS);
export type ExportFormat = z.infer<typeof ExportFormatSchema>;

/**
 * Case hash fields read for the export. Two answers chosen from a list (the reason for coming,
 * how they heard of us) and the worker's Q4 concern are read as their value from the list
 * only (opened where they are sealed); the birth date is read to say "under 18" and nothing
 * else of it leaves this module. No name, phone, address, country or free text is read.
 */
const CASE_FIELDS = [
  'created_at', 'status', 'lang', 'by', 'diagnosis', 'diagnosis_provisional', 'consent', 'consent_at', 'f:referral_source', 'claimed_by', 'intake_completed_at',
  'close_reason', 'closed_at', 'withdrawn_at', 'assessment_at', 'plan_at', 'f:reason', 'f:q4_concern', 'f:birth_date', 'handoff',
  'consent_given_by', 'channel', 'met_at',
] as const;
const BOOKING_FIELDS = ['office', 'start', 'status'] as const;
/** The values of the answers chosen from a list that the export carries (anything else is left out). */
const REASONS = new Set(['work', 'study', 'family', 'asylum', 'other']);
const SOURCES = new Set(['leaflet', 'friend_family', 'organisation', 'asan', 'social_media', 'other', 'not_said']);
const YES_NO = new Set(['yes', 'no']);
const CONSENT_OPTIONS = new Set(['A', 'B', 'C']);
const PAGE = 500;

/**
 * The newest diagnosis record (Annex 2) as the export reads it: the answers, who gave or
 * confirmed them (`self_service`: the person in the chat; `phone`: a case worker's call;
 * `counsellor`: the case worker at the first meeting) and when. Nothing else of it.
 */
const LatestSchema = z.object({
  at: z.string().catch(''),
  by: z.string().catch(''),
  reasons: z.array(z.string()).catch([]),
  answers: z
    .object({ q1: z.string().catch(''), q2: z.string().catch(''), q3: z.array(z.string()).catch([]), q4: z.string().catch(''), adult: z.string().optional().catch(undefined) })
    .catch({ q1: '', q2: '', q3: [], q4: '' }),
});
type Latest = z.infer<typeof LatestSchema>;
const NO_LATEST: Latest = { at: '', by: '', reasons: [], answers: { q1: '', q2: '', q3: [], q4: '' } };
/** Who a diagnosis record's answers are from (the record's `by`); anything else is left out. */
const DIAGNOSIS_BY = new Set(['self_service', 'phone', 'counsellor']);
/** Annex 2's answers as recorded: yes or no, and Q4 `pending` until the first meeting (the bot's). */
const ANSWERS = new Set(['yes', 'no', 'pending']);
/** The channels a case comes through (the case's `channel`): a chat in Telegram, a phone call, a walk-in. */
const CHANNELS = new Set(['telegram', 'phone', 'walk_in']);

/** The consent option under which a name may be used (Annex 4, C: "will not be anonymised"). */
export const KEY_FILE_CONSENT = 'C';

/** What the readers need: `cipher` opens the sealed answers (names for the key file only). */
export interface ExportReadDeps {
  redis: Redis;
  keys: Pick<RedisKeys, 'cases' | 'case' | 'booking' | 'diagnoses' | 'caseIncidents'>;
  cipher: Pick<FieldCipher, 'decrypt'>;
}

/** A personal field opened, or undefined (absent, or no longer decrypts). */
function opener(d: Pick<ExportReadDeps, 'cipher'>, code: string) {
  return (token: string | null | undefined, field: string): string | undefined => {
    if (!token) return undefined;
    try {
      return d.cipher.decrypt(token, `${code}:${field}`);
    } catch {
      return undefined;
    }
  };
}

/** Every case's codes, a page at a time (oldest first). */
async function* casePages(d: ExportReadDeps): AsyncGenerator<string[]> {
  for (let from = 0; ; from += PAGE) {
    const codes = await d.redis.zrange(d.keys.cases(), String(from), String(from + PAGE - 1));
    if (codes.length) yield codes;
    if (codes.length < PAGE) return;
  }
}

/** A moment as ISO 8601 in UTC, from an ISO string or epoch milliseconds; empty if it is neither. */
const iso = (v: string | null | undefined): string => {
  if (!v) return '';
  const ms = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : '';
};

/**
 * The rows of the cases export, oldest case first, as codes (see {@link CASE_COLUMNS}).
 * `status` is where the case stands as the workspace's case list shows it (entryOf: new,
 * claimed, met, assessed, in plan, closed, withdrawn, erased), not the intake's own step.
 */
export async function* caseRows(d: ExportReadDeps): AsyncGenerator<CaseRow> {
  for await (const codes of casePages(d)) {
    // Single commands sent together by the connection's auto-pipelining, not an explicit
    // pipeline: on Redis Cluster each case's keys are a hash slot of their own.
    const replies = await Promise.all(
      codes.map((code) =>
        Promise.all([
          d.redis.hmget(d.keys.case(code), ...CASE_FIELDS),
          d.redis.hmget(d.keys.booking(code), ...BOOKING_FIELDS),
          d.redis.lindex(d.keys.diagnoses(code), -1),
          d.redis.zcard(d.keys.caseIncidents(code)),
        ]).catch((e: Error) => {
          throw new Error(`export: reading case ${code} failed: ${e.message}`);
        }),
      ),
    );
    for (let i = 0; i < codes.length; i++) {
      const code = codes[i]!;
      const [c, b, latest, incidents] = replies[i]!;
      const h = Object.fromEntries(CASE_FIELDS.map((f, j) => [f, c[j] ?? undefined])) as Partial<Record<(typeof CASE_FIELDS)[number], string>>;
      const [office, start, meetingStatus] = b;
      const open = opener(d, code);
      // A value from a list, kept in the clear or sealed: only a value of the list is carried.
      const choice = (field: 'reason' | 'referral_source' | 'q4_concern', allowed: ReadonlySet<string>): string => {
        const raw = h[`f:${field}`];
        const value = raw && allowed.has(raw) ? raw : open(raw, field);
        return value && allowed.has(value) ? value : '';
      };
      const entry = entryOf(h, { ...(office ? { office } : {}), ...(meetingStatus ? { status: meetingStatus } : {}) });
      const diagnosed = latestOf(latest as string | null);
      const answer = (v: string) => (ANSWERS.has(v) ? v : '');
      const consent = h.consent ?? '';
      yield {
        case_code: code,
        created_at: iso(h.created_at),
        status: entry?.status ?? '',
        lang: h.lang ?? '',
        route: h.by ?? (h.created_at ? 'self_service' : ''),
        channel: h.channel && CHANNELS.has(h.channel) ? h.channel : '',
        reason: choice('reason', REASONS),
        minor: minorOf(h, open, diagnosed.answers.adult),
        referral_source: choice('referral_source', SOURCES),
        diagnosis: h.diagnosis ?? '',
        diagnosis_final: h.diagnosis ? (h.diagnosis_provisional === 'false' ? 'yes' : 'no') : '',
        diagnosis_by: DIAGNOSIS_BY.has(diagnosed.by) ? diagnosed.by : '',
        diagnosis_at: iso(diagnosed.at),
        diagnosis_q1: answer(diagnosed.answers.q1),
        diagnosis_q2: answer(diagnosed.answers.q2),
        service_areas: diagnosed.answers.q3.join(' '),
        diagnosis_q4: answer(diagnosed.answers.q4),
        not_eligible_reasons: h.diagnosis === 'not_eligible' ? diagnosed.reasons.join(' ') : '',
        q4_concern: choice('q4_concern', YES_NO),
        consent,
        // The moment consent was given: none when the person declined (the answer's time is not a consent).
        consent_at: CONSENT_OPTIONS.has(consent) ? iso(h.consent_at) : '',
        // Whether that consent was given for someone under 18 by a parent or guardian (§3.1.5).
        consent_by_guardian: CONSENT_OPTIONS.has(consent) ? (h.consent_given_by === 'guardian' ? 'yes' : 'no') : '',
        intake_completed_at: iso(h.intake_completed_at),
        office: office ?? '',
        meeting_at: iso(start),
        meeting_status: meetingStatus ?? '',
        // When the person came to their first meeting (recorded as came, or a walk-in's opening);
        // a meeting marked attended before `met_at` was written is its own start.
        first_meeting_at: iso(h.met_at) || (meetingStatus === 'attended' ? iso(start) : ''),
        assessment_at: iso(h.assessment_at),
        plan_at: iso(h.plan_at),
        holder: h.claimed_by ?? '',
        incidents: String(incidents ?? 0),
        close_reason: h.close_reason ?? '',
        closed_at: iso(h.closed_at),
        withdrawn_at: iso(h.withdrawn_at),
      };
    }
  }
}

/**
 * `yes` when the person was under 18 when the case began (from the birth date, as the
 * workspace's "minor" sign, or the interview's "minor" hand-off), `no` when a birth date shows
 * an adult; without a birth date, the latest diagnosis's age answer (`minor` said on the phone);
 * empty when nobody knows.
 */
function minorOf(h: Partial<Record<(typeof CASE_FIELDS)[number], string>>, open: (token: string | null | undefined, field: string) => string | undefined, age: string | undefined): string {
  if (h.handoff === 'minor') return 'yes';
  const birth = open(h['f:birth_date'], 'birth_date');
  if (!birth || !/^\d{4}-\d{2}-\d{2}$/.test(birth)) return age === 'minor' ? 'yes' : '';
  const at = h.created_at ? new Date(h.created_at) : undefined;
  if (!at || Number.isNaN(at.getTime())) return '';
  return ageOn(birth, at) < 18 ? 'yes' : 'no';
}

function latestOf(json: string | null): Latest {
  if (!json) return NO_LATEST;
  try {
    const r = LatestSchema.safeParse(JSON.parse(json));
    return r.success ? r.data : NO_LATEST;
  } catch {
    return NO_LATEST;
  }
}

/** Statuses after which a name must no longer be used: the person withdrew, or their data was erased. */
const ENDED_USE = new Set(['withdrawn', 'erased']);

/**
 * The key file's rows: case code, name and how they heard of us in their own words, only for
 * people whose consent option is C, the one under which their real name may be used (Annex 4),
 * and who have not withdrawn: the bot tells a person who withdraws that the details they gave
 * are kept as they were and no longer used (Annex 4, right to withdraw; spec §3.8 condition 1),
 * so their name leaves the key file (a person who comes back and chooses C again is in it again).
 * A name that does not decrypt (a rotated key, a tampered field) and a case without a name
 * (erased, declined) give no row; own words that do not decrypt are left empty.
 */
export async function* keyRows(d: ExportReadDeps): AsyncGenerator<KeyRow> {
  for await (const codes of casePages(d)) {
    // One command per case, sent together by auto-pipelining (each case its own slot on a cluster).
    const replies = await Promise.all(
      codes.map((code) =>
        d.redis.hmget(d.keys.case(code), 'consent', 'status', 'f:first_name', 'f:last_name', 'f:referral_detail').catch((e: Error) => {
          throw new Error(`export: reading case ${code} failed: ${e.message}`);
        }),
      ),
    );
    for (let i = 0; i < codes.length; i++) {
      const [consent, status, first, last, referral] = replies[i]!;
      if (consent !== KEY_FILE_CONSENT || (status && ENDED_USE.has(status))) continue;
      const code = codes[i]!;
      const open = opener(d, code);
      const firstName = open(first, 'first_name');
      const lastName = open(last, 'last_name');
      if (!firstName && !lastName) continue;
      yield { case_code: code, first_name: firstName ?? '', last_name: lastName ?? '', referral_detail: open(referral, 'referral_detail') ?? '' };
    }
  }
}

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, quote or line break. A value that a
 * spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, carriage return first) is
 * prefixed with `'`, so opening the export never runs anything.
 */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** A cell of an export: text, a count, or a local time (a `Date` whose UTC fields are the wall clock of the programme's zone). */
export type ExportCell = string | number | LocalTime;

/** A moment as the programme's clock read it (`2026-12-07 08:00`): written as a date a spreadsheet sorts and filters. */
export class LocalTime {
  constructor(readonly text: string) {}
  /** The wall clock as a spreadsheet date (no zone: the header names it). */
  toSheetDate(): Date {
    return new Date(`${this.text.replace(' ', 'T')}:00Z`);
  }
}

/** One sheet of an export: its name, its header row, and how a row becomes its cells. */
export interface ExportSheet<R> {
  name: string;
  header: readonly string[];
  cells(row: R): readonly ExportCell[];
}

const cellText = (v: ExportCell): string => (v instanceof LocalTime ? v.text : String(v));

/** A whole CSV document: the header row, then the rows, CRLF line ends, a BOM so spreadsheets read UTF-8. */
export async function toCsv<R>(sheet: Omit<ExportSheet<R>, 'name'>, rows: AsyncIterable<R>): Promise<{ body: Buffer; rows: number }> {
  const lines = [sheet.header.map(csvField).join(',')];
  let n = 0;
  for await (const row of rows) {
    lines.push(sheet.cells(row).map((v) => csvField(cellText(v))).join(','));
    n++;
  }
  return { body: Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`, 'utf8'), rows: n };
}

/**
 * A whole XLSX workbook, one sheet per {@link ExportSheet} over the same rows (the cases in
 * words, and the same cases as codes), written by exceljs's streaming writer: rows are
 * committed as they come, so 100,000 rows do not sit in memory as cell objects.
 */
export async function toXlsx<R>(sheets: readonly ExportSheet<R>[], rows: AsyncIterable<R>): Promise<{ body: Buffer; rows: number }> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const ended = new Promise<void>((resolve, reject) => {
    out.on('end', resolve);
    out.on('error', reject);
  });
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  wb.creator = 'Körpü';
  const written = sheets.map((s) => {
    const ws = wb.addWorksheet(s.name, { views: [{ state: 'frozen', ySplit: 1 }] });
    ws.columns = s.header.map((h, i) => ({ header: h, key: String(i), width: Math.max(12, Math.min(40, h.length + 2)) }));
    ws.getRow(1).font = { bold: true };
    return { ws, sheet: s };
  });
  let n = 0;
  for await (const row of rows) {
    for (const { ws, sheet } of written) {
      const cells = sheet.cells(row);
      // Text stays text (a case code must not be reinterpreted); counts are numbers and local times dates.
      const r = ws.addRow(cells.map((v) => (v instanceof LocalTime ? v.toSheetDate() : v)));
      cells.forEach((v, i) => {
        if (v instanceof LocalTime) r.getCell(i + 1).numFmt = 'yyyy-mm-dd hh:mm';
      });
      r.commit();
    }
    n++;
  }
  for (const { ws } of written) ws.commit();
  await wb.commit();
  await ended;
  return { body: Buffer.concat(chunks), rows: n };
}
