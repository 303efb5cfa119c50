import type { Redis } from 'ioredis';
import { seededIds } from '../../src/core/clock';
import { silentLogger } from '../../src/core/logger';
import { KEY_LAYOUT, migrateKeyLayout } from '../../src/storage/key-layout';
import { personCell, redisKeys } from '../../src/storage/keys';
import { RedisConversationStore } from '../../src/storage/redis-conversation-store';
import { dropPrefix, onCluster, testPrefix, testRedis } from '../helpers/redis';

describe('the hash-tagged key layout', () => {
  let redis: Redis;
  let prefix: string;
  beforeAll(() => void (redis = testRedis()));
  beforeEach(() => void (prefix = testPrefix()));
  afterEach(async () => dropPrefix(redis, prefix));
  afterAll(async () => void (await redis.quit()));

  // (one Redis: a cluster never held keys of the untagged layout, and RENAME cannot change a key's slot)
  (onCluster() ? it.skip : it)('moves a deployment\'s untagged keys once, values and stream groups with them', async () => {
    const keys = redisKeys(prefix);
    const code = 'KP-7G4Q-M2XD';
    await redis.set(`${prefix}conv:abc`, '3 tg:1\n{}');
    await redis.hset(`${prefix}case:${code}`, 'status', 'open');
    await redis.rpush(`${prefix}case:${code}:diagnoses`, '{"eligible":true}');
    await redis.sadd(`${prefix}slot:baku@2026-12-07T10:00`, code);
    await redis.xadd(`${prefix}effects`, '*', 'id', 'u1:0', 'e', '{}');
    await redis.xgroup('CREATE', `${prefix}effects`, 'handlers', '0');
    await redis.xreadgroup('GROUP', 'handlers', 'dead-process', 'COUNT', 1, 'STREAMS', `${prefix}effects`, '>');
    await redis.set(`${prefix}flow:intake:r1`, '{}');

    expect(await migrateKeyLayout(redis, keys, silentLogger())).toBe(5);
    expect(await redis.get(keys.conversation('abc'))).toBe('3 tg:1\n{}');
    expect(await redis.hget(keys.case(code), 'status')).toBe('open');
    expect(await redis.lrange(keys.diagnoses(code), 0, -1)).toEqual(['{"eligible":true}']);
    expect(await redis.sismember(keys.slot('baku@2026-12-07T10:00'), code)).toBe(1);
    // The pending entry a dead process held is still pending, under the new name: it will be claimed.
    expect(((await redis.xpending(keys.effects(0), 'handlers')) as [number])[0]).toBe(1);
    expect(await redis.get(`${prefix}flow:intake:r1`)).toBe('{}');
    expect(await redis.exists(`${prefix}conv:abc`, `${prefix}case:${code}`, `${prefix}effects`)).toBe(0);
    expect(await redis.get(keys.keyLayout())).toBe(KEY_LAYOUT);

    // Done once: a key written under an old name afterwards (by a process of the old release) is not looked for again.
    await redis.set(`${prefix}conv:late`, 'x');
    expect(await migrateKeyLayout(redis, keys)).toBe(0);
  });

  (onCluster() ? it : it.skip)('on a cluster, only marks the layout as done', async () => {
    const keys = redisKeys(prefix);
    expect(await migrateKeyLayout(redis, keys)).toBe(0);
    expect(await redis.get(keys.keyLayout())).toBe(KEY_LAYOUT);
  });

  it('draws a new case\'s code in its conversation\'s person cell', () => {
    const store = new RedisConversationStore(redis, redisKeys(prefix));
    for (const conversation of ['a', 'bb', 'c3', 'Zq_9', 'x-y-z']) {
      const ids = store.idsFor(conversation, seededIds(7));
      for (let i = 0; i < 5; i++) expect(personCell(ids.caseCode())).toBe(personCell(conversation));
    }
  });
});
