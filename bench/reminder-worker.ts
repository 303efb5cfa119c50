/**
 * The reminder worker of the reminders benchmark, in its own process (bench/reminders.ts forks
 * it): `createReminderWorker` wired as main.ts wires it (buildCore for the bookings, the case
 * hash and the cipher, the translator and renderer for the message, reachability checked,
 * messages handed to the real outbox queue). No outbox worker runs: what is measured ends where
 * the reminder worker hands the message to `send`; the outbox's Telegram-paced sending is
 * measured in bench/outbox.ts.
 *
 * `send` notes the moment it is called (Date.now(): the parent computes lateness against each
 * reminder's due time on the same machine clock), then enqueues on the outbox as production does.
 */
import { RosterStore } from '../src/caseworkers/roster';
import { Redis } from 'ioredis';
import { buildCore } from '../src/app';
import { TELEGRAM_CHANNEL } from '../src/channels/telegram';
import type { OfficesFile } from '../src/config/offices';
import { loadProgrammeContent } from '../src/config/programme';
import { silentLogger } from '../src/core/logger';
import { Outbox } from '../src/scheduling/outbox';
import { Reachability } from '../src/scheduling/reachability';
import { startReminderWorker } from '../src/reminder-worker';

export interface ReminderWorkerStart {
  redisUrl: string;
  prefix: string;
  dataKeyHex: string;
  offices: OfficesFile;
  /** The worker's concurrency; undefined: createReminderWorker's default. */
  concurrency?: number;
}

/** What the worker did: every hand-over to `send` (outbox id, ms), job outcomes, its CPU time. */
export interface ReminderWorkerReport {
  sends: [string, number][];
  outcomes: Record<string, number>;
  failed: number;
  /** CPU time of this process (user + system, µs) since `mark`. */
  cpuMicros: number;
  /** The worker's concurrency as BullMQ runs it. */
  concurrency: number;
}

export type ReminderWorkerTask = { cmd: 'mark' } | { cmd: 'count' } | { cmd: 'report' } | { cmd: 'close' };

async function main(): Promise<void> {
  const start = await new Promise<ReminderWorkerStart>((resolve) => process.once('message', (m: ReminderWorkerStart) => resolve(m)));
  const redis = new Redis(start.redisUrl, { maxRetriesPerRequest: 3 });
  const bull = new Redis(start.redisUrl, { maxRetriesPerRequest: null });
  const core = await buildCore({ redis, dataKey: Buffer.from(start.dataKeyHex, 'hex'), content: loadProgrammeContent('config/programme.yaml'), prefix: start.prefix, offices: start.offices });
  const reachability = new Reachability(redis, start.prefix);
  const outbox = Outbox.create(bull, start.prefix, core.cipher, { reachability });
  const sends: [string, number][] = [];
  const outcomes: Record<string, number> = {};
  let failed = 0;
  let cpu = process.cpuUsage();

  const worker = startReminderWorker(core, {
    connection: bull,
    redis,
    roster: new RosterStore(redis, start.prefix),
    prefix: start.prefix,
    timeZone: 'Asia/Baku',
    notifier: {
      notify: async (notice) => {
        sends.push([notice.id, Date.now()]);
        await outbox.notify(notice);
      },
      notifyChat: async (to, notice) => {
        sends.push([notice.id, Date.now()]);
        await outbox.notifyChat(to, notice);
      },
    },
    channels: [TELEGRAM_CHANNEL],
    logger: silentLogger(),
    glance: async () => ({ done: true, quiet: false, midway: false }),
    ...(start.concurrency ? { concurrency: start.concurrency } : {}),
  });
  worker.on('completed', (_job, result: unknown) => {
    const k = String(result);
    outcomes[k] = (outcomes[k] ?? 0) + 1;
  });
  worker.on('failed', () => failed++);
  await worker.waitUntilReady();

  const close = async () => {
    await worker.close();
    await outbox.close();
    bull.disconnect();
    redis.disconnect();
  };
  process.on('message', (task: ReminderWorkerTask) => {
    if (task.cmd === 'mark') {
      cpu = process.cpuUsage();
      process.send!({ marked: true });
    } else if (task.cmd === 'count') {
      // Jobs finished (completed or failed a try) so far.
      process.send!({ handled: Object.values(outcomes).reduce((a, b) => a + b, 0) + failed });
    } else if (task.cmd === 'report') {
      const c = process.cpuUsage(cpu);
      const report: ReminderWorkerReport = { sends, outcomes, failed, cpuMicros: c.user + c.system, concurrency: worker.concurrency };
      process.send!(report);
    } else void close().finally(() => process.send!({ closed: true }));
  });
  process.on('disconnect', () => void close().finally(() => process.exit(0)));
  process.send!({ ready: true });
}

if (require.main === module) {
  main().catch((e: Error) => {
    console.error(`reminder worker: ${e.message}`);
    process.exit(1);
  });
}
