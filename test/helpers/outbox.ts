import { Api } from 'grammy';
import type { Redis } from 'ioredis';
import { rosterStaffDirectory } from '../../src/caseworkers/roster-staff-directory';
import { RosterStore } from '../../src/caseworkers/roster';
import { TELEGRAM_CHANNEL, telegramSender } from '../../src/channels/telegram';
import { loadProgrammeContent, type ProgrammeContent } from '../../src/config/programme';
import { silentLogger, type Logger } from '../../src/core/logger';
import { createTranslator, type Translator } from '../../src/i18n';
import { createOutboxWorker, recipientResolver, TelegramRateLimiter, type CallApi, type OutboxWorkerOptions, type RecipientResolver } from '../../src/scheduling/outbox';
import { Reachability } from '../../src/scheduling/reachability';
import type { FieldCipher } from '../../src/storage/field-cipher';
import { redisKeys } from '../../src/storage/keys';
import type { FakeBotApi } from './fake-bot-api';

/** What {@link testOutboxWorker} wires: the fake Bot API, the test Redis and the case workers' chat. */
export interface TestOutboxWiring {
  api: FakeBotApi;
  redis: Redis;
  bull: Redis;
  prefix: string;
  cipher: FieldCipher;
  reachability: Reachability;
  /** The case workers' group on Telegram (CASEWORKER_CHAT_ID), if the test has one. */
  caseworkerChat?: number | string;
  translator?: Translator;
  content?: ProgrammeContent;
  limiter?: TelegramRateLimiter;
  /** Wraps the Bot API calls (timing, gating); by default they go straight to the fake server. */
  callApi?: (raw: CallApi) => CallApi;
  logger?: Logger;
  roster?: RosterStore;
  onBlocked?: OutboxWorkerOptions['onBlocked'];
  onStaffUnreachable?: OutboxWorkerOptions['onStaffUnreachable'];
  /** Told of each tracked notice sent (its message id). */
  onSent?: OutboxWorkerOptions['onSent'];
  concurrency?: number;
  /** Wraps the recipient resolver (timing); by default recipients are resolved at once. */
  resolveWith?: (resolve: RecipientResolver) => RecipientResolver;
  /** Whether a case's person erased their data or withdrew (createKorpu: intake/person-silence.ts). */
  silenced?: OutboxWorkerOptions['silenced'];
}

/**
 * The outbox worker alone against the fake Bot API, for the outbox's own integration tests
 * (they wrap its Bot API calls, gate them, set its concurrency); end-to-end tests use the one
 * createKorpu starts. Wired as createKorpu wires it: its own grammY Api without auto-retry,
 * the Telegram sender with limits shared through Redis, recipients resolved from the case
 * contact, the roster and the case workers' chat, reachability marks.
 */
export function testOutboxWorker(w: TestOutboxWiring) {
  const raw = new Api(w.api.token, { apiRoot: w.api.apiRoot }).raw as unknown as Record<string, (p: Record<string, unknown>) => Promise<unknown>>;
  const direct: CallApi = (m, p) => raw[m]!(p);
  const callApi = w.callApi ? w.callApi(direct) : direct;
  const limiter = w.limiter ?? new TelegramRateLimiter(w.redis, w.prefix);
  return createOutboxWorker({
    connection: w.bull,
    prefix: w.prefix,
    senders: { [TELEGRAM_CHANNEL]: telegramSender({ callApi, limiter, translator: w.translator ?? createTranslator(), content: w.content ?? loadProgrammeContent('config/programme.yaml') }) },
    rawChannel: TELEGRAM_CHANNEL,
    resolve: (w.resolveWith ?? ((r: RecipientResolver) => r))(recipientResolver({
      redis: w.redis,
      keys: redisKeys(w.prefix),
      cipher: w.cipher,
      staff: rosterStaffDirectory(w.roster ?? new RosterStore(w.redis, w.prefix), TELEGRAM_CHANNEL),
      ...(w.caseworkerChat === undefined ? {} : { caseworkers: { channel: TELEGRAM_CHANNEL, chatId: String(w.caseworkerChat) } }),
    })),
    cipher: w.cipher,
    logger: w.logger ?? silentLogger(),
    reachability: w.reachability,
    ...(w.onBlocked ? { onBlocked: w.onBlocked } : {}),
    ...(w.onStaffUnreachable ? { onStaffUnreachable: w.onStaffUnreachable } : {}),
    ...(w.onSent ? { onSent: w.onSent } : {}),
    ...(w.silenced ? { silenced: w.silenced } : {}),
    ...(w.concurrency ? { concurrency: w.concurrency } : {}),
  });
}
