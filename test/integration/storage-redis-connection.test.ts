import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { assertProductionRedis, checkProductionRedis, connectRedis, productionRedisProblems, RECONNECT_DELAY_CAP_MS, RedisSetupError } from '../../src/storage/redis-connection';
import { freePort, startRedisServer } from '../../src/storage/redis-server-process';
import { testRedisUrl } from '../helpers/redis';

/** A client whose CONFIG command is refused, as on managed Redis services. */
function withoutConfig(redis: Redis, alsoInfo = false): Pick<Redis, 'config' | 'info'> {
  const refuse = async () => {
    throw new Error("ERR unknown command 'CONFIG'");
  };
  return { config: refuse as never, info: alsoInfo ? (refuse as never) : (redis.info.bind(redis) as Redis['info']) };
}

describe('Redis connection and production checks', () => {
  it('connects and answers', async () => {
    const redis = await connectRedis(testRedisUrl());
    try {
      expect(await redis.ping()).toBe('PONG');
    } finally {
      await redis.quit();
    }
  });

  it('fails fast, with one line naming host and port but not the password, when nothing answers', async () => {
    const port = await freePort();
    const attempt = connectRedis(`redis://:s3cret@127.0.0.1:${port}`, { timeoutMs: 1000 });
    await expect(attempt).rejects.toThrow(RedisSetupError);
    await expect(attempt).rejects.toThrow(`cannot reach Redis at 127.0.0.1:${port}`);
    await attempt.catch((e: Error) => expect(e.message).not.toContain('s3cret'));
  });

  it('refuses a Redis that keeps nothing on disk (the test Redis runs without the append-only file or save points)', async () => {
    const redis = await connectRedis(testRedisUrl());
    try {
      expect(await productionRedisProblems(redis)).toEqual(['nothing is kept on disk: appendonly is no and there are no save points']);
      await expect(assertProductionRedis(redis)).rejects.toThrow(/^production needs a durable Redis: nothing is kept on disk: appendonly is no and there are no save points \(redis.conf: "appendonly yes"/);
      // Through INFO when CONFIG is disabled: the save points cannot be read, so it is refused too.
      expect(await productionRedisProblems(withoutConfig(redis))).toEqual(['appendonly is no and the save points cannot be read (CONFIG GET is not allowed)']);
      await expect(productionRedisProblems(withoutConfig(redis, true))).rejects.toThrow(/does not allow CONFIG GET or INFO .*cannot check that it keeps its data on disk and never evicts keys/);
    } finally {
      await redis.quit();
    }
  });

  it('accepts RDB snapshots without the append-only file, with a warning; refuses eviction and no persistence together, in one line', async () => {
    const server = await startRedisServer({ dir: mkdtempSync(join(tmpdir(), 'korpu-prod-redis-')), persist: false });
    const redis = await connectRedis(server.url);
    const warned: string[] = [];
    const logger = { warn: (m: string) => void warned.push(m) } as never;
    try {
      await redis.config('SET', 'save', '3600 1 300 100');
      expect(await checkProductionRedis(redis)).toEqual({ problems: [], notes: ['Redis keeps RDB snapshots only (save 3600 1 300 100): a crash loses the writes since the last snapshot; appendonly yes is recommended'] });
      await expect(assertProductionRedis(redis, logger)).resolves.toBeUndefined();
      expect(warned).toHaveLength(1);
      await redis.config('SET', 'save', '');
      await redis.config('SET', 'maxmemory-policy', 'volatile-lru');
      const refused = await assertProductionRedis(redis).catch((e: Error) => e);
      expect(refused).toBeInstanceOf(RedisSetupError);
      expect((refused as Error).message.split('\n')).toHaveLength(1);
      expect((refused as Error).message).toMatch(/^production needs a durable Redis: maxmemory-policy is volatile-lru but must be noeviction; nothing is kept on disk: appendonly is no and there are no save points \(/);
    } finally {
      await redis.quit();
      await server.stop();
    }
  }, 30_000);

  it('accepts a Redis with appendonly yes and noeviction, and notices eviction', async () => {
    const server = await startRedisServer({ dir: mkdtempSync(join(tmpdir(), 'korpu-prod-redis-')), persist: true });
    const redis = await connectRedis(server.url);
    try {
      await expect(assertProductionRedis(redis)).resolves.toBeUndefined();
      expect(await productionRedisProblems(withoutConfig(redis))).toEqual([]);
      await redis.config('SET', 'maxmemory-policy', 'allkeys-lru');
      expect(await productionRedisProblems(redis)).toEqual(['maxmemory-policy is allkeys-lru but must be noeviction']);
      expect(await productionRedisProblems(withoutConfig(redis))).toEqual(['maxmemory-policy is allkeys-lru but must be noeviction']);
    } finally {
      await redis.quit();
      await server.stop();
    }
  }, 30_000);

  /**
   * Körpü's connection to a redis-server of the test's own, stopped for real: `during` runs
   * while it is gone (with every reconnection delay ioredis has scheduled so far), then Redis is
   * started again on the same port and directory and the connection must be ready again, and
   * batching again.
   */
  async function outage(during: (redis: Redis, delays: number[]) => Promise<void>): Promise<void> {
    const dir = mkdtempSync(join(tmpdir(), 'korpu-outage-'));
    let server = await startRedisServer({ dir, port: await freePort() });
    const redis = await connectRedis(server.url);
    redis.on('error', () => undefined);
    const delays: number[] = [];
    redis.on('reconnecting', (ms: number) => delays.push(ms));
    try {
      await redis.set('k', 'v');
      await server.stop();
      await during(redis, delays);
      server = await startRedisServer({ dir, port: server.port });
      await new Promise<void>((r) => (redis.status === 'ready' ? r() : redis.once('ready', () => r())));
      expect(await redis.get('k')).toBe('v');
      // Batching the commands of one turn of the event loop again (off while Redis was gone).
      expect(redis.options.enableAutoPipelining).toBe(true);
    } finally {
      redis.disconnect();
      await server.stop();
    }
  }
  const until = async (done: () => boolean) => {
    while (!done()) await new Promise((r) => setTimeout(r, 20));
  };

  it('late in a long outage, a command waiting for Redis fails within four quick reconnection attempts (a polling person is told at once, not after 25 s), and the client is back when Redis is', async () => {
    await outage(async (redis, delays) => {
      // Deep into the outage: ioredis's own backoff would have reached its 5 s by now.
      await until(() => delays.length >= 9);
      const before = delays.length;
      const failure = await redis.get('k').then(() => undefined, (e: Error) => e);
      expect(failure?.name).toBe('MaxRetriesPerRequestError');
      // The command waited at most maxRetriesPerRequest + 1 (4) attempts, each a short wait.
      expect(delays.length - before).toBeLessThanOrEqual(4);
      expect(Math.max(...delays)).toBeLessThanOrEqual(RECONNECT_DELAY_CAP_MS + 200);
    });
  }, 30_000);

  it('during an outage, a command issued while an earlier one waits fails with it, not a reconnection cycle later (auto-pipelining is off until Redis is back)', async () => {
    // ioredis runs one auto-pipeline at a time per connection: a command issued while another
    // batch waited for Redis waited for that batch to fail first, then for a flush of its own,
    // so people writing to a polling bot during an outage were told to write again only when
    // Redis came back (the Redis-gone check, with the reply limit asking Redis meanwhile).
    await outage(async (redis, delays) => {
      await until(() => delays.length >= 5);
      const first = redis.get('a').catch(() => undefined);
      await new Promise((r) => setTimeout(r, 30));
      const issuedAt = delays.length;
      const second = await redis.get('b').then(() => 'answered', (e: Error) => ({ name: e.name, attempts: delays.length - issuedAt }));
      await first;
      expect(second).toMatchObject({ name: 'MaxRetriesPerRequestError' });
      expect((second as { attempts: number }).attempts).toBeLessThanOrEqual(4);
      expect(redis.options.enableAutoPipelining).toBe(false);
    });
  }, 30_000);
});
