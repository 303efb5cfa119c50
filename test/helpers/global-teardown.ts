import type { RedisServerProcess } from '../../src/storage/redis-server-process';

export default async function globalTeardown(): Promise<void> {
  await (globalThis as { __korpuRedis?: RedisServerProcess }).__korpuRedis?.stop();
}
