import { redisKeys } from '../src/storage/keys';
/**
 * One sender of the outbox benchmark, in its own process (bench/outbox.ts forks it):
 * - `korpu`: Körpü's outbox worker (createOutboxWorker + TelegramRateLimiter, as main.ts wires
 *   it); the parent enqueues with Outbox.send. Several such processes share the limits.
 * - `bullmq`: a plain BullMQ worker with BullMQ's own limiter (30 jobs per 1,000 ms), the usual
 *   recipe; a 429 fails the try and BullMQ retries it with backoff (nothing is lost).
 * - `throttler`: grammY's @grammyjs/transformer-throttler with its defaults on the Api, every
 *   message sent at once (no queue); a 429 is the caller's, so it is counted as lost.
 * Every sender calls the Bot API through a grammY Api without auto-retry.
 */
import { Worker } from 'bullmq';
import { Api, type Transformer } from 'grammy';
import { Redis } from 'ioredis';
import { TELEGRAM_CHANNEL, telegramSender } from '../src/channels/telegram';
import { loadProgrammeContent } from '../src/config/programme';
import { silentLogger } from '../src/core/logger';
import { createTranslator } from '../src/i18n';
import { createOutboxWorker, TelegramRateLimiter } from '../src/scheduling/outbox';
import { Reachability } from '../src/scheduling/reachability';
import { FieldCipher } from '../src/storage/field-cipher';

export const SENDERS = ['korpu', 'bullmq', 'throttler'] as const;
export type SenderKind = (typeof SENDERS)[number];

/** The BullMQ baseline's queue (Körpü's is OUTBOX_QUEUE). */
export const BASELINE_QUEUE = 'baseline';
export const BENCH_OUTBOX_TOKEN = '7000000002:BENCH-outbox-token_0123456789';

export type SenderStart = { kind: SenderKind; redisUrl: string; prefix: string; apiRoot: string; dataKeyHex: string; concurrency?: number };
export type SenderTask = { cmd: 'run'; messages: { chatId: number; text: string }[] } | { cmd: 'close' };

/** Loads the throttler if it is installed (it is not a dependency of Körpü). */
export function loadThrottler(): ((opts?: object) => Transformer) | undefined {
  try {
    return (require('@grammyjs/transformer-throttler') as { apiThrottler: (opts?: object) => Transformer }).apiThrottler;
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  const start = await new Promise<SenderStart>((resolve) => process.once('message', (m: SenderStart) => resolve(m)));
  const api = new Api(BENCH_OUTBOX_TOKEN, { apiRoot: start.apiRoot });
  const raw = api.raw as unknown as Record<string, (p: Record<string, unknown>) => Promise<unknown>>;
  const logger = silentLogger();
  let close: () => Promise<unknown> = async () => undefined;

  if (start.kind === 'korpu') {
    const bull = new Redis(start.redisUrl, { maxRetriesPerRequest: null });
    const redis = new Redis(start.redisUrl);
    const reachability = new Reachability(redis, start.prefix);
    const limiter = new TelegramRateLimiter(redis, start.prefix);
    const worker = createOutboxWorker({
      connection: bull,
      prefix: start.prefix,
      senders: { [TELEGRAM_CHANNEL]: telegramSender({ callApi: (m, p) => raw[m]!(p), limiter, translator: createTranslator(), content: loadProgrammeContent('config/programme.yaml') }) },
      rawChannel: TELEGRAM_CHANNEL,
      // The benchmark enqueues raw sends only (Outbox.send): no notice has a recipient to resolve.
      resolve: async () => undefined,
      cipher: new FieldCipher(Buffer.from(start.dataKeyHex, 'hex')),
      logger,
      reachability,
      ...(start.concurrency ? { concurrency: start.concurrency } : {}),
    });
    close = async () => {
      await worker.close();
      bull.disconnect();
      redis.disconnect();
    };
  } else if (start.kind === 'bullmq') {
    const bull = new Redis(start.redisUrl, { maxRetriesPerRequest: null });
    const worker = new Worker(BASELINE_QUEUE, async (job) => raw.sendMessage!({ chat_id: job.data.chatId, text: job.data.text }), {
      connection: bull,
      prefix: redisKeys(start.prefix).bull(),
      concurrency: start.concurrency ?? 16,
      limiter: { max: 30, duration: 1000 },
    });
    worker.on('error', () => undefined);
    close = async () => {
      await worker.close();
      bull.disconnect();
    };
  } else {
    const apiThrottler = loadThrottler();
    if (!apiThrottler) throw new Error('@grammyjs/transformer-throttler is not installed');
    api.config.use(apiThrottler());
  }

  process.on('message', (task: SenderTask) => {
    if (task.cmd === 'close') {
      void close().finally(() => process.send!({ closed: true }));
      return;
    }
    // The throttler: everything at once, as a bot would call api.sendMessage in a loop.
    void Promise.allSettled(task.messages.map((m) => api.sendMessage(m.chatId, m.text))).then((all) => {
      process.send!({ done: true, lost: all.filter((r) => r.status === 'rejected').length });
    });
  });
  process.on('disconnect', () => void close().finally(() => process.exit(0)));
  process.send!({ ready: true });
}

if (require.main === module) {
  main().catch((e: Error) => {
    console.error(`outbox sender: ${e.message}`);
    process.exit(1);
  });
}
