/**
 * `npm run bench`: Körpü and the baselines on the same workload, on this machine, in one run;
 * results into BENCHMARKS.md (between its generated-section markers) and bench/results/*.json.
 *
 *   npm run bench                      # 3 runs, about 6 minutes on 2 cores
 *   npm run bench -- --runs 5          # more runs
 *   npm run bench -- --quick           # a few seconds: checks the harness works (CI smoke)
 *   npm run bench -- --out /tmp/B.md   # write the report elsewhere
 *   npm run bench -- --bots korpu,session --runs 1 --out /tmp/B.md   # some bots only
 *   npm run bench -- --render bench/results/<time>.json   # rewrite BENCHMARKS.md from saved results
 *   npm run bench -- --only outbox     # only the outbox against Telegram's limits (bench/outbox.ts)
 *   npm run bench -- --only reminders  # only the reminders: 20,000 due within 60 s (bench/reminders.ts)
 *
 * Processes: this one (orchestration, autocannon), a redis-server of its own on a free port,
 * the fake Bot API, and one worker per bot and run (bench/worker.ts) so that every bot starts
 * from a cold, equal process and its RSS is its own. See bench/README.md.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import autocannon from 'autocannon';
import { startRedisServer } from '../src/storage/redis-server-process';
import { BOT_NAMES, WEBHOOK_PATH, WEBHOOK_SECRET, type BotName } from './bots/types';
import { measureWindow, People, type Slot } from './drive';
import { parseOutboxArgs, runOutboxBench } from './outbox';
import { parseRemindersArgs, runRemindersBench } from './reminders';
import { collectEnvironment } from './environment';
import { startFakeBotApiProcess, webhookSender, WorkerProcess } from './processes';
import { FLAT_EARLY, FLAT_LATE, writeReport, type BenchResults, type HttpResult } from './report';
import { useUpdateIds } from './telegram-updates';
import { INTAKE_LENGTH, intakeScript, LONG_QUESTIONS, toUpdate } from './workload';
import type { AccountRow, Counters, FlatResult, MemoryResult, ThroughputResult } from './worker';

export interface BenchConfig {
  runs: number;
  people: number;
  inFlight: number;
  warmupMs: number;
  concurrentMs: number;
  sequentialMs: number;
  httpSeconds: number;
  /** People in the flat-cost phase (as many as steps: every round times every step once). */
  flatPeople: number;
  /** Rounds of the flat-cost phase (samples per step). */
  flatRounds: number;
  accountPeople: number;
  memoryIntakes: number;
  /** One worker process for every bot and phase (smoke runs: no time spent starting processes). */
  oneWorker: boolean;
}

/** The full benchmark: about 6 minutes on 2 cores (the issue allows 15). */
export const FULL: BenchConfig = {
  runs: 3,
  people: 100,
  inFlight: 50,
  warmupMs: 1500,
  concurrentMs: 5000,
  sequentialMs: 3000,
  httpSeconds: 5,
  flatPeople: LONG_QUESTIONS + 2,
  flatRounds: 20,
  accountPeople: 3,
  memoryIntakes: 300,
  oneWorker: false,
};

/** The smoke run: every phase, tiny amounts, no meaningful numbers. */
export const QUICK: BenchConfig = {
  runs: 1,
  people: 6,
  inFlight: 3,
  warmupMs: 50,
  concurrentMs: 200,
  sequentialMs: 150,
  httpSeconds: 0.3,
  flatPeople: 1,
  flatRounds: LONG_QUESTIONS + 2,
  accountPeople: 1,
  memoryIntakes: 6,
  oneWorker: true,
};

export interface BenchOptions {
  config: BenchConfig;
  /** Report file (BENCHMARKS.md); undefined: do not write one. */
  out?: string;
  /** Results JSON; undefined: do not write one. */
  json?: string;
  bots?: readonly BotName[];
  log?: (line: string) => void;
}

// Every phase has its own range of update ids, so that Körpü never takes an update of one
// phase for a redelivery of another's; people (chat ids) are per phase too, except that the
// sequential and HTTP phases go on with the concurrent phase's people.
const PHASE = { concurrent: 1, sequential: 2, http: 3, flat: 4, account: 5, memory: 6 } as const;
const updateIds = (phase: number, run: number) => 100_000_000 * phase + 10_000_000 * run;

/** Runs the benchmark and returns its results (also written to `out` / `json` when given). */
export async function runBench(o: BenchOptions): Promise<BenchResults> {
  const started = Date.now();
  const print = o.log ?? ((line: string) => console.log(line));
  const log = (line: string) => print(`[${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s] ${line}`);
  const cfg = o.config;
  const bots = o.bots ?? BOT_NAMES;
  const dir = mkdtempSync(join(tmpdir(), 'korpu-bench-redis-'));
  const redisServer = await startRedisServer({ dir, persist: false });
  const api = await startFakeBotApiProcess();
  const results: BenchResults = { environment: collectEnvironment(), config: cfg, runs: [], flat: [], account: [], memory: [], startedAt: new Date(started).toISOString(), seconds: 0 };
  // `init` stops the worker's previous bot, empties Redis, then builds the bot (bench/worker.ts).
  const init = (bot: BotName, workload: 'intake' | 'long') => ({ cmd: 'init' as const, bot, workload, redisUrl: redisServer.url, apiRoot: api.apiRoot });

  /** 1. Throughput and latency: in-process concurrent, sequential, then HTTP, same people. */
  const throughput = async (w: WorkerProcess, bot: BotName, run: number) => {
    await w.call(init(bot, 'intake'));
    const tp = { people: cfg.people, warmupMs: cfg.warmupMs, base: PHASE.concurrent };
    const concurrent = await w.call<ThroughputResult>({ cmd: 'throughput', ...tp, inFlight: cfg.inFlight, durationMs: cfg.concurrentMs, updateIds: updateIds(PHASE.concurrent, run) });
    const sequential = await w.call<ThroughputResult>({ cmd: 'throughput', ...tp, inFlight: 1, durationMs: cfg.sequentialMs, updateIds: updateIds(PHASE.sequential, run) });
    const { port } = await w.call<{ port: number }>({ cmd: 'listen' });
    const http = await httpPhase(port, cfg, updateIds(PHASE.http, run), sequential);
    await new Promise((r) => setTimeout(r, Math.min(300, cfg.warmupMs))); // let the updates autocannon abandoned at its end finish
    const counters = await w.call<Counters>({ cmd: 'counters' });
    results.runs.push({ bot, run, concurrent, sequential, http, counters });
    log(
      `run ${run} ${bot.padEnd(13)} in-process ${concurrent.updatesPerSecond.toFixed(0)} upd/s (p50 ${concurrent.p50.toFixed(1)} ms, p99 ${concurrent.p99.toFixed(1)} ms)` +
        ` · sequential ${sequential.updatesPerSecond.toFixed(0)} upd/s · HTTP ${http.updatesPerSecond.toFixed(0)} upd/s (p99 ${http.p99} ms) · intakes ${counters.completed}`,
    );
    if (counters.errors > 0 || http.non2xx > 0 || http.errors > 0) throw new Error(`${bot}: ${counters.errors} failed updates, ${http.non2xx} non-2xx answers, ${http.errors} HTTP errors`);
    if (counters.completed === 0) throw new Error(`${bot}: no intake reached its end: the script and the bot disagree`);
  };

  /** 2. Flat cost per step: the long test flow (Körpü and the conversations plugin only). */
  const flat = async (w: WorkerProcess, bot: BotName, run: number) => {
    if (bot !== 'korpu' && bot !== 'conversations') return;
    await w.call(init(bot, 'long'));
    const before = await w.call<Counters>({ cmd: 'counters' });
    const f = await w.call<FlatResult>({ cmd: 'flat', people: cfg.flatPeople, rounds: cfg.flatRounds, base: PHASE.flat, updateIds: updateIds(PHASE.flat, run) });
    const after = await w.call<Counters>({ cmd: 'counters' });
    if (after.errors > before.errors) throw new Error(`${bot} (long flow): ${after.errors - before.errors} failed updates`);
    results.flat.push({ bot, run, ...f });
    const ms = (step: number) => `${(f.medianByStep[step] ?? NaN).toFixed(2)} ms`;
    log(`flat ${run} ${bot.padEnd(13)} answer ${FLAT_EARLY}: ${ms(FLAT_EARLY)} · answer ${FLAT_LATE}: ${ms(FLAT_LATE)}`);
  };

  /** 3. Redis round trips, bytes and Bot API calls per update; 4. memory per finished intake. */
  const accounting = async (w: WorkerProcess, bot: BotName) => {
    await w.call(init(bot, 'intake'));
    const calls0 = await api.calls();
    const rows = await w.call<AccountRow[]>({ cmd: 'account', people: cfg.accountPeople, base: PHASE.account, updateIds: updateIds(PHASE.account, 0) });
    const calls1 = await api.calls();
    const apiCalls = Object.fromEntries(Object.entries(calls1).map(([k, v]) => [k, (v - (calls0[k] ?? 0)) / (cfg.accountPeople * INTAKE_LENGTH)]).filter(([, v]) => (v as number) > 0));
    await w.call(init(bot, 'intake'));
    const memory = await w.call<MemoryResult>({ cmd: 'memory', intakes: cfg.memoryIntakes, base: PHASE.memory, updateIds: updateIds(PHASE.memory, 0) });
    const counters = await w.call<Counters>({ cmd: 'counters' });
    if (counters.errors > 0) throw new Error(`${bot} (accounting): ${counters.errors} failed updates`);
    results.account.push({ bot, rows, apiCalls });
    results.memory.push({ bot, ...memory });
    const mean = (f: (r: AccountRow) => number) => (rows.reduce((n, r) => n + f(r), 0) / rows.length).toFixed(2);
    log(`redis ${bot.padEnd(13)} ${mean((r) => r.roundTrips)} round trips/update · ${mean((r) => r.bytesIn)} B written/update · ${memory.bytesPerIntake.toFixed(0)} B per finished intake`);
  };

  const inWorker = async (f: (w: WorkerProcess) => Promise<void>) => {
    const w = await WorkerProcess.start();
    log('worker started');
    try {
      await f(w);
    } finally {
      await w.stop();
    }
  };

  try {
    if (cfg.oneWorker) {
      // Smoke run: one process does every phase of every bot once (RSS figures mean nothing then).
      await inWorker(async (w) => {
        for (const bot of bots) {
          await throughput(w, bot, 1);
          await flat(w, bot, 1);
          await accounting(w, bot);
        }
      });
    } else {
      // A fresh process per bot and run; bots in a rotating order so that drift spreads over all.
      for (let run = 1; run <= cfg.runs; run++) {
        for (const bot of bots.map((_, i) => bots[(i + run - 1) % bots.length]!)) await inWorker((w) => throughput(w, bot, run));
      }
      const long = bots.filter((b) => b === 'korpu' || b === 'conversations');
      for (let run = 1; run <= cfg.runs; run++) for (const bot of long) await inWorker((w) => flat(w, bot, run));
      for (const bot of bots) await inWorker((w) => accounting(w, bot));
    }
  } finally {
    await api.stop();
    await redisServer.stop();
    rmSync(dir, { recursive: true, force: true });
  }

  results.seconds = (Date.now() - started) / 1000;
  if (o.json) {
    mkdirSync(resolve(o.json, '..'), { recursive: true });
    writeFileSync(o.json, JSON.stringify(results, null, 2));
  }
  if (o.out) writeReport(o.out, results);
  log(`done in ${results.seconds.toFixed(0)} s${o.out ? ` → ${o.out}` : ''}`);
  return results;
}

/**
 * The webhook route over HTTP. The same people as in-process (already spread over the script)
 * go on: a short keep-alive warm-up, then autocannon drives them: each connection is two people taking turns (100 people, 50
 * connections = 50 in flight), and with pipelining 1 a connection sends its next request only
 * after the previous answer, so every person's updates stay strictly in order.
 */
async function httpPhase(port: number, cfg: BenchConfig, firstUpdateId: number, from: ThroughputResult): Promise<HttpResult> {
  useUpdateIds(firstUpdateId);
  // The people the worker's in-process phases left mid-intake go on over HTTP.
  const people = new People({ base: PHASE.concurrent, scriptFor: intakeScript, from: from.started });
  const slots = from.positions.map((p) => people.resume(p));
  const warm = webhookSender(port, cfg.inFlight);
  try {
    await measureWindow(slots, people, warm.send, { inFlight: cfg.inFlight, warmupMs: cfg.warmupMs, durationMs: 0 });
  } finally {
    warm.close();
  }
  const connections = Math.max(1, Math.floor(cfg.people / 2));
  const pool = [...slots];
  let next = 0;
  type Ctx = { mine?: Slot[]; turn?: number };
  const setupRequest = (req: autocannon.Request, ctx: Ctx) => {
    // A connection's first request takes two of the people; should a connection ever go
    // through the whole request list (autocannon then resets its context), it takes two new
    // people, never someone another connection is talking for.
    ctx.mine ??= [pool[next++] ?? people.slot(), pool[next++] ?? people.slot()];
    ctx.turn = (ctx.turn ?? -1) + 1;
    const s = ctx.mine[ctx.turn % ctx.mine.length]!;
    const body = JSON.stringify(toUpdate(s.person, s.script[s.i]!));
    s.i++;
    if (s.i === s.script.length) people.renew(s);
    return { ...req, body };
  };
  const result = await autocannon({
    url: `http://127.0.0.1:${port}${WEBHOOK_PATH}`,
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': WEBHOOK_SECRET },
    connections: Math.min(connections, cfg.inFlight),
    pipelining: 1,
    duration: cfg.httpSeconds,
    timeout: 60,
    // Long enough that a connection rarely wraps around, and no longer: autocannon prepares the
    // list per connection on its own clock (100,000 entries stretched a 5 s run to 12 s).
    requests: Array.from({ length: 2000 }, () => ({ method: 'POST' as const, setupRequest: setupRequest as autocannon.Request['setupRequest'] })),
  });
  return {
    updatesPerSecond: result.requests.total / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    updates: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

function parseArgs(argv: string[]): BenchOptions {
  const has = (flag: string) => argv.includes(flag);
  const value = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const quick = has('--quick');
  const config = { ...(quick ? QUICK : FULL) };
  const runs = value('--runs');
  if (runs) config.runs = Math.max(1, Number(runs));
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const only = value('--bots')?.split(',');
  const unknown = only?.filter((b) => !(BOT_NAMES as readonly string[]).includes(b));
  if (unknown?.length) throw new Error(`unknown bot(s) ${unknown.join(', ')}; known: ${BOT_NAMES.join(', ')}`);
  return {
    ...(only ? { bots: only as BotName[] } : {}),
    config,
    out: value('--out') ?? (quick ? undefined : 'BENCHMARKS.md'),
    json: value('--json') ?? (quick ? undefined : join('bench', 'results', `${stamp}.json`)),
  };
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const saved = args.indexOf('--render');
  if (saved >= 0) {
    const file = args[saved + 1];
    if (!file) throw new Error('--render needs a results JSON file');
    const outAt = args.indexOf('--out');
    writeReport(outAt >= 0 ? args[outAt + 1]! : 'BENCHMARKS.md', JSON.parse(readFileSync(file, 'utf8')) as BenchResults);
    process.exit(0);
  }
  // `--only outbox` runs only bench/outbox.ts, `--only reminders` only bench/reminders.ts, `--only bots` only the part above; default all.
  const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
  if (only !== undefined && !['bots', 'outbox', 'reminders'].includes(only)) throw new Error(`--only ${only}: known parts are bots, outbox, reminders`);
  const want = (part: string) => only === undefined || only === part;
  (want('bots') ? runBench(parseArgs(args)).then(() => undefined) : Promise.resolve())
    .then(() => (want('outbox') ? runOutboxBench(parseOutboxArgs(args)).then(() => undefined) : undefined))
    .then(() => (want('reminders') ? runRemindersBench(parseRemindersArgs(args)).then(() => undefined) : undefined))
    .catch((e: Error) => {
      console.error(`bench: ${e.message}`);
      process.exit(1);
    });
}
