import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * What happened to one Telegram update, as counted by `korpu_updates_total{kind,outcome}`:
 * handled (answered or deliberately ignored), failed (the error handler answered the person),
 * or refused so that Telegram delivers it again (webhook 5xx: Redis away, in flight elsewhere).
 */
export type UpdateOutcome = 'handled' | 'failed' | 'redeliver';

/** What one Bot API call came to, for `korpu_telegram_calls_total{via,method,result}`. */
export type ApiCallResult = 'ok' | '429' | '403' | '4xx' | '5xx' | 'network';

/** The backlog figures read on scrape (never on the hot path). */
export interface Backlog {
  /** Effects committed and not yet performed (the stream's length). */
  effects: number;
  /** Of those, taken by a process and not acknowledged. */
  effectsPending: number;
  /** Age of the oldest effect not yet performed, in seconds (0 when there is none). */
  oldestEffectSeconds: number;
  /** Outbox jobs by BullMQ state (`waiting`, `delayed`, `active`, `prioritized`, …). */
  outbox: Record<string, number>;
  /** How long the outbox is still paused by Telegram's 429 retry_after, in seconds. */
  outboxPausedSeconds: number;
}

/**
 * Körpü's Prometheus metrics, on a registry of their own (never prom-client's global one, so
 * two Körpü in one test process do not collide). Counters and histograms only are touched while
 * an update is handled: an increment costs a label lookup, no I/O. The backlog gauges (effects
 * in the stream and their age, the outbox's depth) are read from Redis when Prometheus scrapes,
 * through the reader given to {@link KorpuMetrics.readBacklogWith}.
 *
 * @example
 *   const metrics = new KorpuMetrics();
 *   metrics.updates.inc({ kind: 'message', outcome: 'handled' });
 *   res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
 */
export class KorpuMetrics {
  readonly registry = new Registry();
  readonly updates: Counter<'kind' | 'outcome'>;
  readonly updateSeconds: Histogram<'kind'>;
  readonly stepSeconds: Histogram<'outcome'>;
  readonly commits: Counter<'outcome'>;
  readonly telegramCalls: Counter<'via' | 'method' | 'result'>;
  readonly reminderLatenessSeconds: Histogram<'job'>;
  readonly escalations: Counter;
  readonly redisReconnects: Counter<'connection'>;
  private backlog: (() => Promise<Backlog>) | undefined;

  constructor(o: { defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    // Process memory, CPU, event-loop lag, handles: prom-client's defaults, prefixed.
    if (o.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry, prefix: 'korpu_' });
    this.updates = new Counter({ name: 'korpu_updates_total', help: 'Telegram updates by kind (message, edited_message, callback_query, …) and outcome (handled, failed, redeliver)', labelNames: ['kind', 'outcome'], registers });
    this.updateSeconds = new Histogram({ name: 'korpu_update_duration_seconds', help: 'Time to handle one Telegram update, reply included', labelNames: ['kind'], buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30], registers });
    this.stepSeconds = new Histogram({ name: 'korpu_step_duration_seconds', help: 'Time of one conversation step (load, engine, commit) by outcome (ok, duplicate, retry_later, talk, error)', labelNames: ['outcome'], buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers });
    this.commits = new Counter({ name: 'korpu_commits_total', help: 'Commits of conversation steps by outcome; conflict: another update of the chat saved first (the step is run again)', labelNames: ['outcome'], registers });
    this.telegramCalls = new Counter({ name: 'korpu_telegram_calls_total', help: 'Bot API calls by path (reply: direct answers; outbox: messages on the bot’s own initiative), method and result (ok, 429, 403, 4xx, 5xx, network)', labelNames: ['via', 'method', 'result'], registers });
    this.reminderLatenessSeconds = new Histogram({ name: 'korpu_reminder_lateness_seconds', help: 'How late a reminder, nudge or follow-up job started after it fell due', labelNames: ['job'], buckets: [0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600], registers });
    this.escalations = new Counter({ name: 'korpu_escalations_total', help: 'Unclaimed intakes escalated to the supervisors', registers });
    this.redisReconnects = new Counter({ name: 'korpu_redis_reconnects_total', help: 'Reconnection attempts of Körpü’s Redis connections', labelNames: ['connection'], registers });

    // The backlog, read once per scrape by the first gauge and shared by the others.
    let reading: Promise<Backlog | undefined> | undefined;
    const read = (): Promise<Backlog | undefined> => {
      reading ??= (this.backlog ? this.backlog().catch(() => undefined) : Promise.resolve(undefined)).finally(() => setImmediate(() => (reading = undefined)));
      return reading;
    };
    const gauge = (name: string, help: string, set: (g: Gauge<string>, b: Backlog) => void, labelNames: string[] = []) =>
      new Gauge({
        name,
        help,
        labelNames,
        registers,
        async collect() {
          const b = await read();
          if (b) set(this, b);
        },
      });
    gauge('korpu_effects_in_stream', 'Effects committed with a step and not yet performed', (g, b) => g.set(b.effects));
    gauge('korpu_effects_pending', 'Effects taken by a process and not yet acknowledged', (g, b) => g.set(b.effectsPending));
    gauge('korpu_effects_oldest_age_seconds', 'Age of the oldest effect not yet performed (0: none)', (g, b) => g.set(b.oldestEffectSeconds));
    gauge('korpu_outbox_jobs', 'Outbox messages by state', (g, b) => {
      g.reset();
      for (const [state, n] of Object.entries(b.outbox)) g.set({ state }, n);
    }, ['state']);
    gauge('korpu_outbox_paused_seconds', 'How long the outbox still waits out Telegram’s 429 retry_after', (g, b) => g.set(b.outboxPausedSeconds));
  }

  /** Where the backlog gauges read from on scrape (the composition gives Redis and the outbox queue). */
  readBacklogWith(reader: () => Promise<Backlog>): void {
    this.backlog = reader;
  }
}
