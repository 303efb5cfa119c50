import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { Redis } from 'ioredis';
import { buildCore } from '../../src/app';
import { createTelegramBot, webhookHandler } from '../../src/channels/telegram';
import { loadProgrammeContent } from '../../src/config/programme';
import { createHttpApp } from '../../src/http';
import { REDIS_CLIENT_OPTIONS } from '../../src/storage/redis-connection';
import { stateJsonOf } from '../../src/storage/redis-conversation-store';
import { benchOffices } from '../booking';
import { BENCH_BOT_INFO, BENCH_TOKEN } from '../fake-bot-api';
import { longFlowYaml } from '../workload';
import { WEBHOOK_PATH, WEBHOOK_SECRET, type BenchBot, type BenchBotOptions } from './types';

/**
 * Körpü exactly as main.ts wires it: buildCore (flows checked against the locales, flow
 * archive, Redis conversation store, field cipher) → createTelegramBot (auto-retry,
 * sequentialize, error boundary, the conversation composer) → the real HTTP app with the
 * webhook route. For the long test flow, buildCore loads a folder holding only the generated
 * flow (as the entry flow `welcome`). The office is config/offices.yaml's with more places per
 * slot (see ../booking.ts). No reminder scheduler (BullMQ) is given: reminders are not measured here.
 */
export async function korpuBot(o: BenchBotOptions): Promise<BenchBot> {
  // The client options of main.ts's connection (connectRedis): auto-pipelining.
  const redis = new Redis(o.redisUrl, { ...REDIS_CLIENT_OPTIONS, maxRetriesPerRequest: 1 });
  let flowsDir: string | undefined;
  if (o.workload === 'long') {
    flowsDir = mkdtempSync(join(tmpdir(), 'korpu-bench-flows-'));
    writeFileSync(join(flowsDir, 'welcome.yaml'), longFlowYaml());
  }
  let errors = 0;
  const logger = pino(
    { level: 'warn' },
    {
      write(line: string) {
        errors++;
        if (errors <= 3) process.stderr.write(`korpu bot: ${line}`);
      },
    },
  );
  const core = await buildCore({
    redis,
    dataKey: randomBytes(32),
    content: loadProgrammeContent('config/programme.yaml'),
    prefix: 'korpu:',
    offices: benchOffices(),
    ...(flowsDir ? { flowsDir } : {}),
  });
  let completed = 0;
  core.onEffect((e) => {
    if (e.type === 'intake_completed') completed++;
  });
  const bot = createTelegramBot(core, { token: BENCH_TOKEN, apiRoot: o.apiRoot, botInfo: BENCH_BOT_INFO, logger });
  const app = createHttpApp({ core, logger, simulator: false, telegramWebhook: { path: WEBHOOK_PATH, handler: webhookHandler(bot, WEBHOOK_SECRET) } });
  return {
    name: 'korpu',
    bot,
    app,
    redis,
    completed: () => completed,
    errors: () => errors,
    // The runner's own pseudonym and key builder; the stored value is a header line and the state JSON.
    stateBytes: async (chatId) => {
      const raw = await redis.getBuffer(core.keys.conversation(core.runner.conversationId('telegram', String(chatId))));
      return raw === null ? 0 : Buffer.byteLength(stateJsonOf(raw));
    },
    close: async () => {
      redis.disconnect();
      if (flowsDir) rmSync(flowsDir, { recursive: true, force: true });
    },
  };
}
