import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { assertProductionRedis, connectRedis, productionRedisProblems, RedisSetupError } from '../../src/storage/redis-connection';
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

  it('refuses a Redis without the append-only file (the test Redis runs without one)', async () => {
    const redis = await connectRedis(testRedisUrl());
    try {
      expect(await productionRedisProblems(redis)).toEqual(['appendonly is no but must be yes']);
      await expect(assertProductionRedis(redis)).rejects.toThrow(/^production needs a durable Redis: appendonly is no but must be yes \(redis.conf: "appendonly yes"/);
      // The same answer through INFO when CONFIG is disabled.
      expect(await productionRedisProblems(withoutConfig(redis))).toEqual(['appendonly is no but must be yes']);
      await expect(productionRedisProblems(withoutConfig(redis, true))).rejects.toThrow(/does not allow CONFIG GET or INFO .*cannot check that appendonly is yes and maxmemory-policy is noeviction/);
    } finally {
      await redis.quit();
    }
  });

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
  });
});
