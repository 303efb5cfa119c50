import type { Request, RequestHandler, Response } from 'express';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { Logger } from '../core/logger';
import type { Translator } from '../i18n';
import { browserLang } from './browser-lang';
import { addressKey } from '../core/client-address';
import { tokenHash } from './auth/tokens';
import { requestSession } from './request-session';
import type { WorkspaceDeps } from './workspace-deps';

/** The workspace's rate limits, as Express middleware. */
export interface RateLimits {
  /** Sign-in attempts per address (an IPv6 one by its /64): a guessed token is hopeless, and this keeps it so. */
  signIn: RequestHandler;
  /**
   * Every workspace request, per live session (else per address, an IPv6 one by its /64): a runaway script, not a busy
   * worker. A cookie that names no live session counts by address, as no cookie does: a client
   * sending a new random cookie with each request is not a new session each time.
   */
  pages: RequestHandler;
}

/**
 * Sign-in attempts per address per {@link SIGN_IN_WINDOW_S}: a guessed token (256 random bits)
 * is hopeless anyway; this stops a flood, not a guess. The address is the client's only when
 * TRUST_PROXY names the reverse proxy in front: without it, everyone behind the proxy shares its
 * address, and one client spending the limit locks every member of staff out of signing in.
 * An IPv6 client counts by its /64 ({@link addressKey}): a subscriber holds all of it.
 */
export const SIGN_IN_POINTS = 60;
export const SIGN_IN_WINDOW_S = 10 * 60;
/** Requests per session (or address) per minute. */
export const PAGE_POINTS = 600;

/**
 * Rate limits kept in Redis (rate-limiter-flexible), so that every Körpü process counts the
 * same requests. Over the limit: 429 with Retry-After. Redis failing: the request goes on (the
 * limit is a brake, not a lock; the session check needs Redis anyway).
 */
export function createRateLimits(deps: Pick<WorkspaceDeps, 'redis' | 'keys' | 'logger' | 'cookie' | 'translator' | 'sessions'>): RateLimits {
  const signIn = new RateLimiterRedis({ storeClient: deps.redis, keyPrefix: deps.keys.webRateLimit('signin'), points: SIGN_IN_POINTS, duration: SIGN_IN_WINDOW_S });
  const pages = new RateLimiterRedis({ storeClient: deps.redis, keyPrefix: deps.keys.webRateLimit('pages'), points: PAGE_POINTS, duration: 60 });
  // A session's requests count against the session (an office behind one address has many
  // workers), once the cookie is known to name one: the lookup is the session check's own
  // (requestSession), made here first, so a signed-in request costs no extra Redis read.
  const whoPages = async (req: Request, res: Response) => {
    const session = await requestSession(deps, req, res);
    return session ? `s:${tokenHash(session.id).slice(0, 32)}` : addressKey(req.ip);
  };
  return {
    signIn: limit(signIn, async (req) => addressKey(req.ip), deps),
    pages: limit(pages, whoPages, deps),
  };
}

function limit(limiter: RateLimiterRedis, keyOf: (req: Request, res: Response) => Promise<string>, { logger, translator }: { logger: Logger; translator: Translator }): RequestHandler {
  return async (req, res, next) => {
    try {
      await limiter.consume(await keyOf(req, res));
      next();
    } catch (e) {
      if (e instanceof RateLimiterRes) {
        res.set('Retry-After', String(Math.ceil(e.msBeforeNext / 1000)));
        res.status(429).type('text').send(translator.t(browserLang(req), 'web:error.too_many'));
        return;
      }
      logger.warn({ err: { name: (e as Error).name, message: (e as Error).message } }, 'web: rate limiter unavailable; request let through');
      next();
    }
  };
}
