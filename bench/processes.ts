import { fork, type ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import type { Update } from 'grammy/types';
import { WEBHOOK_PATH, WEBHOOK_SECRET } from './bots/types';
import type { Send } from './drive';
import type { WorkerTask } from './worker';

/** Node runs the TypeScript children through tsx, as `npm run bench` runs run.ts. */
const EXEC_ARGV = ['--import', 'tsx'];

/** A child process running bench/worker.ts: one bot under test. */
export class WorkerProcess {
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (m: { id?: number; ok?: boolean; result?: unknown; error?: string }) => {
      if (m.id === undefined) return;
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (m.ok) p?.resolve(m.result);
      else p?.reject(new Error(`bench worker: ${m.error}`));
    });
    child.on('exit', (code) => {
      for (const p of this.pending.values()) p.reject(new Error(`bench worker exited (code ${code})`));
      this.pending.clear();
    });
  }

  static start(): Promise<WorkerProcess> {
    const child = fork(join(__dirname, 'worker.ts'), [], { execArgv: EXEC_ARGV, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    return new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`bench worker exited at start (code ${code})`)));
      child.once('message', () => resolve(new WorkerProcess(child)));
    });
  }

  call<T>(task: WorkerTask): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.send({ id, task });
    });
  }

  async stop(): Promise<void> {
    try {
      await this.call({ cmd: 'close' });
    } finally {
      await new Promise<void>((resolve) => {
        if (this.child.exitCode !== null) return resolve();
        this.child.once('exit', () => resolve());
        this.child.disconnect();
      });
    }
  }
}

/** The fake Bot API in its own process (bench/fake-bot-api.ts). */
export async function startFakeBotApiProcess(): Promise<{ apiRoot: string; calls(): Promise<Record<string, number>>; stop(): Promise<void> }> {
  const child = fork(join(__dirname, 'fake-bot-api.ts'), [], { execArgv: EXEC_ARGV, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('message', (m: { port: number }) => resolve(m.port));
  });
  return {
    apiRoot: `http://127.0.0.1:${port}`,
    calls: () =>
      new Promise((resolve) => {
        child.once('message', (m: { calls: Record<string, number> }) => resolve(m.calls));
        child.send({ type: 'stats' });
      }),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.disconnect();
      }),
  };
}

/** Posts updates to a bot's webhook route over keep-alive connections (the HTTP warm-up). */
export function webhookSender(port: number, maxSockets: number): { send: Send; close(): void } {
  const agent = new Agent({ keepAlive: true, maxSockets });
  const send: Send = (update: Update) =>
    new Promise<void>((resolve, reject) => {
      const body = Buffer.from(JSON.stringify(update));
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path: WEBHOOK_PATH,
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json', 'content-length': body.length, 'x-telegram-bot-api-secret-token': WEBHOOK_SECRET },
        },
        (res) => {
          res.resume();
          res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`webhook answered HTTP ${res.statusCode}`))));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  return { send, close: () => agent.destroy() };
}
