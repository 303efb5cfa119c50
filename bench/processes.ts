import { fork, type ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import type { Update } from 'grammy/types';
import { WEBHOOK_PATH, WEBHOOK_SECRET } from './bots/types';
import type { Send } from './drive';
import type { WorkerTask } from './worker';

/**
 * The bench's child processes: every part (bots, outbox, reminders) runs its measured code in
 * processes of its own, started from a bench/ module through tsx and driven over IPC. This
 * module holds that plumbing once: forking, the start handshake, asking and answering, stopping.
 */

/** Node runs the TypeScript children through tsx, as `npm run bench` runs run.ts. */
const EXEC_ARGV = ['--import', 'tsx'];

/** Forks `bench/<file>` (a TypeScript module) with an IPC channel; its stdout and stderr are ours. */
export function forkBench(file: string): ChildProcess {
  return fork(join(__dirname, file), [], { execArgv: EXEC_ARGV, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}

/**
 * The child's first message (its "ready"); rejects when the child fails to start or exits
 * before saying anything, naming it as `what`.
 */
export function firstMessage<T>(child: ChildProcess, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onError = (e: Error) => done(() => reject(e));
    const onExit = (code: number | null) => done(() => reject(new Error(`${what} exited at start (code ${code})`)));
    const onMessage = (m: T) => done(() => resolve(m));
    const done = (settle: () => void) => {
      child.off('error', onError).off('exit', onExit).off('message', onMessage);
      settle();
    };
    child.once('error', onError).once('exit', onExit).once('message', onMessage);
  });
}

/** Closes the IPC channel (children exit when it closes) and waits until the child has exited. */
export function disconnectAndWait(child: ChildProcess): Promise<void> {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    if (child.connected) child.disconnect();
  });
}

/**
 * A child that is sent a start message, answers it with "ready", and then answers each task
 * with one message, in order (bench/outbox-sender.ts, bench/reminder-worker.ts). Tasks may
 * overlap: answers are matched to tasks first in, first out. A task still unanswered when the
 * child exits is rejected, so a crashed child fails the bench instead of hanging it.
 */
export class TaskProcess<Start, Task extends { cmd: string }> {
  private readonly waiting: { resolve: (m: unknown) => void; reject: (e: Error) => void }[] = [];

  private constructor(
    private readonly child: ChildProcess,
    private readonly what: string,
  ) {
    child.on('message', (m: unknown) => this.waiting.shift()?.resolve(m));
    child.on('exit', (code) => {
      for (const w of this.waiting.splice(0)) w.reject(new Error(`${what} exited (code ${code}) before answering`));
    });
  }

  /** Forks `bench/<file>`, sends it `start` and waits for its ready message. */
  static async start<Start, Task extends { cmd: string }>(file: string, start: Start, what: string): Promise<TaskProcess<Start, Task>> {
    const child = forkBench(file);
    const ready = firstMessage(child, what);
    child.send(start as object);
    await ready;
    return new TaskProcess<Start, Task>(child, what);
  }

  /** Sends a task; resolves with the child's answer to it. */
  ask<T>(task: Task): Promise<T> {
    if (this.child.exitCode !== null || !this.child.connected) return Promise.reject(new Error(`${this.what} is not running`));
    return new Promise<T>((resolve, reject) => {
      this.waiting.push({ resolve: resolve as (m: unknown) => void, reject });
      this.child.send(task);
    });
  }

  /** Asks the child to close (`{ cmd: 'close' }`: it releases its connections), then ends it. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    try {
      await this.ask({ cmd: 'close' } as Task);
    } finally {
      await disconnectAndWait(this.child);
    }
  }
}

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
    const child = forkBench('worker.ts');
    return firstMessage(child, 'bench worker').then(() => new WorkerProcess(child));
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
      await disconnectAndWait(this.child);
    }
  }
}

/** The fake Bot API in its own process (bench/fake-bot-api.ts). */
export async function startFakeBotApiProcess(): Promise<{ apiRoot: string; calls(): Promise<Record<string, number>>; stop(): Promise<void> }> {
  const child = forkBench('fake-bot-api.ts');
  const { port } = await firstMessage<{ port: number }>(child, 'fake Bot API');
  return {
    apiRoot: `http://127.0.0.1:${port}`,
    calls: () =>
      new Promise((resolve) => {
        child.once('message', (m: { calls: Record<string, number> }) => resolve(m.calls));
        child.send({ type: 'stats' });
      }),
    stop: () => disconnectAndWait(child),
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
