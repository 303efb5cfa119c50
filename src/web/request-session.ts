import type { Request, Response } from 'express';
import { readCookie } from './auth/session-cookie';
import type { WebSession } from './auth/web-sessions';
import type { WorkspaceDeps } from './workspace-deps';

/**
 * The live session a request's cookie names, looked up once per request and shared by whoever
 * asks (the page rate limit, then the session check): undefined without a cookie, or when the
 * cookie names no live session (a random or ended one). A request without a cookie costs no
 * Redis read. A lookup that fails rejects for every asker alike (the session check answers 503).
 */
export function requestSession(deps: Pick<WorkspaceDeps, 'sessions' | 'cookie'>, req: Request, res: Response): Promise<WebSession | undefined> {
  const cached = res.locals.sessionLookup as Promise<WebSession | undefined> | undefined;
  if (cached) return cached;
  const id = readCookie(req, deps.cookie.name);
  const lookup = id ? deps.sessions.get(id) : Promise.resolve(undefined);
  // Awaited by each asker, who handles the failure: not an unhandled rejection meanwhile.
  lookup.catch(() => undefined);
  res.locals.sessionLookup = lookup;
  return lookup;
}
