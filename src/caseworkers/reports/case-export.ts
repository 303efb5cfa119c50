import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { FieldCipher } from '../../storage/field-cipher';
import type { RedisKeys } from '../../storage/keys';

/**
 * The programme's exports: the cases with their case codes and anonymous facts only (the
 * guidelines' coded names, spec §3.4), and, apart, the key file that maps case codes to names.
 * Both as CSV or XLSX. Reading is done in pages of cases, pipelined; nothing is logged.
 */

/** The columns of the cases export, in order: wire names (translated as headers by the caller). */
export const CASE_COLUMNS = [
  'case_code', 'created_at', 'status', 'lang', 'route', 'diagnosis', 'diagnosis_final', 'service_areas', 'consent', 'consent_at',
  'office', 'meeting_at', 'meeting_status', 'referral_source', 'holder', 'intake_completed_at', 'close_reason', 'closed_at', 'withdrawn_at',
] as const;
export type CaseColumn = (typeof CASE_COLUMNS)[number];
export type CaseRow = Record<CaseColumn, string>;

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

/** Case hash fields read for the export: none of them personal (the referral source is a value from a list). */
const CASE_FIELDS = ['created_at', 'status', 'lang', 'by', 'diagnosis', 'diagnosis_provisional', 'consent', 'consent_at', 'f:referral_source', 'claimed_by', 'intake_completed_at', 'close_reason', 'closed_at', 'withdrawn_at'] as const;
const BOOKING_FIELDS = ['office', 'start', 'status'] as const;
const PAGE = 500;

const AreasSchema = z.object({ answers: z.object({ q3: z.array(z.string()).catch([]) }).catch({ q3: [] }) });

/** The consent option under which a name may be used (Annex 4, C: "will not be anonymised"). */
export const KEY_FILE_CONSENT = 'C';

/** What the readers need. */
export interface ExportReadDeps {
  redis: Redis;
  keys: Pick<RedisKeys, 'cases' | 'case' | 'booking' | 'diagnoses'>;
}

/** Every case's codes, a page at a time (oldest first). */
async function* casePages(d: ExportReadDeps): AsyncGenerator<string[]> {
  for (let from = 0; ; from += PAGE) {
    const codes = await d.redis.zrange(d.keys.cases(), String(from), String(from + PAGE - 1));
    if (codes.length) yield codes;
    if (codes.length < PAGE) return;
  }
}

const iso = (ms: string | null | undefined): string => (ms && /^\d+$/.test(ms) ? new Date(Number(ms)).toISOString() : '');

/** The rows of the cases export, oldest case first. */
export async function* caseRows(d: ExportReadDeps): AsyncGenerator<CaseRow> {
  for await (const codes of casePages(d)) {
    // Single commands sent together by the connection's auto-pipelining, not an explicit
    // pipeline: on Redis Cluster each case's keys are a hash slot of their own.
    const replies = await Promise.all(
      codes.map((code) =>
        Promise.all([d.redis.hmget(d.keys.case(code), ...CASE_FIELDS), d.redis.hmget(d.keys.booking(code), ...BOOKING_FIELDS), d.redis.lindex(d.keys.diagnoses(code), -1)]).catch(
          (e: Error) => {
            throw new Error(`export: reading case ${code} failed: ${e.message}`);
          },
        ),
      ),
    );
    for (let i = 0; i < codes.length; i++) {
      const [c, b, latest] = replies[i]!;
      const [createdAt, status, lang, by, diagnosis, provisional, consent, consentAt, source, holder, completedAt, closeReason, closedAt, withdrawnAt] = c;
      const [office, start, meetingStatus] = b;
      yield {
        case_code: codes[i]!,
        created_at: createdAt ?? '',
        status: status ?? '',
        lang: lang ?? '',
        route: by ?? (createdAt ? 'self_service' : ''),
        diagnosis: diagnosis ?? '',
        diagnosis_final: diagnosis ? (provisional === 'false' ? 'yes' : 'no') : '',
        service_areas: areasOf(latest as string | null).join(' '),
        consent: consent ?? '',
        consent_at: consentAt ?? '',
        office: office ?? '',
        meeting_at: iso(start),
        meeting_status: meetingStatus ?? '',
        referral_source: source && !source.startsWith('v1.') ? source : '',
        holder: holder ?? '',
        intake_completed_at: completedAt ?? '',
        close_reason: closeReason ?? '',
        closed_at: closedAt ?? '',
        withdrawn_at: withdrawnAt ?? '',
      };
    }
  }
}

function areasOf(json: string | null): string[] {
  if (!json) return [];
  try {
    const r = AreasSchema.safeParse(JSON.parse(json));
    return r.success ? r.data.answers.q3 : [];
  } catch {
    return [];
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
export async function* keyRows(d: ExportReadDeps & { cipher: Pick<FieldCipher, 'decrypt'> }): AsyncGenerator<KeyRow> {
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
      const open = (token: string | null | undefined, field: string): string | undefined => {
        if (!token) return undefined;
        try {
          return d.cipher.decrypt(token, `${code}:${field}`);
        } catch {
          return undefined;
        }
      };
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

/** A whole CSV document: the header row (translated column names), then the rows, CRLF line ends, a BOM so spreadsheets read UTF-8. */
export async function toCsv<C extends string>(columns: readonly C[], header: readonly string[], rows: AsyncIterable<Record<C, string>>): Promise<{ body: Buffer; rows: number }> {
  const lines = [header.map(csvField).join(',')];
  let n = 0;
  for await (const row of rows) {
    lines.push(columns.map((c) => csvField(row[c])).join(','));
    n++;
  }
  return { body: Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`, 'utf8'), rows: n };
}

/**
 * A whole XLSX workbook of one sheet, written by exceljs's streaming writer (rows are committed
 * as they come, so 100,000 rows do not sit in memory as cell objects).
 */
export async function toXlsx<C extends string>(sheet: string, columns: readonly C[], header: readonly string[], rows: AsyncIterable<Record<C, string>>): Promise<{ body: Buffer; rows: number }> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const ended = new Promise<void>((resolve, reject) => {
    out.on('end', resolve);
    out.on('error', reject);
  });
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  wb.creator = 'Körpü';
  const ws = wb.addWorksheet(sheet, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = columns.map((c, i) => ({ header: header[i] ?? c, key: c, width: Math.max(12, Math.min(40, (header[i] ?? c).length + 2)) }));
  ws.getRow(1).font = { bold: true };
  let n = 0;
  for await (const row of rows) {
    // Every value as text: a case code or a date must not be reinterpreted by the spreadsheet.
    ws.addRow(columns.map((c) => row[c])).commit();
    n++;
  }
  ws.commit();
  await wb.commit();
  await ended;
  return { body: Buffer.concat(chunks), rows: n };
}
