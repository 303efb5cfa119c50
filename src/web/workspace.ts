import express, { type ErrorRequestHandler, type Router } from 'express';
import helmet from 'helmet';
import { join } from 'node:path';
import { isStoreUnavailable } from '../core/store-unavailable';
import { createAccess } from './access';
import { authRoutes } from './auth/auth-routes';
import { browserLang } from './browser-lang';
import { PAGE_MODULES } from './pages';
import { createRateLimits } from './rate-limits';
import { createRenderer } from './render';
import { maybeWebContext } from './web-context';
import type { WebKit } from './web-kit';
import type { WorkspaceDeps } from './workspace-deps';

/** Largest form the workspace accepts (a note, a message to a person). */
export const FORM_LIMIT = '64kb';

/**
 * The counsellors' web workspace, mounted by the HTTP app under `/desk`: server-rendered pages
 * (Eta), one small stylesheet and script under `/desk/static`, sign-in by one-time link from
 * `/dashboard`, sessions in Redis, CSRF tokens on every change, helmet's headers (a strict
 * Content-Security-Policy: the pages load nothing from elsewhere), `Cache-Control: no-store`
 * on every page (they show personal data), rate limits, and every refusal a 403 page and an
 * audit entry. The pages themselves are the page modules of pages/index.ts.
 *
 * @example app.use('/desk', createWorkspace(deps));
 */
export function createWorkspace(deps: WorkspaceDeps): Router {
  const router = express.Router();
  const renderer = createRenderer(deps.translator);
  const access = createAccess(deps, renderer);
  const limits = createRateLimits(deps);

  router.use(
    helmet({
      contentSecurityPolicy: {
        directives: { defaultSrc: ["'self'"], scriptSrc: ["'self'"], styleSrc: ["'self'"], imgSrc: ["'self'", 'data:'], formAction: ["'self'"], frameAncestors: ["'none'"], baseUri: ["'none'"], objectSrc: ["'none'"] },
      },
      // The sign-in link carries its token in the address: no page tells another site where it came from.
      referrerPolicy: { policy: 'no-referrer' },
    }),
  );
  router.use('/static', express.static(join(__dirname, 'static'), { maxAge: '1h', index: false }));
  router.use((req, res, next) => {
    res.set('Cache-Control', 'no-store');
    res.locals.path = req.baseUrl + req.path;
    // Where the language switch comes back to: a page shown by GET with its query (the case
    // list's filters, a chosen week or version); after a POST, the page's path.
    res.locals.back = req.method === 'GET' ? req.originalUrl : res.locals.path;
    next();
  });
  router.use(limits.pages);
  router.use(express.urlencoded({ extended: false, limit: FORM_LIMIT }));

  const auth = authRoutes(deps, renderer, limits);
  router.use(auth.before);
  router.use(access.signedIn, access.csrf);
  router.use(auth.after);

  const kit: WebKit = {
    deps,
    requireRole: access.requireRole,
    render: renderer.render,
    forbidden: access.forbidden,
    audit: async (res, action, detail = {}) => {
      const ctx = maybeWebContext(res);
      if (!ctx || !deps.desk.audit) return;
      // With the member's name as it is now (the trail still names them after a rename), as the desk's entries.
      const byName = ctx.staff.worker?.name;
      await deps.desk.audit.record({ at: deps.clock.now(), staffId: ctx.staff.staffId, action, ...(byName ? { byName } : {}), ...detail }).catch((err: Error) => deps.logger.error({ action, err: err.message }, 'web: audit entry failed'));
    },
  };
  for (const pages of PAGE_MODULES) router.use(pages(kit));

  router.use((req, res) => {
    if (!maybeWebContext(res)) renderer.anonymous(res, browserLang(req));
    renderer.render(res, 'not-found', { title: (maybeWebContext(res)?.t ?? ((k: string) => deps.translator.t(browserLang(req), k)))('web:not_found.title') }, 404);
  });
  const onError: ErrorRequestHandler = (err: Error & { status?: number; type?: string }, req, res, _next) => {
    // A body too large or malformed is the client's fault; Redis out of reach is an outage (503,
    // try again shortly: a warning, no stack); anything else is ours, logged without the request's data.
    const unavailable = isStoreUnavailable(err);
    const status = err.status && err.status >= 400 && err.status < 500 ? err.status : unavailable ? 503 : 500;
    if (unavailable) deps.logger.warn({ err: { name: err.name, message: err.message }, path: req.baseUrl + req.path }, 'web: Redis unreachable, the page is answered 503');
    else if (status === 500) deps.logger.error({ err: { name: err.name, message: err.message, stack: err.stack }, path: req.baseUrl + req.path }, 'web: page failed');
    if (res.headersSent) return;
    if (unavailable) res.set('Retry-After', '30');
    if (!maybeWebContext(res)) renderer.anonymous(res, browserLang(req));
    const t = maybeWebContext(res)?.t ?? ((k: string) => deps.translator.t(browserLang(req), k));
    renderer.render(res, 'error', { title: t('web:error.title'), status }, status);
  };
  router.use(onError);
  return router;
}
