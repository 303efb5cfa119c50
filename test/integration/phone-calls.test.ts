import { redisKeys } from '../../src/storage/keys';
import type { Redis } from 'ioredis';
import { OPEN_CALL_TTL_SECONDS, PhoneCallStore } from '../../src/caseworkers/phone-calls';
import { dropPrefix, testPrefix, testRedis } from '../helpers/redis';

describe('PhoneCallStore', () => {
  let redis: Redis;
  let prefix: string;
  let calls: PhoneCallStore;
  beforeEach(() => {
    redis = testRedis();
    prefix = testPrefix();
    calls = new PhoneCallStore(redis, prefix);
  });
  afterEach(async () => {
    await dropPrefix(redis, prefix);
    await redis.quit();
  });

  it('numbers each worker’s calls and keeps the newest open', async () => {
    expect(await calls.open('1')).toBeUndefined();
    expect(await calls.start('1')).toBe(1);
    expect(await calls.start('2')).toBe(1);
    expect(await calls.start('1')).toBe(2);
    expect(await calls.open('1')).toEqual({ n: 2 });
    expect(await redis.ttl(redisKeys(prefix).openCall('1'))).toBeGreaterThan(OPEN_CALL_TTL_SECONDS - 5);
  });

  it('notes the case of the open call, and never reopens or closes a call that is not the open one', async () => {
    const first = await calls.start('7');
    const second = await calls.start('7');
    expect(await calls.touch('7', first, 'KP-AAAA-BBBB')).toBe(false);
    expect(await calls.close('7', first)).toBe(false);
    expect(await calls.touch('7', second, 'KP-CCCC-DDDD')).toBe(true);
    expect(await calls.open('7')).toEqual({ n: second, caseCode: 'KP-CCCC-DDDD' });
    expect(await calls.close('7', second)).toBe(true);
    expect(await calls.open('7')).toBeUndefined();
    expect(await calls.touch('7', second)).toBe(false);
    expect(await calls.start('7')).toBe(3);
  });
});
