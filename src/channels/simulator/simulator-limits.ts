import { addressKey } from '../../core/client-address';
import { randomBytes } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import type { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { Logger } from '../../core/logger';
import { SESSION_LIFE_MS } from './simulator-sessions';

/** How much one client, and everyone together, may ask of the simulator. */
export interface SimulatorLimitSettings {
  /** API requests (new sessions, messages, texts) per client address per minute. */
  requestsPerMinute: number;
  /** Sessions live at once (issued less than SESSION_LIFE_MS ago), all clients together. */
  maxSessions: number;
}

export const DEFAULT_SIMULATOR_LIMITS: SimulatorLimitSettings = { requestsPerMinute: 120, maxSessions: 500 };

/** What the limits keep their counts in: the simulator's own Redis keys. */
export interface SimulatorLimitDeps {
  redis: Redis;
  /** The simulator core's `keys.webRateLimit` (its keys live under `<prefix>sim:`). */
  keyOf: (name: string) => string;
  logger: Logger;
}

/** The simulator's limits, as Express middleware. */
export interface SimulatorLimits {
  /** Every API request, per client address. */
  requests: RequestHandler;
  /** A new session: refused while {@link SimulatorLimitSettings.maxSessions} are live. */
  newSession: RequestHandler;
}

/** Over a limit: the error code, for the page to say so in its own language (`common:simulator.<code>`). */
export type OverLimit = 'too_many_requests' | 'too_many_sessions';

/**
 * Adds a session to the live ones unless `max` are live: drops those whose life ended, counts,
 * adds. One script, so that concurrent requests cannot together go over the cap.
 * KEYS[1] the live sessions (ZSET member → when its life ends, ms); ARGV now, ends, max, member.
 */
const ADD_SESSION = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then
  local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return tonumber(first[2]) - tonumber(ARGV[1])
end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[4])
redis.call('PEXPIREAT', KEYS[1], ARGV[2])
return 0
`;

/**
 * The simulator has no login, so whoever reaches it could fill Redis with conversations: each
 * client address (an IPv6 client by its /64, core/client-address.ts) gets `requestsPerMinute` (rate-limiter-flexible, counted in Redis so every
 * process counts the same requests), and no new session is issued while `maxSessions` are live
 * (a session id works for SESSION_LIFE_MS). Over a limit: 429 with Retry-After and
 * `{error, message}`; the page says it in its own language. Redis failing: the request goes on
 * (the limit is a brake, not a lock; the conversation needs Redis anyway).
 */
export function createSimulatorLimits(deps: SimulatorLimitDeps, settings: SimulatorLimitSettings = DEFAULT_SIMULATOR_LIMITS): SimulatorLimits {
  const perClient = new RateLimiterRedis({ storeClient: deps.redis, keyPrefix: deps.keyOf('simulator'), points: settings.requestsPerMinute, duration: 60 });
  const liveKey = deps.keyOf('simulator-sessions');
  let warnedAt = -Infinity; // the cap reached is logged once a minute at most, not at every refusal
  return {
    requests: async (req, res, next) => {
      try {
        await perClient.consume(addressKey(req.ip));
        next();
      } catch (e) {
        if (e instanceof RateLimiterRes) return overLimit(res, 'too_many_requests', e.msBeforeNext);
        letThrough(deps.logger, e);
        next();
      }
    },
    newSession: async (_req, res, next) => {
      const now = Date.now();
      try {
        const member = randomBytes(12).toString('base64url');
        const waitMs = (await deps.redis.eval(ADD_SESSION, 1, liveKey, String(now), String(now + SESSION_LIFE_MS), String(settings.maxSessions), member)) as number;
        if (waitMs > 0) {
          if (now - warnedAt > 60_000) {
            warnedAt = now;
            deps.logger.warn({ max: settings.maxSessions }, 'simulator: no new session: SIMULATOR_MAX_SESSIONS are live');
          }
          return overLimit(res, 'too_many_sessions', waitMs);
        }
      } catch (e) {
        letThrough(deps.logger, e);
      }
      next();
    },
  };

  function overLimit(res: Response, error: OverLimit, waitMs: number): void {
    res.set('Retry-After', String(Math.max(1, Math.ceil(waitMs / 1000))));
    res.status(429).set('cache-control', 'no-store').json({ error, message: MESSAGES[error] });
  }
}

/** For a client other than the page (which shows its own texts, in the person's language). */
const MESSAGES: Record<OverLimit, string> = {
  too_many_requests: 'too many requests from this address: wait a minute (see Retry-After), then try again',
  too_many_sessions: 'the simulator has as many conversations open as it takes: try again later (see Retry-After)',
};

function letThrough(logger: Logger, e: unknown): void {
  logger.warn({ err: { name: (e as Error).name, message: (e as Error).message } }, 'simulator: rate limiter unavailable; request let through');
}
