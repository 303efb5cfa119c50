import { randomBytes } from 'node:crypto';
import type { Redis, RedisOptions } from 'ioredis';
import { createRedisClient, listsClusterNodes, scanKeys } from '../../src/storage/redis-client';
import { ALL_PERSON_CELLS, type RedisKeys } from '../../src/storage/keys';

/** URL of the suite's own redis-server (started by global-setup.ts). */
export function testRedisUrl(): string {
  const url = process.env.KORPU_TEST_REDIS_URL;
  if (!url) throw new Error('KORPU_TEST_REDIS_URL is not set: run the tests through jest (global-setup starts redis-server)');
  if (/:6379\b/.test(url)) throw new Error('refusing to run tests against the Redis on 6379');
  return url;
}

/** A fresh key prefix, so tests never see each other's keys. */
export function testPrefix(): string {
  return `t${randomBytes(5).toString('hex')}:`;
}

/** Whether the suite runs on a Redis Cluster (`npm run test:cluster`). */
export function onCluster(): boolean {
  return listsClusterNodes(testRedisUrl());
}

/** A client on the test Redis (a cluster client under `npm run test:cluster`); close it with `await client.quit()`. */
export function testRedis(): Redis {
  return createRedisClient(testRedisUrl(), { maxRetriesPerRequest: 3 }, onCluster());
}

/** A client on the test Redis with `options` (BullMQ's connections: `maxRetriesPerRequest: null`). */
export function testRedisWith(options: RedisOptions): Redis {
  return createRedisClient(testRedisUrl(), options, onCluster());
}

/** Every key under `prefix` (on every master of a cluster). */
export async function keysUnder(client: Redis, prefix: string): Promise<string[]> {
  const all: string[] = [];
  await scanKeys(client, `${prefix}*`, async (keys) => void all.push(...keys));
  return all;
}

/** Deletes every key under `prefix`. */
export async function dropPrefix(client: Redis, prefix: string): Promise<void> {
  // One DEL per key: a cluster refuses a DEL over several slots.
  for (const key of await keysUnder(client, prefix)) await client.del(key);
}

/** Every key under `prefix` with its value(s) as text, for "is this readable?" assertions. */
export async function readablePrefix(client: Redis, prefix: string): Promise<string> {
  const parts: string[] = [];
  for (const key of await keysUnder(client, prefix)) {
    const type = await client.type(key);
    const value =
      type === 'hash' ? await client.hgetall(key)
      : type === 'list' ? await client.lrange(key, '0', '-1')
      : type === 'zset' ? await client.zrange(key, '0', '-1')
      : type === 'set' ? await client.smembers(key)
      : type === 'string' ? await client.get(key)
      : `<${type}>`;
    parts.push(`${key} ${JSON.stringify(value)}`);
  }
  return parts.join('\n');
}

/** Entries waiting in the effect streams of every person cell (performed ones are deleted). */
export async function effectsWaiting(client: Redis, keys: Pick<RedisKeys, 'effects'>): Promise<number> {
  const lengths = await Promise.all(ALL_PERSON_CELLS.map((cell) => client.xlen(keys.effects(cell))));
  return lengths.reduce((a, b) => a + b, 0);
}

/** Every entry of the effect streams (or of the dead-letter streams), cell after cell. */
export async function effectEntries(client: Redis, stream: (cell: number) => string): Promise<[string, string[]][]> {
  const all: [string, string[]][] = [];
  for (const cell of ALL_PERSON_CELLS) all.push(...((await client.xrange(stream(cell), '-', '+')) as [string, string[]][]));
  return all;
}

/** The effect stream holding entries (a test's one conversation writes to its cell's stream only). */
export async function busyEffectStream(client: Redis, keys: Pick<RedisKeys, 'effects'>): Promise<string> {
  for (const cell of ALL_PERSON_CELLS) if ((await client.xlen(keys.effects(cell))) > 0) return keys.effects(cell);
  throw new Error('no effect stream holds entries');
}
