import { Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { KorpuCore } from './app';
import { indexRecentCases } from './caseworkers/case-search';
import { reconcileIntakeAlerts, type IntakeAlertReconcileCounts, type IntakeAlertReconcileDeps } from './caseworkers/reconcile-intake-alerts';
import { systemClock, type Clock } from './core/clock';
import { recurringErrorLog, type Logger } from './core/logger';
import { parseJob } from './scheduling/job-data';
import { reconcilePlaces, UNHELD_GRACE_MS, type PlaceReconcileCounts } from './scheduling/reconcile-places';
import { reconcileReminders, type ReminderReconcileCounts } from './scheduling/reconcile-reminders';
import type { ReminderScheduler } from './scheduling/reminders';
import { redisKeys } from './storage/keys';

/** The reconciliation's own queue: one repeatable job, `reconcile`. */
export const RECONCILE_QUEUE = 'reconcile';
/** How often it runs: often enough that a reminder lost with Redis's last second is back long before it is due. */
export const RECONCILE_EVERY_MS = 10 * 60_000;
/** An intake completed this recently is left to the effect stream (which retries a dead process's entries after EFFECT_RETRY_SECONDS). */
export const RECONCILE_SETTLE_MS = 15 * 60_000;
/** How far back intakes are looked at: the outbox keeps a sent alert a day, so an alert sent is known. */
export const RECONCILE_LOOKBACK_MS = 20 * 3600_000;
const RECONCILE_JOBS = { reconcile: z.object({}).strict() };

/** What one run rebuilt (counts only: it is what the log shows). */
export interface ReconcileRun {
  reminders: ReminderReconcileCounts;
  places: PlaceReconcileCounts;
  intakes?: IntakeAlertReconcileCounts;
  /** Cases of the look-back whose name or number had no search tokens (written by an older release): indexed. */
  searchIndexed: number;
}

export interface ReconcileWiring {
  /** BullMQ's connection (`maxRetriesPerRequest: null`). */
  connection: Redis;
  /** The application's connection (bookings, cases). */
  redis: Redis;
  prefix: string;
  reminders: Pick<ReminderScheduler, 'restore'>;
  /** The intake alerts' part, when case workers are alerted (a case workers' chat and escalations configured). */
  intakeAlerts?: Omit<IntakeAlertReconcileDeps, 'redis' | 'keys' | 'now' | 'settleMs' | 'lookbackMs'>;
  logger: Logger;
  clock?: Clock;
}

/**
 * The reconciliation, wired to Körpü's core: `run()` rebuilds what a crashed Redis or a lost
 * effect-stream entry lost and the records still show (reminders from bookings, see
 * reconcile-reminders.ts; a completed intake's alert and escalation, see
 * reconcile-intake-alerts.ts) and frees the places no booking holds, left by a process that died
 * between a booking's two calls (reconcile-places.ts); it indexes for the case search the names
 * of recent cases that an older release wrote without tokens (case-search.ts indexRecentCases); `start()` schedules it every {@link RECONCILE_EVERY_MS} (one job
 * scheduler per deployment, kept by its id) and starts its worker. Safe to run twice or in two
 * processes: everything it adds has a deterministic id. Only counts reach the log.
 */
export function reconcileWorker(core: KorpuCore, w: ReconcileWiring) {
  const clock = w.clock ?? systemClock;
  const bull = redisKeys(w.prefix).bull();
  // Places found unheld by this process's runs, and since when: freed once found so a grace later.
  const unheld = new Map<string, number>();
  const run = async (): Promise<ReconcileRun> => {
    const now = clock.now();
    const reminders = await reconcileReminders({ redis: w.redis, keys: core.keys, bookings: core.bookings, offices: core.offices.offices, reminders: w.reminders, now });
    const places = await reconcilePlaces({ redis: w.redis, keys: core.keys, bookings: core.bookings, unheld, now, graceMs: UNHELD_GRACE_MS });
    const intakes = w.intakeAlerts
      ? await reconcileIntakeAlerts({ ...w.intakeAlerts, redis: w.redis, keys: core.keys, now, settleMs: RECONCILE_SETTLE_MS, lookbackMs: RECONCILE_LOOKBACK_MS })
      : undefined;
    const searchIndexed = await indexRecentCases({ redis: w.redis, keys: core.keys, cipher: core.cipher }, new Date(now.getTime() - RECONCILE_LOOKBACK_MS));
    const rebuilt = reminders.reminders + places.freed + (intakes ? intakes.alerts + intakes.escalations : 0) + searchIndexed;
    const line = { meetings: reminders.meetings, reminders: reminders.reminders, places: places.places, freed: places.freed, ...(intakes ? { intakes: intakes.intakes, alerts: intakes.alerts, escalations: intakes.escalations } : {}), searchIndexed };
    // Something rebuilt is worth a warning: it means something was lost.
    if (rebuilt) w.logger.warn(line, 'reconcile: rebuilt what was lost');
    else w.logger.info(line, 'reconcile: nothing lost');
    return { reminders, places, ...(intakes ? { intakes } : {}), searchIndexed };
  };
  const start = async (): Promise<{ close: () => Promise<void> }> => {
    const queue = new Queue(RECONCILE_QUEUE, { connection: w.connection, prefix: bull });
    // Connection errors are the worker's to log; BullMQ would print each with its stack.
    queue.on('error', () => undefined);
    await queue.upsertJobScheduler('reconcile', { every: RECONCILE_EVERY_MS }, { name: 'reconcile', data: {}, opts: { removeOnComplete: { count: 10 }, removeOnFail: { count: 10 } } });
    const worker = new Worker(
      RECONCILE_QUEUE,
      async (job: Job) => {
        parseJob(RECONCILE_QUEUE, job, RECONCILE_JOBS);
        return run();
      },
      { connection: w.connection, prefix: bull, concurrency: 1 },
    );
    worker.on('failed', (job, err) => w.logger.warn({ job: job?.name, err: err.message }, 'reconcile: run failed'));
    worker.on('error', recurringErrorLog(w.logger, 'reconcile worker error'));
    return {
      close: async () => {
        await worker.close();
        await queue.close();
      },
    };
  };
  return { run, start };
}
