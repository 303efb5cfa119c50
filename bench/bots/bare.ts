import express from 'express';
import { Bot, webhookCallback } from 'grammy';
import { Redis } from 'ioredis';
import { BENCH_BOT_INFO, BENCH_TOKEN } from '../fake-bot-api';
import { INTAKE_LENGTH } from '../workload';
import { WEBHOOK_PATH, WEBHOOK_SECRET, type BenchBot, type BenchBotOptions } from './types';

/**
 * The framework's ceiling: a grammY bot that answers every update with one message and keeps
 * no state (no Redis). Whatever Körpü does costs on top of this.
 */
export async function bareBot(o: BenchBotOptions): Promise<BenchBot> {
  // Unused by the bot; kept so the harness can treat every bot alike (it never sends a command).
  const redis = new Redis(o.redisUrl, { lazyConnect: true });
  const bot = new Bot(BENCH_TOKEN, { botInfo: BENCH_BOT_INFO, client: { apiRoot: o.apiRoot } });
  let errors = 0;
  let updates = 0;
  bot.on(['message', 'callback_query'], async (ctx) => {
    updates++;
    await ctx.reply('Thank you, noted.');
  });
  bot.catch(() => void errors++);
  const app = express();
  app.post(WEBHOOK_PATH, express.json({ limit: '1mb' }), webhookCallback(bot, 'express', { secretToken: WEBHOOK_SECRET }));
  return {
    name: 'bare',
    bot,
    app,
    redis,
    // Every update is answered; "completed" counts intakes' worth of updates.
    completed: () => Math.floor(updates / INTAKE_LENGTH),
    errors: () => errors,
    stateBytes: async () => 0,
    close: async () => redis.disconnect(),
  };
}
