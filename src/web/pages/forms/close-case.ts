import express, { type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { CLOSE_REASONS, closeCase, closeReasonKey, INTAKE_CLOSE_REASONS, readCaseForms } from '../../../caseworkers/desk';
import { webContext } from '../../web-context';
import type { WebKit } from '../../web-kit';
import { answeredRefusal, CASE_CODE } from './answer';

const CloseForm = z.object({ reason: z.string().max(64).default(''), writtenReason: z.string().max(4000).optional() });

/**
 * Closing a case with one of the five termination reasons of spec §3.8 (closeCase), or, while no
 * initial assessment was saved, one of the reasons a case closes before support began. For a
 * withdrawal the page shows the reason the person gave with /withdraw, if they did; otherwise
 * their reason in writing is typed in.
 */
export function closeCasePages(kit: WebKit): Router {
  const router = express.Router();
  const desk = kit.deps.desk;

  async function show(req: Request, res: Response, o: { problem?: string; sent?: Record<string, string> } = {}, status = 200): Promise<void> {
    const code = String(req.params.code);
    const { actor, t } = webContext(res);
    if (!CASE_CODE.test(code)) return void kit.render(res, 'not-found', { title: t('web:not_found.title') }, 404);
    // The same access as the first meeting's records: the holder, or a supervisor; never another office.
    const r = await readCaseForms(desk, actor, { caseCode: code });
    if (!r.ok) {
      if (await answeredRefusal(kit, req, res, r, code)) return;
      return void kit.render(res, 'not-found', { title: t('web:not_found.title') }, 404);
    }
    const closed = r.head.status === 'closed' ? closeReasonKey(r.head.closeReason ?? '') : undefined;
    kit.render(res, 'forms/close', { title: t('casework:close.title', { code }), code, reasons: CLOSE_REASONS, intakeReasons: r.assessmentVersions.length ? [] : INTAKE_CLOSE_REASONS, closed, problem: o.problem, sent: o.sent ?? {}, fromWithdraw: r.withdrawal }, status);
  }

  router.get('/cases/:code/close', kit.requireRole('caseworker'), (req, res) => show(req, res));

  router.post('/cases/:code/close', kit.requireRole('caseworker'), async (req, res) => {
    const code = String(req.params.code);
    const form = CloseForm.safeParse(req.body);
    const sent = form.success ? form.data : { reason: '' };
    const r = await closeCase(desk, webContext(res).actor, { caseCode: code, reason: sent.reason, ...(sent.writtenReason ? { writtenReason: sent.writtenReason } : {}) });
    if (!r.ok) {
      if (await answeredRefusal(kit, req, res, r, code)) return;
      return show(req, res, { problem: r.reason, sent: { reason: sent.reason, writtenReason: sent.writtenReason ?? '' } }, 400);
    }
    res.redirect(303, `/desk/cases/${code}/close`);
  });

  return router;
}
