import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig } from '../../src/config';
import { createKorpu } from '../../src/korpu';
import { stateJsonOf } from '../../src/storage/redis-conversation-store';
import { benchOffices } from '../booking';
import { BENCH_BOT_INFO, BENCH_TOKEN } from '../fake-bot-api';
import { longFlowYaml } from '../workload';
import { WEBHOOK_PATH, WEBHOOK_SECRET, type BenchBot, type BenchBotOptions } from './types';

/** The case workers' group of the bench bot: alerts go there through the outbox, as in production. */
export const BENCH_CASEWORKER_CHAT = -1_000_000_000_777;

/**
 * Körpü exactly as production builds it: `createKorpu` (src/korpu.ts), the one composition
 * main.ts calls — Redis client options of main's connection, the core with the effect stream
 * and its handlers, case workers (a roster, the desk, alerts and urgent alerts to a case
 * workers' chat, escalations), talks with a person, phone calls, the crisis check, the outbox
 * and its worker (sending alerts to the fake Bot API within Telegram's limits), the reminder
 * and escalation workers, and the real HTTP app with the webhook route. Nothing is left out
 * to make it lighter. For the long test flow, a folder holding only the generated flow (as the
 * entry flow `welcome`). The office is config/offices.yaml's with more places per slot (see
 * ../booking.ts).
 */
export async function korpuBot(o: BenchBotOptions): Promise<BenchBot> {
  let flowsDir: string | undefined;
  if (o.workload === 'long') {
    flowsDir = mkdtempSync(join(tmpdir(), 'korpu-bench-flows-'));
    writeFileSync(join(flowsDir, 'welcome.yaml'), longFlowYaml());
  }
  let errors = 0;
  let warnings = 0;
  const logger = pino(
    { level: 'warn' },
    {
      write(line: string) {
        // A warning (the outbox sending a little late for its slot on a busy machine) is not a
        // failed update; errors (level 50 and up: a failed update, a lost effect) are.
        const failed = /"level":(5\d|60)/.test(line);
        const seen = failed ? ++errors : ++warnings;
        if (seen <= 3) process.stderr.write(`korpu bot: ${line}`);
      },
    },
  );
  const config = loadConfig({
    NODE_ENV: 'test',
    BOT_TOKEN: BENCH_TOKEN,
    TELEGRAM_API_ROOT: o.apiRoot,
    MODE: 'webhook',
    WEBHOOK_URL: `http://127.0.0.1${WEBHOOK_PATH}`,
    WEBHOOK_SECRET,
    CASEWORKER_CHAT_ID: String(BENCH_CASEWORKER_CHAT),
    ADMIN_TELEGRAM_IDS: '900000001',
    REDIS_URL: o.redisUrl,
    REDIS_PREFIX: 'korpu:',
    DATA_KEY: randomBytes(32).toString('hex'),
    DATA_DIR: mkdtempSync(join(tmpdir(), 'korpu-bench-data-')),
    PORT: '0',
    LOG_LEVEL: 'warn',
    // As in production: no simulator core (its effect consumer would add its own Redis traffic).
    SIMULATOR: 'off',
    ...(flowsDir ? { FLOWS_DIR: flowsDir } : {}),
  });
  // Telegram's overall limit (30 messages a second, replies included) would make this a measure
  // of the limit, not of Körpü: it is lifted, and each reply still takes its slot in Redis as in
  // production (the bare bots take none).
  const korpu = await createKorpu({ ...config, offices: benchOffices() }, { logger, botInfo: BENCH_BOT_INFO, telegramLimits: { globalMax: 1_000_000, globalMinGapMs: 0 } });
  const { core } = korpu;
  let completed = 0;
  core.onEffect((e) => {
    if (e.type === 'intake_completed') completed++;
  });
  return {
    name: 'korpu',
    bot: korpu.bot!,
    app: korpu.app,
    redis: korpu.redis,
    completed: () => completed,
    settled: () => core.effects.idle(60_000),
    errors: () => errors,
    // The runner's own pseudonym and key builder; the stored value is a header line and the state JSON.
    stateBytes: async (chatId) => {
      const raw = await korpu.redis.getBuffer(core.keys.conversation(core.runner.conversationId('telegram', String(chatId))));
      return raw === null ? 0 : Buffer.byteLength(stateJsonOf(raw));
    },
    close: async () => {
      await korpu.stop();
      if (flowsDir) rmSync(flowsDir, { recursive: true, force: true });
    },
  };
}
