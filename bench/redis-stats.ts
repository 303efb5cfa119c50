import type { Redis } from 'ioredis';

/**
 * Redis accounting for the benchmarks. Round trips are counted on the bot's own connection
 * (every command ioredis sends on its own is one request/response; a pipeline, written in one
 * go and answered in one go, is one); commands executed and bytes come from the server's INFO
 * (commandstats counts the commands a Lua script runs as well; net input/output are all bytes
 * over all connections).
 */

/** Counts the round trips a client makes, by command name (a pipeline counts as `pipeline`). */
export interface RoundTripCounter {
  total: number;
  byCommand: Map<string, number>;
}

/** Wraps `redis.sendCommand` to count round trips. Call once per client. */
export function countRoundTrips(redis: Redis): RoundTripCounter {
  const counter: RoundTripCounter = { total: 0, byCommand: new Map() };
  const original = redis.sendCommand.bind(redis);
  // ioredis sends each command of a pipeline through sendCommand with the pipeline's own stream.
  const pipelines = new WeakSet<object>();
  redis.sendCommand = ((command: { name: string }, stream?: { isPipeline?: boolean }) => {
    const pipeline = stream?.isPipeline === true;
    if (!pipeline || !pipelines.has(stream)) {
      if (pipeline) pipelines.add(stream);
      const name = pipeline ? 'pipeline' : command.name;
      counter.total++;
      counter.byCommand.set(name, (counter.byCommand.get(name) ?? 0) + 1);
    }
    return original(command as never, stream as never);
  }) as typeof redis.sendCommand;
  return counter;
}

/** What INFO said at one moment, with the size of its own reply (to take out of the next delta). */
export interface InfoSnapshot {
  netIn: number;
  netOut: number;
  /** `cmdstat_<name>` calls, without INFO itself. */
  commands: Map<string, number>;
  usedMemory: number;
  /** Bytes of this INFO reply on the wire (counted in the next snapshot's netOut). */
  replyBytes: number;
  /** The server's CPU time so far (used_cpu_user + used_cpu_sys), seconds. */
  cpuSeconds: number;
}

export async function infoSnapshot(client: Redis): Promise<InfoSnapshot> {
  const text = (await client.call('INFO', 'stats', 'commandstats', 'memory', 'cpu')) as string;
  const len = Buffer.byteLength(text);
  const commands = new Map<string, number>();
  let netIn = 0;
  let netOut = 0;
  let usedMemory = 0;
  let cpuSeconds = 0;
  for (const line of text.split('\r\n')) {
    if (line.startsWith('used_cpu_user:') || line.startsWith('used_cpu_sys:')) cpuSeconds += Number(line.slice(line.indexOf(':') + 1));
    if (line.startsWith('total_net_input_bytes:')) netIn = Number(line.slice(22));
    else if (line.startsWith('total_net_output_bytes:')) netOut = Number(line.slice(23));
    else if (line.startsWith('used_memory:')) usedMemory = Number(line.slice(12));
    else if (line.startsWith('cmdstat_')) {
      const m = /^cmdstat_([^:]+):calls=(\d+)/.exec(line);
      if (m && m[1] !== 'info') commands.set(m[1]!, Number(m[2]));
    }
  }
  return { netIn, netOut, commands, usedMemory, replyBytes: len + String(len).length + 5, cpuSeconds };
}

/** Differences between two snapshots, `infoIn` being the bytes of one INFO request (calibrated). */
export function infoDelta(a: InfoSnapshot, b: InfoSnapshot, infoIn: number): { bytesIn: number; bytesOut: number; commands: Map<string, number> } {
  const commands = new Map<string, number>();
  for (const [k, v] of b.commands) {
    const d = v - (a.commands.get(k) ?? 0);
    if (d > 0) commands.set(k, d);
  }
  return { bytesIn: b.netIn - a.netIn - infoIn, bytesOut: b.netOut - a.netOut - a.replyBytes, commands };
}

/**
 * Bytes one INFO request adds to the input counter (back-to-back snapshots). The smallest of a
 * few pairs: another client writing in between (a bot's background workers just started, loading
 * their scripts) only adds, and one such pair would make every later delta too small, even < 0.
 */
export async function calibrateInfo(client: Redis, pairs = 5): Promise<number> {
  let least = Infinity;
  for (let i = 0; i < pairs; i++) {
    const a = await infoSnapshot(client);
    const b = await infoSnapshot(client);
    least = Math.min(least, b.netIn - a.netIn);
  }
  return least;
}

/** Settled `used_memory` (lazy frees and client buffers done). */
export async function usedMemory(client: Redis): Promise<number> {
  await new Promise((r) => setTimeout(r, 200));
  return (await infoSnapshot(client)).usedMemory;
}

/**
 * Memory per key family: every key's MEMORY USAGE summed by pattern (ids replaced by `*`).
 * Only for small databases (one command per key).
 */
export async function memoryByPattern(client: Redis): Promise<Map<string, { keys: number; bytes: number }>> {
  const out = new Map<string, { keys: number; bytes: number }>();
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'COUNT', 1000);
    cursor = next;
    for (const key of keys) {
      const bytes = Number(await client.call('MEMORY', 'USAGE', key, 'SAMPLES', '0'));
      const pattern = key
        // (the person cell's hash tag is one of 16: one family, not sixteen)
        .replace(/\{p\d+\}/g, '{p*}')
        .replace(/:KP-[A-Z0-9-]+/g, ':<case>')
        .replace(/conv:\{p\*\}:[A-Za-z0-9_-]+/g, 'conv:{p*}:<id>')
        .replace(/seen:tg:\d+/, 'seen:tg:<update>')
        .replace(/flow:([a-z_]+):[A-Za-z0-9_-]+/, 'flow:$1:<rev>')
        .replace(/(bookings:\{o:[a-z0-9_]+\}:)\d{4}-\d{2}-\d{2}$/, '$1<date>')
        .replace(/(slot:\{o:[a-z0-9_]+\}:)[a-z0-9_]+@[0-9T:-]+$/, '$1<slot>')
        .replace(/\d{6,}/g, '<chat>')
        // BullMQ job hashes (and their locks) by queue: one family per queue, not one row per job.
        .replace(/(\{bull\}:[a-z]+:)(?!(?:wait|active|delayed|completed|failed|paused|prioritized|events|meta|id|marker|stalled-check|pc)$)[^:]+(:lock)?$/, '$1<job>$2')
        // Pseudonyms (chats, conversations) in limit, talk and reply keys.
        .replace(/(\{lim\}:(?:chat|group):)[A-Za-z0-9_-]{16,}/, '$1<chat>')
        .replace(/((?:reply|talk):\{p\*\}):[A-Za-z0-9_-]{8,}$/, '$1:<id>');
      const e = out.get(pattern) ?? { keys: 0, bytes: 0 };
      e.keys++;
      e.bytes += bytes;
      out.set(pattern, e);
    }
  } while (cursor !== '0');
  return out;
}
