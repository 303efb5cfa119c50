import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { resolveRedis, RedisUnavailableError } from '../../src/storage/embedded-redis';
import { freePort, redisAnswers } from '../../src/storage/redis-server-process';
import { testRedisUrl } from '../helpers/redis';

/** A URL where nothing answers, so the tests never depend on what runs on 6379. */
async function deadUrl(): Promise<string> {
  return `redis://127.0.0.1:${await freePort()}`;
}

describe('resolveRedis (the embedded default)', () => {
  it('uses REDIS_URL as it is, without probing or starting anything', async () => {
    const choice = await resolveRedis({ redisUrl: 'redis://example.invalid:6390', dataDir: '/nonexistent', probeUrl: await deadUrl() });
    expect(choice).toEqual({ url: 'redis://example.invalid:6390', source: 'env' });
  });

  it('uses a Redis that already answers on the probe URL', async () => {
    // (one server: under test:cluster, the cluster's first node)
    const url = testRedisUrl().split(',')[0]!;
    expect(await resolveRedis({ dataDir: '/nonexistent', probeUrl: url })).toEqual({ url, source: 'local' });
  });

  it('otherwise starts redis-server under DATA_DIR/redis with appendonly and noeviction, and stops it', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'korpu-embedded-'));
    const choice = await resolveRedis({ dataDir, probeUrl: await deadUrl() });
    try {
      expect(choice.source).toBe('embedded');
      expect(choice.dir).toBe(join(dataDir, 'redis'));
      expect(choice.url).not.toMatch(/:6379$/);
      const client = new Redis(choice.url);
      try {
        expect(await client.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
        expect(await client.config('GET', 'maxmemory-policy')).toEqual(['maxmemory-policy', 'noeviction']);
        expect(await client.config('GET', 'dir')).toEqual(['dir', join(dataDir, 'redis')]);
        await client.set('k', 'v');
      } finally {
        await client.quit();
      }
      expect(existsSync(join(dataDir, 'redis'))).toBe(true);
    } finally {
      await choice.server!.stop();
    }
    expect(await redisAnswers(choice.url, 300)).toBe(false);
  });

  it('never starts a redis-server for a process that must share its Redis (a web or worker process, rotate-key): it names REDIS_URL', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'korpu-embedded-'));
    const attempt = resolveRedis({ dataDir, probeUrl: await deadUrl(), sharedBy: 'a ROLE=worker process' });
    await expect(attempt).rejects.toThrow(RedisUnavailableError);
    await expect(attempt).rejects.toThrow(/: a ROLE=worker process does not start a Redis of its own.*Set REDIS_URL/);
    expect(existsSync(join(dataDir, 'redis'))).toBe(false);
    // A Redis already answering is shared, as ever.
    const url = testRedisUrl().split(',')[0]!;
    expect(await resolveRedis({ dataDir, probeUrl: url, sharedBy: 'rotate-key' })).toEqual({ url, source: 'local' });
  });

  it('uses the redis-server already running on DATA_DIR/redis (left by a Körpü killed, or started by the process beside) instead of a second one on the same files', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'korpu-embedded-'));
    const first = await resolveRedis({ dataDir, probeUrl: await deadUrl() });
    try {
      // Its owner was killed (SIGKILL: no stop()); the server lives on. The next start finds it.
      const again = await resolveRedis({ dataDir, probeUrl: await deadUrl() });
      expect(again).toEqual({ url: first.url, source: 'embedded', dir: join(dataDir, 'redis') });
      expect(again.server).toBeUndefined(); // not this process's to stop
      // So does rotate-key, which never starts one.
      expect((await resolveRedis({ dataDir, probeUrl: await deadUrl(), sharedBy: 'rotate-key' })).url).toBe(first.url);
    } finally {
      await first.server!.stop();
    }
    // Once it is gone, a new one is started (the port it named is not trusted blindly).
    const next = await resolveRedis({ dataDir, probeUrl: await deadUrl() });
    try {
      expect(next.server).toBeDefined();
    } finally {
      await next.server!.stop();
    }
  });

  it('says how to get a Redis when redis-server is not installed', async () => {
    const attempt = resolveRedis({ dataDir: '/nonexistent', probeUrl: await deadUrl(), bin: '/nonexistent/redis-server' });
    await expect(attempt).rejects.toThrow(RedisUnavailableError);
    await expect(attempt).rejects.toThrow(/apt-get install redis-server.*brew install redis.*REDIS_URL/);
  });
});
