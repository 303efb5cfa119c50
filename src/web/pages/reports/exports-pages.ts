import express, { type Response, type Router } from 'express';
import { z } from 'zod';
import { EXPORT_VALUES, exportCases, exportKeyFile, type ExportFile } from '../../../caseworkers/desk';
import { ExportFormatSchema } from '../../../caseworkers/reports/case-export';
import { webContext } from '../../web-context';
import type { WebKit } from '../../web-kit';
import { isRefusal, refuse, reportsOf } from './page-helpers';

const ExportForm = z.object({ format: ExportFormatSchema, values: z.enum(EXPORT_VALUES).catch('words') });

/** Sends an export as a download (never cached: the key file has names). */
function send(res: Response, file: ExportFile): void {
  res.set({ 'Content-Type': file.mime, 'Content-Disposition': `attachment; filename="${file.filename}"`, 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
  res.send(file.body);
}

/**
 * The Exports page (issue 12, item 10): the cases with case codes in place of names (XLSX with
 * a sheet in words and a sheet of codes; CSV in words, or as codes for analysis), and apart, the key file from case codes to names (consent C only). Supervisors and
 * admins; downloads are POSTs with the session's CSRF token, and every export is audited by the
 * desk's use case (`export_case`).
 */
export function exportsPages(kit: WebKit): Router {
  const router = express.Router();

  router.get('/exports', kit.requireRole('supervisor'), (_req, res) => {
    kit.render(res, 'reports/exports', { title: webContext(res).t('reports:exports.title') });
  });

  router.post('/exports/cases', kit.requireRole('supervisor'), async (req, res) => {
    const form = ExportForm.safeParse(req.body);
    if (!form.success) return void res.redirect(303, '/desk/exports');
    const { actor, lang } = webContext(res);
    const r = await exportCases({ ...kit.deps.desk, reports: reportsOf(kit).stores }, actor, { format: form.data.format, lang, values: form.data.values });
    if (isRefusal(r)) return refuse(kit, req, res, r);
    send(res, r);
  });

  router.post('/exports/key-file', kit.requireRole('supervisor'), async (req, res) => {
    const form = ExportForm.safeParse(req.body);
    if (!form.success) return void res.redirect(303, '/desk/exports');
    const { actor, lang } = webContext(res);
    const r = await exportKeyFile({ ...kit.deps.desk, reports: reportsOf(kit).stores }, actor, { format: form.data.format, lang });
    if (isRefusal(r)) return refuse(kit, req, res, r);
    send(res, r);
  });

  return router;
}
