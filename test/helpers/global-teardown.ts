import type { RedisServerProcess } from '../../src/storage/redis-server-process';
import type { RedisClusterProcess } from '../../src/storage/redis-cluster-process';

export default async function globalTeardown(): Promise<void> {
  await (globalThis as { __korpuRedis?: RedisServerProcess | RedisClusterProcess }).__korpuRedis?.stop();
}
