import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import { ConfigError } from '../core/errors';
import type { Logger } from '../core/logger';
import { redisScripts } from './lua/scripts';

/** Options of {@link PollingLease.take}. */
export interface PollingLeaseOptions {
  logger: Logger;
  /** How long the lease lives without renewal (a killed poller's lapses after this). Default 15 s. */
  ttlMs?: number;
  /** How long a process waits for another's lease to lapse before it refuses to start. Default ttlMs + 5 s. */
  waitMs?: number;
  /** Called once when another process took the lease while this one could not renew it (it must stop polling). */
  onLost?: (e: Error) => void;
}

/**
 * Which process of a deployment long-polls Telegram: one at a time. Telegram answers one
 * `getUpdates` per bot at a time (a second poller gets 409 Conflict, and both keep failing), so
 * a second web process in MODE=polling — a scaled Docker service, a forgotten `npm start` — must
 * not start polling. The poller holds a lease in Redis, renewed every third of its lifetime and
 * given back at shutdown. A process that finds it held waits for it to lapse (a poller killed
 * with SIGKILL cannot give it back; its restart waits at most `ttlMs`), then refuses to start
 * with a {@link ConfigError} that says why.
 *
 * Renewal survives a Redis outage: a lease that lapsed meanwhile is taken again when Redis is
 * back, unless another process took it first (then `onLost`).
 *
 * @example
 *   const lease = await PollingLease.take(redis, keys.pollingLease(), { logger, onLost: fatal });
 *   startPolling(bot);
 *   // at shutdown, after polling stopped:
 *   await lease.release();
 */
export class PollingLease {
  private timer: NodeJS.Timeout | undefined;
  private lost = false;
  /** The renewal under way, if any (see renew). */
  private renewing: Promise<void> | undefined;

  private constructor(
    private readonly redis: Redis,
    private readonly key: string,
    /** Says who holds it, to the process that is refused (host and pid; nothing personal). */
    readonly token: string,
    private readonly o: Required<Pick<PollingLeaseOptions, 'ttlMs'>> & PollingLeaseOptions,
  ) {}

  /**
   * Takes the lease, waiting up to `waitMs` for another holder's to lapse.
   * @throws ConfigError when another process still holds it after that.
   */
  static async take(redis: Redis, key: string, o: PollingLeaseOptions): Promise<PollingLease> {
    const ttlMs = o.ttlMs ?? 15_000;
    const lease = new PollingLease(redis, key, `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`, { ...o, ttlMs });
    const until = Date.now() + (o.waitMs ?? ttlMs + 5_000);
    let told = false;
    for (;;) {
      if ((await redis.set(key, lease.token, 'PX', ttlMs, 'NX')) === 'OK') break;
      const holder = await redis.get(key);
      if (Date.now() >= until) {
        throw new ConfigError(`MODE: another Körpü process (${holder ?? 'gone just now'}) long-polls Telegram for this deployment; only one process may poll: stop it, or run several web processes with MODE=webhook`);
      }
      if (!told) o.logger.warn({ holder }, 'telegram: another process holds the long-polling lease; waiting for it to end (a stopped process gives it back, a killed one\'s lapses)');
      told = true;
      await new Promise((r) => setTimeout(r, 500));
    }
    lease.timer = setInterval(() => void lease.renew(), Math.max(100, Math.floor(ttlMs / 3)));
    lease.timer.unref();
    return lease;
  }

  /** Gives the lease back (only if still this process's), so that a restart need not wait. */
  async release(): Promise<void> {
    clearInterval(this.timer);
    await redisScripts(this.redis).releaseLock({ lock: this.key }, { token: this.token }).catch(() => undefined);
  }

  /**
   * One renewal at a time: during an outage the timer's renewals would otherwise wait in the
   * client's queue and reach Redis together when it is back, where the first takes the lapsed
   * lease again and the next found it held — by this very process — and gave up polling for good.
   */
  private renew(): Promise<void> {
    if (this.lost || this.renewing) return this.renewing ?? Promise.resolve();
    this.renewing = this.renewOnce().finally(() => (this.renewing = undefined));
    return this.renewing;
  }

  private async renewOnce(): Promise<void> {
    try {
      if ((await redisScripts(this.redis).renewLock({ lock: this.key }, { token: this.token, ttlMs: this.o.ttlMs })) === 1) return;
      // Lapsed (Redis was out of reach longer than the lease lives): taken again unless another process has it.
      if ((await this.redis.set(this.key, this.token, 'PX', this.o.ttlMs, 'NX')) === 'OK') return;
      const holder = await this.redis.get(this.key);
      if (holder === this.token || holder === null) return; // its own, or lapsed again: the next renewal settles it
      this.lost = true;
      clearInterval(this.timer);
      const e = new Error(`another process (${holder}) took the long-polling lease while this one could not renew it`);
      this.o.logger.error({ err: { name: e.name, message: e.message } }, 'telegram: long-polling lease lost');
      this.o.onLost?.(e);
    } catch {
      // Redis out of reach: the next renewal tries again (the reconnection is logged by the connection).
    }
  }
}
