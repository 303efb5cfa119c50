import { Api } from 'grammy';
import type { Redis } from 'ioredis';
import { silentLogger } from '../../src/core/logger';
import { createOutboxWorker, Outbox, TelegramRateLimiter } from '../../src/scheduling/outbox';
import { Reachability } from '../../src/scheduling/reachability';
import type { FieldCipher } from '../../src/storage/field-cipher';
import type { FakeBotApi } from './fake-bot-api';

/**
 * The outbox and its worker against the fake Bot API, wired as main.ts wires them (its own
 * grammY Api without auto-retry, limits shared through Redis, reachability marks).
 * `close()` stops the worker, then the queue.
 */
export function startTestOutbox(o: { api: FakeBotApi; redis: Redis; bull: Redis; prefix: string; cipher: FieldCipher }) {
  const reachability = new Reachability(o.redis, o.prefix);
  const outbox = Outbox.create(o.bull, o.prefix, o.cipher, { reachability });
  const raw = new Api(o.api.token, { apiRoot: o.api.apiRoot }).raw as unknown as Record<string, (p: Record<string, unknown>) => Promise<unknown>>;
  const worker = createOutboxWorker({ connection: o.bull, prefix: o.prefix, limiter: new TelegramRateLimiter(o.redis, o.prefix), cipher: o.cipher, callApi: (m, p) => raw[m]!(p), logger: silentLogger(), reachability });
  return {
    outbox,
    reachability,
    close: async () => {
      await worker.close();
      await outbox.close();
    },
  };
}
