import express, { type Request, type Response, type Router } from 'express';
import {
  acknowledgeIncident, fillIncident, INCIDENT_TYPES, listCases, listIncidents, readIncident, startIncident,
  type IncidentField, type IncidentReport,
} from '../../../caseworkers/desk';
import { formDateTime } from '../../../intake/record-writes';
import { pageFormat } from '../../format';
import { webContext } from '../../web-context';
import type { WebKit } from '../../web-kit';
import { answeredRefusal, CASE_CODE, issuesByField } from './answer';

/** Report ids as the store makes them (crisis effect ids, `w-<uuid>`). */
const REPORT_ID = /^[A-Za-z0-9_.:@-]{1,200}$/;

/** What a form page shows again after a POST that did not go through. */
interface Redraw {
  problem?: string;
  missing?: IncidentField[];
  invalid?: Record<string, string>;
  sent?: Record<string, unknown>;
}

/**
 * Incident reports (Annex 3, spec §6.1): the list (urgent reports nobody has taken on at the
 * top, with a button to take one on; then the drafts, or a case's reports), one report's form
 * (fill in, complete), and a new report on a case. Every change goes through the desk.
 */
export function incidentPages(kit: WebKit): Router {
  const router = express.Router();
  const desk = kit.deps.desk;
  const zone = desk.offices[0]?.timeZone ?? 'Asia/Baku';
  // Dates and times as every page writes them (07.12.2026, 04:23 in Azerbaijani), in the programme's zone.
  const when = (res: Response) => {
    const { lang, t } = webContext(res);
    const fmt = pageFormat(lang, t, { timeZone: zone, offices: desk.offices });
    return (d: Date) => fmt.dateTime(d);
  };
  // A date field's value (YYYY-MM-DD, what <input type="date"> takes).
  const day = (d: Date | undefined) => (d ? formDateTime(d, zone).date : undefined);
  const row = (at: (d: Date) => string) => (r: IncidentReport) => ({ id: r.id, caseCode: r.caseCode, reported: at(r.reportedAt), types: r.types, status: r.status, origin: r.origin, urgent: r.urgent && !r.acknowledgedBy });

  router.get('/incidents', kit.requireRole('caseworker'), async (req, res) => {
    const { actor, t } = webContext(res);
    const caseCode = typeof req.query.case === 'string' && CASE_CODE.test(req.query.case) ? req.query.case : undefined;
    const r = await listIncidents(desk, actor, caseCode ? { caseCode } : {});
    if (!r.ok) return void (await answeredRefusal(kit, req, res, r));
    const done = req.query.done === 'acknowledged' ? 'acknowledged' : undefined;
    kit.render(res, 'forms/incidents', { title: t('casework:incidents.title'), urgent: r.urgent.map(row(when(res))), reports: r.reports.map(row(when(res))), caseCode, done });
  });

  async function showReport(req: Request, res: Response, redraw?: Redraw): Promise<void> {
    const { actor, t } = webContext(res);
    const id = String(req.params.id);
    if (!REPORT_ID.test(id)) return void kit.render(res, 'not-found', { title: t('web:not_found.title') }, 404);
    // The report as the desk lets this member see it (their office's, or every office's).
    const found = await readIncident(desk, actor, { id });
    if (!found.ok) return void (await answeredRefusal(kit, req, res, found));
    const visible = found.report;
    const values = redraw?.sent ?? {
      occurredOn: day(visible.occurredAt), types: visible.types, otherDescription: visible.otherDescription, whatHappened: visible.whatHappened, howHandled: visible.howHandled,
      adviceGiven: visible.adviceGiven === undefined ? undefined : visible.adviceGiven ? 'yes' : 'no', advice: visible.advice, referredTo: visible.referredTo,
      nextCallMade: visible.nextCallMade === undefined ? undefined : visible.nextCallMade ? 'yes' : 'no', nextCallOn: day(visible.nextCallAt),
    };
    const types = values.types;
    kit.render(res, 'forms/incident', {
      title: t('casework:incidents.report_title', { code: visible.caseCode }),
      action: `/desk/incidents/${id}`,
      report: {
        id, caseCode: visible.caseCode, reported: when(res)(visible.reportedAt), origin: visible.origin, category: visible.category, status: visible.status, urgent: visible.urgent,
        acknowledged: visible.acknowledgedAt ? when(res)(visible.acknowledgedAt) : undefined, message: visible.message,
      },
      locked: visible.status === 'complete',
      values: { ...values, types: Array.isArray(types) ? types : types ? [types] : [] },
      types: INCIDENT_TYPES,
      done: req.query.done === 'saved' || req.query.done === 'completed' || req.query.done === 'started' ? `incident_${String(req.query.done)}` : undefined,
      ...redraw,
    }, redraw ? 400 : 200);
  }

  router.get('/incidents/:id', kit.requireRole('caseworker'), (req, res) => showReport(req, res));

  router.post('/incidents/:id', kit.requireRole('caseworker'), async (req, res) => {
    const id = String(req.params.id);
    const { complete, _csrf, ...form } = req.body as Record<string, unknown>;
    void _csrf;
    const r = await fillIncident(desk, webContext(res).actor, { id, form, complete: complete === '1' });
    if (!r.ok) {
      if (await answeredRefusal(kit, req, res, r)) return;
      if (r.reason === 'invalid') return showReport(req, res, { invalid: issuesByField(r.issues, webContext(res).t), sent: form });
      if (r.reason === 'incomplete') return showReport(req, res, { problem: 'incomplete', missing: r.missing, sent: form });
      return showReport(req, res, { problem: r.reason });
    }
    res.redirect(303, `/desk/incidents/${id}?done=${r.completed ? 'completed' : 'saved'}`);
  });

  router.post('/incidents/:id/acknowledge', kit.requireRole('caseworker'), async (req, res) => {
    const id = String(req.params.id);
    const r = await acknowledgeIncident(desk, webContext(res).actor, { id });
    if (!r.ok && (await answeredRefusal(kit, req, res, r))) return;
    // Taken on by someone else a moment earlier, or not urgent: the list shows how things stand.
    res.redirect(303, '/desk/incidents?done=acknowledged');
  });

  // Refused up front, as its POST would be: a case of another office never shows the form that
  // would lose what was typed. The case list's use case says whether the case is one this member
  // sees (their office's, or any for supervisors and admins), without reading or auditing more.
  router.get('/cases/:code/incidents/new', kit.requireRole('caseworker'), async (req, res) => {
    const { actor, staff, t } = webContext(res);
    const code = String(req.params.code);
    if (!CASE_CODE.test(code)) return void kit.render(res, 'not-found', { title: t('web:not_found.title') }, 404);
    const seen = await listCases(desk, actor, { code }, { offset: 0, limit: 1 });
    if (!seen.ok) return void (await answeredRefusal(kit, req, res, { ok: false, reason: seen.reason === 'no_index' ? 'not_found' : seen.reason }, code));
    if (!seen.rows.some((r) => r.code === code)) {
      // A case worker does not see other offices' cases; for supervisors and admins there is no such case.
      if (staff.role === 'caseworker') return void (await kit.forbidden(req, res, 'other_office', { caseCode: code }));
      return void kit.render(res, 'not-found', { title: t('web:not_found.title') }, 404);
    }
    return showNew(req, res);
  });

  async function showNew(req: Request, res: Response, redraw?: Redraw): Promise<void> {
    const { t } = webContext(res);
    const code = String(req.params.code);
    if (!CASE_CODE.test(code)) return void kit.render(res, 'not-found', { title: t('web:not_found.title') }, 404);
    const sent = redraw?.sent ?? { urgent: 'on' };
    const types = sent.types;
    kit.render(res, 'forms/incident', {
      title: t('casework:incidents.new_title', { code }), action: `/desk/cases/${code}/incidents/new`, locked: false,
      values: { ...sent, urgent: sent.urgent === 'on', types: Array.isArray(types) ? types : types ? [types] : [] }, types: INCIDENT_TYPES, ...redraw,
    }, redraw ? 400 : 200);
  }

  router.post('/cases/:code/incidents/new', kit.requireRole('caseworker'), async (req, res) => {
    const code = String(req.params.code);
    const { complete, _csrf, urgent, ...form } = req.body as Record<string, unknown>;
    void complete;
    void _csrf;
    const r = await startIncident(desk, webContext(res).actor, { caseCode: code, urgent: urgent === 'on', form });
    if (!r.ok) {
      if (await answeredRefusal(kit, req, res, r, code)) return;
      return showNew(req, res, { invalid: r.reason === 'invalid' ? issuesByField(r.issues, webContext(res).t) : {}, sent: { ...form, ...(urgent ? { urgent } : {}) } });
    }
    res.redirect(303, `/desk/incidents/${r.report.id}?done=started`);
  });

  return router;
}
