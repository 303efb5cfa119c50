import type { Context } from 'grammy';
import type { Update } from 'grammy/types';
import type { Express } from 'express';

/** The bots measured, Körpü first, then the baselines. */
export const BOT_NAMES = ['korpu', 'bare', 'session', 'conversations', 'telegraf'] as const;
export type BotName = (typeof BOT_NAMES)[number];

/** What the bench calls each bot in tables. */
export const BOT_LABELS: Record<BotName, string> = {
  korpu: 'Körpü (full intake)',
  bare: 'bare grammY (1 reply)',
  session: 'grammY + storage-redis session + switch',
  conversations: '@grammyjs/conversations v2 + Redis',
  telegraf: 'telegraf WizardScene + Redis session',
};

/** The path of the webhook route of every bot's Express app. */
export const WEBHOOK_PATH = '/telegram/webhook';
/** The webhook secret every bot checks (X-Telegram-Bot-Api-Secret-Token). */
export const WEBHOOK_SECRET = 'bench-webhook-secret_0123456789';

/** Which script the bot runs: the real intake, or the long test flow (flat cost per step). */
export type Workload = 'intake' | 'long';

export interface BenchBotOptions {
  redisUrl: string;
  apiRoot: string;
  workload: Workload;
}

/** One bot under test, built the way its authors would build it, answering over the fake Bot API. */
export interface BenchBot {
  name: BotName;
  /** The framework's bot (grammY's or telegraf's): the harness only hands it updates. */
  bot: { handleUpdate(update: Update): Promise<unknown> };
  /** Express app with the bot's webhook route at {@link WEBHOOK_PATH}. */
  app: Express;
  /** Intakes that reached their last step (checks that the script really ran through). */
  completed(): number;
  /** Updates that ended in an error (must stay 0). */
  errors(): number;
  /** Bytes of the saved conversation state of a chat (0 when the bot keeps none). */
  stateBytes(chatId: number): Promise<number>;
  /** Resolves once the work the bot does after its updates (effects) is done; bots without any have none. */
  settled?(): Promise<void>;
  /** The Redis connection the bot uses (for counting round trips). */
  redis: import('ioredis').Redis;
  close(): Promise<void>;
}

export type AnyContext = Context;
