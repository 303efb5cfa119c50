import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { resolve } from 'node:path';

/** A redis-server child process this program started (embedded default and test suite). */
export interface RedisServerProcess {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1, chosen by the OS. */
export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (addr && typeof addr === 'object' ? res(addr.port) : rej(new Error('no port'))));
    });
  });
}

/** Whether `redis-server` is on PATH. */
export function hasRedisServer(bin = 'redis-server'): boolean {
  return spawnSync(bin, ['--version'], { stdio: 'ignore' }).status === 0;
}

/**
 * Whether a Redis answers PING at `url` within `timeoutMs`. A raw socket rather than an
 * ioredis client: a probe must leave no timers behind (a test runner or a short-lived CLI
 * would otherwise wait for them), and "-NOAUTH" still proves that a Redis is there.
 */
export async function redisAnswers(url: string, timeoutMs = 500): Promise<boolean> {
  return (await probeRedis(url, timeoutMs)) === undefined;
}

/** Like {@link redisAnswers}, with the reason when nothing answers (`connect ECONNREFUSED …`). */
export function probeRedis(url: string, timeoutMs = 500): Promise<string | undefined> {
  const { hostname, port } = new URL(url);
  return new Promise((res) => {
    const socket = connect({ host: hostname || '127.0.0.1', port: Number(port || 6379) });
    let reply = '';
    const done = (problem: string | undefined): void => {
      socket.destroy();
      res(problem);
    };
    socket.setTimeout(timeoutMs, () => done(`no answer within ${timeoutMs} ms`));
    socket.on('error', (e: Error) => done(e.message));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (b: Buffer) => {
      reply += b.toString('latin1');
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG') || reply.startsWith('-NOAUTH') ? undefined : `unexpected answer to PING: ${reply.trim().slice(0, 60)}`);
    });
  });
}

/**
 * Longest hash value Redis keeps in its compact encoding (default 64). A case record holds
 * encrypted fields of 65–120 bytes (an address, the contact), and one such value turns the
 * whole hash into a hashtable: ≈ 2.2 KB instead of ≈ 1 KB per case. Recommended for any Redis
 * that holds Körpü's data (docker-compose.yml sets it too).
 */
export const HASH_COMPACT_VALUE_BYTES = 128;

export interface StartRedisOptions {
  /** Folder for the append-only file and dump (created if missing). */
  dir: string;
  port?: number;
  /** Keep data on disk (append-only file). Tests pass false. */
  persist?: boolean;
  bin?: string;
  /** More `redis-server` arguments (a cluster node's, see redis-cluster-process.ts). */
  extraArgs?: readonly string[];
}

/**
 * Starts `redis-server` bound to 127.0.0.1 with its data in `dir`, and waits until it answers.
 * Configured as production wants it: appendonly (when persisting), noeviction, and small hashes
 * kept compact with values up to {@link HASH_COMPACT_VALUE_BYTES} bytes.
 */
export async function startRedisServer(opts: StartRedisOptions): Promise<RedisServerProcess> {
  const dir = resolve(opts.dir);
  mkdirSync(dir, { recursive: true });
  const port = opts.port ?? (await freePort());
  const persist = opts.persist ?? true;
  const args = [
    '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--daemonize', 'no',
    '--maxmemory-policy', 'noeviction', '--save', '', '--protected-mode', 'yes',
    '--appendonly', persist ? 'yes' : 'no',
    // (the 6.x name; Redis 7 calls it hash-max-listpack-value and accepts both)
    '--hash-max-ziplist-value', String(HASH_COMPACT_VALUE_BYTES),
    ...(opts.extraArgs ?? []),
  ];
  const child: ChildProcess = spawn(opts.bin ?? 'redis-server', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (b: Buffer) => (stderr += b.toString()));
  // 'close' (not 'exit'): only then are the stdio pipes released, so nothing keeps the parent alive.
  const exited = new Promise<number | null>((res) => child.once('close', (code) => res(code)));
  const url = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`redis-server exited at start (code ${child.exitCode}): ${stderr.trim()}`);
    if (await redisAnswers(url, 200)) {
      return {
        url,
        port,
        stop: async () => {
          if (child.exitCode === null) {
            child.kill('SIGTERM');
            // Give it time to flush the append-only file, but never let this timer keep the process alive.
            let timer: NodeJS.Timeout | undefined;
            await Promise.race([exited, new Promise((r) => { timer = setTimeout(r, 5000); })]);
            clearTimeout(timer);
            if (child.exitCode === null) child.kill('SIGKILL');
          }
        },
      };
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGKILL');
  throw new Error(`redis-server did not answer on port ${port} within 5 s`);
}
