import { scanKeys } from '../storage/redis-client';
import type { Redis } from 'ioredis';
import type { FieldCipher } from '../storage/field-cipher';

/** An encrypted value in stored text: `v1.<key id>.<body>`, or `v1.<body>` from before key ids. */
const SEALED = /v1\.(?:([0-9a-f]{8})\.)?[A-Za-z0-9_-]{38,}/g;
const SCAN_COUNT = 200;

/**
 * Counts the encrypted values still under another than the newest key, anywhere under
 * `prefix` (every key of every type, BullMQ's included), by the family of the key (its first
 * name after the prefix: `case`, `bull`, `effects`, …): the check that says whether the older
 * keys can be removed from DATA_KEYS. Looks at the stored text, not at what Körpü knows of it,
 * so it also finds values in places a rotation does not know. Counts only: no value leaves.
 *
 * @example
 *   const left = await oldValues(redis, 'korpu:', cipher); // { total: 0, byFamily: {} } when done
 */
export async function oldValues(redis: Redis, prefix: string, cipher: Pick<FieldCipher, 'currentKeyId'>): Promise<{ total: number; byFamily: Record<string, number> }> {
  const byFamily: Record<string, number> = {};
  let total = 0;
  await scanKeys(redis, `${prefix}*`, async (keys) => {
    for (const key of keys) {
      let n = 0;
      for (const text of await texts(redis, key)) {
        for (const m of text.matchAll(SEALED)) if (m[1] !== cipher.currentKeyId) n++;
      }
      if (n === 0) continue;
      const family = key.slice(prefix.length).split(':')[0] ?? '';
      byFamily[family] = (byFamily[family] ?? 0) + n;
      total += n;
    }
  }, { count: SCAN_COUNT });
  return { total, byFamily };
}

/** Every stored text of a key (names and values), whatever its type. */
async function texts(redis: Redis, key: string): Promise<string[]> {
  switch (await redis.type(key)) {
    case 'string':
      return [(await redis.get(key)) ?? ''];
    case 'hash':
      return Object.entries(await redis.hgetall(key)).flat();
    case 'list':
      return redis.lrange(key, 0, -1);
    case 'set':
      return redis.smembers(key);
    case 'zset':
      return redis.zrange(key, '0', '-1');
    case 'stream':
      return ((await redis.xrange(key, '-', '+')) as [string, string[]][]).flatMap(([, fields]) => fields);
    default:
      return [];
  }
}
