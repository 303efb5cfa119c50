import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { Clock } from '../../core/clock';
import { LangSchema, type Lang } from '../../core/lang';
import type { RedisKeys } from '../../storage/keys';
import { newToken, TOKEN_FORMAT, tokenHash } from './tokens';

/** How long a session lasts without a request (an office laptop left open). */
export const IDLE_TIMEOUT_MS = 30 * 60_000;
/** How long a session lasts at most, however busy: a working day. */
export const ABSOLUTE_TIMEOUT_MS = 12 * 60 * 60_000;
/** A session's last-seen time is written at most this often (not on every page). */
const TOUCH_EVERY_MS = 60_000;

const SessionSchema = z.object({
  staffId: z.string().min(1),
  csrf: z.string().min(1),
  lang: LangSchema.optional(),
  created: z.coerce.number().int(),
  seen: z.coerce.number().int(),
});

/** A signed-in browser: who, its CSRF token, the language chosen in it. */
export interface WebSession {
  /** The cookie's value (never stored: Redis keys the session by its SHA-256). */
  id: string;
  staffId: string;
  /** The synchronizer token every change must carry (forms: the `_csrf` field). */
  csrf: string;
  /** The language picked with the switch; unset, the member's first roster language. */
  lang?: Lang;
  created: Date;
}

/** Timeouts of {@link WebSessions}. */
export interface SessionTimeouts {
  idleMs: number;
  absoluteMs: number;
}

/**
 * Workspace sessions on Redis: a HASH per session, keyed by the SHA-256 of its id, and a SET
 * per member of staff of their sessions' hashes, so that signing out everywhere and leaving the
 * roster end them all at once. A session ends after {@link IDLE_TIMEOUT_MS} without a request
 * or {@link ABSOLUTE_TIMEOUT_MS} after sign-in, whichever comes first (by the injected clock;
 * the keys' expiry only cleans up).
 *
 * @example
 *   const s = await sessions.create(staffId);   // set s.id as the cookie
 *   const again = await sessions.get(cookie);  // undefined once ended or timed out
 */
export class WebSessions {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Pick<RedisKeys, 'webSession' | 'webStaffSessions'>,
    private readonly clock: Clock,
    private readonly timeouts: SessionTimeouts = { idleMs: IDLE_TIMEOUT_MS, absoluteMs: ABSOLUTE_TIMEOUT_MS },
  ) {}

  /** A new session for a member of staff, with a fresh id and CSRF token. */
  async create(staffId: string, lang?: Lang): Promise<WebSession> {
    const id = newToken();
    const now = this.clock.now().getTime();
    const session = { staffId, csrf: newToken(), created: now, seen: now, ...(lang ? { lang } : {}) };
    const hash = tokenHash(id);
    await this.redis
      .multi()
      .hset(this.keys.webSession(hash), session)
      .pexpire(this.keys.webSession(hash), this.timeouts.idleMs)
      .sadd(this.keys.webStaffSessions(staffId), hash)
      .pexpire(this.keys.webStaffSessions(staffId), this.timeouts.absoluteMs)
      .exec();
    return { id, staffId, csrf: session.csrf, ...(lang ? { lang } : {}), created: new Date(now) };
  }

  /** The live session with this id, its idle time restarted; undefined (and ended) when timed out. */
  async get(id: string): Promise<WebSession | undefined> {
    if (!TOKEN_FORMAT.test(id)) return undefined;
    const hash = tokenHash(id);
    const raw = await this.redis.hgetall(this.keys.webSession(hash));
    const parsed = SessionSchema.safeParse(raw);
    if (!parsed.success) return undefined;
    const s = parsed.data;
    const now = this.clock.now().getTime();
    if (now - s.seen > this.timeouts.idleMs || now - s.created > this.timeouts.absoluteMs) {
      await this.endHash(hash, s.staffId);
      return undefined;
    }
    if (now - s.seen > TOUCH_EVERY_MS) {
      await this.redis.multi().hset(this.keys.webSession(hash), 'seen', now).pexpire(this.keys.webSession(hash), this.timeouts.idleMs).exec();
    }
    return { id, staffId: s.staffId, csrf: s.csrf, ...(s.lang ? { lang: s.lang } : {}), created: new Date(s.created) };
  }

  /** Remembers the language chosen in this session. */
  async setLang(id: string, lang: Lang): Promise<void> {
    const key = this.keys.webSession(tokenHash(id));
    // Only on a live session: HSET on an ended one would bring back a hash without its fields.
    if (await this.redis.exists(key)) await this.redis.hset(key, 'lang', lang);
  }

  /** Ends one session (sign-out, or the old session at a new sign-in). */
  async end(id: string): Promise<void> {
    if (!TOKEN_FORMAT.test(id)) return;
    const hash = tokenHash(id);
    const staffId = await this.redis.hget(this.keys.webSession(hash), 'staffId');
    await this.endHash(hash, staffId ?? undefined);
  }

  /** Ends every session of a member of staff ("sign out everywhere", leaving the roster); how many there were. */
  async endAll(staffId: string): Promise<number> {
    const hashes = await this.redis.smembers(this.keys.webStaffSessions(staffId));
    const tx = this.redis.multi();
    for (const h of hashes) tx.del(this.keys.webSession(h));
    tx.del(this.keys.webStaffSessions(staffId));
    await tx.exec();
    return hashes.length;
  }

  private async endHash(hash: string, staffId: string | undefined): Promise<void> {
    const tx = this.redis.multi().del(this.keys.webSession(hash));
    if (staffId) tx.srem(this.keys.webStaffSessions(staffId), hash);
    await tx.exec();
  }
}
