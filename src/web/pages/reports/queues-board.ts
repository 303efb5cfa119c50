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
 */
export function queuesBoard(queues: readonly Queue[]): Router {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(QUEUES_PATH);
  createBullBoard({
    queues: queues.map((q) => new BullMQAdapter(q, { readOnlyMode: true, allowRetries: false })),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'Körpü' } },
  });
  return serverAdapter.getRouter() as Router;
}

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
