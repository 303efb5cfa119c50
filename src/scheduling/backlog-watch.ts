import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Backlog } from '../core/metrics';
import type { Logger } from '../core/logger';
import { EFFECT_GROUP } from '../storage/effect-stream';
import type { RedisKeys } from '../storage/keys';

/** Where the backlog is read from: the effect stream, the outbox queue and its 429 pause. */
export interface BacklogSources {
  redis: Redis;
  keys: Pick<RedisKeys, 'effects' | 'limitPause'>;
  /** The outbox's queue (absent without a bot: no outbox). */
  outbox?: Pick<Queue, 'getJobCounts'>;
  clock?: { now(): Date };
}

/**
 * Reads the backlog in one round trip plus BullMQ's counts: the effect stream's length, its
 * entries taken and not acknowledged, the age of its oldest entry (a stream id starts with the
 * time it was appended, in ms), the outbox's jobs by state and the 429 pause. The four reads
 * are sent together, not in a MULTI: the stream and the pause live on different hash slots,
 * which Redis Cluster refuses in one transaction, and gauges need no common instant.
 * Called on scrape and by {@link BacklogWatch}, never per update.
 */
export async function readBacklog(s: BacklogSources): Promise<Backlog> {
  const effects = s.keys.effects();
  // A missing group (nothing ever committed) fails XPENDING: read as nothing pending.
  const orNothing = (p: Promise<unknown>) => p.catch(() => undefined);
  const [len, oldest, pttl, pending] = await Promise.all([
    orNothing(s.redis.xlen(effects)),
    orNothing(s.redis.xrange(effects, '-', '+', 'COUNT', 1)),
    orNothing(s.redis.pttl(s.keys.limitPause())),
    orNothing(s.redis.xpending(effects, EFFECT_GROUP)),
  ]);
  const firstId = (oldest as [string, string[]][] | undefined)?.[0]?.[0];
  const now = (s.clock?.now() ?? new Date()).getTime();
  const oldestEffectSeconds = firstId ? Math.max(0, (now - Number(firstId.split('-')[0])) / 1000) : 0;
  const outbox = s.outbox ? await s.outbox.getJobCounts('waiting', 'prioritized', 'delayed', 'active', 'failed') : {};
  return {
    effects: Number(len ?? 0),
    effectsPending: Number((pending as [number] | undefined)?.[0] ?? 0),
    oldestEffectSeconds,
    outbox,
    outboxPausedSeconds: Math.max(0, Number(pttl ?? 0)) / 1000,
  };
}

export interface BacklogWatchOptions {
  read: () => Promise<Backlog>;
  logger: Logger;
  /** An effect not performed this long after its commit is worth a warning (EFFECT_WARN_SECONDS). */
  effectWarnSeconds: number;
  /** An outbox held back by Telegram's 429 this long, with messages waiting, is worth a warning (OUTBOX_WARN_SECONDS). */
  outboxWarnSeconds: number;
  /** How often to look. Default: a quarter of the shorter threshold, between 1 and 15 s. */
  everyMs?: number;
  clock?: { now(): Date };
}

/**
 * Looks at the backlog every few seconds (one read, whatever the traffic) and logs a warning
 * ONCE when it gets stuck: an effect older than `effectWarnSeconds` (no process performs the
 * effects, or a handler keeps failing), or an outbox paused by 429s for `outboxWarnSeconds`
 * or more while messages wait. When the backlog clears it says so at info, and a new episode
 * warns again. Every process runs one; several warn about the same episode once each.
 *
 * @example
 *   const watch = new BacklogWatch({ read: () => readBacklog(sources), logger, effectWarnSeconds: 120, outboxWarnSeconds: 300 });
 *   watch.start(); // … watch.stop()
 */
export class BacklogWatch {
  private timer: NodeJS.Timeout | undefined;
  private effectsStuck = false;
  private outboxStuck = false;
  private pausedSince: number | undefined;
  private failing = false;

  constructor(private readonly o: BacklogWatchOptions) {}

  start(): void {
    if (this.timer) return;
    const every = this.o.everyMs ?? Math.min(15_000, Math.max(1000, (Math.min(this.o.effectWarnSeconds, this.o.outboxWarnSeconds) * 1000) / 4));
    this.timer = setInterval(() => void this.check(), every);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One look (the timer calls it; tests call it directly). Never throws: a failed read is logged once. */
  async check(): Promise<void> {
    let b: Backlog;
    try {
      b = await this.o.read();
      this.failing = false;
    } catch (e) {
      // Redis away: its connection logs the outage; the watch says once that it cannot look.
      if (!this.failing) this.o.logger.debug({ err: { name: (e as Error).name, message: (e as Error).message } }, 'backlog watch: cannot read the backlog');
      this.failing = true;
      return;
    }
    const now = (this.o.clock?.now() ?? new Date()).getTime();
    const log = this.o.logger;

    const effectsStuck = b.oldestEffectSeconds >= this.o.effectWarnSeconds;
    if (effectsStuck && !this.effectsStuck) {
      log.warn({ oldestSeconds: Math.round(b.oldestEffectSeconds), effects: b.effects, pending: b.effectsPending, warnSeconds: this.o.effectWarnSeconds }, 'effects: an effect waits longer than EFFECT_WARN_SECONDS to be performed (are the handlers failing, or no process consuming?)');
    } else if (!effectsStuck && this.effectsStuck) log.info({ effects: b.effects }, 'effects: the backlog caught up');
    this.effectsStuck = effectsStuck;

    const waiting = (b.outbox.waiting ?? 0) + (b.outbox.prioritized ?? 0) + (b.outbox.delayed ?? 0);
    if (b.outboxPausedSeconds > 0) this.pausedSince ??= now;
    else this.pausedSince = undefined;
    // How long this pause will have lasted when it ends: long enough already, or announced so (a flood's retry_after of an hour).
    const pauseSeconds = this.pausedSince === undefined ? 0 : (now - this.pausedSince) / 1000 + b.outboxPausedSeconds;
    const outboxStuck = waiting > 0 && pauseSeconds >= this.o.outboxWarnSeconds;
    if (outboxStuck && !this.outboxStuck) {
      log.warn({ pausedSeconds: Math.round(pauseSeconds), waiting, warnSeconds: this.o.outboxWarnSeconds }, 'outbox: held back by Telegram’s 429 longer than OUTBOX_WARN_SECONDS; messages wait');
    } else if (!outboxStuck && this.outboxStuck) log.info({ waiting }, 'outbox: sending again');
    this.outboxStuck = outboxStuck;
  }
}
