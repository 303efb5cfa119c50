import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Role, StaffMember } from '../caseworkers/desk';
import { DEFAULT_LANG, type Lang } from '../core/lang';
import { clearSessionCookie, readCookie } from './auth/session-cookie';
import { sameSecret } from './auth/tokens';
import { pageTranslate } from './format';
import { requestSession } from './request-session';
import { atLeast } from './nav';
import type { Renderer } from './render';
import { typedTexts } from './typed-back';
import { maybeWebContext, setWebContext, dirOf, webContext } from './web-context';
import type { WorkspaceDeps } from './workspace-deps';

/** Why a request was refused (the audit entry's `reason`). */
export type RefusalReason = 'role' | 'other_office' | 'not_holder' | 'not_claimed' | 'csrf' | 'not_staff';

/** The access checks of the workspace, built once by createWorkspace. */
export interface Access {
  /** Loads the session and the member behind it; anonymous requests go to the sign-in page. */
  signedIn: RequestHandler;
  /** Refuses a change (any method but GET and HEAD) without the session's CSRF token. */
  csrf: RequestHandler;
  /** Lets through members whose role is at least `role`; others get the 403 page. */
  requireRole(role: Role): RequestHandler;
  /** Answers 403 with the refusal page, and records the refusal in the audit trail. */
  forbidden(req: Request, res: Response, reason: RefusalReason, detail?: { caseCode?: string; kept?: string[] }): Promise<void>;
}

/** The page as an audit wire value: `/desk/cases/KP-1` → `desk.cases.KP-1` (at most 64 characters of [A-Za-z0-9_.:@-]). */
export const pageName = (req: Request): string => (req.baseUrl + req.path).replace(/^\/+|\/+$/g, '').replace(/\//g, '.').replace(/[^A-Za-z0-9_.:@-]/g, '_').slice(0, 64) || 'desk';

/** A member's name as the header shows it. */
const displayName = (m: StaffMember): string => m.worker?.name ?? `#${m.telegramId}`;

export function createAccess(deps: WorkspaceDeps, renderer: Renderer): Access {
  const { sessions, cookie, desk } = deps;

  const forbidden: Access['forbidden'] = async (req, res, reason, detail = {}) => {
    const ctx = maybeWebContext(res);
    deps.logger.warn({ who: ctx ? desk.cipher.pseudonym(`staff:${ctx.staff.staffId}`) : 'anonymous', reason, path: req.baseUrl + req.path }, 'web: refused');
    if (desk.audit) {
      await desk.audit
        .record({ at: deps.clock.now(), staffId: ctx?.staff.staffId ?? 'anonymous', action: 'web_refused', reason, page: pageName(req), ...(ctx?.staff.worker ? { byName: ctx.staff.worker.name } : {}), ...(detail.caseCode ? { caseCode: detail.caseCode } : {}) })
        .catch((err: Error) => deps.logger.error({ err: err.message }, 'web: the refusal could not be audited'));
    }
    renderer.render(res, 'forbidden', { title: (ctx?.t ?? ((k: string) => deps.translator.t(DEFAULT_LANG, k)))('web:forbidden.title'), reason, kept: detail.kept ?? [] }, 403);
  };

  const signedIn: RequestHandler = async (req, res, next) => {
    // Looked up once per request: the page rate limit asked first (requestSession).
    const session = await requestSession(deps, req, res);
    if (!session) {
      if (readCookie(req, cookie.name)) clearSessionCookie(res, cookie);
      toSignIn(req, res);
      return;
    }
    // The roster decides on every request: someone removed is signed out everywhere at once,
    // and a changed role counts from the next page.
    const member = await desk.roster.byStaff(session.staffId);
    if (!member) {
      await sessions.endAll(session.staffId);
      clearSessionCookie(res, cookie);
      toSignIn(req, res);
      return;
    }
    const lang: Lang = session.lang ?? member.worker?.langs[0] ?? DEFAULT_LANG;
    setWebContext(res, {
      staff: member,
      actor: { staffId: member.staffId },
      name: displayName(member),
      lang,
      dir: dirOf(lang),
      t: pageTranslate(deps.translator, lang),
      csrf: session.csrf,
      sessionId: session.id,
    });
    next();
  };

  const csrf: RequestHandler = async (req, res, next) => {
    if (req.method === 'GET' || req.method === 'HEAD') return next();
    const sent = (req.body as Record<string, unknown> | undefined)?._csrf ?? req.get('x-csrf-token');
    if (typeof sent === 'string' && sameSecret(sent, webContext(res).csrf)) return next();
    // Most often a form left open while its session ended and its member signed in again: what
    // they typed is shown back, to be copied, rather than lost with the refusal.
    await forbidden(req, res, 'csrf', { kept: typedTexts(req.body) });
  };

  const requireRole = (role: Role): RequestHandler => async (req: Request, res: Response, next: NextFunction) => {
    if (atLeast(webContext(res).staff.role, role)) return next();
    await forbidden(req, res, 'role');
  };

  return { signedIn, csrf, requireRole, forbidden };
}

/**
 * A request without a live session goes to the sign-in page. A change (a note sent from a tab
 * left open after signing out in another, or after the idle timeout) was not saved: the
 * sign-in page says so (`?lost=1`), so nobody believes what they typed went through.
 */
function toSignIn(req: Request, res: Response): void {
  res.redirect(303, req.method === 'GET' || req.method === 'HEAD' ? '/desk/signin' : '/desk/signin?lost=1');
}
