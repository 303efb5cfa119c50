import { dirname, join } from 'node:path';
import express, { type RequestHandler, type Router } from 'express';
import { z } from 'zod';
import { addStaff, changeStaff, listRoster, readAudit, removeStaff, STAFF_FIELDS } from '../../../caseworkers/desk';
import { SUPPORTED_LANGS, type Lang } from '../../../core/lang';
import { flowToMermaid } from '../../../flows/flow-diagram';
import { formatList, pageFormat } from '../../format';
import { webContext, type Translate } from '../../web-context';
import type { WebKit } from '../../web-kit';
import { flash, isRefusal, refuse, reportsOf } from './page-helpers';
import { boardCsp, queuesBoard, withoutWebFonts } from './queues-board';

const CaseCode = z.string().trim().toUpperCase().regex(/^[A-Z0-9-]{4,40}$/);
const StaffId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);
/** A roster form: languages as checkboxes (one value or several). */
const langs = z.union([z.string(), z.array(z.string())]).transform((v) => (Array.isArray(v) ? v : [v]));
const AddForm = z.object({ telegramId: z.coerce.number(), role: z.string(), office: z.string(), langs: langs.default([]), name: z.string() });
const ChangeForm = z.object({ role: z.string(), office: z.string(), langs: langs.default([]), name: z.string() });

/** mermaid's browser build, served from the package (no CDN: the page works offline). */
const MERMAID_JS = join(dirname(require.resolve('mermaid/package.json')), 'dist', 'mermaid.min.js');

/** Mermaid writes its diagrams' styles inline: the flow pages allow inline styles (no inline script). */
const mermaidCsp: RequestHandler = (_req, res, next) => {
  res.setHeader('Content-Security-Policy', "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'");
  next();
};

/**
 * The Admin section (issue 12, item 11): for admins the roster (the desk's add, change, remove
 * and list staff use cases, as the bot's /roster commands), the offices and the audit trail
 * (the desk's readAudit); for supervisors too the BullMQ queues (bull-board, read only), each
 * flow drawn as a Mermaid diagram beside its YAML, and the simulator link.
 */
export function adminPages(kit: WebKit): Router {
  const router = express.Router();
  const reports = kit.deps.reports;

  router.get('/admin', kit.requireRole('supervisor'), (_req, res) => {
    const { t, staff } = webContext(res);
    kit.render(res, 'reports/admin', { title: t('reports:admin.title'), isAdmin: staff.role === 'admin', simulator: reports?.simulator ?? false, flows: inWords(reports?.flows ?? [], t) });
  });

  router.get('/admin/roster', kit.requireRole('admin'), async (req, res) => {
    const { actor, t, lang } = webContext(res);
    const r = await listRoster(kit.deps.desk, actor);
    if (!r.ok) return refuse(kit, req, res, r);
    const f = flash(req, 'admin');
    const fmt = pageFormat(lang, t, { timeZone: kit.deps.timeZone, offices: kit.deps.desk.offices });
    const fields = typeof req.query.fields === 'string' ? req.query.fields.split(',').filter((x) => (STAFF_FIELDS as readonly string[]).includes(x)) : [];
    kit.render(res, 'reports/admin-roster', {
      title: t('reports:admin.roster'),
      workers: r.workers.map((w) => ({ ...w, added: fmt.date(w.addedAt) })),
      admins: r.admins,
      offices: kit.deps.desk.offices.map((o) => ({ id: o.id, name: o.name[lang] ?? o.name.en ?? o.id })),
      langs: SUPPORTED_LANGS,
      roles: ['caseworker', 'supervisor', 'admin'],
      // `exists`: the member the account belongs to, by name (an id in the address, the name from the roster).
      flash: { ...f, params: { ...f.params, ...(f.params.count ? { count: Number(f.params.count) } : {}), fields: formatList(lang, fields.map((x) => t(`reports:admin.col.${fieldColumn(x)}`))), name: r.workers.find((w) => w.staffId === req.query.staff)?.name ?? '' } },
    });
  });

  router.post('/admin/roster', kit.requireRole('admin'), async (req, res) => {
    const form = AddForm.safeParse(req.body);
    const r = await addStaff(kit.deps.desk, webContext(res).actor, form.success ? form.data : { telegramId: NaN, role: '', office: '', langs: [], name: '' });
    if (isRefusal(r)) return refuse(kit, req, res, r);
    // Someone on the roster already is changed in their own row, never by adding them again.
    if (!r.ok && r.reason === 'already_on_roster') return void res.redirect(303, `/desk/admin/roster?err=exists&staff=${r.existing.staffId}#staff-${r.existing.staffId}`);
    if (!r.ok) return void res.redirect(303, `/desk/admin/roster?err=invalid&fields=${r.fields.join(',')}`);
    res.redirect(303, '/desk/admin/roster?ok=added');
  });

  router.post('/admin/roster/:staffId', kit.requireRole('admin'), async (req, res) => {
    const id = StaffId.safeParse(req.params.staffId);
    const form = ChangeForm.safeParse(req.body);
    if (!id.success || !form.success) return void res.redirect(303, '/desk/admin/roster?err=invalid');
    const r = await changeStaff(kit.deps.desk, webContext(res).actor, { staff: { staffId: id.data }, ...form.data });
    if (isRefusal(r)) return refuse(kit, req, res, r);
    if (!r.ok) return void res.redirect(303, `/desk/admin/roster?err=${r.reason === 'invalid' ? `invalid&fields=${r.fields.join(',')}` : r.reason === 'self_demotion' ? 'self_removal' : r.reason}`);
    // Moved to another office, or made a case worker: the cases out of their reach went back to the case workers.
    const ok = r.why === 'role_change' ? 'changed_released_role' : 'changed_released';
    res.redirect(303, r.released.length > 0 ? `/desk/admin/roster?ok=${ok}&count=${r.released.length}` : '/desk/admin/roster?ok=changed');
  });

  router.post('/admin/roster/:staffId/remove', kit.requireRole('admin'), async (req, res) => {
    const id = StaffId.safeParse(req.params.staffId);
    if (!id.success) return void res.redirect(303, '/desk/admin/roster?err=not_found');
    const r = await removeStaff(kit.deps.desk, webContext(res).actor, { staff: { staffId: id.data } });
    if (isRefusal(r)) return refuse(kit, req, res, r);
    if (!r.ok) return void res.redirect(303, `/desk/admin/roster?err=${r.reason}`);
    // Still in the case workers' chat, they would go on reading its alerts: the page says to remove them there.
    res.redirect(303, `/desk/admin/roster?ok=removed&count=${r.released.length}${r.chat === 'failed' ? '&err=chat_not_left' : ''}`);
  });

  router.get('/admin/offices', kit.requireRole('admin'), async (_req, res) => {
    const { t, lang } = webContext(res);
    const closures = reportsOf(kit).stores.closures;
    const offices = await Promise.all(
      kit.deps.desk.offices.map(async (o) => ({
        id: o.id,
        name: o.name[lang] ?? o.name.en ?? o.id,
        address: o.address[lang] ?? o.address.en ?? '',
        hours: Object.entries(o.hours).map(([day, ranges]) => `${day} ${(ranges ?? []).join(', ')}`).join('; '),
        slotMinutes: o.slotMinutes,
        capacity: o.capacity,
        closed: [...o.closed, ...[...(await closures.closedDays(o.id))].map((d) => `${d} *`)].sort().join(', '),
      })),
    );
    kit.render(res, 'reports/admin-offices', { title: t('reports:admin.offices'), offices });
  });

  router.get('/admin/audit', kit.requireRole('admin'), async (req, res) => {
    const { actor, t, lang } = webContext(res);
    // Times in the programme's time zone (the case workers' own, Baku), named in the column's
    // heading, in the page's language and digits; the moment in UTC stays in each <time>.
    const fmt = pageFormat(lang, t, { timeZone: kit.deps.timeZone, offices: kit.deps.desk.offices });
    const code = CaseCode.safeParse(req.query.case);
    const r = code.success ? await readAudit(kit.deps.desk, actor, { caseCode: code.data, limit: 200 }) : undefined;
    if (r && !r.ok) {
      if (r.reason === 'no_trail') return void kit.render(res, 'reports/admin-audit', { title: t('reports:admin.audit'), code: code.data, zone: fmt.zoneName(), lines: [] });
      return refuse(kit, req, res, r);
    }
    kit.render(res, 'reports/admin-audit', {
      title: t('reports:admin.audit'),
      code: code.success ? code.data : '',
      zone: fmt.zoneName(r?.lines[0]?.at),
      lines: (r?.lines ?? []).map((l) => ({
        at: fmt.moment(l.at),
        iso: l.at.toISOString(),
        who: l.by.kind === 'staff' ? l.by.name : t(l.by.kind === 'person' ? 'reports:admin.who_person' : 'reports:admin.who_system'),
        action: l.action,
        details: Object.entries(l.details).filter(([k]) => k !== 'to').map(([k, v]) => `${k}: ${v}`).concat(l.toName ? [`→ ${l.toName}`] : []).join(', '),
      })),
    });
  });

  // The queues: bull-board, read only, for supervisors and admins; one board per language, for
  // its link back to the workspace.
  if (reports) {
    const boards = new Map<Lang, Router>();
    const boardFor = (lang: Lang, t: Translate): Router => {
      let board = boards.get(lang);
      if (!board) boards.set(lang, (board = queuesBoard(reports.queues, { back: { text: t('reports:admin.queues_back'), url: '/desk/admin' } })));
      return board;
    };
    router.use('/admin/queues', kit.requireRole('supervisor'), boardCsp, withoutWebFonts, (req, res, next) => {
      const { lang, t } = webContext(res);
      boardFor(lang, t)(req, res, next);
    });
  }

  router.get('/admin/flows', kit.requireRole('supervisor'), mermaidCsp, (_req, res) => {
    const { t } = webContext(res);
    kit.render(res, 'reports/admin-flows', { title: t('reports:admin.flows'), flows: inWords(reportsOf(kit).flows, t), flow: undefined });
  });
  router.get('/admin/flows/:id', kit.requireRole('supervisor'), mermaidCsp, (req, res) => {
    const { t } = webContext(res);
    const flows = inWords(reportsOf(kit).flows, t);
    const flow = flows.find((f) => f.id === req.params.id);
    if (!flow) return void kit.render(res, 'not-found', { title: t('web:not_found.title') }, 404);
    // The diagram shows each question's words in the page's language above its key.
    const mermaid = flowToMermaid(flow.def, (key) => t(key, { defaultValue: '' }) || undefined);
    kit.render(res, 'reports/admin-flows', { title: `${t('reports:admin.flows')} · ${flow.name}`, flows, flow: { ...flow, mermaid } });
  });
  router.get('/admin/mermaid.min.js', kit.requireRole('supervisor'), (_req, res) => res.type('js').set('Cache-Control', 'private, max-age=86400').sendFile(MERMAID_JS));

  return router;
}

/** The flows with their names in the page's language (a flow's YAML `name` is the developers' English). */
function inWords<F extends { id: string; name: string }>(flows: readonly F[], t: Translate): F[] {
  return flows.map((f) => ({ ...f, name: t(`reports:admin.flow_name.${f.id}`, { defaultValue: f.name }) }));
}

/** A roster field's column text (`telegramId` → `telegram_id`). */
const fieldColumn = (field: string): string => (field === 'telegramId' ? 'telegram_id' : field);
