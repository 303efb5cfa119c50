import { Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { KorpuCore } from './app';
import { ESCALATION_QUEUE } from './caseworkers/escalation';
import type { RetentionConfig } from './config/retention';
import { systemClock, type Clock } from './core/clock';
import { recurringErrorLog, type Logger } from './core/logger';
import { purgeExpired, type PurgeCounts, type RetentionPurgeDeps } from './intake/retention-purge';
import type { PendingWork } from './intake/erase-case';
import { parseJob } from './scheduling/job-data';
import { chatRefOf, OUTBOX_QUEUE } from './scheduling/outbox';
import { REMINDER_QUEUE } from './scheduling/reminders';
import { redisKeys } from './storage/keys';

/** The purge's own queue: one repeatable job, `purge`, every `everyHours`. */
export const RETENTION_QUEUE = 'retention';
const DAY_MS = 24 * 3600 * 1000;
/** The purge's job carries nothing: what is due is read from Redis when it runs. */
const RETENTION_JOBS = { purge: z.object({}).strict() };

export interface RetentionWiring {
  /** BullMQ's connection (`maxRetriesPerRequest: null`). */
  connection: Redis;
  /** The application's connection (cases, talks, conversations). */
  redis: Redis;
  prefix: string;
  retention: RetentionConfig;
  /** Queues to clear of everything still waiting for an erased person (the reminders, the outbox's messages). */
  pending?: readonly PendingWork[];
  logger: Logger;
  clock?: Clock;
  /** The audit trail: each purged case is recorded (`purge_case`, by `system`). */
  audit?: RetentionPurgeDeps['audit'];
  /** Tells the case workers that a case was closed by the retention rule (caseworkers/purge-notices). */
  onPurged?: RetentionPurgeDeps['onPurged'];
}

/** What a purge run did: the cases and talk messages ({@link PurgeCounts}) and the finished jobs removed. */
export interface RetentionRun extends PurgeCounts {
  jobs: number;
}

/**
 * The retention purge, wired to Körpü's core: `run()` is one purge ({@link purgeExpired}, then
 * the finished jobs past their period: the outbox's after `days.outbox`, the other queues' after
 * `days.finishedJobs`); `start()` schedules it every `everyHours` (one job scheduler per
 * deployment, whatever the number of processes: BullMQ keeps one by its id) and starts the worker
 * that runs it. Counts only reach the log.
 */
export function retentionWorker(core: KorpuCore, w: RetentionWiring) {
  const clock = w.clock ?? systemClock;
  const bull = redisKeys(w.prefix).bull();
  const queueOf = (name: string) => {
    const queue = new Queue(name, { connection: w.connection, prefix: bull });
    // Connection errors are the worker's to log (once); BullMQ would print each with its stack.
    queue.on('error', () => undefined);
    return queue;
  };
  const run = async (): Promise<RetentionRun> => {
    const counts = await purgeExpired({
      redis: w.redis,
      keys: core.keys,
      cipher: core.cipher,
      chatRefOf: (chatId) => chatRefOf(core.cipher, chatId),
      ...(w.pending ? { pending: w.pending } : {}),
      ...(w.audit ? { audit: w.audit } : {}),
      ...(w.onPurged ? { onPurged: w.onPurged } : {}),
      days: w.retention.days,
      clock,
      logger: w.logger,
      conversationOf: (c) => core.runner.conversationId(c.channel, c.chatId),
      peek: (conversation) => core.runner.peek(conversation),
    });
    const jobs =
      (await cleanFinished(queueOf, OUTBOX_QUEUE, w.retention.days.outbox, clock)) +
      (await cleanFinished(queueOf, REMINDER_QUEUE, w.retention.days.finishedJobs, clock)) +
      (await cleanFinished(queueOf, ESCALATION_QUEUE, w.retention.days.finishedJobs, clock)) +
      (await cleanFinished(queueOf, RETENTION_QUEUE, w.retention.days.finishedJobs, clock));
    if (jobs) w.logger.info({ jobs }, 'retention: finished jobs removed');
    return { ...counts, jobs };
  };
  const start = async (): Promise<{ close: () => Promise<void> }> => {
    const queue = queueOf(RETENTION_QUEUE);
    await queue.upsertJobScheduler('purge', { every: w.retention.everyHours * 3600 * 1000 }, { name: 'purge', data: {}, opts: { removeOnComplete: { count: 10 }, removeOnFail: { count: 10 } } });
    const worker = new Worker(
      RETENTION_QUEUE,
      async (job: Job) => {
        parseJob(RETENTION_QUEUE, job, RETENTION_JOBS);
        return run();
      },
      { connection: w.connection, prefix: bull, concurrency: 1 },
    );
    worker.on('failed', (job, err) => w.logger.warn({ job: job?.name, err: err.message }, 'retention: purge failed'));
    worker.on('error', recurringErrorLog(w.logger, 'retention worker error'));
    return {
      close: async () => {
        await worker.close();
        await queue.close();
      },
    };
  };
  return { run, start };
}

/**
 * Removes a queue's completed and failed jobs finished more than `days` ago by `clock`. BullMQ
 * compares with the server's time, so the grace is the period less how far `clock` is ahead.
 */
async function cleanFinished(queueOf: (name: string) => Queue, name: string, days: number, clock: Clock): Promise<number> {
  const queue = queueOf(name);
  try {
    const grace = Math.max(0, days * DAY_MS - (clock.now().getTime() - Date.now()));
    let removed = 0;
    for (const type of ['completed', 'failed'] as const) {
      for (;;) {
        const ids = await queue.clean(grace, 1000, type);
        removed += ids.length;
        if (ids.length < 1000) break;
      }
    }
    return removed;
  } finally {
    await queue.close();
  }
}
