import { DateTime } from 'luxon';
import type { Lang } from '../../core/lang';
import type { StaffRef } from '../../core/staff';
import { languageNameIn } from '../../i18n/language-names';
import { CASE_COLUMNS, caseRows, COUNT_COLUMNS, KEY_COLUMNS, keyRows, LIST_COLUMNS, LocalTime, TIME_COLUMNS, toCsv, toXlsx, type CaseColumn, type CaseRow, type ExportCell, type ExportFormat, type ExportSheet, type KeyRow } from '../reports/case-export';
import { audit, authorize, refused, staffLogRef, type StaffRefusal } from './desk-deps';
import type { ReportDeps } from './report-deps';
import { staffNameOf } from './staff-names';
import { closeReasonKey } from '../case-records';

/** A file ready to download. */
export interface ExportFile {
  ok: true;
  filename: string;
  /** The MIME type to send it with. */
  mime: string;
  body: Buffer;
  /** Data rows (the header not counted). */
  rows: number;
}

/** The result of {@link exportCases} and {@link exportKeyFile}. */
export type ExportResult = ExportFile | StaffRefusal;

const MIME: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/** `korpu-cases-2026-12-04.xlsx`: the kind and the day, never anything about a person. */
const fileName = (kind: string, at: Date, format: ExportFormat) => `korpu-${kind}-${at.toISOString().slice(0, 10)}.${format}`;

/** How a CSV of the cases gives its values: in words (to read) or as codes (for analysis). */
export const EXPORT_VALUES = ['words', 'codes'] as const;
export type ExportValues = (typeof EXPORT_VALUES)[number];

/**
 * Where the words of each column's values are: the workspace's own texts, so that the export
 * says what the workspace shows (its status, outcome, service areas…). A value with no text
 * (a code from a newer version) is written as its code.
 */
const WORDS: Partial<Record<CaseColumn, (v: string) => string>> = {
  status: (v) => `web:status.${v}`,
  route: (v) => `reports:numbers.route.${v}`,
  channel: (v) => `reports:export.channel.${v}`,
  reason: (v) => `interview:reason.${v}`,
  minor: (v) => `web:answer.${v}`,
  referral_source: (v) => (v === 'not_said' ? 'interview:referral.not_said' : `reports:numbers.source.${v}`),
  diagnosis: (v) => `web:outcome.${v}`,
  diagnosis_final: (v) => `web:answer.${v}`,
  diagnosis_by: (v) => `reports:export.diagnosis_by.${v}`,
  diagnosis_q1: (v) => `web:answer.${v}`,
  diagnosis_q2: (v) => `web:answer.${v}`,
  diagnosis_q4: (v) => `web:answer.${v}`,
  not_eligible_reasons: (v) => `casework:diagnosis.reason.${v}`,
  q4_concern: (v) => `web:answer.${v}`,
  consent_by_guardian: (v) => `web:answer.${v}`,
  service_areas: (v) => `web:area.${v}`,
  meeting_status: (v) => `web:booking.${v}`,
  // The five of §3.8, those of a case closed at the intake, and earlier versions' (case-records.ts).
  close_reason: closeReasonKey,
};

/** The name of the programme's time zone in `lang`, as the headers of times give it (`Azerbaijan Standard Time, GMT+4`). */
export function zoneName(lang: Lang, timeZone: string, at: Date): string {
  const part = (style: 'longGeneric' | 'shortOffset') => {
    try {
      return new Intl.DateTimeFormat(lang, { timeZone, timeZoneName: style }).formatToParts(at).find((p) => p.type === 'timeZoneName')?.value;
    } catch {
      return undefined;
    }
  };
  return [...new Set([part('longGeneric'), part('shortOffset')].filter((x): x is string => !!x))].join(lang === 'fa' ? '، ' : ', ') || timeZone;
}

/**
 * The two sheets of the cases export: in words, for a programme manager (headers and values
 * in `lang`, times in the programme's time zone named in their headers, the holder by name,
 * the office by name), and as codes, for analysis (the columns' wire names, values as codes,
 * times ISO 8601 in UTC, the holder's staff id).
 */
async function caseSheets(deps: ReportDeps, lang: Lang): Promise<{ words: ExportSheet<CaseRow>; codes: ExportSheet<CaseRow> }> {
  const t = (key: string, params?: Record<string, unknown>) => deps.translator.t(lang, key, params);
  const has = (key: string) => deps.translator.i18n.exists(key, { lng: lang });
  const zone = deps.reports.timeZone;
  const zoneText = zoneName(lang, zone, deps.clock.now());
  const staffName = await staffNameOf(deps);
  const offices = new Map(deps.offices.map((o) => [o.id, o.name[lang] ?? o.name.en ?? o.id]));
  const word = (column: CaseColumn, code: string): string => {
    const key = WORDS[column]?.(code);
    return key && has(key) ? t(key) : code;
  };
  const inWords = (column: CaseColumn, v: string): ExportCell => {
    if (!v) return '';
    if (TIME_COLUMNS.has(column)) return new LocalTime(DateTime.fromISO(v, { zone: 'utc' }).setZone(zone).toFormat('yyyy-MM-dd HH:mm'));
    if (COUNT_COLUMNS.has(column)) return Number(v);
    if (LIST_COLUMNS.has(column)) return v.split(' ').map((c) => word(column, c)).join('; ');
    switch (column) {
      case 'case_code':
        return v;
      case 'lang':
        return languageNameIn(lang, v, { start: true });
      case 'consent':
        return v === 'declined' ? t('web:consent.declined') : t('web:consent.option', { option: v });
      case 'office':
        return offices.get(v) ?? v;
      case 'holder':
        return staffName(v);
      default:
        return word(column, v);
    }
  };
  const header = CASE_COLUMNS.map((c) => {
    const name = t(`reports:export.column.${c}`);
    return TIME_COLUMNS.has(c) ? `${name} (${zoneText})` : name;
  });
  return {
    words: { name: t('reports:export.sheet.cases'), header, cells: (row) => CASE_COLUMNS.map((c) => inWords(c, row[c])) },
    codes: { name: t('reports:export.sheet.codes'), header: CASE_COLUMNS, cells: (row) => CASE_COLUMNS.map((c) => (COUNT_COLUMNS.has(c) ? Number(row[c]) : row[c])) },
  };
}

/**
 * Every case as one row of anonymous facts, with its case code in place of a name (the
 * guidelines' coded names, spec §3.4): dates, status (as the workspace shows it), language,
 * route, the channel the case came through (Telegram, phone, walk-in), reason for coming, under
 * 18 or not, referral source, diagnosis (final or not; Annex 2 as last confirmed: by whom, when,
 * Q1–Q4 answers; why not eligible, the Q4 concern raised on the phone), consent option and date,
 * office, meeting, first meeting held, Annex 1 and plan dates, holder, incident reports count,
 * closing. No name, phone number, birth date, address, country or free text. The XLSX has the
 * cases in words (sheet 1) and as codes (sheet 2); a CSV is one or the other (`values`).
 * Supervisors and admins; every export is audited (`exported`, kind `cases`, format, rows).
 * @example const file = await exportCases(deps, { staffId }, { format: 'xlsx', lang: 'az' });
 */
export async function exportCases(deps: ReportDeps, actor: StaffRef, args: { format: ExportFormat; lang: Lang; values?: ExportValues }): Promise<ExportResult> {
  const a = await authorize(deps, actor, 'export_cases');
  if (refused(a)) return a;
  const sheets = await caseSheets(deps, args.lang);
  const rows = caseRows(deps.reports.exports);
  const codes = args.format === 'csv' && args.values === 'codes';
  const made = args.format === 'csv' ? await toCsv(codes ? sheets.codes : sheets.words, rows) : await toXlsx([sheets.words, sheets.codes], rows);
  const at = deps.clock.now();
  deps.logger.info({ by: staffLogRef(deps, actor.staffId), kind: 'cases', format: args.format, rows: made.rows }, 'desk: cases exported');
  await audit(deps, a, 'export_case', { kind: 'cases', format: args.format, rows: String(made.rows) });
  return { ok: true, filename: fileName(codes ? 'cases-codes' : 'cases', at, args.format), mime: MIME[args.format], body: made.body, rows: made.rows };
}

/**
 * The key file: case code → first and last name, and how they heard of us in their own words
 * (free text, so never in the cases export), for the people whose consent option is C (their
 * real name may be used); nobody who chose A or B, declined, withdrew, or erased their data is in it. Supervisors and admins only; kept apart from the cases export so that the two are never
 * sent together; every export is audited (`exported`, kind `key_file`).
 */
export async function exportKeyFile(deps: ReportDeps, actor: StaffRef, args: { format: ExportFormat; lang: Lang }): Promise<ExportResult> {
  const a = await authorize(deps, actor, 'export_key_file');
  if (refused(a)) return a;
  const sheet: ExportSheet<KeyRow> = {
    name: deps.translator.t(args.lang, 'reports:export.sheet.key_file'),
    header: KEY_COLUMNS.map((c) => deps.translator.t(args.lang, `reports:export.column.${c}`)),
    cells: (row) => KEY_COLUMNS.map((c) => row[c]),
  };
  const rows = keyRows(deps.reports.exports);
  const made = args.format === 'csv' ? await toCsv(sheet, rows) : await toXlsx([sheet], rows);
  const at = deps.clock.now();
  deps.logger.info({ by: staffLogRef(deps, actor.staffId), kind: 'key_file', format: args.format, rows: made.rows }, 'desk: key file exported');
  await audit(deps, a, 'export_case', { kind: 'key_file', format: args.format, rows: String(made.rows) });
  return { ok: true, filename: fileName('key-file', at, args.format), mime: MIME[args.format], body: made.body, rows: made.rows };
}
