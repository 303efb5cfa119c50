import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config';
import type { OfficesFile } from '../../src/config/offices';
import type { EscalationPolicy } from '../../src/caseworkers/escalation';
import type { Clock, IdGen } from '../../src/core/clock';
import { silentLogger, type Logger } from '../../src/core/logger';
import type { TelegramLimits } from '../../src/scheduling/outbox';
import { createKorpu, type Korpu, type KorpuOverrides } from '../../src/korpu';
import type { FakeBotApi } from './fake-bot-api';
import { testPrefix, testRedisUrl } from './redis';

/** What a test may set on the Körpü it starts. */
export interface TestKorpuOptions {
  /** The fake Bot API; without it Körpü runs without Telegram (the simulator alone). */
  api?: FakeBotApi;
  /** Environment variables on top of the test defaults (CASEWORKER_CHAT_ID, ADMIN_TELEGRAM_IDS, …). */
  env?: Record<string, string>;
  /** Key prefix (shared by several Körpü processes of one test); a fresh one by default. */
  prefix?: string;
  /** Data key (hex), shared by several processes of one test; a fresh one by default. */
  dataKey?: string;
  clock?: Clock;
  ids?: IdGen;
  /** Offices in place of config/offices.yaml (e.g. a test office open every day). */
  offices?: OfficesFile;
  /** When an unclaimed intake is escalated (e.g. a moment after its alert); working hours by default. */
  escalationPolicy?: EscalationPolicy;
  /** Telegram's limits in the outbox (e.g. `{ groupMax: 1000 }` for a test sending many alerts to one group). */
  telegramLimits?: Partial<TelegramLimits>;
  /** Where Körpü logs (a test reading the logs); silent by default. */
  logger?: Logger;
  /** How long after the last correction its one notice goes (a test of /correct waits less than the 2 minutes). */
  correctionNoticeDelayMs?: number;
  /** When a webhook update is answered early, and when an update Telegram will not deliver again is handled here again (a test waits less). */
  updateTiming?: KorpuOverrides['updateTiming'];
}

/** A Körpü built by createKorpu exactly as main.ts builds it, on the suite's Redis and the fake Bot API. */
export interface TestKorpu extends Korpu {
  prefix: string;
  dataKey: string;
  /** Resolves once every effect committed so far has been performed. */
  settled(): Promise<void>;
}

/**
 * Builds Körpü with {@link createKorpu} — the composition main.ts and the benchmark use — for an
 * end-to-end test: the suite's redis-server, a fresh key prefix, the fake Bot API as Telegram
 * (its bot info given, so no getMe), HTTP on a free port (not listening until `start()`), logs
 * silent. Updates go in with `korpu.bot!.handleUpdate(update)`; the outbox, reminder and
 * escalation workers run as in production. `stop()` stops everything it started.
 */
export async function startTestKorpu(o: TestKorpuOptions = {}): Promise<TestKorpu> {
  const prefix = o.prefix ?? testPrefix();
  const dataKey = o.dataKey ?? randomBytes(32).toString('hex');
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    REDIS_URL: testRedisUrl(),
    REDIS_PREFIX: prefix,
    DATA_KEY: dataKey,
    DATA_DIR: mkdtempSync(join(tmpdir(), 'korpu-e2e-')),
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    ...(o.api ? { BOT_TOKEN: o.api.token, TELEGRAM_API_ROOT: o.api.apiRoot } : {}),
    // The fake Bot API has no overall limit: replies and alerts are not spaced 35 ms apart as
    // Telegram's 30 a second needs (test/e2e/reply-limit.test.ts and the reliability checks that
    // run src/main.ts keep the production limit).
    TELEGRAM_MESSAGES_PER_SECOND: '1000',
    ...o.env,
  };
  const config = loadConfig(env);
  const korpu = await createKorpu(o.offices ? { ...config, offices: o.offices } : config, {
    logger: o.logger ?? silentLogger(),
    ...(o.api ? { botInfo: o.api.botInfo, retry: { maxDelaySeconds: 5 } } : {}),
    ...(o.clock ? { clock: o.clock } : {}),
    ...(o.ids ? { ids: o.ids } : {}),
    ...(o.escalationPolicy ? { escalationPolicy: o.escalationPolicy } : {}),
    ...(o.telegramLimits ? { telegramLimits: o.telegramLimits } : {}),
    ...(o.correctionNoticeDelayMs !== undefined ? { correctionNoticeDelayMs: o.correctionNoticeDelayMs } : {}),
    ...(o.updateTiming ? { updateTiming: o.updateTiming } : {}),
    effectClaimAfterMs: 2_000,
  });
  return { ...korpu, prefix, dataKey, settled: () => korpu.core.effects.idle() };
}
