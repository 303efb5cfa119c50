import type { Redis } from 'ioredis';
import type { KorpuCore } from '../../src/app';
import type { RenderedMessage } from '../../src/i18n/render';
import type { Logger } from '../../src/core/logger';
import { startTestKorpu } from './korpu';
import { dropPrefix, testRedis } from './redis';

/** Körpü's HTTP app with the simulator (Körpü without a bot token) on the suite's Redis, under a fresh key prefix. */
export interface SimulatorHarness {
  /** The simulator's own core (its keys under `simPrefix`), where its conversations, cases and bookings are. */
  core: KorpuCore;
  /** The real core (the Telegram bot's), which the simulator must never write to. */
  real: KorpuCore;
  /** The suite's Redis, for looking at what Körpü stored. */
  redis: Redis;
  /** Körpü's REDIS_PREFIX (the real keys, and the simulator's under it). */
  prefix: string;
  /** The simulator's own prefix, `<prefix>sim:`. */
  simPrefix: string;
  /** `http://127.0.0.1:<port>` */
  base: string;
  close(): Promise<void>;
}

/**
 * Builds Körpü with createKorpu (as main.ts does without a bot token: the simulator alone) and
 * starts its HTTP server. The simulator's rate limit is lifted (tests send hundreds of messages a
 * minute from one address) unless `env` sets it; `env` adds to the test environment.
 */
export async function startSimulatorApp(o: { logger?: Logger; env?: Record<string, string> } = {}): Promise<SimulatorHarness> {
  const redis = testRedis();
  const env = { SIMULATOR_REQUESTS_PER_MINUTE: '1000000', ...o.env };
  const korpu = await startTestKorpu({ env, ...(o.logger ? { logger: o.logger } : {}) });
  const { url } = await korpu.start();
  if (!korpu.simulator) throw new Error('the simulator is off (SIMULATOR=off?)');
  return {
    core: korpu.simulator,
    real: korpu.core,
    redis,
    prefix: korpu.prefix,
    simPrefix: korpu.simulator.keys.prefix,
    base: url,
    close: async () => {
      await korpu.stop();
      await dropPrefix(redis, korpu.prefix);
      await redis.quit();
    },
  };
}

/** A new simulator session id, issued by the server as the page gets one. */
export async function newSession(base: string): Promise<string> {
  const res = await fetch(`${base}/api/simulator/sessions`, { method: 'POST' });
  if (res.status !== 201) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { session: string }).session;
}

export interface SimulatorAnswer {
  lang: string;
  dir: string;
  messages: RenderedMessage[];
  duplicate: boolean;
}

/** POSTs one message to the simulator API and returns the parsed answer. */
export async function say(base: string, body: unknown): Promise<SimulatorAnswer> {
  const res = await fetch(`${base}/api/simulator/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
  return (await res.json()) as SimulatorAnswer;
}

/** The input a tap on the button with `value` (a choice) sends, from the last message that has it. */
export function tap(messages: RenderedMessage[], value: string) {
  for (const m of [...messages].reverse())
    for (const row of m.buttons)
      for (const b of row) if (b.action.type === 'choice' && b.action.value === value) return { type: 'choice' as const, node: b.action.node, value };
  throw new Error(`no button "${value}" in ${JSON.stringify(messages.map((m) => m.buttons))}`);
}

/** Every text of an answer, joined (paragraphs of one message are joined with a blank line). */
export function allText(messages: RenderedMessage[]): string {
  return messages.map((m) => m.text).join('\n\n');
}

/** The value of the first free meeting time offered (`s_<local time>_<office>`). */
export function firstSlot(messages: RenderedMessage[]): string {
  for (const m of [...messages].reverse())
    for (const row of m.buttons) for (const b of row) if (b.action.type === 'choice' && b.action.value.startsWith('s_')) return b.action.value;
  throw new Error(`no meeting time offered in ${JSON.stringify(messages.map((m) => m.buttons))}`);
}
