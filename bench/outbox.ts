import { redisKeys } from '../src/storage/keys';
/**
 * The outbox against Telegram's limits (`npm run bench`, or only this part:
 * `npm run bench -- --only outbox`): 3,000 messages to 3,000 different chats and 100 to one
 * chat, all enqueued at once, sent to a fake Bot API in its own process that enforces the limits
 * on sliding windows (bench/outbox-fake-api.ts). Körpü's outbox, with one and with two worker
 * processes, against BullMQ's own limiter and grammY's transformer-throttler (bench/outbox-sender.ts).
 *
 *   npm run bench -- --only outbox                 # 1 run of 3,100 messages per sender (~9 min)
 *   npm run bench -- --only outbox --quick         # 160 messages per sender (~1 min)
 *   npm run bench -- --only outbox --runs 3 --senders korpu,bullmq
 *   npm run bench -- --outbox-runs 3             # the whole bench, the outbox part 3 times
 *
 * Results go into BENCHMARKS.md between the `bench:outbox` markers and bench/results/outbox-*.json.
 * The throttler is not a dependency of Körpü: install it to include it
 * (`npm i --no-save @grammyjs/transformer-throttler`, or put it on NODE_PATH); without it its row
 * says so.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { OUTBOX_QUEUE, Outbox } from '../src/scheduling/outbox';
import { FieldCipher } from '../src/storage/field-cipher';
import { startRedisServer } from '../src/storage/redis-server-process';
import { collectEnvironment, type Environment } from './environment';
import { TaskProcess } from './processes';
import { startLimitedFakeApiProcess, TELEGRAM, type ApiRecord } from './outbox-fake-api';
import { BASELINE_QUEUE, loadThrottler, type SenderKind, type SenderStart, type SenderTask } from './outbox-sender';

export interface SenderSpec {
  name: string;
  label: string;
  kind: SenderKind;
  processes: number;
}

export const OUTBOX_SENDERS: readonly SenderSpec[] = [
  { name: 'korpu', label: 'Körpü outbox, 1 worker process', kind: 'korpu', processes: 1 },
  { name: 'korpu-2', label: 'Körpü outbox, 2 worker processes sharing the limits', kind: 'korpu', processes: 2 },
  { name: 'bullmq', label: 'BullMQ limiter (30 per 1,000 ms), 429 retried with backoff', kind: 'bullmq', processes: 1 },
  { name: 'throttler', label: 'grammY transformer-throttler, defaults, 429 not retried', kind: 'throttler', processes: 1 },
];

export interface OutboxBenchConfig {
  runs: number;
  /** Messages to as many different chats. */
  chats: number;
  /** Messages to one chat, spread through the others. */
  oneChat: number;
  /** Give up on a sender after this long (its unsent messages count as lost). */
  timeoutMs: number;
  /**
   * The baselines are stopped sooner: what they do wrong (429s, windows over the limit) shows
   * within a minute, and letting BullMQ's limiter crawl through all 3,100 messages would take
   * the whole bench past its 15 minutes. Their unsent messages are reported as not sent in time.
   */
  baselineTimeoutMs: number;
}

export const OUTBOX_FULL: OutboxBenchConfig = { runs: 1, chats: 3000, oneChat: 100, timeoutMs: 10 * 60_000, baselineTimeoutMs: 90_000 };
export const OUTBOX_QUICK: OutboxBenchConfig = { runs: 1, chats: 150, oneChat: 10, timeoutMs: 3 * 60_000, baselineTimeoutMs: 60_000 };

/** Senders of a default run; `korpu-2` (two processes sharing the limits) with `--senders`. */
export const DEFAULT_OUTBOX_SENDERS = ['korpu', 'bullmq', 'throttler'] as const;

/** What one sender did in one run; times from the fake server's clock. */
export interface SenderRun {
  sender: string;
  run: number;
  messages: number;
  delivered: number;
  duplicates: number;
  lost: number;
  /** 429 answers: overall window, one chat, group. */
  r429: { global: number; chat: number; group: number };
  /** Requests that were the 31st or later within a sliding second (answered or not). */
  overGlobal: number;
  /** Requests that came within a second of the previous one to the same chat. */
  overChat: number;
  /** The most requests within any sliding second, all chats / the one chat. */
  peakAll: number;
  peakOneChat: number;
  /** Shortest time between two requests to the one chat (ms). */
  minGapOneChat: number;
  /** Delivered per second from the first request to the last delivery: all, the many chats, the one chat. */
  rateAll: number;
  rateMany: number;
  rateOneChat: number;
  /** When requests went over a limit, in seconds since the first request (the first 10). */
  overAt: number[];
  /** From the first enqueue to the last message settled (s). */
  seconds: number;
  timedOut: boolean;
}

export interface OutboxBenchResults {
  environment: Environment & { bullmq: string; throttler: string };
  config: OutboxBenchConfig;
  runs: SenderRun[];
  skipped: { sender: string; reason: string }[];
  startedAt: string;
  seconds: number;
}

export const OUTBOX_BEGIN = '<!-- bench:outbox:start (npm run bench -- --only outbox rewrites everything up to the end marker) -->';
export const OUTBOX_END = '<!-- bench:outbox:end -->';
const ONE_CHAT = 799_000_001;

interface Msg {
  id: string;
  chatId: number;
  text: string;
  one: boolean;
}

function workload(cfg: OutboxBenchConfig): Msg[] {
  const out: Msg[] = [];
  const every = Math.max(1, Math.floor(cfg.chats / Math.max(1, cfg.oneChat)));
  let k = 0;
  for (let i = 0; i < cfg.chats; i++) {
    if (i % every === 0 && k < cfg.oneChat) out.push({ id: `one:${k}`, chatId: ONE_CHAT, text: `o${k++}`, one: true });
    out.push({ id: `many:${i}`, chatId: 800_000_000 + i, text: `m${i}`, one: false });
  }
  while (k < cfg.oneChat) out.push({ id: `one:${k}`, chatId: ONE_CHAT, text: `o${k++}`, one: true });
  return out;
}

/** A sender process (bench/outbox-sender.ts). */
const startSender = (s: SenderStart) => TaskProcess.start<SenderStart, SenderTask>('outbox-sender.ts', s, 'outbox sender');

/** Runs every sender `cfg.runs` times; writes the report and JSON when asked. */
export async function runOutboxBench(o: { config: OutboxBenchConfig; senders?: readonly string[]; out?: string; json?: string; log?: (line: string) => void }): Promise<OutboxBenchResults> {
  const started = Date.now();
  const print = o.log ?? ((line: string) => console.log(line));
  const log = (line: string) => print(`[${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s] outbox: ${line}`);
  const cfg = o.config;
  const wanted: readonly string[] = o.senders ?? DEFAULT_OUTBOX_SENDERS;
  const specs = OUTBOX_SENDERS.filter((s) => wanted.includes(s.name));
  const dir = mkdtempSync(join(tmpdir(), 'korpu-bench-outbox-'));
  const server = await startRedisServer({ dir, persist: false });
  const admin = new Redis(server.url, { maxRetriesPerRequest: null });
  const api = await startLimitedFakeApiProcess();
  const dataKeyHex = randomBytes(32).toString('hex');
  const cipher = new FieldCipher(Buffer.from(dataKeyHex, 'hex'));
  const results: OutboxBenchResults = { environment: { ...collectEnvironment(), bullmq: versionOf('bullmq'), throttler: versionOf('@grammyjs/transformer-throttler') }, config: cfg, runs: [], skipped: [], startedAt: new Date(started).toISOString(), seconds: 0 };
  const messages = workload(cfg);

  const runOne = async (spec: SenderSpec, run: number): Promise<SenderRun> => {
    await admin.flushall();
    await api.reset();
    const prefix = 'bench:';
    const procs = await Promise.all(Array.from({ length: spec.processes }, () => startSender({ kind: spec.kind, redisUrl: server.url, prefix, apiRoot: api.apiRoot, dataKeyHex })));
    const t0 = Date.now();
    let lost = 0;
    let timedOut = false;
    const limitMs = spec.kind === 'korpu' ? cfg.timeoutMs : cfg.baselineTimeoutMs;
    try {
      if (spec.kind === 'throttler') {
        const done = procs[0]!.ask<{ lost: number }>({ cmd: 'run', messages: messages.map(({ chatId, text }) => ({ chatId, text })) });
        const timer = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), limitMs).unref());
        const r = await Promise.race([done, timer]);
        if (r === 'timeout') timedOut = true;
        else lost = r.lost;
      } else {
        const queue = new Queue(spec.kind === 'korpu' ? OUTBOX_QUEUE : BASELINE_QUEUE, { connection: admin, prefix: redisKeys(prefix).bull() });
        if (spec.kind === 'korpu') {
          const outbox = new Outbox(queue, cipher);
          for (let i = 0; i < messages.length; i += 100) {
            await Promise.all(messages.slice(i, i + 100).map((m) => outbox.send(m.id, { chatId: m.chatId, method: 'sendMessage', params: { text: m.text }, kind: 'bench' })));
          }
        } else {
          await queue.addBulk(messages.map((m) => ({ name: 'send', data: { chatId: m.chatId, text: m.text }, opts: { jobId: m.id.replace(':', '-'), attempts: 10, backoff: { type: 'exponential', delay: 1000 } } })));
        }
        for (;;) {
          const c = await queue.getJobCounts('completed', 'failed');
          if ((c.completed ?? 0) + (c.failed ?? 0) >= messages.length) {
            lost = c.failed ?? 0;
            break;
          }
          if (Date.now() - t0 > limitMs) {
            timedOut = true;
            lost = messages.length - (c.completed ?? 0);
            break;
          }
          await new Promise((r) => setTimeout(r, 250));
        }
        await queue.close();
      }
    } finally {
      await Promise.all(procs.map((p) => p.stop()));
    }
    const seconds = (Date.now() - t0) / 1000;
    const r = analyse(spec.name, run, await api.records(), messages, { lost, seconds, timedOut });
    log(
      `run ${run} ${spec.name.padEnd(9)} delivered ${r.delivered}/${r.messages} in ${r.seconds.toFixed(0)} s · ${r.rateAll.toFixed(1)} msg/s · 429s ${r.r429.global + r.r429.chat + r.r429.group}` +
        ` · peak ${r.peakAll}/s (one chat ${r.peakOneChat}/s, min gap ${r.minGapOneChat.toFixed(0)} ms) · lost ${r.lost}${timedOut ? ' (timed out)' : ''}`,
    );
    return r;
  };

  try {
    for (let run = 1; run <= cfg.runs; run++) {
      for (const spec of specs) {
        if (spec.kind === 'throttler' && !loadThrottler()) {
          if (run === 1) results.skipped.push({ sender: spec.name, reason: '@grammyjs/transformer-throttler is not installed (npm i --no-save @grammyjs/transformer-throttler)' });
          if (run === 1) log(`${spec.name}: skipped (@grammyjs/transformer-throttler is not installed)`);
          continue;
        }
        results.runs.push(await runOne(spec, run));
      }
    }
  } finally {
    admin.disconnect();
    await api.stop();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  results.seconds = (Date.now() - started) / 1000;
  if (o.json) {
    mkdirSync(dirname(resolve(o.json)), { recursive: true });
    writeFileSync(o.json, JSON.stringify(results, null, 2));
  }
  if (o.out) writeOutboxReport(o.out, results);
  log(`done in ${results.seconds.toFixed(0)} s${o.out ? ` → ${o.out}` : ''}`);
  return results;
}

/** The figures of one run, from the fake server's records. */
export function analyse(sender: string, run: number, records: ApiRecord[], messages: Msg[], o: { lost: number; seconds: number; timedOut: boolean }): SenderRun {
  const recs = [...records].sort((a, b) => a.t - b.t);
  const ok = recs.filter((r) => r.status === 200);
  const unique = new Set(ok.map((r) => r.text));
  const one = recs.filter((r) => r.chat === String(ONE_CHAT));
  const oneOk = one.filter((r) => r.status === 200);
  const manyOk = ok.filter((r) => r.chat !== String(ONE_CHAT));
  const first = recs[0]?.t ?? 0;
  const rate = (n: number, until: number | undefined) => (until !== undefined && until > first ? n / ((until - first) / 1000) : 0);
  const count = (limit: ApiRecord['limit']) => recs.filter((r) => r.limit === limit).length;
  // Requests over the overall limit: the 31st or later within a second.
  let overGlobal = 0;
  let peakAll = 0;
  const overAt: number[] = [];
  for (let i = 0, j = 0; i < recs.length; i++) {
    while (recs[i]!.t - recs[j]!.t >= 1000) j++;
    if (i - j >= TELEGRAM.perSecond) {
      overGlobal++;
      overAt.push((recs[i]!.t - first) / 1000);
    }
    peakAll = Math.max(peakAll, i - j + 1);
  }
  let overChat = 0;
  const last = new Map<string, number>();
  for (const r of recs) {
    const prev = last.get(r.chat);
    if (prev !== undefined && r.t - prev < TELEGRAM.perChatMs) {
      overChat++;
      overAt.push((r.t - first) / 1000);
    }
    last.set(r.chat, r.t);
  }
  let peakOneChat = 0;
  for (let i = 0, j = 0; i < one.length; i++) {
    while (one[i]!.t - one[j]!.t >= 1000) j++;
    peakOneChat = Math.max(peakOneChat, i - j + 1);
  }
  const gapsOne = one.slice(1).map((r, i) => r.t - one[i]!.t);
  return {
    sender,
    run,
    messages: messages.length,
    delivered: unique.size,
    duplicates: ok.length - unique.size,
    lost: Math.max(o.lost, messages.length - unique.size),
    r429: { global: count('global'), chat: count('chat'), group: count('group') },
    overGlobal,
    overChat,
    peakAll,
    peakOneChat,
    minGapOneChat: gapsOne.length ? Math.min(...gapsOne) : 0,
    rateAll: rate(ok.length, ok.at(-1)?.t),
    rateMany: rate(manyOk.length, manyOk.at(-1)?.t),
    rateOneChat: oneOk.length > 1 ? (oneOk.length - 1) / ((oneOk.at(-1)!.t - oneOk[0]!.t) / 1000) : 0,
    overAt: overAt.sort((a, b) => a - b).slice(0, 10).map((x) => Math.round(x * 100) / 100),
    seconds: o.seconds,
    timedOut: o.timedOut,
  };
}

function versionOf(pkg: string): string {
  try {
    return (JSON.parse(readFileSync(require.resolve(`${pkg}/package.json`), 'utf8')) as { version: string }).version;
  } catch {
    try {
      // Packages whose exports hide package.json: walk up from the entry point.
      let d = dirname(require.resolve(pkg));
      while (!d.endsWith(pkg) && d !== dirname(d)) d = dirname(d);
      return (JSON.parse(readFileSync(join(d, 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      return 'not installed';
    }
  }
}

// ---- report ---------------------------------------------------------------------------

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** Median (min–max) of a field over runs; just the value for one run. */
function summary(values: number[], digits = 0): string {
  const s = [...values].sort((a, b) => a - b);
  const median = s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  return s.length > 1 && s[0] !== s.at(-1) ? `${fmt(median, digits)} (${fmt(s[0]!, digits)}–${fmt(s.at(-1)!, digits)})` : fmt(median, digits);
}

/** The generated part of the outbox section. */
export function renderOutbox(r: OutboxBenchResults): string {
  const e = r.environment;
  const c = r.config;
  const n = c.chats + c.oneChat;
  const lines: string[] = [];
  lines.push(OUTBOX_BEGIN, '');
  lines.push(`Measured ${r.startedAt.slice(0, 16).replace('T', ' ')} UTC in ${fmt(r.seconds)} s, ${r.config.runs} run(s) per sender, commit ${e.commit}.`, '');
  lines.push(`- Machine: ${e.cpuModel}, ${e.cores} cores (nproc), ${e.ramGb} GB RAM; ${e.os}.`);
  lines.push(`- Versions: Node ${e.node}, Redis ${e.redis} (its own redis-server on a free port, no persistence), BullMQ ${e.bullmq}, grammY ${e.packages.grammy}, ioredis ${e.packages.ioredis}, @grammyjs/transformer-throttler ${e.throttler}.`);
  lines.push(
    `- Workload: ${fmt(c.chats)} messages to ${fmt(c.chats)} different chats and ${fmt(c.oneChat)} to one chat (spread through the others), ${fmt(n)} in all, enqueued at once; ` +
      `sent with grammY to a fake Bot API in its own process that counts sliding one-second windows and answers 429 to the ${TELEGRAM.perSecond + 1}st message accepted within a second, ` +
      `to a 2nd message to one chat within a second, and to the ${TELEGRAM.perGroupMinute + 1}st to a group within a minute.`,
  );
  lines.push('- Körpü: `createOutboxWorker` with `DEFAULT_TELEGRAM_LIMITS` (29 per 1,100 ms overall, 35 ms apart, 1,100 ms per chat, 20 per 62 s per group), concurrency 16 per process; limits shared through Redis.');
  lines.push(`- The baselines are stopped after ${fmt(c.baselineTimeoutMs / 1000)} s (Körpü after ${fmt(c.timeoutMs / 60_000)} min): their faults show within that time, and letting them run to the end would take the whole bench past 15 minutes. Their unsent messages are counted as lost "(timed out)"; rates are over the time they ran.`);
  lines.push('- Rerun: `npm run bench -- --only outbox` (this section and `bench/results/outbox-<time>.json`); `--runs 3` for medians; `--quick` for 160 messages; `--senders korpu,korpu-2,bullmq,throttler` adds Körpü with two worker processes sharing the limits.');
  lines.push('');
  if (r.config.runs > 1) lines.push('Figures are medians of the runs with (min–max).', '');
  lines.push(`| Sender | delivered of ${fmt(n)} | lost | sent twice | 429 answers (overall · one chat) | requests over the limit (overall · one chat) | peak in a sliding second: all chats (limit 30) · one chat (limit 1) | shortest gap, one chat (ms) | msg/s overall | msg/s, many chats | msg/s, one chat | seconds |`);
  lines.push('|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const spec of OUTBOX_SENDERS) {
    const rows = r.runs.filter((x) => x.sender === spec.name);
    const skipped = r.skipped.find((s) => s.sender === spec.name);
    if (skipped) lines.push(`| ${spec.label} | not run: ${skipped.reason} |||||||||||`);
    if (!rows.length) continue;
    const f = (g: (x: SenderRun) => number, d = 0) => summary(rows.map(g), d);
    lines.push(
      `| ${spec.label} | ${f((x) => x.delivered)} | ${f((x) => x.lost)}${rows.some((x) => x.timedOut) ? ' (timed out)' : ''} | ${f((x) => x.duplicates)} | ${f((x) => x.r429.global)} · ${f((x) => x.r429.chat)} | ${f((x) => x.overGlobal)} · ${f((x) => x.overChat)} | ` +
        `${f((x) => x.peakAll)} · ${f((x) => x.peakOneChat)} | ${f((x) => x.minGapOneChat)} | ${f((x) => x.rateAll, 1)} | ${f((x) => x.rateMany, 1)} | ${f((x) => x.rateOneChat, 2)} | ${f((x) => x.seconds)} |`,
    );
  }
  lines.push('');
  const korpu = r.runs.filter((x) => x.sender.startsWith('korpu'));
  if (korpu.length) {
    const status = (ok: boolean) => (ok ? '**met**' : '**missed**');
    const all429 = korpu.reduce((s, x) => s + x.r429.global + x.r429.chat + x.r429.group, 0);
    const over = korpu.reduce((s, x) => s + x.overGlobal + x.overChat, 0);
    const slowest = Math.min(...korpu.map((x) => x.rateAll));
    const lost = korpu.reduce((s, x) => s + x.lost, 0);
    lines.push('Targets (every Körpü run, one and two processes):', '');
    lines.push(`- Zero 429s: ${all429} → ${status(all429 === 0)}.`);
    lines.push(`- Zero windows over the limit: ${over} requests over → ${status(over === 0)}.`);
    lines.push(`- At least 25 messages per second overall: slowest run ${fmt(slowest, 1)} msg/s → ${status(slowest >= 25)}.`);
    lines.push(`- Nothing lost: ${lost} lost → ${status(lost === 0)}.`);
    lines.push('');
  }
  lines.push(OUTBOX_END);
  return lines.join('\n');
}

/**
 * Writes the outbox section into `file`: between its markers if they exist, else as a new
 * section `## 6. The outbox against Telegram's limits` before `## Not yet measured` (or at the end).
 */
export function writeOutboxReport(file: string, r: OutboxBenchResults): void {
  let md = readFileSync(file, 'utf8');
  const generated = renderOutbox(r);
  const begin = md.indexOf(OUTBOX_BEGIN);
  const end = md.indexOf(OUTBOX_END);
  if (begin >= 0 && end > begin) md = md.slice(0, begin) + generated + md.slice(end + OUTBOX_END.length);
  else {
    const section = `## 6. The outbox against Telegram's limits\n\n${generated}\n\n`;
    const at = md.indexOf('## Not yet measured');
    md = at >= 0 ? md.slice(0, at) + section + md.slice(at) : `${md.trimEnd()}\n\n${section}`;
  }
  writeFileSync(file, md);
}

/** `--quick`, `--outbox-runs N` (or `--runs N` with `--only outbox`), `--senders a,b`, `--out FILE`, `--json FILE`. */
export function parseOutboxArgs(argv: string[]): Parameters<typeof runOutboxBench>[0] {
  const value = (flag: string) => (argv.includes(flag) ? argv[argv.indexOf(flag) + 1] : undefined);
  const quick = argv.includes('--quick');
  const config = { ...(quick ? OUTBOX_QUICK : OUTBOX_FULL) };
  // `--runs` is the run count of the whole bench only with `--only outbox`; `--outbox-runs` always.
  const runs = value('--outbox-runs') ?? (value('--only') === 'outbox' ? value('--runs') : undefined);
  if (runs) config.runs = Math.max(1, Number(runs));
  const senders = value('--senders')?.split(',');
  const unknown = senders?.filter((s) => !OUTBOX_SENDERS.some((x) => x.name === s));
  if (unknown?.length) throw new Error(`unknown sender(s) ${unknown.join(', ')}; known: ${OUTBOX_SENDERS.map((s) => s.name).join(', ')}`);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const out = value('--out') ?? (quick ? undefined : 'BENCHMARKS.md');
  const json = value('--json') ?? (quick ? undefined : join('bench', 'results', `outbox-${stamp}.json`));
  return { config, ...(senders ? { senders } : {}), ...(out ? { out } : {}), ...(json ? { json } : {}) };
}

if (require.main === module) {
  runOutboxBench(parseOutboxArgs(process.argv.slice(2))).catch((e: Error) => {
    console.error(`bench outbox: ${e.message}`);
    process.exit(1);
  });
}
