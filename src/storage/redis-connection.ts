import { Redis } from 'ioredis';
import { KorpuError } from '../core/errors';
import type { Logger } from '../core/logger';
import { hostPort } from './embedded-redis';
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
export const REDIS_CLIENT_OPTIONS = { enableAutoPipelining: true } as const;

export interface ConnectRedisOptions {
  logger?: Logger;
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
  const problem = url.startsWith('rediss:') ? undefined : await probeRedis(url, timeoutMs);
  if (problem) throw new RedisSetupError(`cannot reach Redis at ${hostPort(url)}: ${problem}`);
  const redis = new Redis(url, { ...REDIS_CLIENT_OPTIONS, lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 3 });
  let lastError = '';
  let started = false;
  let reported = false;
  redis.on('error', (e: Error) => {
    lastError = e.message;
    // After start-up: one line per outage, not one per reconnection attempt.
    if (started && !reported) o.logger?.warn({ err: { name: e.name, message: e.message }, redis: hostPort(url) }, 'redis connection error');
    reported = true;
  });
  redis.on('ready', () => (reported = false));
  try {
    await withTimeout(redis.connect().then(() => redis.ping()), timeoutMs);
  } catch (e) {
    redis.disconnect();
    throw new RedisSetupError(`cannot reach Redis at ${hostPort(url)}: ${lastError || (e as Error).message}`);
  }
  started = true;
  return redis;
}

/** What production requires of Redis (DESIGN.md, "Storage and processes"). */
const REQUIRED = { appendonly: 'yes', 'maxmemory-policy': 'noeviction' } as const;

/**
 * The production settings that are wrong, as readable sentences (empty when all is well).
 * Uses CONFIG GET, and INFO where a managed Redis has disabled CONFIG.
 * @throws RedisSetupError when neither CONFIG nor INFO may be used, so nothing can be checked
 */
export async function productionRedisProblems(redis: Pick<Redis, 'config' | 'info'>): Promise<string[]> {
  let actual: Record<keyof typeof REQUIRED, string | undefined>;
  try {
    const [aof, policy] = await Promise.all([redis.config('GET', 'appendonly'), redis.config('GET', 'maxmemory-policy')]);
    actual = { appendonly: (aof as string[])[1], 'maxmemory-policy': (policy as string[])[1] };
  } catch (configError) {
    try {
      const info = await redis.info();
      const field = (name: string) => new RegExp(`^${name}:(.*)$`, 'm').exec(info)?.[1]?.trim();
      const aof = field('aof_enabled');
      actual = { appendonly: aof === undefined ? undefined : aof === '1' ? 'yes' : 'no', 'maxmemory-policy': field('maxmemory_policy') };
    } catch {
      throw new RedisSetupError(
        `Redis does not allow CONFIG GET or INFO (${(configError as Error).message}), so Körpü cannot check that appendonly is yes and maxmemory-policy is noeviction, which production requires; allow CONFIG GET or INFO for Körpü's user`,
      );
    }
  }
  return (Object.keys(REQUIRED) as (keyof typeof REQUIRED)[])
    .filter((k) => actual[k] !== REQUIRED[k])
    .map((k) => `${k} is ${actual[k] ?? 'unknown'} but must be ${REQUIRED[k]}`);
}

/**
 * Refuses to run production on a Redis that may lose data: without the append-only file a
 * restart forgets recent intakes; with eviction Redis silently drops keys when memory is full.
 * @throws RedisSetupError with one line naming the settings and how to fix them
 */
export async function assertProductionRedis(redis: Pick<Redis, 'config' | 'info'>): Promise<void> {
  const problems = await productionRedisProblems(redis);
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
