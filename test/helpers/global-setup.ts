import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRedisCluster } from '../../src/storage/redis-cluster-process';
import { hasRedisServer, startRedisServer } from '../../src/storage/redis-server-process';

/**
 * Starts the suite's own redis-server on a free port in a temporary folder (never the one
 * on 6379), or with KORPU_TEST_CLUSTER=1 a Redis Cluster of three, and hands its URL to the
 * test files through KORPU_TEST_REDIS_URL.
 */
export default async function globalSetup(): Promise<void> {
  if (!hasRedisServer()) throw new Error('redis-server is not on PATH: install it (Debian: apt-get install redis-server)');
  const dir = mkdtempSync(join(tmpdir(), 'korpu-test-redis-'));
  // `npm run test:cluster`: a three-master Redis Cluster instead, its nodes in the URL (comma-separated).
  const server = process.env.KORPU_TEST_CLUSTER === '1' ? await startRedisCluster({ dir, masters: 3 }) : await startRedisServer({ dir, persist: false });
  process.env.KORPU_TEST_REDIS_URL = server.url;
  (globalThis as { __korpuRedis?: typeof server }).__korpuRedis = server;
}
