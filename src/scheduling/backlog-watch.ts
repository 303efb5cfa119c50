import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Backlog } from '../core/metrics';
import type { Logger } from '../core/logger';
import { EFFECT_GROUP } from '../storage/effect-stream';
import { ALL_PERSON_CELLS, type RedisKeys } from '../storage/keys';

/** Where the backlog is read from: the effect stream, the outbox queue and its 429 pause. */
export interface BacklogSources {
  redis: Redis;
  keys: Pick<RedisKeys, 'effects' | 'limitPause'>;
  /** The outbox's queue (absent without a bot: no outbox). */
  outbox?: Pick<Queue, 'getJobCounts'>;
  clock?: { now(): Date };
}

/**
 * Reads the backlog: per person cell, in one transaction each (its effect stream's length, its
 * entries taken and not acknowledged, the age of its oldest entry: a stream id starts with the
 * time it was appended, in ms), then the 429 pause and BullMQ's counts of the outbox's jobs.
 * Called on scrape and by {@link BacklogWatch}, never per update.
 */
export async function readBacklog(s: BacklogSources): Promise<Backlog> {
  const cells = await Promise.all(ALL_PERSON_CELLS.map((cell) => readCell(s.redis, s.keys.effects(cell))));
  const pttl = await s.redis.pttl(s.keys.limitPause());
  const firstIds = cells.map((c) => c.firstId).filter((id): id is string => id !== undefined);
  const oldestMs = firstIds.length ? Math.min(...firstIds.map((id) => Number(id.split('-')[0]))) : undefined;
  const now = (s.clock?.now() ?? new Date()).getTime();
  const oldestEffectSeconds = oldestMs !== undefined ? Math.max(0, (now - oldestMs) / 1000) : 0;
  const outbox = s.outbox ? await s.outbox.getJobCounts('waiting', 'prioritized', 'delayed', 'active', 'failed') : {};
  return {
    effects: cells.reduce((n, c) => n + c.length, 0),
    effectsPending: cells.reduce((n, c) => n + c.pending, 0),
    oldestEffectSeconds,
    outbox,
    outboxPausedSeconds: Math.max(0, pttl) / 1000,
  };
}

/** One cell's effect stream: its length, entries taken and not acknowledged, its oldest entry's id. */
async function readCell(redis: Redis, effects: string): Promise<{ length: number; pending: number; firstId: string | undefined }> {
  const replies = (await redis.multi().xlen(effects).xrange(effects, '-', '+', 'COUNT', 1).xpending(effects, EFFECT_GROUP).exec()) ?? [];
  // A missing group (nothing ever committed in the cell) fails XPENDING: read as nothing pending.
  const [len, oldest, pending] = [0, 1, 2].map((i) => (replies[i]?.[0] ? undefined : replies[i]?.[1]));
  return {
    length: Number(len ?? 0),
    pending: Number((pending as [number] | undefined)?.[0] ?? 0),
    firstId: (oldest as [string, string[]][] | undefined)?.[0]?.[0],
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
