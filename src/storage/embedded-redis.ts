import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Redis } from 'ioredis';
import { KorpuError } from '../core/errors';
import { hasRedisServer, redisAnswers, startRedisServer, type RedisServerProcess } from './redis-server-process';

/** Where Körpü looks for a Redis when REDIS_URL is not set. */
export const LOCAL_REDIS_URL = 'redis://127.0.0.1:6379';

/**
 * The file in `DATA_DIR/redis` naming the port of the redis-server started on that folder, so
 * that the next process finds it rather than starting a second server on the same files.
 */
export const EMBEDDED_PORT_FILE = 'korpu-redis.port';

/** No Redis could be found or started; the message says how to get one. */
export class RedisUnavailableError extends KorpuError {
  override name = 'RedisUnavailableError';
}

/** The Redis Körpü will use. */
export interface RedisChoice {
  url: string;
  /** `env`: REDIS_URL; `local`: one already answering on the probe URL; `embedded`: started here. */
  source: 'env' | 'local' | 'embedded';
  /** The redis-server this process started (source `embedded`); stop it on exit. */
  server?: RedisServerProcess;
  /** Folder of the embedded server's append-only file. */
  dir?: string;
}

export interface ResolveRedisOptions {
  /** REDIS_URL; when set it is used as is, without probing. */
  redisUrl?: string;
  /** DATA_DIR; the embedded server keeps its data in `<dataDir>/redis`. */
  dataDir: string;
  /** Where to look for an already running Redis; injectable so tests never depend on 6379. */
  probeUrl?: string;
  /** The redis-server binary (default: `redis-server` from PATH). */
  bin?: string;
  /** Port for the embedded server (default: a free one). */
  port?: number;
  /**
   * Set when this process must use the Redis other processes use, naming it for the message
   * (`a ROLE=worker process`, `rotate-key`): then it never starts a redis-server of its own. Only
   * a process that is all of Körpü may: a web or worker process, or `npm run rotate-key`, that
   * started one (on a port of its own, on the same append-only file as the others' embedded
   * server) would work on another Redis: a deployment split in two, or a rotation of a copy.
   */
  sharedBy?: string;
}

/**
 * Finds the Redis to use, so that `npm start` works on a developer's machine with no setup:
 * REDIS_URL if set; else a Redis already answering on 127.0.0.1:6379; else a `redis-server`
 * from PATH started as a child with its append-only file under `DATA_DIR/redis` (stop it with
 * `choice.server.stop()` on exit).
 *
 * @example
 * const redis = await resolveRedis({ redisUrl: env.REDIS_URL, dataDir: env.DATA_DIR });
 * @throws RedisUnavailableError when none of the three is possible, naming how to get a Redis
 */
export async function resolveRedis(o: ResolveRedisOptions): Promise<RedisChoice> {
  if (o.redisUrl) return { url: o.redisUrl, source: 'env' };
  const probe = o.probeUrl ?? LOCAL_REDIS_URL;
  if (await redisAnswers(probe, 500)) return { url: probe, source: 'local' };
  const dir = join(resolve(o.dataDir), 'redis');
  // A redis-server already running on this folder (its Körpü was killed and it lives on, or
  // another process started it): used, never a second one on the same append-only file. Not
  // this process's to stop.
  const running = await embeddedRunningOn(dir);
  if (running) return { url: running, source: 'embedded', dir };
  if (o.sharedBy) {
    throw new RedisUnavailableError(
      `REDIS_URL is not set and nothing answers on ${hostPort(probe)}: ${o.sharedBy} does not start a Redis of its own, which would not be the one the rest of Körpü uses. ` +
        'Set REDIS_URL to the Redis of this deployment (Körpü logs which one it uses at start-up: "using Redis")',
    );
  }
  const bin = o.bin ?? 'redis-server';
  if (!hasRedisServer(bin)) {
    throw new RedisUnavailableError(
      `no Redis: REDIS_URL is not set, nothing answers on ${hostPort(probe)} and ${bin} is not installed. ` +
        'Install Redis (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis) or set REDIS_URL=redis://host:6379',
    );
  }
  try {
    const server = await startRedisServer({ dir, persist: true, bin, ...(o.port === undefined ? {} : { port: o.port }) });
    writeFileSync(join(dir, EMBEDDED_PORT_FILE), `${server.port}\n`);
    return { url: server.url, source: 'embedded', server, dir };
  } catch (e) {
    throw new RedisUnavailableError(`could not start ${bin} with its data in ${dir}: ${(e as Error).message}`, {}, { cause: e });
  }
}

/**
 * The URL of the redis-server running on `dir`, if the port its file names answers and that
 * Redis says its folder is `dir` (a port taken since by something else is not it).
 */
async function embeddedRunningOn(dir: string): Promise<string | undefined> {
  let port: number;
  try {
    port = Number(readFileSync(join(dir, EMBEDDED_PORT_FILE), 'utf8').trim());
  } catch {
    return undefined;
  }
  if (!Number.isInteger(port) || port <= 0 || port > 65535) return undefined;
  const url = `redis://127.0.0.1:${port}`;
  if (!(await redisAnswers(url, 500))) return undefined;
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const [, itsDir] = (await client.config('GET', 'dir')) as [string, string];
    return itsDir === dir ? url : undefined;
  } catch {
    return undefined;
  } finally {
    client.disconnect();
  }
}

/** `host:port` of a Redis URL, without credentials, for messages and logs. */
export function hostPort(url: string): string {
  // A cluster's nodes, comma-separated: each of them.
  if (url.includes(',')) return url.split(',').map((u) => hostPort(u.trim())).join(',');
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '6379'}`;
  } catch {
    return '(unparsable URL)';
  }
}
