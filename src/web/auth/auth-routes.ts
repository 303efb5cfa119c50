import type { AuditAction } from '../../core/audit';
import express, { type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { LangSchema } from '../../core/lang';
import { browserLang } from '../browser-lang';
import type { RateLimits } from '../rate-limits';
import type { Renderer } from '../render';
import { webContext } from '../web-context';
import type { WorkspaceDeps } from '../workspace-deps';
import { clearSessionCookie, readCookie, setSessionCookie } from './session-cookie';

const SignInBody = z.object({ token: z.string().max(200) });
const LangBody = z.object({ lang: LangSchema, back: z.string().max(500).optional() });
const SignOutEverywhereBody = z.object({ confirm: z.literal('1').optional(), back: z.string().max(500).optional() });

/** A path inside the workspace, with a plain query (no open redirect: it starts with /desk/, no scheme, no backslash). */
const WORKSPACE_PLACE = /^\/desk(\/[A-Za-z0-9_\-/]*)?(\?[A-Za-z0-9_\-=&%.@:+,~]*)?$/;

/** Only a place inside the workspace is one to come back to; one with an odd query comes back to its path. */
export const safeBack = (back: string | undefined): string => {
  if (back && WORKSPACE_PLACE.test(back)) return back;
  const path = back?.split('?')[0];
  return path && WORKSPACE_PLACE.test(path) ? path : '/desk/cases';
};

/**
 * Whether the browser says the sign-in form came from a page of another site (`Sec-Fetch-Site`,
 * sent by every current browser). The sign-in POST carries no CSRF token (there is no session
 * yet): without this, a colleague's page posting their own link would sign this browser in as
 * them (login CSRF), ending its session, and what is typed next would be saved under the other's
 * name, for them to read. The form is on the workspace's own page, so only `same-origin` is ours.
 */
export const fromAnotherSite = (req: Request): boolean => {
  const site = req.get('sec-fetch-site');
  return site !== undefined && site !== 'same-origin';
};

/**
 * Sign-in and sign-out, mounted before the session check:
 * - `GET /signin?token=…` shows a "Sign in" button; the link is spent only by the button's POST,
 *   so that a link preview or a mail scanner opening it spends nothing;
 * - `POST /signin` spends the link (once, within 5 minutes) and starts a new session with a new
 *   id (an old session of that browser ends: ids are rotated at every sign-in);
 * - `POST /signout` (CSRF-checked) ends this session; `POST /signout-everywhere` first answers a
 *   page asking once more (one stray tap mid-interview must not end the member's sessions on
 *   every device), whose own button (`confirm=1`, CSRF-checked) ends them all;
 * - `POST /lang` remembers the language chosen with the switch;
 * - `GET /alive` keeps the session from timing out while a form is typed in, and gives the page
 *   the session's CSRF token.
 */
export function authRoutes(deps: WorkspaceDeps, renderer: Renderer, limits: RateLimits): { before: Router; after: Router } {
  const before = express.Router();
  const after = express.Router();
  const audit = (staffId: string, action: AuditAction) =>
    deps.desk.audit?.record({ at: deps.clock.now(), staffId, action }).catch((err: Error) => deps.logger.error({ action, err: err.message }, 'web: audit entry failed'));

  before.get('/signin', (req, res) => {
    const lang = browserLang(req);
    renderer.anonymous(res, lang);
    const token = typeof req.query.token === 'string' ? req.query.token : undefined;
    renderer.render(res, 'signin', { title: deps.translator.t(lang, 'web:signin.title'), token, state: token ? 'confirm' : req.query.lost === '1' ? 'lost' : req.query.out === '1' ? 'signed_out' : 'ask' });
  });

  before.post('/signin', limits.signIn, async (req: Request, res: Response) => {
    const lang = browserLang(req);
    renderer.anonymous(res, lang);
    if (fromAnotherSite(req)) {
      // Refused before the link is spent: its own page still signs its member in.
      deps.logger.warn({ site: req.get('sec-fetch-site') }, 'web: a sign-in form sent from another site was refused');
      renderer.render(res, 'signin', { title: deps.translator.t(lang, 'web:signin.title'), state: 'invalid' }, 403);
      return;
    }
    const body = SignInBody.safeParse(req.body);
    const spent = body.success ? await deps.links.consume(body.data.token) : ({ ok: false, reason: 'invalid' } as const);
    const member = spent.ok ? await deps.desk.roster.byStaff(spent.staffId) : undefined;
    if (!spent.ok || !member) {
      const state = !spent.ok && spent.reason === 'expired' ? 'expired' : 'invalid';
      renderer.render(res, 'signin', { title: deps.translator.t(lang, 'web:signin.title'), state }, 400);
      return;
    }
    const old = readCookie(req, deps.cookie.name);
    if (old) await deps.sessions.end(old);
    const session = await deps.sessions.create(member.staffId);
    setSessionCookie(res, deps.cookie, session.id);
    await audit(member.staffId, 'web_sign_in');
    res.redirect(303, '/desk/cases');
  });

  after.post('/signout', async (_req, res) => {
    const ctx = webContext(res);
    await deps.sessions.end(ctx.sessionId);
    clearSessionCookie(res, deps.cookie);
    await audit(ctx.staff.staffId, 'web_sign_out');
    res.redirect(303, '/desk/signin?out=1');
  });

  after.post('/signout-everywhere', async (req, res) => {
    const ctx = webContext(res);
    const body = SignOutEverywhereBody.safeParse(req.body);
    if (!body.success || body.data.confirm !== '1') {
      // "No, stay" goes back to the page the button was pressed on (the header's form says which).
      const stay = safeBack(body.success ? body.data.back : undefined);
      renderer.render(res, 'signout-everywhere', { title: ctx.t('web:signout.confirm_title'), stay });
      return;
    }
    await deps.sessions.endAll(ctx.staff.staffId);
    clearSessionCookie(res, deps.cookie);
    await audit(ctx.staff.staffId, 'web_sign_out_everywhere');
    res.redirect(303, '/desk/signin?out=1');
  });

  // desk.js asks this while someone types in a form (at most every few minutes) and when they
  // come back to the page: the session check before it restarts the idle time, so that a long
  // form typed without a page loaded (Annex 1 through an hour's meeting) is not refused as idle
  // when saved; a page left untouched still times out, the 12-hour limit stays. The answer is
  // the session's CSRF token, which the page's forms take: a page whose session ended, and
  // whose member signed in again in another tab, saves with the new session. Only the page's
  // own script reads it (same origin: no CORS header lets another site read it). Signed out,
  // the answer is the sign-in page's redirect, and the page says so before anything is lost.
  after.get('/alive', (_req, res) => {
    res.json({ csrf: webContext(res).csrf });
  });

  after.post('/lang', async (req, res) => {
    const body = LangBody.safeParse(req.body);
    if (body.success) await deps.sessions.setLang(webContext(res).sessionId, body.data.lang);
    res.redirect(303, safeBack(body.success ? body.data.back : undefined));
  });

  return { before, after };
}
