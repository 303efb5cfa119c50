import type { UserFromGetMe } from 'grammy/types';
import { Redis } from 'ioredis';
import { Queue } from 'bullmq';
import type { Express } from 'express';
import { buildCore, type KorpuCore } from './app';
import { startReminderWorker } from './reminder-worker';
import { retentionWorker, type RetentionRun } from './retention-worker';
import { reconcileWorker, type ReconcileRun } from './reconcile-worker';
import { caseworkersChat, checkCaseworkersChat, createTelegramBot, officeButtonWarnings, publicChatProblem, registerWebhook, setBotCommands, startPolling, TELEGRAM_CHANNEL, telegramSender, webhookHandler, type KorpuBot, type CopyToPerson } from './channels/telegram';
import { telegramApiCall } from './channels/telegram/notice-sender';
import { createCaseworkerAlerts, createUrgentAlerts } from './caseworkers/alert-notices';
import { alertState, CaseAlertMessages, redrawCaseAlerts, trackCaseAlerts, type AlertRedrawDeps } from './caseworkers/alert-messages';
import { createRightsNotices } from './caseworkers/rights-notices';
import { ConfigError } from './core/errors';
import { PERSON } from './core/audit';
import { createDeskDeps, followMeetingOffice, langOf, tellTalkLeft, type DeskDeps } from './caseworkers/desk';
import { readContact } from './storage/case-contact';
import { liftBlock, markBlocked } from './channels/telegram/membership';
import { RelayStore } from './caseworkers/relay-store';
import { SlotCalendar } from './intake/slot-calendar';
import { eraseOutsideConversation, type PendingWork } from './intake/erase-case';
import { meetingConversations } from './caseworkers/meeting-conversations';
import { RosterStore } from './caseworkers/roster';
import { askCaseworkersToReachStaff, tellHolderAnswerNotDelivered } from './caseworkers/staff-unreachable';
import { createEscalationWorker, EscalationScheduler, workingHoursPolicy, type EscalationPolicy } from './caseworkers/escalation';
import { ClaimStore } from './caseworkers/claims';
import { createCorrectionNotices } from './caseworkers/correction-notices';
import { createPurgeNotices } from './caseworkers/purge-notices';
import { CaseFiles } from './caseworkers/case-file';
import { CaseIndex } from './caseworkers/case-index';
import { backfillSearch } from './caseworkers/case-search';
import { createCaseIndexEffects } from './caseworkers/case-index-effects';
import { escalationOutput } from './caseworkers/escalation-notice';
import { silenceOf } from './intake/person-silence';
import { rosterStaffDirectory } from './caseworkers/roster-staff-directory';
import type { AppConfig } from './config';
import { resolveDataKeys } from './config/data-key';
import { checkPseudonymKey } from './storage/pseudonym-key-check';
import { systemClock, type Clock, type IdGen } from './core/clock';
import type { Logger } from './core/logger';
import { PHONE_CHANNEL } from './core/phone-call';
import { createLogger } from './core/logger';
import { createHttpApp, startHttpServer } from './http';
import { chatRefOf, createOutboxWorker, isGroupChat, Outbox, recipientResolver, TelegramRateLimiter, telegramLimitsFor, type SentNotice, type TelegramLimits } from './scheduling/outbox';
import { Reachability } from './scheduling/reachability';
import { ReminderScheduler } from './scheduling/reminders';
import { FieldCipher } from './storage/field-cipher';
import { migrateKeyLayout } from './storage/key-layout';
import { createRedisClient, listsClusterNodes, masterNodes } from './storage/redis-client';
import { redisKeys } from './storage/keys';
import { RedisAuditTrail } from './storage/redis-audit-trail';
import { simulatorPrefix } from './storage/keys';
import { deploymentWarnings, publicUrl, simulatorEnabled, simulatorWarnings } from './config/env';
import { createWorkspace, SignInLinks, WebSessions, sessionCookie } from './web';
import { reportPagesDeps } from './web/pages/reports/report-pages-deps';
import { RETENTION_QUEUE } from './retention-worker';
import { hostPort, resolveRedis } from './storage/embedded-redis';
import { assertProductionRedis, connectRedis, reconnectDelay } from './storage/redis-connection';
import { PollingLease } from './storage/polling-lease';
import { KorpuMetrics } from './core/metrics';
import { BacklogWatch, readBacklog } from './scheduling/backlog-watch';
import { countedCall } from './channels/telegram/metrics';
import { metricsApp } from './http';

/** How long one part may take to stop before shutdown goes on without it. */
const CLOSE_TIMEOUT_MS = 10_000;
/**
 * A person correcting several details does it in a row, a few seconds to a minute apart: the
 * case workers' notice waits this long after the last one and names them all.
 */
const CORRECTION_NOTICE_DELAY_MS = 2 * 60 * 1000;

/** Something to undo at shutdown, in reverse order of start. */
interface Closer {
  name: string;
  close: () => Promise<unknown> | unknown;
}

/** What tests, the benchmark and main.ts may set besides the configuration. */
export interface KorpuOverrides {
  logger?: Logger;
  clock?: Clock;
  ids?: IdGen;
  /** The bot's own user: skips `getMe` at start (tests against a fake Bot API that knows it anyway). */
  botInfo?: UserFromGetMe;
  /** Limits of the direct replies' auto-retry (tests shorten them). */
  retry?: { maxDelaySeconds?: number; maxRetryAttempts?: number };
  /** How long an unacknowledged effect waits before another process takes it over (tests shorten it). */
  effectClaimAfterMs?: number;
  /**
   * When an unclaimed intake goes to the supervisors, in place of ESCALATION_WORKING_MINUTES of
   * the offices' opening hours (tests escalate within a second, without waiting for opening time).
   */
  escalationPolicy?: EscalationPolicy;
  /** Telegram's limits as the outbox keeps them (tests that send many alerts to one group lift its limit). */
  telegramLimits?: Partial<TelegramLimits>;
  /** Called when Telegram ends long polling for good (main.ts shuts down). */
  onFatal?: (e: Error) => void;
  /** How long after a person's last correction the one notice naming them all goes (tests shorten it). */
  correctionNoticeDelayMs?: number;
  /**
   * When a webhook update is answered 200 before it is handled (55 s: `webhookAnswerWithinMs`),
   * and the waits before an update Telegram will not deliver again is handled here again
   * (`handleAgainAfterMs`, channels/telegram/handle-again.ts): tests shorten them.
   */
  updateTiming?: { webhookAnswerWithinMs?: number; handleAgainAfterMs?: readonly number[] };
}

/** Körpü, built once: every store, the channels, the workers and the HTTP app, ready to start. */
export interface Korpu {
  core: KorpuCore;
  /**
   * The simulator's own core, when the simulator is on (SIMULATOR, see simulatorEnabled): the
   * same flows and texts under `<REDIS_PREFIX>sim:`, without reminders or pushed messages, so
   * what staff try there never becomes a real case, alert or taken office place.
   */
  simulator?: KorpuCore;
  /** The Telegram bot, when a bot token is configured. */
  bot?: KorpuBot;
  /** The outbox, when a bot token is configured (it is what sends on the bot's own initiative). */
  outbox?: Outbox;
  /** The retention purge, when a bot token is configured (it runs on its own every `everyHours`; tests run it at once). */
  retention?: { run(): Promise<RetentionRun> };
  /** The reconciliation, when a bot token is configured (it runs on its own every 10 minutes; tests run it at once). */
  reconcile?: { run(): Promise<ReconcileRun> };
  /** The case workers' desk (staff use cases run on it), when a bot token is configured. */
  desk?: DeskDeps;
  /** The roster of case workers (built once; the bot's staff features use this one). */
  roster: RosterStore;
  /** The case list's indexes (the workspace's list), kept by every write that moves a case. */
  caseIndex: CaseIndex;
  /** The application's Redis connection, for tools and the benchmark (its round trips are counted there). */
  redis: Redis;
  /** The Express app (health, simulator, webhook). */
  app: Express;
  /** Körpü's Prometheus metrics (served on METRICS_PORT when set). */
  metrics: KorpuMetrics;
  logger: Logger;
  /**
   * Listens on HTTP and starts receiving Telegram updates; resolves with the HTTP address (a
   * ROLE=worker process: health only, on WORKER_PORT; empty when that is not set).
   */
  start(): Promise<{ url: string }>;
  /** Stops everything, last started first; resolves false if something failed to stop. */
  stop(): Promise<boolean>;
}

/**
 * The one composition of Körpü: configuration in, everything wired once. main.ts, the
 * end-to-end tests and the benchmark all build Körpü with it, so that what they run is what
 * production runs.
 *
 * - Redis: REDIS_URL, or the embedded default (a local redis-server it finds or starts);
 *   production refuses a Redis that evicts keys or keeps nothing on disk.
 * - The field cipher: DATA_KEY, DATA_KEYS or DATA_KEY_FILE (newest first) and PSEUDONYM_KEY;
 *   start-up is refused when the pseudonym key is not the one this Redis's data was made with.
 * - The core (flows, conversation runner, stores, effect stream and its handlers).
 * - With a bot token: the outbox and its worker, the reminder and escalation queues and
 *   workers, the Telegram bot with its case-worker features, alerts and urgent alerts
 *   registered as effect handlers, and the webhook route or long polling.
 * - The simulator's own core (its own key prefix, no reminders, no alerts) when SIMULATOR
 *   allows it (never in production unless `SIMULATOR=on`), and the HTTP app (health, the
 *   simulator on that core, the webhook).
 * - ROLE selects what of it runs in this process: `all` everything; `web` the HTTP app and the
 *   bot's updates (no effect consumer, no workers: its effects wait in the stream, its messages
 *   in the outbox); `worker` the effect consumer, the outbox's sender, the reminder, escalation
 *   and retention workers and the case index backfill, with health only, on WORKER_PORT.
 *
 * @example
 *   const korpu = await createKorpu(loadConfig(process.env));
 *   await korpu.start();
 *   process.on('SIGTERM', () => void korpu.stop());
 */
export async function createKorpu(config: AppConfig, overrides: KorpuOverrides = {}): Promise<Korpu> {
  const { env, content, offices, safeguarding, requests } = config;
  // The one language of everything posted or edited in the case workers' chat (alerts, notices,
  // a person's messages, follow-ups, answers there); a worker's private chat stays in theirs.
  const chatLang = env.CASEWORKER_CHAT_LANG;
  const logger = overrides.logger ?? createLogger(env.LOG_LEVEL);
  const closers: Closer[] = [];
  // Counters and histograms only on the hot path; the backlog gauges read Redis on scrape. Node's
  // process metrics (their event-loop and GC observers) only where something scrapes them.
  const metrics = new KorpuMetrics({ defaultMetrics: env.METRICS_PORT !== undefined });
  const stop = async (): Promise<boolean> => {
    let clean = true;
    for (const c of closers.splice(0).reverse()) {
      try {
        // A part that cannot stop (a worker waiting on a job whose Redis is gone) does not hold the
        // rest up: after CLOSE_TIMEOUT_MS it is left, logged, and shutdown goes on.
        let timer: NodeJS.Timeout | undefined;
        const began = Date.now();
        const timedOut = new Promise<'timeout'>((res) => (timer = setTimeout(() => res('timeout'), CLOSE_TIMEOUT_MS)));
        const outcome = await Promise.race([Promise.resolve(c.close()).then(() => 'closed' as const), timedOut]).finally(() => clearTimeout(timer));
        logger.debug({ ms: Date.now() - began }, `stopped ${c.name}`);
        if (outcome === 'timeout') {
          clean = false;
          logger.error(`stopping ${c.name} took over ${CLOSE_TIMEOUT_MS} ms: left behind`);
        }
      } catch (e) {
        clean = false;
        logger.error({ err: { name: (e as Error).name, message: (e as Error).message } }, `stopping ${c.name} failed`);
      }
    }
    return clean;
  };
  /** Logs a queue's connection errors once per outage (the connection's own listener says when it is back). */
  function onceAnOutage(name: string): (err: Error) => void {
    let last = 0;
    return (err) => {
      if (Date.now() - last < 60_000) return;
      last = Date.now();
      logger.warn({ err: { name: err.name, message: err.message } }, `${name}: redis connection error`);
    };
  }
  /** A queue opened only to be shown on the queues' board (closed at shutdown). */
  function boardQueue(connection: Redis, name: string): Queue {
    const queue = new Queue(name, { connection, prefix: redisKeys(env.REDIS_PREFIX).bull() });
    queue.on('error', () => undefined);
    closers.push({ name: `${name} queue (board)`, close: () => queue.close() });
    return queue;
  }
  try {
    return await compose();
  } catch (e) {
    await stop();
    throw e;
  }

  async function compose(): Promise<Korpu> {
    const dataKeys = resolveDataKeys(env);
    if (dataKeys.source === 'file' || dataKeys.source === 'created') logger.warn({ file: dataKeys.file, created: dataKeys.source === 'created' }, 'DATA_KEY is not set: using a development key from DATA_DIR (set DATA_KEY in production)');
    const cipherKeys = { dataKeys: dataKeys.keys, ...(dataKeys.pseudonymKey ? { pseudonymKey: dataKeys.pseudonymKey } : {}) };

    // A web or worker process shares the Redis of the others: it never starts one of its own.
    const choice = await resolveRedis({ redisUrl: env.REDIS_URL, dataDir: env.DATA_DIR, ...(env.ROLE === 'all' ? {} : { sharedBy: `a ROLE=${env.ROLE} process` }) });
    if (choice.server) closers.push({ name: 'redis-server', close: () => choice.server!.stop() });
    logger.info({ redis: hostPort(choice.url), source: choice.source, ...(choice.dir ? { dir: choice.dir } : {}) }, 'using Redis');
    const cluster = env.REDIS_CLUSTER === '1' || listsClusterNodes(choice.url);
    const redis = await connectRedis(choice.url, { logger, cluster });
    closers.push({ name: 'redis', close: () => redis.quit().catch(() => redis.disconnect()) });
    redis.on('reconnecting', () => metrics.redisReconnects.inc({ connection: 'app' }));
    // (on a cluster, every master: each keeps its own share of the data)
    if (env.NODE_ENV === 'production') for (const node of masterNodes(redis)) await assertProductionRedis(node, logger);
    // Keys written by a release before hash tags get their tagged names, once, before anything runs.
    await migrateKeyLayout(redis, redisKeys(env.REDIS_PREFIX), logger);

    const token = env.BOT_TOKEN;
    // The process role (ROLE, README "Running several processes"): every part is built in every
    // role, from this one composition; the role decides which of them run here. `web` consumes
    // no effects and runs no workers (its steps' effects wait in the stream for a worker);
    // `worker` serves no webhook, workspace or simulator and receives no Telegram updates.
    const servesWeb = env.ROLE !== 'worker';
    const runsWorkers = env.ROLE !== 'web';
    const cipher = new FieldCipher(cipherKeys);
    // Key ids only (they reveal nothing of the keys): which key encrypts, which still decrypt.
    logger.info({ encrypting: cipher.currentKeyId, decrypting: cipher.keyIds, pseudonyms: cipher.pseudonymKeyId }, 'data keys');
    // Pseudonyms from another key than before would orphan every conversation: refuse to start.
    await checkPseudonymKey(redis, redisKeys(env.REDIS_PREFIX), cipher, { explicit: dataKeys.pseudonymKey !== undefined, logger });
    const clock = overrides.clock ?? systemClock;
    const roster = new RosterStore(redis, env.REDIS_PREFIX, { admins: env.ADMIN_TELEGRAM_IDS });
    if (env.BOT_TOKEN) {
      const rosterHasAdmin = (await roster.listByRole('admin')).length > 0;
      for (const warning of deploymentWarnings(env, { rosterHasAdmin })) logger.warn(warning);
    }

    // Reminders, nudges and escalations reach people and staff only through a bot: queued when a token is set.
    const bull = token ? bullConnection(choice.url, cluster, 'queues', logger, closers) : undefined;
    bull?.on('reconnecting', () => metrics.redisReconnects.inc({ connection: 'queues' }));
    const reminders = bull ? ReminderScheduler.create(bull, env.REDIS_PREFIX, offices.reminders, cipher) : undefined;
    if (reminders) closers.push({ name: 'reminder queue', close: () => reminders.close() });
    if (reminders) reminders.onError(onceAnOutage('reminder queue'));
    // An intake nobody claims within ESCALATION_WORKING_MINUTES of opening time goes to the supervisors.
    const escalations = bull ? EscalationScheduler.create(bull, env.REDIS_PREFIX, overrides.escalationPolicy ?? workingHoursPolicy(env.ESCALATION_WORKING_MINUTES, offices.offices)) : undefined;
    if (escalations) closers.push({ name: 'escalation queue', close: () => escalations.close() });
    if (escalations) escalations.onError(onceAnOutage('escalation queue'));

    // The audit trail: what staff do to cases and the person's own withdrawal and erasure, no personal data.
    const auditTrail = new RedisAuditTrail(redis, redisKeys(env.REDIS_PREFIX), { keepMonths: env.AUDIT_KEEP_MONTHS, clock });

    const fault = env.KORPU_TEST_FAULT === 'after_commit' ? () => void process.kill(process.pid, 'SIGKILL') : undefined;
    const core = await buildCore({
      redis,
      dataKey: cipherKeys,
      content,
      offices,
      safeguarding,
      requests,
      prefix: env.REDIS_PREFIX,
      flowsDir: env.FLOWS_DIR,
      timeZone: env.TZ,
      clock,
      logger,
      ...(overrides.ids ? { ids: overrides.ids } : {}),
      ...(reminders ? { reminders } : {}),
      ...(token ? { pushChannels: [TELEGRAM_CHANNEL] } : {}),
      // Webhook: several processes may serve one bot, so a reply committed elsewhere a moment ago is still on its way.
      ...(token ? { keepReplies: { graceMs: env.MODE === 'webhook' ? env.REPLY_GRACE_SECONDS * 1000 : 0 } } : {}),
      ...(fault ? { afterCommit: fault } : {}),
      effectClaimAfterMs: overrides.effectClaimAfterMs ?? env.EFFECT_RETRY_SECONDS * 1000,
      audit: auditTrail,
      // Handlers are registered below; the stream starts once they all are.
      startEffects: false,
      metrics,
    });
    closers.push({ name: 'effects', close: () => core.close() });

    // The outbox closes after HTTP and Telegram stop handing it messages, before Redis.
    const reachability = new Reachability(redis, env.REDIS_PREFIX);
    // Telegram's overall limit, kept in Redis for every process: the outbox's messages and the
    // direct replies take their slots from the same window.
    const limiter = token ? new TelegramRateLimiter(redis, env.REDIS_PREFIX, { ...telegramLimitsFor(env.TELEGRAM_MESSAGES_PER_SECOND), ...overrides.telegramLimits }) : undefined;
    // What the outbox worker does once a tracked message is out (a case's alert in the group is
    // remembered, to be edited when the case changes hands): set below, once the case files exist.
    const sent: { track?: (s: SentNotice) => Promise<void> } = {};
    const outbox = token && bull && limiter ? startOutbox(bull, redis, core, roster, reachability, limiter, runsWorkers, sent) : undefined;
    /** The person behind a case, when they are on Telegram (a worker's photo is copied to them). */
    const telegramChatOf = async (caseCode: string) => {
      const contact = await readContact({ redis, keys: core.keys, cipher }, caseCode);
      return contact?.channel === TELEGRAM_CHANNEL ? contact.chatId : undefined;
    };
    let bot: KorpuBot | undefined;
    let webhook: { path: string; handler: ReturnType<typeof webhookHandler> } | undefined;
    // The case workers' desk, built once: every staff action (the bot's buttons and commands, a
    // future web workspace) goes through it; it tells people things through the outbox.
    const relay = new RelayStore(redis, env.REDIS_PREFIX, cipher);
    const files = new CaseFiles({ redis, keys: core.keys, cipher, bookings: core.bookings });
    const claims = new ClaimStore(redis, core.keys);
    // The case list's indexes (the workspace's list): a committed step whose effects move its
    // case reindexes it once (case-index-effects.ts), and so does every desk write
    // (createDeskDeps); cases from before the index are indexed once at start (backfill, below).
    const caseIndex = new CaseIndex(redis, core.keys);
    core.onEffect(createCaseIndexEffects(caseIndex));
    /** The person's conversation behind a case (a message written in the workspace opens the talk there). */
    const conversationOf = async (caseCode: string) => {
      const contact = await readContact({ redis, keys: core.keys, cipher }, caseCode);
      return contact ? core.runner.conversationId(contact.channel, contact.chatId) : undefined;
    };
    // Where staff open an incident report in the web workspace (the urgent alert of a crisis links
    // to its draft), on a deployment that has the workspace: the address of its sign-in links.
    let listeningAt: string | undefined;
    const linkBase = () => (env.PUBLIC_URL ? publicUrl(env) : (listeningAt ?? publicUrl(env)));
    const hasWorkspace = Boolean(env.PUBLIC_URL) || env.NODE_ENV !== 'production';
    const incidentLink = hasWorkspace ? (id: string) => `${linkBase()}/desk/incidents/${encodeURIComponent(id)}` : undefined;
    // The case workers' group's alerts of each case (message ids only), edited in place when the
    // case changes hands or ends, so that no alert in the group offers Claim for a case taken.
    const alertMessages = outbox && env.CASEWORKER_CHAT_ID !== undefined ? new CaseAlertMessages(redis, core.keys) : undefined;
    const redrawDeps: AlertRedrawDeps | undefined = outbox && alertMessages
      ? { translator: core.translator, files, offices: offices.offices, roster, incidents: core.incidents, ...(incidentLink ? { incidentLink } : {}), notifier: outbox, clock, logger, alertMessages, chatLang }
      : undefined;
    if (redrawDeps && alertMessages) sent.track = trackCaseAlerts({ ...redrawDeps, alertMessages });
    // What an erasure made outside the person's conversation (the retention purge, an admin at the
    // person's request) forgets: the case's queued messages go first; then its alerts in the group
    // are edited to say only that it is erased (the edits' ids name the alert messages, never the
    // case: nothing left in Redis names it).
    const erasurePending: PendingWork[] = outbox
      ? [...(reminders ? [reminders] : []), ...(escalations ? [escalations] : []), { forget: async ({ caseCode }) => void (await outbox.forgetCase(caseCode)) }, ...(redrawDeps ? [{ forget: async ({ caseCode }: { caseCode: string }) => void (await redrawCaseAlerts(redrawDeps, caseCode, 'purged')) }] : [])]
      : [];
    const desk = outbox
      ? createDeskDeps({ ...(alertMessages ? { alertMessages } : {}), redis, keys: core.keys, cipher, roster, bookings: core.bookings, ...(overrides.ids ? { ids: overrides.ids } : {}), notifier: outbox, translator: core.translator, chatLang, offices: offices.offices, clock, logger, relay, files, claims, audit: auditTrail, auditTrail, index: caseIndex, incidents: core.incidents, conversationOf, ...(escalations ? { escalations } : {}), ...(incidentLink ? { incidentLink } : {}), ...(reminders ? { reminders } : {}),
          // Booking on the person's behalf: the bot's store and closed days; their conversation kept in step.
          booking: { store: core.bookings, calendar: new SlotCalendar(), closures: core.closures }, meetings: meetingConversations({ redis, keys: core.keys, cipher, runner: core.runner }),
          // Someone taken off the roster is taken out of the case workers' group too (the bot, built below, bans them).
          ...(env.CASEWORKER_CHAT_ID !== undefined ? { caseworkersChat: caseworkersChat(() => bot?.api, env.CASEWORKER_CHAT_ID, logger) } : {}),
          // An admin's erasure at the person's request: exactly the purge's (eraseOutsideConversation), with the same pending work.
          erasure: { erase: (caseCode: string, now: Date) => eraseOutsideConversation({ redis, keys: core.keys, cipher: core.cipher, chatRefOf: (chatId) => chatRefOf(core.cipher, chatId), pending: erasurePending, conversationOf: (c) => core.runner.conversationId(c.channel, c.chatId), peek: (conversation) => core.runner.peek(conversation) }, caseCode, now) } })
      : undefined;
    // The web workspace (`/desk`) works the same desk; staff sign in with a one-time link from
    // `/dashboard`. In production it needs PUBLIC_URL (the address in the links, https).
    const signInLinks = desk && hasWorkspace ? new SignInLinks(redis, core.keys, clock, linkBase) : undefined;
    const workspace =
      desk && signInLinks && servesWeb
        ? createWorkspace({
            desk,
            links: signInLinks,
            sessions: new WebSessions(redis, core.keys, clock),
            cookie: sessionCookie(publicUrl(env), env.NODE_ENV === 'production'),
            redis,
            keys: core.keys,
            translator: core.translator,
            clock,
            logger,
            timeZone: env.TZ,
            // Calendar, numbers, exports and admin (src/web/pages/reports): the queues' board shows these, read only.
            reports: reportPagesDeps({
              redis, keys: core.keys, cipher, bookings: core.bookings, closures: core.closures, ...(reminders ? { reminders } : {}),
              timeZone: env.TZ, clock, logger, flowsDir: env.FLOWS_DIR, simulator: simulatorEnabled(env),
              queues: [...(reminders ? [reminders.queue] : []), ...(outbox ? [outbox.queue] : []), ...(escalations ? [escalations.queue] : []), ...(bull ? [boardQueue(bull, RETENTION_QUEUE)] : [])],
            }),
          })
        : undefined;
    if (token) {
      /** The case of the person writing in a private chat, if they have one. */
      const caseOfChat = async (chatId: string) => (await core.runner.peek(core.runner.conversationId(TELEGRAM_CHANNEL, chatId)))?.caseCode;
      bot = createTelegramBot(core, {
        token,
        apiRoot: env.TELEGRAM_API_ROOT,
        ...(overrides.botInfo ? { botInfo: overrides.botInfo } : {}),
        ...(overrides.retry ? { retry: overrides.retry } : {}),
        ...(env.MODE === 'webhook' ? { webhook: true } : {}),
        ...(overrides.updateTiming?.handleAgainAfterMs ? { handleAgainAfterMs: overrides.updateTiming.handleAgainAfterMs } : {}),
        metrics,
        // A message to a group takes its slot in that group's window too (keyed by the chat's pseudonym, as the outbox's).
        ...(limiter ? { replySlots: { reserveReply: (chatId) => limiter.reserveReply(chatId !== undefined && isGroupChat(chatId) ? chatRefOf(cipher, chatId) : undefined), connected: () => limiter.connected() } } : {}),
        ...(env.CASEWORKER_CHAT_ID === undefined ? {} : { caseworkerChatId: env.CASEWORKER_CHAT_ID }),
        caseworkerChatLang: chatLang,
        // An answer in the case workers' group waits its turn there with the alerts, once per
        // command message (a redelivered update queues nothing new). Its text names only the command.
        ...(outbox
          ? { postInCaseworkerChat: (chatId: number, replyTo: number, text: string) => outbox.send(`group_reply:${outbox.chatRef(chatId)}:${replyTo}`, { chatId, method: 'sendMessage', params: { text, reply_parameters: { message_id: replyTo, allow_sending_without_reply: true } }, kind: 'group_reply' }) }
          : {}),
        // The case workers' commands (/today, the roster) and the alerts' buttons (Claim, Open,
        // attendance), for the people on the roster only; escalations of unclaimed intakes. The
        // desk tells people things through the outbox (there is one whenever there is a bot).
        ...(desk ? { caseworkers: { desk, roster, ...(signInLinks ? { signInLinks } : {}) } } : {}),
        talk: {
          relay, cipher, chatOf: (caseCode) => telegramChatOf(caseCode), blocked: (caseCode) => reachability.isUnreachable({ caseCode }),
          // A worker's file goes to the person through the outbox, in the person's chat's line after the texts the worker sent before it.
          ...(outbox ? { copyToPerson: (c: Parameters<CopyToPerson>[0]) => outbox.send(c.id, { chatId: c.chatId, method: 'copyMessage', params: { from_chat_id: c.fromChatId, message_id: c.messageId }, kind: 'relay', caseCode: c.caseCode }) } : {}),
        },
        // Blocking marks the person unreachable at once, as the outbox's 403 would; unblocking
        // lifts the mark (the outbox's or this one), by chat and by case.
        onBlocked: markBlocked({ reachability, cipher, caseOf: caseOfChat }),
        onUnblocked: liftBlock({ reachability, cipher, caseOf: caseOfChat }),
        logger,
      });
      if (outbox && env.CASEWORKER_CHAT_ID !== undefined) {
        // The effect handlers that tell case workers, through the outbox: an alert for every
        // intake, diagnosis, booking and request for a person (the simulator's cases, on a core
        // of their own, never reach these handlers; the channel filter is a second guard); an
        // urgent alert, ahead of everything else, for a crisis.
        const channels = [TELEGRAM_CHANNEL, PHONE_CHANNEL];
        core.onEffect(createCaseworkerAlerts({ notifier: outbox, translator: core.translator, lang: chatLang, files, offices: offices.offices, roster, logger, channels, buttons: true, clock, ...(escalations ? { escalations } : {}) }));
        core.onEffect(createUrgentAlerts({ notifier: outbox, translator: core.translator, lang: chatLang, files, offices: offices.offices, roster, incidents: core.incidents, logger, channels, buttons: true, clock, ...(incidentLink ? { incidentLink } : {}) }));
      }
      // A withdrawal or an erasure: the case's escalation goes (no supervisor is pushed to take up
      // a case nobody waits on); an erasure first clears the case's queued messages; the case workers are told.
      if (escalations) core.onEffect(async (e) => void ((e.type === 'case_withdrawn' || e.type === 'data_erased') && (await escalations.forget(e))));
      if (outbox) core.onEffect(createRightsNotices({ notifier: outbox, translator: core.translator, lang: chatLang, logger, channels: [TELEGRAM_CHANNEL, PHONE_CHANNEL], tell: env.CASEWORKER_CHAT_ID !== undefined, forgetMessages: (code) => outbox.forgetCase(code), ...(redrawDeps ? { redrawAlerts: (code: string, cause: string) => redrawCaseAlerts(redrawDeps, code, cause) } : {}) }));
      // A correction (/correct): the worker holding the case, else the case workers' chat, is told which fields changed.
      // A claim left by a worker no longer on the roster tells the chat: nobody would read a notice to them.
      const holderOf = async (code: string) => {
        const claim = await claims.get(code);
        const holder = claim ? await roster.byStaff(claim.by) : undefined;
        return holder ? { staffId: holder.staffId, lang: langOf(holder) } : undefined;
      };
      // Several details corrected one after another: one notice naming them all, once the person stops.
      const gather = { redis, key: core.keys.corrections, delayMs: overrides.correctionNoticeDelayMs ?? CORRECTION_NOTICE_DELAY_MS, cancel: (id: string) => outbox!.cancel(id) };
      if (outbox) core.onEffect(createCorrectionNotices({ notifier: outbox, translator: core.translator, chatLang, logger, channels: [TELEGRAM_CHANNEL, PHONE_CHANNEL], tell: env.CASEWORKER_CHAT_ID !== undefined, holderOf, gather }));
      // A person who left a talk with a case worker (back to the bot): whoever they talked to is told.
      if (desk) core.onTalkLeft((e) => tellTalkLeft(desk, { caseCode: e.caseCode, id: `talk_left:${e.id}` }));
      // A meeting booked or moved to an office its case's holder does not work at (a person
      // rebooking at another office): the case goes back to the case workers there, and the old
      // holder is told. Idempotent: a redelivered effect finds the case free.
      if (desk) core.onEffect(async (e) => void (e.type === 'booking_made' && (await followMeetingOffice(desk, PERSON, { caseCode: e.caseCode }))));
      const url = env.WEBHOOK_URL;
      const secret = env.WEBHOOK_SECRET;
      // The env schema requires WEBHOOK_URL and WEBHOOK_SECRET when MODE=webhook.
      if (env.MODE === 'webhook' && url && secret) webhook = { path: new URL(url).pathname, handler: webhookHandler(bot, secret, { ...(overrides.updateTiming?.webhookAnswerWithinMs !== undefined ? { timeoutMs: overrides.updateTiming.webhookAnswerWithinMs } : {}), ...(overrides.updateTiming?.handleAgainAfterMs ? { handleAgainAfterMs: overrides.updateTiming.handleAgainAfterMs } : {}) }) };
    }
    // The effect stream and the case list's backfill run where the workers run (ROLE all or worker).
    if (runsWorkers) await core.effects.start();
    // Cases written before the index existed: indexed once (a marker key says it is done), before
    // start() returns, so nothing started later (a test's snapshot of keys, a shutdown) races it.
    // On a deployment that had cases before the index this delays that one start by the scan.
    if (runsWorkers) await caseIndex.backfill(logger).catch((err: Error) => logger.warn({ err: { name: err.name, message: err.message } }, 'case list index: backfill failed; it runs again at the next start'));
    // The names and numbers of cases from before the case search, decrypted once into its blind index.
    if (runsWorkers) await backfillSearch({ redis, keys: core.keys, cipher }, logger).catch((err: Error) => logger.warn({ err: { name: err.name, message: err.message } }, 'case search: backfill failed; it runs again at the next start'));
    // Likewise the case file's history: audit entries from before the per-case index, listed once.
    if (runsWorkers) await auditTrail.backfillCaseIndex().catch((err: Error) => logger.warn({ err: { name: err.name, message: err.message } }, 'audit trail: listing older entries per case failed; it runs again at the next start'));

    if (runsWorkers && outbox && bull && reminders) {
      // Due reminders, nudges and follow-up calls, checked when they fall due and handed to the outbox.
      const worker = startReminderWorker(core, { connection: bull, redis, roster, prefix: env.REDIS_PREFIX, timeZone: env.TZ, notifier: outbox, channels: [TELEGRAM_CHANNEL], logger, clock, chatLang, ...(incidentLink ? { incidentLink } : {}) });
      // How late a due job starts: its due time is when it was added plus its delay.
      worker.on('active', (job) => metrics.reminderLatenessSeconds.observe({ job: job.name }, Math.max(0, Date.now() - job.timestamp - (job.delay ?? 0)) / 1000));
      closers.push({ name: 'reminder worker', close: () => worker.close() });
    }
    if (runsWorkers && outbox && bull) {
      // Unclaimed intakes, when their escalation falls due: each supervisor is told privately.
      const worker = createEscalationWorker({
        connection: bull,
        prefix: env.REDIS_PREFIX,
        claims,
        caseStatus: async (caseCode) => (await redis.hget(core.keys.case(caseCode), 'status')) ?? undefined,
        roster,
        output: escalationOutput({ translator: core.translator, files, offices: offices.offices, roster }, clock),
        // Tracked where the group's alerts are (a case workers' chat configured): edited in place when the case is claimed or ends.
        ...(alertMessages ? { state: async (caseCode: string) => alertState(await files.summary(caseCode, clock.now(), { names: 'never' })) } : {}),
        notifier: outbox,
        markEscalated: (caseCode, at) => files.markEscalated(caseCode, at),
        cipher,
        clock,
        logger,
      });
      worker.on('completed', (_job, result) => result === 'escalated' && metrics.escalations.inc());
      closers.push({ name: 'escalation worker', close: () => worker.close() });
    }

    // Personal data past its period (config/retention.yaml) is erased as /delete erases it, by a
    // repeatable job on its own queue; its scheduler is one per deployment, whatever the processes.
    const retention = runsWorkers && outbox && bull
      ? retentionWorker(core, {
          connection: bull,
          redis,
          prefix: env.REDIS_PREFIX,
          retention: config.retention,
          pending: erasurePending,
          logger,
          clock,
          // Each purged case is in the audit trail, and the case workers (and its holder) are told it was closed.
          audit: auditTrail,
          onPurged: createPurgeNotices({ notifier: outbox, translator: core.translator, chatLang, logger, tell: env.CASEWORKER_CHAT_ID !== undefined, rosterLangOf: async (staffId) => {
            const member = await roster.byStaff(staffId);
            return member ? langOf(member) : undefined;
          } }),
        })
      : undefined;
    if (retention) {
      const purge = await retention.start();
      closers.push({ name: 'retention worker', close: () => purge.close() });
    }

    // Reminders and intake alerts lost with a crashed Redis's last second (or a dead effect), rebuilt from the records.
    const reconcile = runsWorkers && outbox && bull && reminders
      ? reconcileWorker(core, {
          connection: bull,
          redis,
          prefix: env.REDIS_PREFIX,
          reminders,
          ...(escalations && env.CASEWORKER_CHAT_ID !== undefined
            ? {
                intakeAlerts: {
                  translator: core.translator,
                  lang: chatLang,
                  files,
                  offices: offices.offices,
                  roster,
                  notifier: outbox,
                  channels: [TELEGRAM_CHANNEL, PHONE_CHANNEL],
                  buttons: true,
                  // A released case's escalation counts too: without it, the intake's would be scheduled again, long due.
                  escalationKnown: (code: string) => escalations.known(code),
                  schedule: (code: string, at: Date, office?: (typeof offices.offices)[number]) => escalations.schedule(code, at, office),
                  alertedSince: (code: string, since: Date) => outbox.alertedSince(code, since),
                },
              }
            : {}),
          logger,
          clock,
        })
      : undefined;
    if (reconcile) {
      const running = await reconcile.start();
      closers.push({ name: 'reconcile worker', close: () => running.close() });
    }

    // The simulator has no login: in production it runs only when SIMULATOR=on. It gets a core
    // of its own under `<prefix>sim:` (its cases, bookings and places apart from the real ones),
    // with no reminders, nudges or alerts: nothing it does reaches a real person or office.
    const simulator = simulatorEnabled(env) && servesWeb
      ? await buildCore({
          redis,
          dataKey: cipherKeys,
          content,
          offices,
          safeguarding,
          requests,
          prefix: simulatorPrefix(env.REDIS_PREFIX),
          flowsDir: env.FLOWS_DIR,
          timeZone: env.TZ,
          clock,
          logger,
          ...(overrides.ids ? { ids: overrides.ids } : {}),
          effectClaimAfterMs: overrides.effectClaimAfterMs ?? env.EFFECT_RETRY_SECONDS * 1000,
        })
      : undefined;
    if (simulator) closers.push({ name: 'simulator effects', close: () => simulator.close() });
    if (simulator) for (const warning of simulatorWarnings(env)) logger.warn(warning);
    // The backlog (effects not yet performed, the outbox's depth), read on scrape and watched
    // every few seconds: a stuck effect or an outbox held back by 429s is logged once.
    const backlog = () => readBacklog({ redis, keys: core.keys, ...(outbox ? { outbox: outbox.queue } : {}), clock });
    metrics.readBacklogWith(backlog);
    const watch = new BacklogWatch({ read: backlog, logger, effectWarnSeconds: env.EFFECT_WARN_SECONDS, outboxWarnSeconds: env.OUTBOX_WARN_SECONDS, clock });
    watch.start();
    closers.push({ name: 'backlog watch', close: () => watch.stop() });
    // A worker's HTTP app has health only (on WORKER_PORT, when set).
    const app = servesWeb
      ? createHttpApp({ core, logger, ...(simulator ? { simulator, simulatorLimits: { redis, keyOf: simulator.keys.webRateLimit, settings: { requestsPerMinute: env.SIMULATOR_REQUESTS_PER_MINUTE, maxSessions: env.SIMULATOR_MAX_SESSIONS } } } : {}), ...(webhook ? { telegramWebhook: webhook } : {}), ...(workspace ? { workspace } : {}), ...(env.TRUST_PROXY !== undefined ? { trustProxy: env.TRUST_PROXY } : {}) })
      : createHttpApp({ core, logger });
    /** GET /metrics on a listener of its own, when METRICS_PORT is set (every role). */
    const serveMetrics = async (): Promise<void> => {
      if (env.METRICS_PORT === undefined) return;
      const served = await startHttpServer(metricsApp(metrics, { logger, ...(env.METRICS_TOKEN ? { token: env.METRICS_TOKEN } : {}) }), { port: env.METRICS_PORT, host: env.METRICS_HOST });
      closers.push({ name: 'metrics http', close: () => served.close() });
      logger.info({ url: `${served.url}/metrics`, token: Boolean(env.METRICS_TOKEN) }, 'metrics served');
    };

    const start = async (): Promise<{ url: string }> => {
      if (!servesWeb) return startWorker();
      const http = await startHttpServer(app, { port: env.PORT, host: env.HOST });
      listeningAt = http.url.replace(/\/+$/, '');
      closers.push({ name: 'http', close: () => http.close() });
      await serveMetrics();
      if (bot) {
        await bot.init(); // getMe: a wrong token stops start-up here, with Telegram's answer
        if (env.CASEWORKER_CHAT_ID !== undefined) {
          // The alerts, people's words and names under consent C go there: never to a chat anyone can join.
          const chat = await checkCaseworkersChat(bot.api, env.CASEWORKER_CHAT_ID, bot.botInfo.id);
          if (chat.publicName) throw new ConfigError(publicChatProblem(chat.publicName));
          for (const warning of chat.warnings) logger.warn(warning);
        }
        await setBotCommands(bot.api, core.translator);
        for (const warning of officeButtonWarnings(offices.offices, core.translator)) logger.warn(warning);
        if (webhook) {
          await registerWebhook(bot, env.WEBHOOK_URL!, env.WEBHOOK_SECRET!);
          logger.info({ path: webhook.path }, 'Telegram webhook registered');
        } else {
          // One long-polling process per deployment (ROLE all or web; storage/polling-lease.ts): a
          // second one waits for the lease to lapse, then refuses to start; one that loses it stops.
          let polling: ReturnType<typeof startPolling> | undefined;
          const lease = await PollingLease.take(redis, core.keys.pollingLease(), {
            logger,
            onLost: (e) => {
              void polling?.stop();
              overrides.onFatal?.(e);
            },
          });
          closers.push({ name: 'polling lease', close: () => lease.release() });
          await bot.api.deleteWebhook();
          polling = startPolling(bot, { ...(overrides.onFatal ? { onFatal: overrides.onFatal } : {}) });
          closers.push({ name: 'telegram', close: () => polling.stop() });
          logger.info({ bot: bot.botInfo.username }, 'Telegram long polling started');
        }
      }
      if (simulator && !token) logger.info(`Körpü simulator: ${http.url}/`);
      else logger.info({ url: http.url, mode: env.MODE, simulator: Boolean(simulator) }, 'Körpü is running');
      return { url: http.url };
    };
    /** ROLE=worker: its parts already run; it listens only for health, on WORKER_PORT, and metrics, on METRICS_PORT. */
    const startWorker = async (): Promise<{ url: string }> => {
      await serveMetrics();
      if (env.WORKER_PORT === undefined) {
        logger.info({ role: env.ROLE }, 'Körpü worker is running (no HTTP: WORKER_PORT is not set)');
        return { url: '' };
      }
      const http = await startHttpServer(app, { port: env.WORKER_PORT, host: env.HOST });
      closers.push({ name: 'http', close: () => http.close() });
      logger.info({ role: env.ROLE, url: http.url }, 'Körpü worker is running');
      return { url: http.url };
    };
    return { core, ...(simulator ? { simulator } : {}), ...(bot ? { bot } : {}), ...(outbox ? { outbox } : {}), ...(retention ? { retention: { run: retention.run } } : {}), ...(reconcile ? { reconcile: { run: reconcile.run } } : {}), ...(desk ? { desk } : {}), roster, caseIndex, redis, app, metrics, logger, start, stop };
  }

  /**
   * The outbox: every message Körpü sends on its own initiative (alerts, reminders, the desk's
   * notices), queued as notices to a case, a member of staff or the case workers' chat, and its
   * worker, which finds where the recipient is when it sends and hands the message to that
   * channel's sender (Telegram: within the limits shared by every process through Redis). At
   * shutdown the worker lets its sends in flight finish.
   */
  function startOutbox(connection: Redis, redis: Redis, core: KorpuCore, roster: RosterStore, reachability: Reachability, limiter: TelegramRateLimiter, sends: boolean, sent: { track?: (s: SentNotice) => Promise<void> }): Outbox {
    const outbox = Outbox.create(connection, env.REDIS_PREFIX, core.cipher, { reachability });
    closers.push({ name: 'outbox queue', close: () => outbox.close() });
    outbox.onError(onceAnOutage('outbox queue'));
    // ROLE=web queues messages (the desk's notices) and leaves the sending to the workers.
    if (!sends) return outbox;
    const callApi = countedCall(metrics, 'outbox', telegramApiCall(env.BOT_TOKEN!, env.TELEGRAM_API_ROOT));
    // The bot's username, for the link in "open a private chat with the bot": asked once (getMe), again after a failure.
    let username: Promise<string | undefined> | undefined = overrides.botInfo ? Promise.resolve(overrides.botInfo.username) : undefined;
    const botUsername = () =>
      (username ??= callApi('getMe', {}).then(
        (me) => (me as { username?: string }).username,
        () => ((username = undefined), undefined),
      ));
    const worker = createOutboxWorker({
      connection,
      prefix: env.REDIS_PREFIX,
      // Each channel's sender, and where a notice's recipient is, found when it is sent.
      senders: { [TELEGRAM_CHANNEL]: telegramSender({ callApi, limiter, translator: core.translator, content: core.content }) },
      rawChannel: TELEGRAM_CHANNEL,
      resolve: recipientResolver({
        redis,
        keys: core.keys,
        cipher: core.cipher,
        staff: rosterStaffDirectory(roster, TELEGRAM_CHANNEL),
        ...(env.CASEWORKER_CHAT_ID === undefined ? {} : { caseworkers: { channel: TELEGRAM_CHANNEL, chatId: String(env.CASEWORKER_CHAT_ID) } }),
      }),
      cipher: core.cipher,
      logger,
      reachability,
      onSent: async (s) => sent.track?.(s),
      // A worker's answer refused because the person blocked the bot meanwhile: the worker holding the case is told.
      onBlocked: tellHolderAnswerNotDelivered({ claims: new ClaimStore(redis, core.keys), roster, notifier: outbox, clock: overrides.clock ?? systemClock }),
      // A notice to a worker Telegram refuses (no private chat with the bot): the case workers' chat asks them to open one.
      ...(env.CASEWORKER_CHAT_ID === undefined ? {} : { onStaffUnreachable: askCaseworkersToReachStaff({ redis, keys: core.keys, notifier: outbox, roster, lang: chatLang, clock: overrides.clock ?? systemClock, logger, botUsername }) }),
      // A notice to a person who erased their data or withdrew since it was queued is not sent.
      silenced: async (caseCode) => (await silenceOf({ redis, keys: core.keys }, caseCode)) !== undefined,
      // Test-only (refused in production): killed after the platform accepted a message, before its acknowledgement.
      ...(env.KORPU_TEST_FAULT === 'after_send' ? { afterSend: () => void process.kill(process.pid, 'SIGKILL') } : {}),
    });
    closers.push({ name: 'outbox worker', close: () => worker.close() });
    return outbox;
  }
}

/**
 * A Redis connection for BullMQ (which needs `maxRetriesPerRequest: null`), closed after its
 * queues and workers. An outage is logged once, not once per reconnection attempt.
 */
function bullConnection(url: string, cluster: boolean, name: string, logger: Logger, closers: Closer[]): Redis {
  const connection = createRedisClient(url, { maxRetriesPerRequest: null, retryStrategy: reconnectDelay }, cluster);
  let reported = false;
  connection.on('error', (e: Error) => {
    if (!reported) logger.warn({ err: { name: e.name, message: e.message } }, `${name}: redis connection error`);
    reported = true;
  });
  connection.on('ready', () => (reported = false));
  closers.push({ name: `${name} redis`, close: () => connection.quit().catch(() => connection.disconnect()) });
  return connection;
}
