import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import type { RequestHandler, Router } from 'express';

/** Where the board is served (under the workspace, after sign-in). */
export const QUEUES_PATH = '/desk/admin/queues';

/**
 * bull-board over Körpü's BullMQ queues, read only (no retry, clean or remove): it shows what
 * waits, what is delayed and what failed. Read only for everyone: the board's own buttons send
 * requests without the workspace's CSRF token, so a board that changes jobs would be a way
 * around it. Job data holds no personal data in clear (case codes, encrypted chat ids).
 * `back` is the board's link back to the workspace (its header menu: bull-board's miscLinks),
 * in the language of the board it is built for; no link to bull-board's documentation site.
 * @example router.use(QUEUES_PATH, withoutWebFonts, queuesBoard(queues, { back: { text: 'Back to the workspace', url: '/desk/admin' } }));
 */
export function queuesBoard(queues: readonly Queue[], o: { back: { text: string; url: string } }): Router {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(QUEUES_PATH);
  createBullBoard({
    queues: queues.map((q) => new BullMQAdapter(q, { readOnlyMode: true, allowRetries: false })),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'Körpü', hideDocsLink: true, miscLinks: [{ text: o.back.text, url: o.back.url }] } },
  });
  return serverAdapter.getRouter() as Router;
}

/** bull-board's page asks Google Fonts for its typeface (the CSP refuses it: a console error); it has no option to leave it out. */
const WEB_FONTS = /<link[^>]*fonts\.googleapis\.com[^>]*>\s*/g;

/**
 * Takes bull-board's request to Google Fonts out of its page (the board falls back to the
 * system's fonts): no request leaves for a third party, and no CSP error in the console.
 * Only the board's HTML page is touched, not its JSON.
 */
export const withoutWebFonts: RequestHandler = (_req, res, next) => {
  const send = res.send.bind(res);
  res.send = ((body?: unknown) => send(typeof body === 'string' && /^\s*<!doctype html/i.test(body) ? body.replace(WEB_FONTS, '') : body)) as typeof res.send;
  next();
};

/**
 * The board's page uses inline styles (its loading screen, React's style attributes): this
 * route alone allows them; scripts still come only from the workspace itself.
 */
export const boardCsp: RequestHandler = (_req, res, next) => {
  res.setHeader(
    'Content-Security-Policy',
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'",
  );
  next();
};
