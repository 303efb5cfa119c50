import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasRedisServer, startRedisServer } from '../../src/storage/redis-server-process';

/**
 * Starts the suite's own redis-server on a free port in a temporary folder (never the one
 * on 6379) and hands its URL to the test files through KORPU_TEST_REDIS_URL.
 */
export default async function globalSetup(): Promise<void> {
  if (!hasRedisServer()) throw new Error('redis-server is not on PATH: install it (Debian: apt-get install redis-server)');
  const dir = mkdtempSync(join(tmpdir(), 'korpu-test-redis-'));
  const server = await startRedisServer({ dir, persist: false });
  process.env.KORPU_TEST_REDIS_URL = server.url;
  (globalThis as { __korpuRedis?: typeof server }).__korpuRedis = server;
}
