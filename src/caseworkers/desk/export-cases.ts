import type { Lang } from '../../core/lang';
import type { StaffRef } from '../../core/staff';
import { CASE_COLUMNS, caseRows, KEY_COLUMNS, keyRows, toCsv, toXlsx, type ExportFormat } from '../reports/case-export';
import { audit, authorize, refused, staffLogRef, type StaffRefusal } from './desk-deps';
import type { ReportDeps } from './report-deps';

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

/**
 * Every case as one row of anonymous facts, with its case code in place of a name (the
 * guidelines' coded names, spec §3.4): dates, status, language, route, diagnosis and service
 * areas, consent option, office and meeting, referral source, holder (staff id), closing.
 * No name, phone number, birth date, address, country or free text is read. Supervisors and
 * admins; every export is audited (`exported`, kind `cases`, format, rows).
 * @example const file = await exportCases(deps, { staffId }, { format: 'xlsx', lang: 'az' });
 */
export async function exportCases(deps: ReportDeps, actor: StaffRef, args: { format: ExportFormat; lang: Lang }): Promise<ExportResult> {
  const a = await authorize(deps, actor, 'export_cases');
  if (refused(a)) return a;
  const header = CASE_COLUMNS.map((c) => deps.translator.t(args.lang, `reports:export.column.${c}`));
  const rows = caseRows(deps.reports.exports);
  const made = args.format === 'csv' ? await toCsv(CASE_COLUMNS, header, rows) : await toXlsx(deps.translator.t(args.lang, 'reports:export.sheet.cases'), CASE_COLUMNS, header, rows);
  const at = deps.clock.now();
  deps.logger.info({ by: staffLogRef(deps, actor.staffId), kind: 'cases', format: args.format, rows: made.rows }, 'desk: cases exported');
  await audit(deps, a, 'export_case', { kind: 'cases', format: args.format, rows: String(made.rows) });
  return { ok: true, filename: fileName('cases', at, args.format), mime: MIME[args.format], body: made.body, rows: made.rows };
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
  const header = KEY_COLUMNS.map((c) => deps.translator.t(args.lang, `reports:export.column.${c}`));
  const rows = keyRows(deps.reports.exports);
  const made = args.format === 'csv' ? await toCsv(KEY_COLUMNS, header, rows) : await toXlsx(deps.translator.t(args.lang, 'reports:export.sheet.key_file'), KEY_COLUMNS, header, rows);
  const at = deps.clock.now();
  deps.logger.info({ by: staffLogRef(deps, actor.staffId), kind: 'key_file', format: args.format, rows: made.rows }, 'desk: key file exported');
  await audit(deps, a, 'export_case', { kind: 'key_file', format: args.format, rows: String(made.rows) });
  return { ok: true, filename: fileName('key-file', at, args.format), mime: MIME[args.format], body: made.body, rows: made.rows };
}
