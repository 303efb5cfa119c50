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

  it('numbers each worker’s calls, and opens none while one is open', async () => {
    expect(await calls.open('1')).toBeUndefined();
    expect(await calls.start('1')).toEqual({ started: true, n: 1 });
    expect(await calls.start('2')).toEqual({ started: true, n: 1 });
    // Call 1 is open: it stays so, and the number is not used up.
    expect(await calls.start('1')).toEqual({ started: false, open: { n: 1 } });
    expect(await calls.touch('1', 1, 'KP-AAAA-BBBB')).toBe(true);
    expect(await calls.start('1')).toEqual({ started: false, open: { n: 1, caseCode: 'KP-AAAA-BBBB' } });
    expect(await calls.open('1')).toEqual({ n: 1, caseCode: 'KP-AAAA-BBBB' });
    expect(await calls.close('1', 1)).toBe(true);
    expect(await calls.start('1')).toEqual({ started: true, n: 2 });
    expect(await calls.open('1')).toEqual({ n: 2 });
    expect(await redis.ttl(redisKeys(prefix).openCall('1'))).toBeGreaterThan(OPEN_CALL_TTL_SECONDS - 5);
  });

  it('notes the case of the open call, and never reopens or closes a call that is not the open one', async () => {
    await calls.start('7');
    expect(await calls.close('7', 1)).toBe(true);
    await calls.start('7');
    expect(await calls.touch('7', 1, 'KP-AAAA-BBBB')).toBe(false);
    expect(await calls.close('7', 1)).toBe(false);
    expect(await calls.touch('7', 2, 'KP-CCCC-DDDD')).toBe(true);
    expect(await calls.open('7')).toEqual({ n: 2, caseCode: 'KP-CCCC-DDDD' });
    expect(await calls.close('7', 2)).toBe(true);
    expect(await calls.open('7')).toBeUndefined();
    expect(await calls.touch('7', 2)).toBe(false);
    expect(await calls.start('7')).toEqual({ started: true, n: 3 });
  });
});
