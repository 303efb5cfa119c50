/**
 * CPU per update of one bot in-process, alone, for profiling: the throughput phase's load
 * (bench/worker.ts) on a Redis and fake Bot API of its own, in this process.
 *
 *   npx tsx bench/profile.ts --bot korpu --seconds 10
 *   node --cpu-prof --cpu-prof-dir /tmp/prof --import tsx bench/profile.ts --bot korpu --seconds 10
 *   npx tsx bench/cpu-profile-summary.ts /tmp/prof/<file>.cpuprofile
 *   npx tsx bench/profile.ts --bot korpu --seconds 10 --window-profile /tmp/window.cpuprofile
 *
 * `--window-profile <file>` profiles the measured window only (through node:inspector, started
 * when it opens and stopped when it closes): no start-up, module loading or warm-up in it, so
 * `cpu-profile-summary --per <updates>` gives µs per update of the window's own work.
 *
 * `--commands` prints the Redis commands the server executed in the window per update (from INFO
 * commandstats: a script's own commands are counted as well as the EVALSHA that ran it).
 *
 * Options: --bot (korpu), --people (100), --in-flight (50, 1 = sequential), --warmup-ms (3000),
 * --seconds (10). Prints updates per second and the process's CPU (user + system) per update;
 * under --cpu-prof that includes the profiler's own cost, so compare profiled runs with
 * profiled runs only.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { startRedisServer } from '../src/storage/redis-server-process';
import { infoDelta, infoSnapshot, type InfoSnapshot } from './redis-stats';
import { BOT_NAMES, createBenchBot, type BotName } from './bots';
import { measureWindow, People, stagger, type Send } from './drive';
import { startFakeBotApiProcess } from './processes';
import { useUpdateIds } from './telegram-updates';
import { intakeScript } from './workload';

export interface ProfileOptions {
  bot: BotName;
  people: number;
  inFlight: number;
  warmupMs: number;
  seconds: number;
  /** Where to write a profile of the measured window alone (see the header). */
  windowProfile?: string;
  /** Print the Redis commands the server executed in the window, per update (INFO commandstats). */
  commands?: boolean;
}

/** Starts the V8 profiler in this process; the returned function stops it and writes the profile. */
async function startWindowProfile(file: string): Promise<() => Promise<void>> {
  const { Session } = await import('node:inspector/promises');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 1000 });
  await session.post('Profiler.start');
  return async () => {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
  };
}

/** The measured window's updates per second and CPU µs per update. */
export async function profileBot(o: ProfileOptions): Promise<{ updates: number; handled: number; errors: number; completed: number; updatesPerSecond: number; cpuMicrosPerUpdate: number; cpuMicrosWithDrain: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'korpu-bench-profile-'));
  const redisServer = await startRedisServer({ dir, persist: false });
  const api = await startFakeBotApiProcess();
  const bench = await createBenchBot(o.bot, { redisUrl: redisServer.url, apiRoot: api.apiRoot, workload: 'intake' });
  try {
    let errors = 0;
    let handled = 0;
    const send: Send = async (update) => {
      await bench.bot.handleUpdate(update);
      handled++;
    };
    useUpdateIds(900_000_000);
    const people = new People({ base: 9, scriptFor: intakeScript });
    const slots = Array.from({ length: o.people }, () => people.slot());
    await stagger(slots, o.inFlight, send);
    let cpu0 = process.cpuUsage();
    let cpu = { user: 0, system: 0 };
    let profiling: Promise<() => Promise<void>> | undefined;
    const info = o.commands ? new Redis(redisServer.url) : undefined;
    let info0: Promise<InfoSnapshot> | undefined;
    let info1: Promise<InfoSnapshot> | undefined;
    const r = await measureWindow(slots, people, send, {
      inFlight: o.inFlight,
      warmupMs: o.warmupMs,
      durationMs: o.seconds * 1000,
      onOpen: () => {
        if (o.windowProfile) profiling = startWindowProfile(o.windowProfile);
        if (info) info0 = infoSnapshot(info);
        cpu0 = process.cpuUsage();
      },
      onClose: () => {
        cpu = process.cpuUsage(cpu0);
        if (info) info1 = infoSnapshot(info);
      },
    });
    if (info0 && info1) {
      const d = infoDelta(await info0, await info1, 0);
      const rows = [...d.commands].sort((a, b) => b[1] - a[1]);
      const total = rows.reduce((n, [, c]) => n + c, 0);
      console.log(`Redis commands executed in the window: ${(total / r.updates).toFixed(2)} per update`);
      for (const [name, calls] of rows) console.log(`  ${name.padEnd(22)} ${(calls / r.updates).toFixed(3)}`);
      console.log(`Redis server CPU in the window: ${(((await info1).cpuSeconds - (await info0).cpuSeconds) * 1e6 / r.updates).toFixed(0)} µs per update`);
    }
    info?.disconnect();
    if (profiling) await (await profiling)();
    // Work the bot left for after the window (Körpü: effects still waiting in the stream when
    // it closed) is part of what the window's updates cost: drained and counted separately. It
    // may include some left from the warm-up, so the figure with it is an upper bound.
    const drain0 = process.cpuUsage();
    await bench.settled?.();
    const drain = process.cpuUsage(drain0);
    errors = bench.errors();
    if (errors > 0) throw new Error(`${o.bot}: ${errors} failed updates`);
    if (bench.completed() === 0) throw new Error(`${o.bot}: no intake reached its end`);
    return { updates: r.updates, handled, errors, completed: bench.completed(), updatesPerSecond: r.updates / r.seconds, cpuMicrosPerUpdate: (cpu.user + cpu.system) / Math.max(1, r.updates), cpuMicrosWithDrain: (cpu.user + cpu.system + drain.user + drain.system) / Math.max(1, r.updates) };
  } finally {
    await bench.close();
    await api.stop();
    await redisServer.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function parseProfileArgs(argv: string[]): ProfileOptions {
  const value = (flag: string, fallback: number) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? Number(argv[i + 1]) : fallback;
  };
  const i = argv.indexOf('--bot');
  const bot = (i >= 0 ? argv[i + 1] : 'korpu') as BotName;
  if (!(BOT_NAMES as readonly string[]).includes(bot)) throw new Error(`unknown bot ${bot}; known: ${BOT_NAMES.join(', ')}`);
  return { bot, people: value('--people', 100), inFlight: value('--in-flight', 50), warmupMs: value('--warmup-ms', 3000), seconds: value('--seconds', 10), commands: argv.includes('--commands'), ...(argv.includes('--window-profile') ? { windowProfile: argv[argv.indexOf('--window-profile') + 1]! } : {}) };
}

if (require.main === module) {
  const o = parseProfileArgs(process.argv.slice(2));
  profileBot(o).then(
    (r) => {
      console.log(`${o.bot}: ${r.updates} updates, ${r.updatesPerSecond.toFixed(0)} upd/s, ${r.cpuMicrosPerUpdate.toFixed(0)} µs CPU per update (${o.inFlight} in flight), ${r.cpuMicrosWithDrain.toFixed(0)} µs with the effects it left performed after the window; ${r.handled} updates in all (cpu-profile-summary --per); ${r.completed} intakes completed, ${r.errors} errors`);
      // Exit through process.exit so that --cpu-prof writes its profile now, not after stray timers.
      process.exit(0);
    },
    (e: Error) => {
      console.error(`bench profile: ${e.message}`);
      process.exit(1);
    },
  );
}
