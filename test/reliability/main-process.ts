import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Update } from 'grammy/types';
import type { FakeBotApi } from '../helpers/fake-bot-api';

/**
 * Körpü as production runs it, for the checks that kill, stop or starve real processes:
 * `node --import tsx src/main.ts` in webhook mode (the node process itself, so a SIGKILL or a
 * SIGTERM reaches Körpü and not a wrapper), against the fake Bot API.
 */
export const WEBHOOK_SECRET = 'reliability-secret-0123456789';

export interface MainProcess {
  child: ChildProcess;
  port: number;
  /** Everything it printed. */
  out(): string;
  /** Resolves with the exit code or signal. */
  exited: Promise<number | NodeJS.Signals | null>;
}

export interface LaunchOptions {
  api: FakeBotApi;
  port: number;
  redisUrl: string;
  prefix: string;
  dataKey: string;
  /** More environment (CASEWORKER_CHAT_ID, KORPU_TEST_FAULT, short retry times, …). */
  env?: Record<string, string>;
  /** How long start-up may take. */
  timeoutMs?: number;
}

/** Starts src/main.ts; resolves once it answers /readyz. */
export async function launchMain(o: LaunchOptions): Promise<MainProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? tmpdir(),
      NODE_ENV: 'test',
      BOT_TOKEN: o.api.token,
      TELEGRAM_API_ROOT: o.api.apiRoot,
      MODE: 'webhook',
      WEBHOOK_URL: `http://127.0.0.1:${o.port}/telegram`,
      WEBHOOK_SECRET,
      REDIS_URL: o.redisUrl,
      REDIS_PREFIX: o.prefix,
      DATA_KEY: o.dataKey,
      DATA_DIR: mkdtempSync(join(tmpdir(), 'korpu-rel-')),
      PORT: String(o.port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      SIMULATOR: 'off',
      ...o.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<number | NodeJS.Signals | null>((res) => child.once('exit', (code, signal) => res(signal ?? code)));
  const until = Date.now() + (o.timeoutMs ?? 90_000);
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`Körpü exited at start-up (${child.signalCode ?? `code ${child.exitCode}`}): ${out}`);
    if (await fetch(`http://127.0.0.1:${o.port}/readyz`).then((r) => r.ok, () => false)) return { child, port: o.port, out: () => out, exited };
    if (Date.now() > until) throw new Error(`Körpü did not start: ${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Stops a process for good at the end of a check (SIGKILL if SIGTERM is not enough). */
export async function endMain(p: MainProcess | undefined): Promise<void> {
  if (!p || p.child.exitCode !== null || p.child.signalCode !== null) return;
  p.child.kill('SIGTERM');
  const timer = setTimeout(() => p.child.kill('SIGKILL'), 15_000);
  await p.exited;
  clearTimeout(timer);
}

/** HTTP answers seen by {@link deliverUntilOk}, by status ('failed': no answer, the process was gone). */
export type Statuses = Map<string, number>;

/**
 * Delivers an update as Telegram does: POSTs it to whatever listens on `port()` now, again after
 * `pauseMs` until it gets a 2xx. `port` is read again at each try (a restarted process).
 */
export async function deliverUntilOk(update: Update, port: () => number, statuses: Statuses, o: { pauseMs?: number; maxTries?: number } = {}): Promise<number> {
  for (let i = 0; i < (o.maxTries ?? 2_000); i++) {
    const status = await fetch(`http://127.0.0.1:${port()}/telegram`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': WEBHOOK_SECRET },
      body: JSON.stringify(update),
      signal: AbortSignal.timeout(60_000),
    }).then(async (r) => (await r.arrayBuffer(), String(r.status)), () => 'failed');
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
    if (status === '200') return i + 1;
    await new Promise((r) => setTimeout(r, o.pauseMs ?? 250));
  }
  throw new Error(`update ${update.update_id} never got a 2xx`);
}

/** Statuses as a sentence: `512 × 200, 3 × failed`. */
export const statusLine = (s: Statuses): string => [...s.entries()].map(([k, n]) => `${n} × ${k}`).join(', ');
