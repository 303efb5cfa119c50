/**
 * Reminders (`npm run bench`, or only this part: `npm run bench -- --only reminders`):
 * 20,000 reminders falling due within 60 s, handled by Körpü's reminder worker in its own
 * process (bench/reminder-worker.ts), which checks each booking and the case's encrypted
 * contact and hands the message to the outbox. Measured: how late each reminder reaches the
 * outbox (from its due time to the `send` call), how fast reminders are enqueued (ReminderScheduler.schedule
 * and raw `Queue.addBulk` in batches), and the Redis memory a pending reminder takes.
 *
 *   npm run bench -- --only reminders                     # 1 run of 20,000 (~2 min)
 *   npm run bench -- --only reminders --runs 3            # medians of 3 runs
 *   npm run bench -- --only reminders --quick             # 300 reminders within 3 s (~10 s)
 *   npm run bench -- --only reminders --reminder-concurrency 1,16,64 --out /tmp/B.md
 *   npm run bench -- --only reminders --redis-hz 10,100 --out /tmp/B.md
 *   npm run bench -- --reminder-runs 3                    # the whole bench, this part 3 times
 *   npx tsx bench/reminders.ts --render bench/results/reminders-<time>.json   # rewrite the section
 *
 * Results go into BENCHMARKS.md between the `bench:reminders` markers and
 * bench/results/reminders-*.json. The outbox's own sending (paced to Telegram's limits) is not
 * part of this: see bench/outbox.ts.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Queue, type JobsOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { DateTime } from 'luxon';
import { loadOffices, OfficesFileSchema, type Office, type OfficesFile } from '../src/config/offices';
import { BookingStore } from '../src/scheduling/booking-store';
import { slotId } from '../src/scheduling/slot-id';
import { REMINDER_CONCURRENCY, REMINDER_QUEUE, reminderJobId, ReminderScheduler, type ScheduledMeeting } from '../src/scheduling/reminders';
import { FieldCipher } from '../src/storage/field-cipher';
import { redisKeys } from '../src/storage/keys';
import { startRedisServer } from '../src/storage/redis-server-process';
import { collectEnvironment } from './environment';
import { TaskProcess } from './processes';
import type { ReminderWorkerReport, ReminderWorkerStart, ReminderWorkerTask } from './reminder-worker';
import { writeRemindersReport, type RemindersBenchResults, type RemindersRun } from './reminders-report';

export interface RemindersBenchConfig {
  runs: number;
  /** Reminders falling due within the window (one per meeting: its earliest reminder). */
  reminders: number;
  windowMs: number;
  /** Jobs per `addBulk` call when enqueuing raw. */
  batch: number;
  /** Meetings scheduled one at a time to time a single `schedule()` call. */
  sequential: number;
  /** `schedule()` calls in flight when enqueuing the measured reminders (bookings arrive at once). */
  inFlight: number;
  /** Worker concurrencies to run (each a full run); undefined: createReminderWorker's default. */
  concurrency?: number[];
  /**
   * Redis `hz` values to run (each a full run); undefined: the server's default (10). A blocking
   * command's timeout fires on Redis's next wake-up, so `hz` bounds how late an idle worker
   * learns that a delayed job is due.
   */
  hz?: number[];
  /** How long after the window to wait for the last reminders. */
  drainMs: number;
  /** Reminders due in the 2 s before the window (not measured), so that the worker is warm. */
  warmup: number;
}

export const REMINDERS_FULL: RemindersBenchConfig = { runs: 1, reminders: 20_000, windowMs: 60_000, batch: 1000, sequential: 2000, inFlight: 50, drainMs: 60_000, warmup: 500 };
export const REMINDERS_QUICK: RemindersBenchConfig = { runs: 1, reminders: 300, windowMs: 3000, batch: 100, sequential: 50, inFlight: 10, drainMs: 20_000, warmup: 50 };

/** Places per slot: the most the office schema allows, so 20,000 meetings fit in 400 slots. */
export const REMINDERS_CAPACITY = 50;
const PREFIX = 'korpu:';

/**
 * The offices file of this benchmark, checked by OfficesFileSchema: config/offices.yaml's first
 * office with {@link REMINDERS_CAPACITY} places per slot, its reminder times, and quiet hours
 * moved three hours away from `now` (the test of reminders does the same) so that no reminder is
 * moved by them whatever the time of day the bench runs.
 */
export function remindersOffices(now: Date): OfficesFile {
  const file = loadOffices(resolve(__dirname, '..', 'config', 'offices.yaml'));
  const office = file.offices[0]!;
  const local = DateTime.fromJSDate(now, { zone: office.timeZone });
  return OfficesFileSchema.parse({
    offices: [{ ...office, capacity: REMINDERS_CAPACITY }],
    reminders: { ...file.reminders, quietHours: { from: local.plus({ hours: 3 }).toFormat('HH:00'), to: local.plus({ hours: 4 }).toFormat('HH:00') } },
  });
}

const ALPHABET = 'ABCDEFGHJKMNPQRSTVWXYZ23456789';
/** A case code of the usual shape for person `i`. */
function caseCode(i: number): string {
  let s = '';
  for (let n = i + 1_000_000, k = 0; k < 8; k++, n = Math.floor(n / ALPHABET.length)) s = ALPHABET[n % ALPHABET.length]! + s;
  return `KP-${s.slice(0, 4)}-${s.slice(4)}`;
}

interface Meeting extends ScheduledMeeting {
  /** When its earliest reminder is due (ms). */
  due: number;
  chatId: number;
  lang: string;
}

/**
 * `n` meetings whose earliest reminder falls due evenly over `windowMs` from `t0`. 20,000
 * meetings within one minute need 400 slots of {@link REMINDERS_CAPACITY}, so each group of 50
 * books the local minute under its own office id in the slot id (`baku_017@2026-12-01T17:14`,
 * a well-formed slot id; the booking's office stays the real one, which reminders read).
 */
function meetings(office: Office, lead: number, t0: number, n: number, windowMs: number, first = 0): Meeting[] {
  return Array.from({ length: n }, (_, k) => {
    const i = first + k;
    const due = t0 + Math.floor((k * windowMs) / n);
    const start = new Date(due + lead * 60_000);
    const minute = DateTime.fromJSDate(start, { zone: office.timeZone }).toFormat("yyyy-MM-dd'T'HH:mm");
    const group = String(Math.floor(i / REMINDERS_CAPACITY)).padStart(3, '0');
    return { caseCode: caseCode(i), slotId: slotId(`${office.id}_${group}`, minute), office, start, due, chatId: 700_000_000 + i, lang: ['az', 'ru', 'en'][i % 3]! };
  });
}

/** Books every meeting (BookingStore's Lua script) and writes the case's encrypted contact. */
async function prepare(redis: Redis, cipher: FieldCipher, ms: Meeting[]): Promise<void> {
  const bookings = new BookingStore(redis, PREFIX);
  const keys = redisKeys(PREFIX);
  for (let i = 0; i < ms.length; i += 500) {
    const outcomes = await Promise.all(
      ms.slice(i, i + 500).map(async (m) => {
        const slot = { id: m.slotId, office: m.office.id, start: m.start, end: new Date(m.start.getTime() + m.office.slotMinutes * 60_000) };
        const [outcome] = await Promise.all([bookings.book(m.office, slot, m.caseCode, m.lang, new Date()), redis.hset(keys.case(m.caseCode), 'contact', cipher.encrypt(`telegram:${m.chatId}`, `${m.caseCode}:contact`))]);
        return outcome;
      }),
    );
    const bad = outcomes.find((o) => o !== 'booked');
    if (bad) throw new Error(`reminders bench: a booking came back '${bad}'`);
  }
}

/** The jobs `schedule()` would add for these meetings, captured without Redis (for raw addBulk). */
async function capturedJobs(settings: OfficesFile['reminders'], cipher: FieldCipher, ms: Meeting[], now: Date) {
  const jobs: { name: string; data: unknown; opts: JobsOptions }[] = [];
  const fake = { addBulk: async (js: typeof jobs) => void jobs.push(...js) } as unknown as Queue;
  const s = new ReminderScheduler(fake, settings, cipher);
  for (const m of ms) await s.schedule(m, now);
  return jobs;
}

/** Settled used_memory. */
async function usedMemory(redis: Redis): Promise<number> {
  await new Promise((r) => setTimeout(r, 300));
  return Number(/used_memory:(\d+)/.exec((await redis.info('memory')) as string)?.[1]);
}

async function redisCpu(redis: Redis): Promise<number> {
  const info = (await redis.info('cpu')) as string;
  return Number(/used_cpu_user:([\d.]+)/.exec(info)?.[1]) + Number(/used_cpu_sys:([\d.]+)/.exec(info)?.[1]);
}

const quantile = (sorted: number[], q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]! : NaN);

/** The reminder worker process (bench/reminder-worker.ts). */
const startReminderWorker = (s: ReminderWorkerStart) => TaskProcess.start<ReminderWorkerStart, ReminderWorkerTask>('reminder-worker.ts', s, 'reminder worker');

/** Runs the reminders benchmark; writes the report and JSON when asked. */
export async function runRemindersBench(o: { config: RemindersBenchConfig; out?: string; json?: string; log?: (line: string) => void }): Promise<RemindersBenchResults> {
  const started = Date.now();
  const print = o.log ?? ((line: string) => console.log(line));
  const log = (line: string) => print(`[${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s] reminders: ${line}`);
  const cfg = o.config;
  const dir = mkdtempSync(join(tmpdir(), 'korpu-bench-reminders-'));
  const server = await startRedisServer({ dir, persist: false });
  const admin = new Redis(server.url, { maxRetriesPerRequest: null });
  const dataKeyHex = randomBytes(32).toString('hex');
  const cipher = new FieldCipher(Buffer.from(dataKeyHex, 'hex'));
  const offices = remindersOffices(new Date());
  const office = offices.offices[0]!;
  const settings = offices.reminders;
  const lead = Math.max(...settings.beforeMinutes);
  const defaultHz = Number(((await admin.config('GET', 'hz')) as string[])[1]);
  const hashMaxListpackValue = Number(((await admin.config('GET', 'hash-max-listpack-value')) as string[])[1]);
  const results: RemindersBenchResults = { environment: { ...collectEnvironment(), bullmq: bullmqVersion() }, config: cfg, settings, defaultConcurrency: REMINDER_CONCURRENCY, defaultHz, hashMaxListpackValue, runs: [], startedAt: new Date(started).toISOString(), seconds: 0 };

  const runOne = async (run: number, concurrency: number | undefined, hz: number | undefined): Promise<RemindersRun> => {
    await admin.config('SET', 'hz', String(hz ?? defaultHz));
    // A. Enqueue rates and memory without a worker: raw addBulk of the jobs schedule() makes, then schedule() one call at a time.
    await admin.flushall();
    const far = meetings(office, lead, Date.now() + 3600_000, cfg.reminders, 3600_000);
    const jobs = await capturedJobs(settings, cipher, far, new Date());
    const raw = new Queue(REMINDER_QUEUE, { connection: admin, prefix: redisKeys(PREFIX).bull() });
    await raw.waitUntilReady();
    const mem0 = await usedMemory(admin);
    let t = performance.now();
    for (let i = 0; i < jobs.length; i += cfg.batch) await raw.addBulk(jobs.slice(i, i + cfg.batch));
    const rawSeconds = (performance.now() - t) / 1000;
    const rawDelayed = await raw.getDelayedCount();
    const rawBytes = (await usedMemory(admin)) - mem0;
    await admin.flushall();
    // The same jobs with hashes up to 256-byte values kept as listpacks (a job's opts JSON is ≈ 180 B,
    // over Redis's 64 and the 128 Körpü's Redis is started with, which makes every job hash a hashtable).
    const listpackDefault = ((await admin.config('GET', 'hash-max-listpack-value')) as string[])[1]!;
    await admin.config('SET', 'hash-max-listpack-value', '256');
    const lp0 = await usedMemory(admin);
    for (let i = 0; i < jobs.length; i += cfg.batch) await raw.addBulk(jobs.slice(i, i + cfg.batch));
    const listpackBytes = ((await usedMemory(admin)) - lp0) / (await raw.getDelayedCount());
    await admin.config('SET', 'hash-max-listpack-value', listpackDefault);
    await raw.close();
    await admin.flushall();
    const one = ReminderScheduler.create(admin, PREFIX, settings, cipher);
    const seq = far.slice(0, cfg.sequential);
    const callMs: number[] = [];
    t = performance.now();
    for (const m of seq) {
      const c = performance.now();
      await one.schedule(m, new Date());
      callMs.push(performance.now() - c);
    }
    const seqSeconds = (performance.now() - t) / 1000;
    await one.close();
    await admin.flushall();
    callMs.sort((a, b) => a - b);

    // B. The measured run: worker up and idle, bookings made, reminders scheduled (inFlight calls at once), then the window.
    const worker = await startReminderWorker({ redisUrl: server.url, prefix: PREFIX, dataKeyHex, offices, ...(concurrency ? { concurrency } : {}) });
    try {
      const perCall = seqSeconds / seq.length;
      // Room for the bookings and the enqueue before the first reminder falls due (the enqueue is timed; it must end before).
      const t0 = Date.now() + 3000 + Math.ceil((cfg.reminders + cfg.warmup) * (perCall * 0.6 + 0.00035) * 1000);
      const ms = meetings(office, lead, t0, cfg.reminders, cfg.windowMs);
      // Warm-up reminders, due in the 2 s before the window and not measured: a worker process in
      // production has handled reminders before (JIT, first renders, connections).
      const warm = meetings(office, lead, t0 - 2000, cfg.warmup, 1000, cfg.reminders);
      const everyone = [...warm, ...ms];
      const dueOf = new Map(ms.map((m) => [`out_${reminderJobId(m.caseCode, m.slotId, lead)}`, m.due]));
      let s = performance.now();
      await prepare(admin, cipher, everyone);
      const prepareSeconds = (performance.now() - s) / 1000;
      const scheduler = ReminderScheduler.create(admin, PREFIX, settings, cipher);
      await scheduler.queue.waitUntilReady();
      const before = await usedMemory(admin);
      s = performance.now();
      let next = 0;
      await Promise.all(
        Array.from({ length: cfg.inFlight }, async () => {
          while (next < everyone.length) await scheduler.schedule(everyone[next++]!, new Date());
        }),
      );
      const enqueueSeconds = (performance.now() - s) / 1000;
      const enqueuedAt = Date.now();
      const delayed = await scheduler.queue.getDelayedCount();
      const pendingBytes = (await usedMemory(admin)) - before;
      const dueBeforeEnqueued = ms.filter((m) => m.due <= enqueuedAt).length;
      log(`run ${run}: ${ms.length} meetings booked in ${prepareSeconds.toFixed(1)} s; ${delayed} reminders scheduled in ${enqueueSeconds.toFixed(1)} s; first due in ${((t0 - Date.now()) / 1000).toFixed(1)} s`);
      if (dueBeforeEnqueued > 0) log(`warning: ${dueBeforeEnqueued} reminders fell due before the enqueue ended (their lateness includes waiting for it)`);

      // The window: reminders fall due; the worker hands them to the outbox.
      await new Promise((r) => setTimeout(r, Math.max(0, t0 - Date.now() - 500)));
      await worker.ask({ cmd: 'mark' });
      const cpu0 = await redisCpu(admin);
      const w0 = Date.now();
      const deadline = t0 + cfg.windowMs + cfg.drainMs;
      for (;;) {
        await new Promise((r) => setTimeout(r, 250));
        if (Date.now() < t0 + cfg.windowMs) continue;
        const { handled } = await worker.ask<{ handled: number }>({ cmd: 'count' });
        if (handled >= everyone.length || Date.now() > deadline) break;
      }
      const report = await worker.ask<ReminderWorkerReport>({ cmd: 'report' });
      const windowSeconds = (Date.now() - w0) / 1000;
      const redisCpuSeconds = (await redisCpu(admin)) - cpu0;
      const lateness = report.sends.flatMap(([id, at]) => (dueOf.has(id) ? [at - dueOf.get(id)!] : [])).sort((a, b) => a - b);
      const sent = new Set(report.sends.map(([id]) => id));
      const missing = ms.length - [...dueOf.keys()].filter((id) => sent.has(id)).length;
      // Lateness by due time, in tenths of the window: where it grew, if it did.
      const slices = Array.from({ length: 10 }, () => [] as number[]);
      for (const [id, at] of report.sends) {
        const due = dueOf.get(id);
        if (due !== undefined) slices[Math.min(9, Math.floor(((due - t0) / cfg.windowMs) * 10))]!.push(at - due);
      }
      const breakdown = await pendingBreakdown(admin);
      await scheduler.close();
      const r: RemindersRun = {
        run,
        concurrency: report.concurrency,
        hz: Number(((await admin.config('GET', 'hz')) as string[])[1]),
        reminders: ms.length,
        jobsPerMeeting: delayed / everyone.length,
        raw: { jobs: jobs.length, batch: cfg.batch, jobsPerSecond: jobs.length / rawSeconds, bytesPerJob: rawBytes / rawDelayed, bytesPerJobListpack256: listpackBytes },
        sequential: { meetings: seq.length, meetingsPerSecond: seq.length / seqSeconds, p50Ms: quantile(callMs, 0.5), p99Ms: quantile(callMs, 0.99) },
        schedule: { meetings: everyone.length, inFlight: cfg.inFlight, meetingsPerSecond: everyone.length / enqueueSeconds, jobsPerSecond: delayed / enqueueSeconds, seconds: enqueueSeconds },
        prepareSeconds,
        pending: { jobs: delayed, bytes: pendingBytes, bytesPerJob: pendingBytes / delayed, ...breakdown },
        dueBeforeEnqueued,
        lateness: {
          count: lateness.length,
          p50: quantile(lateness, 0.5),
          p90: quantile(lateness, 0.9),
          p99: quantile(lateness, 0.99),
          max: lateness.at(-1) ?? NaN,
          min: lateness[0] ?? NaN,
          over150: lateness.filter((x) => x > 150).length,
          over500: lateness.filter((x) => x > 500).length,
          p99BySlice: slices.map((xs) => quantile(xs.sort((a, b) => a - b), 0.99)),
        },
        missing,
        outcomes: report.outcomes,
        failed: report.failed,
        workerCpu: report.cpuMicros / 1e6 / windowSeconds,
        redisCpu: redisCpuSeconds / windowSeconds,
      };
      log(
        `run ${run} (concurrency ${r.concurrency}, hz ${r.hz}): lateness p50 ${r.lateness.p50} ms · p99 ${r.lateness.p99} ms · max ${r.lateness.max} ms · ${lateness.length}/${ms.length} handed to the outbox` +
          ` · schedule() ${r.schedule.meetingsPerSecond.toFixed(0)} meetings/s · raw addBulk ${r.raw.jobsPerSecond.toFixed(0)} jobs/s · ${r.pending.bytesPerJob.toFixed(0)} B per pending reminder` +
          ` · worker CPU ${(r.workerCpu * 100).toFixed(0)} % · Redis CPU ${(r.redisCpu * 100).toFixed(0)} %`,
      );
      if (missing > 0 || report.failed > 0) log(`warning: ${missing} reminders not handed to the outbox, ${report.failed} failed tries`);
      return r;
    } finally {
      await worker.stop();
    }
  };

  try {
    for (let run = 1; run <= cfg.runs; run++) for (const hz of cfg.hz ?? [undefined]) for (const c of cfg.concurrency ?? [undefined]) results.runs.push(await runOne(run, c, hz));
  } finally {
    admin.disconnect();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  results.seconds = (Date.now() - started) / 1000;
  if (o.json) {
    mkdirSync(dirname(resolve(o.json)), { recursive: true });
    writeFileSync(o.json, JSON.stringify(results, null, 2));
  }
  if (o.out) writeRemindersReport(o.out, results);
  log(`done in ${results.seconds.toFixed(0)} s${o.out ? ` → ${o.out}` : ''}`);
  return results;
}

/**
 * Where a pending reminder's bytes are, after the window (the later reminder of every meeting
 * still pending): MEMORY USAGE of 200 job hashes, the delayed sorted set and the events stream.
 */
async function pendingBreakdown(redis: Redis): Promise<{ jobHash: number; delayedZsetPerJob: number; eventsStream: number; eventsEntries: number }> {
  const q = `${PREFIX}bull:${REMINDER_QUEUE}`;
  const ids = await redis.zrange(`${q}:delayed`, '0', '199');
  const sizes = await Promise.all(ids.map((id) => redis.call('MEMORY', 'USAGE', `${q}:${id}`, 'SAMPLES', '0') as Promise<number>));
  const zcard = await redis.zcard(`${q}:delayed`);
  const zset = Number(await redis.call('MEMORY', 'USAGE', `${q}:delayed`, 'SAMPLES', '0'));
  const stream = Number(await redis.call('MEMORY', 'USAGE', `${q}:events`, 'SAMPLES', '0'));
  return {
    jobHash: sizes.reduce((a, b) => a + Number(b), 0) / Math.max(1, sizes.length),
    delayedZsetPerJob: zcard ? zset / zcard : 0,
    eventsStream: stream,
    eventsEntries: await redis.xlen(`${q}:events`),
  };
}

function bullmqVersion(): string {
  try {
    return (require('bullmq/package.json') as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/**
 * `--quick`, `--reminder-runs N` (or `--runs N` with `--only reminders`), `--reminders N`,
 * `--reminder-concurrency a,b`, `--out FILE`, `--json FILE`.
 */
export function parseRemindersArgs(argv: string[]): Parameters<typeof runRemindersBench>[0] {
  const value = (flag: string) => (argv.includes(flag) ? argv[argv.indexOf(flag) + 1] : undefined);
  const quick = argv.includes('--quick');
  const config: RemindersBenchConfig = { ...(quick ? REMINDERS_QUICK : REMINDERS_FULL) };
  const runs = value('--reminder-runs') ?? (value('--only') === 'reminders' ? value('--runs') : undefined);
  if (runs) config.runs = Math.max(1, Number(runs));
  const n = value('--reminders');
  if (n) config.reminders = Math.max(1, Number(n));
  const conc = value('--reminder-concurrency');
  if (conc) config.concurrency = conc.split(',').map((c) => Math.max(1, Number(c)));
  const hz = value('--redis-hz');
  if (hz) config.hz = hz.split(',').map((h) => Math.min(500, Math.max(1, Number(h))));
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const out = value('--out') ?? (quick ? undefined : 'BENCHMARKS.md');
  const json = value('--json') ?? (quick ? undefined : join('bench', 'results', `reminders-${stamp}.json`));
  return { config, ...(out ? { out } : {}), ...(json ? { json } : {}) };
}

if (require.main === module) {
  const args = process.argv.slice(2);
  // `--render <results.json> [--out FILE]`: rewrite the section from saved results.
  if (args.includes('--render')) {
    writeRemindersReport(args.includes('--out') ? args[args.indexOf('--out') + 1]! : 'BENCHMARKS.md', JSON.parse(readFileSync(args[args.indexOf('--render') + 1]!, 'utf8')) as RemindersBenchResults);
    process.exit(0);
  }
  runRemindersBench(parseRemindersArgs(args)).catch((e: Error) => {
    console.error(`bench reminders: ${e.message}`);
    process.exit(1);
  });
}
