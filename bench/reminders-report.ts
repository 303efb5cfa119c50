/**
 * The generated part of BENCHMARKS.md's reminders section (between the `bench:reminders`
 * markers), from bench/reminders.ts's results.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { RemindersConfig } from '../src/config/offices';
import type { Environment } from './environment';
import type { RemindersBenchConfig } from './reminders';

/** One measured run: enqueue rates, memory, and lateness of the reminders due in the window. */
export interface RemindersRun {
  run: number;
  concurrency: number;
  /** Redis `hz` during the run. */
  hz: number;
  /** Reminders due in the window (one per meeting). */
  reminders: number;
  /** Delayed jobs schedule() added per meeting (one per reminder time). */
  jobsPerMeeting: number;
  /** Raw addBulk: rate, and used_memory per job with Redis's default hash encoding and with `hash-max-listpack-value 256`. */
  raw: { jobs: number; batch: number; jobsPerSecond: number; bytesPerJob: number; bytesPerJobListpack256: number };
  sequential: { meetings: number; meetingsPerSecond: number; p50Ms: number; p99Ms: number };
  schedule: { meetings: number; inFlight: number; meetingsPerSecond: number; jobsPerSecond: number; seconds: number };
  prepareSeconds: number;
  /** used_memory delta over the enqueue, and where the bytes are (MEMORY USAGE, after the window). */
  pending: { jobs: number; bytes: number; bytesPerJob: number; jobHash: number; delayedZsetPerJob: number; eventsStream: number; eventsEntries: number };
  /** Reminders already due when the enqueue ended (should be 0). */
  dueBeforeEnqueued: number;
  /** From each reminder's due time to its hand-over to the outbox (ms). */
  lateness: { count: number; p50: number; p90: number; p99: number; max: number; min: number; over150: number; over500: number; p99BySlice: number[] };
  missing: number;
  outcomes: Record<string, number>;
  failed: number;
  /** Share of one core used by the worker process / by redis-server during the window. */
  workerCpu: number;
  redisCpu: number;
}

export interface RemindersBenchResults {
  environment: Environment & { bullmq: string };
  config: RemindersBenchConfig;
  settings: RemindersConfig;
  defaultConcurrency: number;
  /** The bench redis-server's own `hz` (Redis's default). */
  defaultHz: number;
  /** The bench redis-server's `hash-max-listpack-value` (as startRedisServer starts it). */
  hashMaxListpackValue: number;
  runs: RemindersRun[];
  startedAt: string;
  seconds: number;
}

export const REMINDERS_BEGIN = '<!-- bench:reminders:start (npm run bench -- --only reminders rewrites everything up to the end marker) -->';
export const REMINDERS_END = '<!-- bench:reminders:end -->';

const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : '–');

/** Median (min–max) over runs; just the value for one run. */
function summary(values: number[], digits = 0): string {
  const s = [...values].sort((a, b) => a - b);
  if (!s.length) return '–';
  const median = s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  return s.length > 1 && fmt(s[0]!, digits) !== fmt(s.at(-1)!, digits) ? `${fmt(median, digits)} (${fmt(s[0]!, digits)}–${fmt(s.at(-1)!, digits)})` : fmt(median, digits);
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** The generated part of the reminders section. */
export function renderReminders(r: RemindersBenchResults): string {
  const e = r.environment;
  const c = r.config;
  const lines: string[] = [];
  // Variants: Redis hz × worker concurrency, in the order they ran; the production defaults first.
  const key = (x: RemindersRun) => `${x.hz}/${x.concurrency}`;
  const isDefault = (x: RemindersRun) => x.hz === r.defaultHz && x.concurrency === r.defaultConcurrency;
  const variants = [...new Map(r.runs.map((x) => [key(x), x])).values()].sort((a, b) => Number(isDefault(b)) - Number(isDefault(a)));
  const runsOf = (v: RemindersRun) => r.runs.filter((x) => key(x) === key(v));
  const runsPer = Math.max(...variants.map((v) => runsOf(v).length));
  lines.push(REMINDERS_BEGIN, '');
  lines.push(`Measured ${r.startedAt.slice(0, 16).replace('T', ' ')} UTC in ${fmt(r.seconds)} s, ${runsPer} run(s)${variants.length > 1 ? ' per setting' : ''}, commit ${e.commit}.`, '');
  lines.push(`- Machine: ${e.cpuModel}, ${e.cores} cores (nproc), ${e.ramGb} GB RAM; ${e.os}.`);
  lines.push(`- Versions: Node ${e.node}, Redis ${e.redis} (its own redis-server on a free port started as Körpü starts its embedded one: no persistence here, \`hash-max-listpack-value\` ${r.hashMaxListpackValue}, \`hz\` ${r.defaultHz} unless the table says otherwise), BullMQ ${e.bullmq}, ioredis ${e.packages.ioredis}.`);
  lines.push(
    `- Workload: ${fmt(c.reminders)} meetings booked (BookingStore's script, ${fmt(Math.ceil(c.reminders / 50))} slots of 50 places), each case hash with its encrypted Telegram contact; ` +
      `reminders at ${r.settings.beforeMinutes.join(' and ')} minutes before (config/offices.yaml), so a meeting has ${r.settings.beforeMinutes.length} pending reminders and its earliest falls due in the window: ` +
      `${fmt(c.reminders)} due evenly within ${fmt(c.windowMs / 1000)} s (${fmt(c.reminders / (c.windowMs / 1000))} a second), after ${fmt(c.warmup)} unmeasured ones in the 2 s before (a worker in production is warm). ` +
      (r.runs.every((x) => x.dueBeforeEnqueued === 0) ? 'All were scheduled before the first fell due.' : 'Some fell due before the enqueue ended (see the targets).'),
  );
  lines.push(
    '- Worker: `createReminderWorker` in its own process, wired as main.ts wires it (the booking read and checked, reachability, the case contact decrypted, the message rendered in the person\'s language and enqueued on the outbox). ' +
      'Lateness = the moment the worker calls `send` (the hand-over to the outbox) minus the reminder\'s due time; no outbox worker runs, because the outbox paces messages to Telegram\'s limits by design (section 6: 20,000 take ≈ 13 minutes).',
  );
  lines.push('- Rerun: `npm run bench -- --only reminders` (this section and `bench/results/reminders-<time>.json`); `--runs 3` for medians; `--redis-hz 10,100`, `--reminder-concurrency 16,64` for other settings; `--quick` for 300 within 3 s.');
  lines.push('');
  if (runsPer > 1) lines.push('Figures are medians of the runs with (min–max).', '');

  lines.push('| Redis `hz` | worker concurrency | handed to the outbox | lateness p50 ms | p90 ms | p99 ms | max ms | over 150 ms | over 500 ms | worker process CPU % | redis-server CPU % |');
  lines.push('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const v of variants) {
    const rows = runsOf(v);
    const f = (g: (x: RemindersRun) => number, d = 0) => summary(rows.map(g), d);
    lines.push(
      `| ${v.hz}${v.hz === r.defaultHz ? ' (default)' : ''} | ${v.concurrency}${v.concurrency === r.defaultConcurrency ? ' (default)' : ''} | ${f((x) => x.lateness.count)} of ${fmt(c.reminders)} | ` +
        `${f((x) => x.lateness.p50)} | ${f((x) => x.lateness.p90)} | ${f((x) => x.lateness.p99)} | ${f((x) => x.lateness.max)} | ${f((x) => x.lateness.over150)} | ${f((x) => x.lateness.over500)} | ` +
        `${f((x) => x.workerCpu * 100)} | ${f((x) => x.redisCpu * 100)} |`,
    );
  }
  lines.push('');
  lines.push('CPU: per cent of one core during the window.', '');

  const all = r.runs;
  const f = (g: (x: RemindersRun) => number, d = 0) => summary(all.map(g), d);
  const per = r.settings.beforeMinutes.length;
  lines.push('| Enqueue | reminders (jobs) per second | booked meetings per second | note |');
  lines.push('|---|---|---|---|');
  lines.push(`| \`ReminderScheduler.schedule()\`, ${fmt(c.inFlight)} calls in flight | ${f((x) => x.schedule.jobsPerSecond)} | ${f((x) => x.schedule.meetingsPerSecond)} | one \`addBulk\` of ${per} jobs per meeting; ${fmt(all[0]?.schedule.meetings ?? 0)} meetings |`);
  lines.push(
    `| \`ReminderScheduler.schedule()\`, one call at a time | ${f((x) => x.sequential.meetingsPerSecond * x.jobsPerMeeting)} | ${f((x) => x.sequential.meetingsPerSecond)} | a call takes ${f((x) => x.sequential.p50Ms, 2)} ms (p50), ${f((x) => x.sequential.p99Ms, 2)} ms (p99); ${fmt(c.sequential)} meetings |`,
  );
  lines.push(`| raw \`Queue.addBulk\`, batches of ${fmt(c.batch)} | ${f((x) => x.raw.jobsPerSecond)} | – | the jobs schedule() makes, captured beforehand; ${fmt(all[0]?.raw.jobs ?? 0)} jobs |`);
  lines.push('');

  lines.push('| Redis memory per pending reminder | bytes |');
  lines.push('|---|---|');
  lines.push(`| used_memory delta over the schedule() enqueue ÷ delayed jobs (${fmt(all[0]?.pending.jobs ?? 0)}) | ${f((x) => x.pending.bytesPerJob)} |`);
  lines.push(`| the same over the raw addBulk enqueue | ${f((x) => x.raw.bytesPerJob)} |`);
  lines.push(`| · the job's hash (MEMORY USAGE, mean of 200 pending jobs; a hashtable: its opts JSON, ≈ 180 B, is over \`hash-max-listpack-value\` ${r.hashMaxListpackValue}) | ${f((x) => x.pending.jobHash)} |`);
  lines.push(`| · its entry in the queue's delayed sorted set | ${f((x) => x.pending.delayedZsetPerJob)} |`);
  lines.push(`| · the queue's events stream, capped at ≈ 10,000 entries whatever the number of jobs: ${f((x) => x.pending.eventsStream / 1024)} KB in all | ${f((x) => x.pending.eventsStream / x.pending.jobs)} |`);
  lines.push(`| raw addBulk with \`hash-max-listpack-value 256\` (job hashes kept as listpacks) | ${f((x) => x.raw.bytesPerJobListpack256)} |`);
  lines.push('');

  const status = (ok: boolean) => (ok ? '**met**' : '**missed**');
  const by = (n: number, target: number) => (n > target ? ` by ${fmt(((n - target) / target) * 100)} %` : '');
  const bytes = median(all.map((x) => x.pending.bytesPerJob));
  const lost = all.reduce((s, x) => s + x.missing, 0);
  const early = all.reduce((s, x) => s + x.dueBeforeEnqueued, 0);
  lines.push(`Targets${runsPer > 1 ? ' (p99: median of the runs; max: the largest of any run)' : ''}:`, '');
  for (const v of variants) {
    const rows = runsOf(v);
    const p99 = median(rows.map((x) => x.lateness.p99));
    const max = Math.max(...rows.map((x) => x.lateness.max));
    lines.push(`- Redis hz ${v.hz}, concurrency ${v.concurrency}: lateness p99 ≤ 150 ms: ${fmt(p99)} ms → ${status(p99 <= 150)}${by(p99, 150)}; max ≤ 500 ms: ${fmt(max)} ms → ${status(max <= 500)}${by(max, 500)}.`);
  }
  lines.push(`- ≤ 1 KB (1,024 B) of Redis per pending reminder: ${fmt(bytes)} B → ${status(bytes <= 1024)}${by(bytes, 1024)}.`);
  lines.push(`- Every reminder handed to the outbox: ${lost} missing → ${status(lost === 0)}${early ? `; ${early} fell due before the enqueue ended (their lateness includes it)` : ''}.`);
  lines.push('');
  lines.push(REMINDERS_END);
  return lines.join('\n');
}

/**
 * Writes the reminders section into `file`: between its markers if they exist, else as a new
 * section `## 5. Reminders` before `## 6. The outbox` (or `## Not yet measured`, or the end).
 */
export function writeRemindersReport(file: string, r: RemindersBenchResults): void {
  let md = readFileSync(file, 'utf8');
  const generated = renderReminders(r);
  const begin = md.indexOf(REMINDERS_BEGIN);
  const end = md.indexOf(REMINDERS_END);
  if (begin >= 0 && end > begin) md = md.slice(0, begin) + generated + md.slice(end + REMINDERS_END.length);
  else {
    const section = `## 5. Reminders and memory per pending reminder\n\n${generated}\n\n`;
    const at = [md.indexOf('## 6. The outbox'), md.indexOf('## Not yet measured')].find((i) => i >= 0);
    md = at !== undefined ? md.slice(0, at) + section + md.slice(at) : `${md.trimEnd()}\n\n${section}`;
  }
  writeFileSync(file, md);
}
