import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { checkProductionRedis } from '../../src/storage/redis-connection';
import { startRedisServer } from '../../src/storage/redis-server-process';
import { writeFigures } from './figures';

/**
 * Issue 13, item 9: production refuses a Redis that evicts keys or keeps nothing on disk, and
 * says so in one line. A real redis-server is set up each way (CONFIG SET), and src/main.ts is
 * started in production against the worst of them.
 */
jest.setTimeout(60_000);

const SETUPS: { name: string; policy: string; aof: 'yes' | 'no'; save: string; refused: boolean }[] = [
  { name: 'append-only file, noeviction', policy: 'noeviction', aof: 'yes', save: '', refused: false },
  { name: 'RDB snapshots only, noeviction (accepted with a warning)', policy: 'noeviction', aof: 'no', save: '3600 1 300 100', refused: false },
  { name: 'nothing on disk', policy: 'noeviction', aof: 'no', save: '', refused: true },
  { name: 'evicts keys (allkeys-lru)', policy: 'allkeys-lru', aof: 'yes', save: '', refused: true },
  { name: 'evicts keys with a TTL (volatile-lru)', policy: 'volatile-lru', aof: 'yes', save: '', refused: true },
  { name: 'evicts keys and nothing on disk', policy: 'allkeys-random', aof: 'no', save: '', refused: true },
];

describe('start-up guards (issue 13, item 9)', () => {
  it('refuses each Redis that may lose data, in one line; accepts the durable ones', async () => {
    const started = Date.now();
    const server = await startRedisServer({ dir: mkdtempSync(join(tmpdir(), 'korpu-guard-')), persist: true });
    const redis = new Redis(server.url);
    const outcomes: string[] = [];
    let right = 0;
    let line = '';
    let lines = 0;
    let exitCode: number | null = null;
    try {
      for (const s of SETUPS) {
        await redis.config('SET', 'maxmemory-policy', s.policy);
        await redis.config('SET', 'appendonly', s.aof);
        await redis.config('SET', 'save', s.save);
        const { problems } = await checkProductionRedis(redis);
        const refused = problems.length > 0;
        if (refused === s.refused) right++;
        outcomes.push(`${s.name}: ${refused ? 'refused' : 'accepted'}`);
      }
      // The last (worst) one, as an operator meets it: src/main.ts in production.
      const child = spawn(join(process.cwd(), 'node_modules', '.bin', 'tsx'), ['src/main.ts'], {
        env: { PATH: process.env.PATH ?? '', HOME: tmpdir(), NODE_ENV: 'production', DATA_KEY: '3f9a1c7e5b2d8046af13c9e7b5d2084f6a1e3c9b7d5f20846e1a3c5b7d9f0284', REDIS_URL: server.url, DATA_DIR: mkdtempSync(join(tmpdir(), 'korpu-guard-')), PORT: '0' },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let err = '';
      child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
      exitCode = await new Promise<number | null>((res) => child.once('exit', res));
      lines = err.trim().split('\n').length;
      line = err.trim();
    } finally {
      redis.disconnect();
      await server.stop();
    }
    const held = right === SETUPS.length && exitCode === 1 && lines === 1 && /^korpu: redis: production needs a durable Redis: maxmemory-policy is allkeys-random but must be noeviction; nothing is kept on disk/.test(line);
    writeFigures({
      check: 'startup-guards',
      item: 9,
      title: 'Start-up guards',
      done: `a real redis-server set up ${SETUPS.length} ways (eviction policy, append-only file, save points), checked as production checks it; src/main.ts started in production against the worst`,
      mustHold: 'every Redis that evicts keys or keeps nothing on disk refused; durable ones accepted; the refusal is one line and exit code 1',
      held,
      figure: `${right} of ${SETUPS.length} set-ups judged right (${outcomes.join('; ')}); main.ts exited ${exitCode} with ${lines} line: “${line.slice(0, 160)}…”`,
      figures: { setups: SETUPS.length, judgedRight: right, exitCode: exitCode ?? 'none', stderrLines: lines },
      seconds: Math.round((Date.now() - started) / 1000),
    });
    expect(outcomes).toEqual(SETUPS.map((s) => `${s.name}: ${s.refused ? 'refused' : 'accepted'}`));
    expect({ exitCode, lines }).toEqual({ exitCode: 1, lines: 1 });
    expect(line).toMatch(/^korpu: redis: production needs a durable Redis: maxmemory-policy is allkeys-random but must be noeviction; nothing is kept on disk: appendonly is no and there are no save points \(/);
  });
});
