import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

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

/** A client on the test Redis; close it with `await client.quit()`. */
export function testRedis(): Redis {
  return new Redis(testRedisUrl(), { maxRetriesPerRequest: 3 });
}

/** Deletes every key under `prefix`. */
export async function dropPrefix(client: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    if (keys.length) await client.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}

/** Every key under `prefix` with its value(s) as text, for "is this readable?" assertions. */
export async function readablePrefix(client: Redis, prefix: string): Promise<string> {
  const parts: string[] = [];
  for (const key of await client.keys(`${prefix}*`)) {
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
