import { Redis } from 'ioredis';
import { KorpuError } from '../core/errors';
import type { Logger } from '../core/logger';
import { hostPort } from './embedded-redis';
import { createRedisClient, listsClusterNodes } from './redis-client';
import { probeRedis } from './redis-server-process';

/** Redis cannot be reached, or is not set up as production needs; the message names the fix. */
export class RedisSetupError extends KorpuError {
  override name = 'RedisSetupError';
}

/**
 * Client options of Körpü's application connection (connectRedis; the benchmarks build theirs
 * with them too). Auto-pipelining sends the commands issued in one turn of the event loop
 * (the commits of several chats answered at once) in one socket write: under load, fewer
 * system calls and wake-ups of Redis per update, with the same replies in the same order.
 */
export const REDIS_CLIENT_OPTIONS = { enableAutoPipelining: true, retryStrategy: reconnectDelay } as const;

/** The longest wait between two reconnection attempts while Redis is gone (ms, before jitter). */
export const RECONNECT_DELAY_CAP_MS = 1000;

/**
 * Milliseconds before reconnection attempt `times` (1-based): 50 ms doubling up to
 * RECONNECT_DELAY_CAP_MS, plus up to 200 ms of jitter so several processes do not knock at
 * once. ioredis 6's default doubles up to 5 s, and it fails the commands waiting for a
 * connection only after every (maxRetriesPerRequest + 1)th failed attempt: late in a long outage
 * a person writing to a polling bot waited up to 25 s to be told to write again (RELIABILITY.md).
 * With the cap they are told within about 5 s, and the bot is back within a second of Redis.
 * A connection attempt to a refused port costs next to nothing, so one a second is cheap.
 */
export function reconnectDelay(times: number): number {
  return Math.min(2 ** (Math.max(1, times) - 1) * 50, RECONNECT_DELAY_CAP_MS) + Math.floor(Math.random() * 200);
}

export interface ConnectRedisOptions {
  logger?: Logger;
  /** A Redis Cluster: REDIS_CLUSTER=1 (a `url` listing several nodes is one anyway). */
  cluster?: boolean;
  /** How long to wait for the first connection before giving up. */
  timeoutMs?: number;
}

/**
 * Opens the application's Redis connection and waits until it answers, so a wrong REDIS_URL
 * stops start-up with one clear line instead of retrying forever. After that ioredis
 * reconnects on its own; connection errors are logged (without the URL's password).
 *
 * @example
 * const redis = await connectRedis(choice.url, { logger });
 * @throws RedisSetupError when the server does not answer PING within `timeoutMs`
 */
export async function connectRedis(url: string, o: ConnectRedisOptions = {}): Promise<Redis> {
  const timeoutMs = o.timeoutMs ?? 5000;
  // A raw probe first: an ioredis client that cannot connect leaves its connect timer running
  // after disconnect(), which would hold a short-lived process (a CLI, a test run) open.
  // (Plain TCP only: a TLS Redis, rediss://, is left to the client's own handshake.)
  // (A cluster: its first node answers for it; the client learns the others from it.)
  const first = url.split(',')[0]!.trim();
  const problem = first.startsWith('rediss:') ? undefined : await probeRedis(first, timeoutMs);
  if (problem) throw new RedisSetupError(`cannot reach Redis at ${hostPort(first)}: ${problem}`);
  const cluster = o.cluster === true || listsClusterNodes(url);
  const redis = createRedisClient(url, { ...REDIS_CLIENT_OPTIONS, lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 3 }, cluster);
  let lastError = '';
  let started = false;
  let reported = false;
  redis.on('error', (e: Error) => {
    lastError = e.message;
    // After start-up: one line per outage, not one per reconnection attempt.
    if (started && !reported) o.logger?.warn({ err: { name: e.name, message: e.message }, redis: hostPort(first) }, 'redis connection error');
    reported = true;
  });
  redis.on('ready', () => (reported = false));
  pipelineOnlyWhileConnected(redis);
  try {
    await withTimeout(redis.connect().then(() => redis.ping()), timeoutMs);
  } catch (e) {
    redis.disconnect();
    throw new RedisSetupError(`cannot reach Redis at ${hostPort(first)}: ${lastError || (e as Error).message}`);
  }
  started = true;
  return redis;
}

/**
 * Turns auto-pipelining off while the connection is down and on again when it is ready.
 * ioredis runs one auto-pipeline at a time per connection, and a batch in flight when the
 * connection dropped is resent only after it is back (no flush fails it): every command issued
 * meanwhile waited behind it, for the whole outage, and behind a batch waiting offline it waited
 * a whole reconnection cycle more (a person writing to a polling bot was told to write again
 * only once Redis was back). Outside a batch, a command waits in the offline queue and fails at
 * the next flush (maxRetriesPerRequest), within seconds.
 */
function pipelineOnlyWhileConnected(redis: Redis): void {
  const wanted = redis.options.enableAutoPipelining;
  if (!wanted) return;
  redis.on('close', () => (redis.options.enableAutoPipelining = false));
  redis.on('ready', () => (redis.options.enableAutoPipelining = wanted));
}

/** What production requires of Redis, and what it would rather have (DESIGN.md, "Storage and processes"). */
export interface ProductionRedisCheck {
  /** Settings that may lose data: production refuses to start on them. */
  problems: string[];
  /** Settings that are acceptable but weaker than recommended (logged as a warning). */
  notes: string[];
}

/**
 * Reads the settings that decide whether Redis can lose Körpü's data: `maxmemory-policy` (any
 * policy but noeviction drops keys when memory is full: conversations, bookings, queued
 * reminders) and persistence (`appendonly`, and `save`, the RDB snapshot points). Nothing on
 * disk — no append-only file and no save point — is a problem; snapshots alone are accepted
 * with a note (a crash loses the writes since the last snapshot). Uses CONFIG GET, and INFO
 * where a managed Redis has disabled CONFIG (INFO does not show the save points).
 * @throws RedisSetupError when neither CONFIG nor INFO may be used, so nothing can be checked
 */
export async function checkProductionRedis(redis: Pick<Redis, 'config' | 'info'>): Promise<ProductionRedisCheck> {
  let aof: string | undefined;
  let policy: string | undefined;
  /** The save points (`3600 1 300 100`), `''` when there are none, undefined when they cannot be read. */
  let save: string | undefined;
  try {
    const [a, p, sv] = await Promise.all([redis.config('GET', 'appendonly'), redis.config('GET', 'maxmemory-policy'), redis.config('GET', 'save')]);
    [aof, policy, save] = [(a as string[])[1], (p as string[])[1], ((sv as string[])[1] ?? '').trim()];
  } catch (configError) {
    try {
      const info = await redis.info();
      const field = (name: string) => new RegExp(`^${name}:(.*)$`, 'm').exec(info)?.[1]?.trim();
      const enabled = field('aof_enabled');
      aof = enabled === undefined ? undefined : enabled === '1' ? 'yes' : 'no';
      policy = field('maxmemory_policy');
    } catch {
      throw new RedisSetupError(
        `Redis does not allow CONFIG GET or INFO (${(configError as Error).message}), so Körpü cannot check that it keeps its data on disk and never evicts keys (maxmemory-policy noeviction), which production requires; allow CONFIG GET or INFO for Körpü's user`,
      );
    }
  }
  const problems: string[] = [];
  const notes: string[] = [];
  if (policy !== 'noeviction') problems.push(`maxmemory-policy is ${policy ?? 'unknown'} but must be noeviction`);
  if (aof !== 'yes') {
    if (save === '') problems.push(`nothing is kept on disk: appendonly is ${aof ?? 'unknown'} and there are no save points`);
    else if (save === undefined) problems.push(`appendonly is ${aof ?? 'unknown'} and the save points cannot be read (CONFIG GET is not allowed)`);
    else notes.push(`Redis keeps RDB snapshots only (save ${save}): a crash loses the writes since the last snapshot; appendonly yes is recommended`);
  }
  return { problems, notes };
}

/** The production settings that are wrong, as readable sentences (empty when all is well); see {@link checkProductionRedis}. */
export async function productionRedisProblems(redis: Pick<Redis, 'config' | 'info'>): Promise<string[]> {
  return (await checkProductionRedis(redis)).problems;
}

/**
 * Refuses to run production on a Redis that may lose data: one that evicts keys when memory is
 * full, or keeps nothing on disk (a restart forgets every intake). Snapshots without the
 * append-only file are accepted with a warning.
 * @throws RedisSetupError with one line naming the settings and how to fix them
 */
export async function assertProductionRedis(redis: Pick<Redis, 'config' | 'info'>, logger?: Logger): Promise<void> {
  const { problems, notes } = await checkProductionRedis(redis);
  for (const note of notes) logger?.warn(note);
  if (problems.length === 0) return;
  throw new RedisSetupError(
    `production needs a durable Redis: ${problems.join('; ')} (redis.conf: "appendonly yes" and "maxmemory-policy noeviction", or start redis-server with --appendonly yes --maxmemory-policy noeviction)`,
  );
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<never>((_, rej) => {
      timer = setTimeout(() => rej(new Error(`no answer within ${ms} ms`)), ms);
    }),
  ]);
}
