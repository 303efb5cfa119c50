import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { ConfigError } from '../../src/core/errors';
import { silentLogger } from '../../src/core/logger';
import { redisKeys } from '../../src/storage/keys';
import { PollingLease } from '../../src/storage/polling-lease';
import { connectRedis } from '../../src/storage/redis-connection';
import { freePort, startRedisServer } from '../../src/storage/redis-server-process';
import { dropPrefix, testPrefix, testRedis } from '../helpers/redis';

/**
 * One long-polling process per deployment, on the real test Redis: a second poller is refused
 * while the first lives, waits for a killed one's lease to lapse, and takes over at once from
 * one that stopped; a poller whose lease another process took is told to stop.
 */
describe('the long-polling lease', () => {
  let redis: Redis;
  let prefix: string;
  const logger = silentLogger();
  const held: PollingLease[] = [];
  const key = () => redisKeys(prefix).pollingLease();
  const take = async (o: { ttlMs?: number; waitMs?: number; onLost?: (e: Error) => void } = {}) => {
    const lease = await PollingLease.take(redis, key(), { logger, ...o });
    held.push(lease);
    return lease;
  };

  beforeEach(() => {
    redis = testRedis();
    prefix = testPrefix();
  });
  afterEach(async () => {
    for (const l of held.splice(0)) await l.release();
    await dropPrefix(redis, prefix);
    await redis.quit();
  });

  it('refuses a second poller while the first renews its lease, naming the holder', async () => {
    const first = await take({ ttlMs: 300 });
    // Three lifetimes of the lease: only renewal keeps it.
    await new Promise((r) => setTimeout(r, 900));
    const second = take({ ttlMs: 300, waitMs: 400 });
    await expect(second).rejects.toBeInstanceOf(ConfigError);
    await expect(second).rejects.toThrow(first.token);
    await expect(second).rejects.toThrow(/only one process may poll/);
  });

  it('lets the next poller in at once when the first stops, and after the lapse when it was killed', async () => {
    const first = await take();
    await first.release();
    const second = await take({ waitMs: 0 });
    expect(await redis.get(key())).toBe(second.token);
    await second.release();

    // A poller killed with SIGKILL: its lease stays until it lapses, and nobody renews it.
    await redis.set(key(), 'host:1:killed', 'PX', 400);
    const started = Date.now();
    const third = await take({ waitMs: 5_000 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(await redis.get(key())).toBe(third.token);
  });

  it('takes a lapsed lease again after an outage, and tells a poller whose lease another process took', async () => {
    const lost: Error[] = [];
    const first = await take({ ttlMs: 300, onLost: (e) => lost.push(e) });
    // Lapsed while Redis was out of reach: taken again by the same process.
    await redis.del(key());
    await new Promise((r) => setTimeout(r, 400));
    expect(await redis.get(key())).toBe(first.token);
    expect(lost).toEqual([]);
    // Taken by another process meanwhile: this one must stop polling.
    await redis.set(key(), 'host:2:other', 'PX', 60_000);
    await new Promise((r) => setTimeout(r, 400));
    expect(lost).toHaveLength(1);
    expect(lost[0]!.message).toContain('host:2:other');
    expect(await redis.get(key())).toBe('host:2:other');
  });

  it('keeps its lease through an outage longer than the lease lives: the renewals that waited for Redis do not take it from each other', async () => {
    // A redis-server of its own, stopped for real: the renewals of the outage wait in the
    // client's queue and reach Redis together when it is back. (A CI run of the Redis-gone
    // check saw the poller stop for good: one renewal took the lapsed lease again, the next
    // found it "taken by another process", which was itself.)
    const dir = mkdtempSync(join(tmpdir(), 'korpu-lease-'));
    let server = await startRedisServer({ dir, port: await freePort() });
    const own = await connectRedis(server.url);
    own.on('error', () => undefined);
    const lost: Error[] = [];
    const lease = await PollingLease.take(own, 'lease', { logger, ttlMs: 300, onLost: (e) => lost.push(e) });
    try {
      await server.stop();
      await new Promise((r) => setTimeout(r, 1_500));
      server = await startRedisServer({ dir, port: server.port });
      await new Promise<void>((r) => (own.status === 'ready' ? r() : own.once('ready', () => r())));
      // Several renewals' lifetimes after Redis is back.
      await new Promise((r) => setTimeout(r, 1_000));
      expect(lost.map((e) => e.message)).toEqual([]);
      expect(await own.get('lease')).toBe(lease.token);
    } finally {
      await lease.release();
      own.disconnect();
      await server.stop();
    }
  }, 20_000);
});
