/**
 * Körpü's composition root: configuration → Redis → core → outbox (with a bot token) → HTTP
 * (health, simulator, webhook) → Telegram. The only module that reads process.env, installs
 * signal handlers or exits.
 *
 * Start-up problems a person can fix (settings, Redis, flow files) are printed as one line
 * each on stderr, `korpu: <area>: <problem>`, and the process exits with code 1.
 */
import { Api, GrammyError, HttpError } from 'grammy';
import { Redis } from 'ioredis';
import { buildCore, type KorpuCore } from './app';
import { startReminderWorker } from './reminder-worker';
import { createTelegramBot, registerWebhook, setBotCommands, startPolling, TELEGRAM_CHANNEL, telegramSender, webhookHandler } from './channels/telegram';
import { sendAlertsThroughOutbox } from './channels/telegram/alerts';
import { createUrgentAlerts } from './channels/telegram/urgent-alerts';
import { liftBlock } from './channels/telegram/membership';
import { RelayStore } from './caseworkers/relay-store';
import { RosterStore } from './caseworkers/roster';
import { createEscalationWorker, EscalationScheduler, workingHoursPolicy } from './caseworkers/escalation';
import { ClaimStore } from './caseworkers/claims';
import { CaseFiles } from './caseworkers/case-file';
import { escalationOutput } from './caseworkers/escalation-notice';
import { rosterStaffDirectory } from './caseworkers/roster-staff-directory';
import { loadConfig, type Env } from './config';
import { resolveDataKey } from './config/data-key';
import { ConfigError, FlowDefinitionError } from './core/errors';
import { systemClock } from './core/clock';
import { createLogger, type Logger } from './core/logger';
import { createHttpApp, startHttpServer } from './http';
import { createOutboxWorker, Outbox, recipientResolver, TelegramRateLimiter } from './scheduling/outbox';
import { Reachability } from './scheduling/reachability';
import { ReminderScheduler } from './scheduling/reminders';
import { FieldCipher } from './storage/field-cipher';
import { hostPort, resolveRedis, RedisUnavailableError } from './storage/embedded-redis';
import { assertProductionRedis, connectRedis, RedisSetupError } from './storage/redis-connection';

/** Something to undo at shutdown, in reverse order of start. */
type Closer = { name: string; close: () => Promise<unknown> | unknown };

async function start(closers: Closer[], onFatal: (e: Error) => void): Promise<Logger> {
  const { env, content, offices, safeguarding } = loadConfig(process.env);
  const logger = createLogger(env.LOG_LEVEL);

  const dataKey = resolveDataKey(env);
  if (dataKey.source !== 'env') logger.warn({ file: dataKey.file, created: dataKey.source === 'created' }, 'DATA_KEY is not set: using a development key from DATA_DIR (set DATA_KEY in production)');

  const choice = await resolveRedis({ redisUrl: env.REDIS_URL, dataDir: env.DATA_DIR });
  if (choice.server) closers.push({ name: 'redis-server', close: () => choice.server!.stop() });
  logger.info({ redis: hostPort(choice.url), source: choice.source, ...(choice.dir ? { dir: choice.dir } : {}) }, 'using Redis');
  const redis = await connectRedis(choice.url, { logger });
  closers.push({ name: 'redis', close: () => redis.quit().catch(() => redis.disconnect()) });
  if (env.NODE_ENV === 'production') await assertProductionRedis(redis);

  // Reminders and nudges reach people only through Telegram: scheduled when a bot token is set.
  const bull = env.BOT_TOKEN ? bullConnection(choice.url, 'reminders', logger, closers) : undefined;
  const reminders = bull ? ReminderScheduler.create(bull, env.REDIS_PREFIX, offices.reminders, new FieldCipher(dataKey.key) /* the core's key: the nudge's chat id is sealed with it */) : undefined;
  if (reminders) closers.push({ name: 'reminder queue', close: () => reminders.close() });
  // An intake nobody claims within ESCALATION_WORKING_MINUTES of opening time goes to the supervisors.
  const escalations = bull ? EscalationScheduler.create(bull, env.REDIS_PREFIX, workingHoursPolicy(env.ESCALATION_WORKING_MINUTES, offices.offices)) : undefined;
  if (escalations) closers.push({ name: 'escalation queue', close: () => escalations.close() });
  const core = await buildCore({ redis, dataKey: dataKey.key, content, offices, safeguarding, prefix: env.REDIS_PREFIX, flowsDir: env.FLOWS_DIR, timeZone: env.TZ, ...(reminders ? { reminders } : {}) });

  // The outbox closes after HTTP and Telegram stop handing it messages, before Redis.
  const outbox = env.BOT_TOKEN ? startOutbox(core, env, env.BOT_TOKEN, { url: choice.url, redis }, logger, closers) : undefined;
  const telegram = env.BOT_TOKEN ? telegramChannel(core, env, env.BOT_TOKEN, logger, onFatal, outbox, escalations) : undefined;
  if (outbox && bull) {
    // Due reminders, nudges and follow-up calls, checked when they fall due and handed to the outbox.
    const worker = startReminderWorker(core, { connection: bull, prefix: env.REDIS_PREFIX, timeZone: env.TZ, notifier: outbox, channels: [TELEGRAM_CHANNEL], logger });
    closers.push({ name: 'reminder worker', close: () => worker.close() });
  }
  if (outbox && bull) startEscalationWorker(core, env, bull, outbox, logger, closers);
  // The simulator writes real (test) cases; a production bot does not expose it.
  const simulator = !env.BOT_TOKEN || env.NODE_ENV !== 'production';
  const app = createHttpApp({ core, logger, simulator, ...(telegram?.webhook ? { telegramWebhook: telegram.webhook } : {}) });
  const http = await startHttpServer(app, { port: env.PORT, host: env.HOST });
  closers.push({ name: 'http', close: () => http.close() });

  if (telegram) closers.push({ name: 'telegram', close: await telegram.start() });
  if (simulator && !env.BOT_TOKEN) logger.info(`Körpü simulator: ${http.url}/`);
  else logger.info({ url: http.url, mode: env.MODE, simulator }, 'Körpü is running');
  return logger;
}

/**
 * The Telegram channel, wired in this one place: the bot and its command menu, then either
 * long polling (after removing any webhook) or the webhook route plus registerWebhook once
 * HTTP listens. Polling that Telegram ends for good (wrong token, a second instance polling)
 * calls `onFatal`, which shuts the process down.
 */
function telegramChannel(core: KorpuCore, env: Env, token: string, logger: Logger, onFatal: (e: Error) => void, outbox?: Outbox, escalations?: EscalationScheduler) {
  const bot = createTelegramBot(core, {
    token,
    apiRoot: env.TELEGRAM_API_ROOT,
    ...(env.CASEWORKER_CHAT_ID === undefined ? {} : { caseworkerChatId: env.CASEWORKER_CHAT_ID }),
    // The case workers' commands (/today, the roster) and the alerts' buttons (Claim, Open,
    // attendance), for the people on the roster only; escalations of unclaimed intakes.
    caseworkers: { roster: new RosterStore(core.redis, env.REDIS_PREFIX, { admins: env.ADMIN_TELEGRAM_IDS }), bookings: core.bookings, offices: core.offices.offices, cipher: core.cipher, ...(escalations ? { escalations } : {}), ...(outbox ? { notifier: outbox } : {}) },
    talk: { relay: new RelayStore(core.redis, env.REDIS_PREFIX, core.cipher), cipher: core.cipher },
    // Unblocking lifts the "blocked" mark the outbox set on its 403, by chat and by case.
    onUnblocked: liftBlock({
      reachability: new Reachability(core.redis, env.REDIS_PREFIX),
      cipher: core.cipher,
      caseOf: async (chatId) => (await core.runner.peek(core.runner.conversationId('telegram', chatId)))?.caseCode,
    }),
    logger,
  });
  // Case-worker alerts are messages the bot sends on its own: through the outbox.
  if (outbox) sendAlertsThroughOutbox(bot.api, outbox);
  // A message that shows crisis: an urgent alert ahead of everything else in the outbox.
  if (outbox && env.CASEWORKER_CHAT_ID !== undefined) core.onEffect(createUrgentAlerts({ outbox, chatId: env.CASEWORKER_CHAT_ID, translator: core.translator, logger }));
  const url = env.WEBHOOK_URL;
  const secret = env.WEBHOOK_SECRET;
  // The env schema requires WEBHOOK_URL and WEBHOOK_SECRET when MODE=webhook.
  const webhook = env.MODE === 'webhook' && url && secret ? { path: new URL(url).pathname, handler: webhookHandler(bot, secret) } : undefined;
  return {
    webhook,
    /** Starts receiving updates; returns how to stop. */
    start: async (): Promise<() => Promise<void> | void> => {
      await bot.init(); // getMe: a wrong token stops start-up here, with Telegram's answer
      await setBotCommands(bot.api, core.translator);
      if (webhook) {
        await registerWebhook(bot, url!, secret!);
        logger.info({ path: webhook.path }, 'Telegram webhook registered');
        return () => undefined; // the webhook stays: other instances may still be serving it
      }
      await bot.api.deleteWebhook();
      const polling = startPolling(bot, { onFatal });
      logger.info({ bot: bot.botInfo.username }, 'Telegram long polling started');
      return () => polling.stop();
    },
  };
}

/**
 * The outbox (every message the bot sends on its own initiative: alerts, reminders) and its
 * worker. BullMQ gets its own connection (it needs `maxRetriesPerRequest: null`); the worker
 * calls the Bot API through a grammY Api of its own, without the auto-retry transformer of the
 * bot's replies, because it waits out 429s and retries failures itself, within the limits
 * shared by every process through Redis. At shutdown the worker lets its sends in flight finish.
 */
function startOutbox(core: KorpuCore, env: Env, token: string, r: { url: string; redis: Redis }, logger: Logger, closers: Closer[]): Outbox {
  const connection = bullConnection(r.url, 'outbox', logger, closers);
  const reachability = new Reachability(r.redis, env.REDIS_PREFIX);
  const outbox = Outbox.create(connection, env.REDIS_PREFIX, core.cipher, { reachability });
  closers.push({ name: 'outbox queue', close: () => outbox.close() });
  const raw = new Api(token, { apiRoot: env.TELEGRAM_API_ROOT }).raw as unknown as Record<string, (p: Record<string, unknown>) => Promise<unknown>>;
  const limiter = new TelegramRateLimiter(r.redis, env.REDIS_PREFIX);
  const worker = createOutboxWorker({
    connection,
    prefix: env.REDIS_PREFIX,
    // Each channel's sender, and where a notice's recipient is written to, found when it is sent.
    senders: { [TELEGRAM_CHANNEL]: telegramSender({ callApi: (method, params) => raw[method]!(params), limiter, translator: core.translator, content: core.content }) },
    rawChannel: TELEGRAM_CHANNEL,
    resolve: recipientResolver({
      redis: core.redis,
      keys: core.keys,
      cipher: core.cipher,
      staff: rosterStaffDirectory(new RosterStore(core.redis, env.REDIS_PREFIX, { admins: env.ADMIN_TELEGRAM_IDS }), TELEGRAM_CHANNEL),
      ...(env.CASEWORKER_CHAT_ID === undefined ? {} : { caseworkers: { channel: TELEGRAM_CHANNEL, chatId: String(env.CASEWORKER_CHAT_ID) } }),
    }),
    cipher: core.cipher,
    logger,
    reachability,
  });
  closers.push({ name: 'outbox worker', close: () => worker.close() });
  return outbox;
}

/**
 * A Redis connection for BullMQ (which needs `maxRetriesPerRequest: null`), closed after its
 * queues and workers. An outage is logged once, not once per reconnection attempt.
 */
function bullConnection(url: string, name: string, logger: Logger, closers: Closer[]): Redis {
  const connection = new Redis(url, { maxRetriesPerRequest: null });
  let reported = false;
  connection.on('error', (e: Error) => {
    if (!reported) logger.warn({ err: { name: e.name, message: e.message } }, `${name}: redis connection error`);
    reported = true;
  });
  connection.on('ready', () => (reported = false));
  closers.push({ name: `${name} redis`, close: () => connection.quit().catch(() => connection.disconnect()) });
  return connection;
}


/**
 * The worker that escalates unclaimed intakes: when one falls due and the case is still
 * unclaimed, each supervisor on the roster gets a private message (through the outbox) with
 * the case's summary and Claim / Open buttons.
 */
function startEscalationWorker(core: KorpuCore, env: Env, connection: Redis, outbox: Outbox, logger: Logger, closers: Closer[]): void {
  const roster = new RosterStore(core.redis, env.REDIS_PREFIX, { admins: env.ADMIN_TELEGRAM_IDS });
  const files = new CaseFiles({ redis: core.redis, keys: core.keys, cipher: core.cipher, bookings: core.bookings });
  const worker = createEscalationWorker({
    connection,
    prefix: env.REDIS_PREFIX,
    claims: new ClaimStore(core.redis, core.keys),
    roster,
    output: escalationOutput({ translator: core.translator, files, offices: core.offices.offices, roster }, systemClock),
    notifier: outbox,
    markEscalated: async (caseCode, at) => void (await core.redis.hset(core.keys.case(caseCode), 'escalated_at', at.toISOString())),
    cipher: core.cipher,
    clock: systemClock,
    logger,
  });
  closers.push({ name: 'escalation worker', close: () => worker.close() });
}

/** Runs the closers last-started-first; a failing one does not stop the others. */
async function shutdown(closers: Closer[], logger: Logger | undefined): Promise<boolean> {
  let clean = true;
  for (const c of [...closers].reverse()) {
    try {
      await c.close();
    } catch (e) {
      clean = false;
      logger?.error({ err: { name: (e as Error).name, message: (e as Error).message } }, `stopping ${c.name} failed`);
    }
  }
  return clean;
}

/** The one line for a start-up problem a person can fix; undefined for a real bug. */
function problemLines(e: unknown): string[] | undefined {
  if (e instanceof ConfigError) return e.message.split('\n').map((l) => `korpu: config: ${l}`);
  if (e instanceof RedisUnavailableError || e instanceof RedisSetupError) return [`korpu: redis: ${e.message}`];
  if (e instanceof FlowDefinitionError) return [`korpu: flows: ${e.message}`];
  if (e instanceof GrammyError) return [`korpu: telegram: ${e.method}: ${e.description}${e.error_code === 401 || e.error_code === 404 ? ' (check BOT_TOKEN)' : ''}`];
  if (e instanceof HttpError) return [`korpu: telegram: cannot reach the Bot API (${(e.error as Error)?.message ?? e.message}); check TELEGRAM_API_ROOT and the network`];
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') return [`korpu: http: cannot listen (${code}): ${(e as Error).message}; set PORT or HOST`];
  return undefined;
}

async function main(): Promise<void> {
  const closers: Closer[] = [];
  let logger: Logger | undefined;
  let stopping = false;
  const stop = async (reason: string, failed = false) => {
    if (stopping) {
      logger?.warn({ reason }, 'asked again to stop: exiting at once');
      process.exit(1);
    }
    stopping = true;
    logger?.info({ reason }, 'shutting down');
    const clean = await shutdown(closers, logger);
    process.exit(clean && !failed ? 0 : 1);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('unhandledRejection', (reason) => {
    const e = reason as Error | undefined;
    logger?.fatal({ err: { name: e?.name, message: e?.message, stack: e?.stack } }, 'unhandled rejection');
    void stop('unhandledRejection', true);
  });

  try {
    logger = await start(closers, (e) => void stop(`telegram: ${e.message}`, true));
  } catch (e) {
    const lines = problemLines(e);
    if (lines) for (const line of lines) process.stderr.write(`${line}\n`);
    else process.stderr.write(`korpu: start-up failed: ${(e as Error)?.stack ?? String(e)}\n`);
    stopping = true;
    await shutdown(closers, undefined);
    process.exit(1);
  }
}

void main();
