/**
 * One bot under test in its own process, driven by bench/run.ts over IPC. Each task answers
 * with numbers, never with raw samples. Tasks:
 *   init        build the bot (intake or long workload) on the bench Redis and fake Bot API
 *               (the previous bot is stopped first, then Redis emptied)
 *   throughput  in-process load: bot.handleUpdate, 100 people, ≤ N in flight, warm-up + window
 *   listen      serve the bot's webhook route on a free port (the parent runs autocannon)
 *   counters    errors, finished intakes, updates handled in-process and Redis round trips so far
 *   flat        time per update by step of the long script (sequential, people staggered)
 *   account     Redis bytes, round trips and commands per update, by step (INFO around each)
 *   memory      Redis used_memory per finished intake, by key family
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Redis } from 'ioredis';
import { createBenchBot, type BenchBot, type BotName, type Workload } from './bots';
import { measureWindow, median, People, percentile, runIntakes, stagger, type Position, type Send, type Slot } from './drive';
import { calibrateInfo, countRoundTrips, infoDelta, infoSnapshot, memoryByPattern, usedMemory, type RoundTripCounter } from './redis-stats';
import { useUpdateIds } from './telegram-updates';
import { intakeScript, longScript, toUpdate } from './workload';

export type WorkerTask =
  | { cmd: 'init'; bot: BotName; workload: Workload; redisUrl: string; apiRoot: string }
  | { cmd: 'throughput'; people: number; inFlight: number; warmupMs: number; durationMs: number; base: number; updateIds: number }
  | { cmd: 'listen' }
  | { cmd: 'counters' }
  | { cmd: 'flat'; people: number; rounds: number; base: number; updateIds: number }
  | { cmd: 'account'; people: number; base: number; updateIds: number }
  | { cmd: 'memory'; intakes: number; base: number; updateIds: number }
  | { cmd: 'close' };

export interface ThroughputResult {
  /** Where the people are when the window closed (the next phase continues with them). */
  positions: Position[];
  /** People of this base started so far. */
  started: number;
  updatesPerSecond: number;
  p50: number;
  p99: number;
  updates: number;
  rssPeakMb: number;
  rssMedianMb: number;
  /** CPU time (user + system) of the worker process per update in the window, in µs. */
  cpuMicrosPerUpdate: number;
  /**
   * The same, plus the CPU of the work the bot left for after the window, done before the
   * next phase starts (Körpü: the effects still in the stream; the others leave none). An
   * upper bound: it may include some left from the warm-up.
   */
  cpuWithDrainMicrosPerUpdate?: number;
}

export interface Counters {
  errors: number;
  completed: number;
  handled: number;
  roundTrips: number;
}

export interface FlatResult {
  /** Median ms per script index (0 = /start, k = answer k). */
  medianByStep: number[];
  /** Bytes of the saved conversation state after each step (one person). */
  stateBytesByStep: number[];
}

export interface AccountRow {
  step: number;
  kind: string;
  bytesIn: number;
  bytesOut: number;
  roundTrips: number;
  commands: Record<string, number>;
  stateBytes: number;
}

export interface MemoryResult {
  intakes: number;
  bytesPerIntake: number;
  byPattern: { pattern: string; keys: number; bytesPerIntake: number }[];
}

let bench: BenchBot | undefined;
let trips: RoundTripCounter | undefined;
let stats: Redis | undefined;
let server: Server | undefined;
let handled = 0;
/** The people under load: made and spread over the script once, then kept busy by every phase. */
let load: { people: People; slots: Slot[] } | undefined;

function current(): BenchBot {
  if (!bench) throw new Error('worker: init first');
  return bench;
}

const send: Send = async (update) => {
  await current().bot.handleUpdate(update);
  handled++;
};

async function init(t: Extract<WorkerTask, { cmd: 'init' }>): Promise<void> {
  stats ??= new Redis(t.redisUrl);
  // Every bot starts on an emptied Redis. The previous bot finishes its background work when it
  // stops (Körpü performs the effects in hand, which may enqueue outbox notices sealed with its
  // own data key): Redis is emptied once it has stopped, so that nothing of it reaches the next
  // bot (which could not read it) and no job of its loses its keys under it.
  if (bench) await bench.close();
  await stats.flushall();
  load = undefined;
  bench = await createBenchBot(t.bot, { redisUrl: t.redisUrl, apiRoot: t.apiRoot, workload: t.workload });
  trips = countRoundTrips(bench.redis);
}

/**
 * The first call makes the people and spreads them over the script (unmeasured); later calls
 * (sequential after concurrent) go on with the same people where they are.
 */
async function throughput(t: Extract<WorkerTask, { cmd: 'throughput' }>): Promise<ThroughputResult> {
  useUpdateIds(t.updateIds);
  if (!load) {
    const people = new People({ base: t.base, scriptFor: intakeScript });
    load = { people, slots: Array.from({ length: t.people }, () => people.slot()) };
    await stagger(load.slots, t.inFlight, send);
  }
  const { people, slots } = load;
  const rss: number[] = [];
  let timer: NodeJS.Timeout | undefined;
  let cpu0 = process.cpuUsage();
  let cpu = { user: 0, system: 0 };
  const r = await measureWindow(slots, people, send, {
    inFlight: t.inFlight,
    warmupMs: t.warmupMs,
    durationMs: t.durationMs,
    onOpen: () => {
      cpu0 = process.cpuUsage();
      timer = setInterval(() => rss.push(process.memoryUsage().rss), 50);
    },
    onClose: () => {
      cpu = process.cpuUsage(cpu0);
      clearInterval(timer);
    },
  });
  // The next phase starts with nothing left over, and that work is counted for this window.
  const drain0 = process.cpuUsage();
  await bench?.settled?.();
  const drain = process.cpuUsage(drain0);
  const mb = (b: number) => b / 1024 / 1024;
  return {
    positions: slots.map((x) => ({ n: x.n, i: x.i })),
    started: people.started,
    updatesPerSecond: r.updates / r.seconds,
    p50: percentile(r.latencies, 50),
    p99: percentile(r.latencies, 99),
    updates: r.updates,
    rssPeakMb: mb(Math.max(...rss, process.memoryUsage().rss)),
    rssMedianMb: mb(rss.length ? median(rss) : process.memoryUsage().rss),
    cpuMicrosPerUpdate: (cpu.user + cpu.system) / Math.max(1, r.updates),
    cpuWithDrainMicrosPerUpdate: (cpu.user + cpu.system + drain.user + drain.system) / Math.max(1, r.updates),
  };
}

async function stopServer(): Promise<void> {
  if (!server) return;
  const s = server;
  server = undefined;
  s.closeAllConnections();
  await new Promise<void>((r) => s.close(() => r()));
}

async function listen(): Promise<{ port: number }> {
  await stopServer();
  const app = current().app;
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  server.keepAliveTimeout = 60_000;
  return { port: (server.address() as AddressInfo).port };
}

function counters(): Counters {
  const b = current();
  return { errors: b.errors(), completed: b.completed(), handled, roundTrips: trips?.total ?? 0 };
}

/**
 * Time per update by step, with every step timed at the same moments of the run: person k is
 * first brought to step k·L/people (unmeasured; also the warm-up), then each round every person
 * answers once, in turn, and whoever finishes is replaced by a newcomer at step 0. With as many
 * people as steps, every round times every step once, so drift over the run (JIT, GC, other
 * tenants of a shared machine) weighs on all steps alike instead of on the late ones.
 */
async function flat(t: Extract<WorkerTask, { cmd: 'flat' }>): Promise<FlatResult> {
  useUpdateIds(t.updateIds);
  const people = new People({ base: t.base, scriptFor: () => longScript() });
  const length = longScript().length;
  const slots = Array.from({ length: t.people }, () => people.slot());
  await stagger(slots, 1, send);
  const samples: number[][] = Array.from({ length }, () => []);
  const stateBytesByStep: number[] = [];
  for (let round = 0; round < t.rounds; round++) {
    for (const slot of slots) {
      const step = slot.i;
      const update = toUpdate(slot.person, slot.script[step]!);
      const t0 = performance.now();
      await send(update);
      samples[step]!.push(performance.now() - t0);
      stateBytesByStep[step] = await current().stateBytes(slot.person.id);
      slot.i++;
      if (slot.i === length) people.renew(slot);
    }
  }
  return { medianByStep: samples.map((s) => median(s)), stateBytesByStep };
}

async function account(t: Extract<WorkerTask, { cmd: 'account' }>): Promise<AccountRow[]> {
  useUpdateIds(t.updateIds);
  const client = stats!;
  const infoIn = await calibrateInfo(client);
  const people = new People({ base: t.base, scriptFor: intakeScript });
  const rows: AccountRow[][] = [];
  for (let n = 0; n < t.people; n++) {
    const s = people.slot();
    for (let step = 0; step < s.script.length; step++) {
      const answer = s.script[step]!;
      const trips0 = trips!.total;
      const a = await infoSnapshot(client);
      await send(toUpdate(s.person, answer));
      const b = await infoSnapshot(client);
      const d = infoDelta(a, b, infoIn);
      (rows[step] ??= []).push({
        step,
        kind: answer.kind,
        bytesIn: d.bytesIn,
        bytesOut: d.bytesOut,
        roundTrips: trips!.total - trips0,
        commands: Object.fromEntries(d.commands),
        stateBytes: await current().stateBytes(s.person.id),
      });
    }
  }
  // Every person gives the same numbers but for encrypted lengths and ids; keep the median person.
  return rows.map((r) => {
    const pick = [...r].sort((x, y) => x.bytesIn - y.bytesIn)[Math.floor(r.length / 2)]!;
    return pick;
  });
}

async function memory(t: Extract<WorkerTask, { cmd: 'memory' }>): Promise<MemoryResult> {
  useUpdateIds(t.updateIds);
  const client = stats!;
  // Work a bot does after an update (Körpü's effects) is done before each reading: the earlier
  // phases' work would otherwise shrink the figure, this phase's be left out of it.
  await current().settled?.();
  const keysBefore = await memoryByPattern(client);
  const before = await usedMemory(client);
  const people = new People({ base: t.base, scriptFor: intakeScript });
  await runIntakes(people, t.intakes, 50, 100, send);
  await current().settled?.();
  const after = await usedMemory(client);
  const keysAfter = await memoryByPattern(client);
  const byPattern = [...keysAfter]
    .map(([pattern, e]) => {
      const b = keysBefore.get(pattern);
      return { pattern, keys: e.keys - (b?.keys ?? 0), bytesPerIntake: (e.bytes - (b?.bytes ?? 0)) / t.intakes };
    })
    .filter((e) => e.keys > 0 || e.bytesPerIntake > 0)
    .sort((x, y) => y.bytesPerIntake - x.bytesPerIntake);
  return { intakes: t.intakes, bytesPerIntake: (after - before) / t.intakes, byPattern };
}

async function close(): Promise<void> {
  await stopServer();
  await bench?.close();
  stats?.disconnect();
}

async function perform(t: WorkerTask): Promise<unknown> {
  switch (t.cmd) {
    case 'init':
      return init(t);
    case 'throughput':
      return throughput(t);
    case 'listen':
      return listen();
    case 'counters':
      return counters();
    case 'flat':
      return flat(t);
    case 'account':
      return account(t);
    case 'memory':
      return memory(t);
    case 'close':
      return close();
  }
}

if (require.main === module) {
  process.on('message', (m: { id: number; task: WorkerTask }) => {
    perform(m.task).then(
      (result) => process.send!({ id: m.id, ok: true, result }),
      (e: Error) => process.send!({ id: m.id, ok: false, error: `${e.name}: ${e.message}\n${e.stack ?? ''}` }),
    );
  });
  process.on('disconnect', () => process.exit(0));
  process.send!({ ready: true });
}
