import type { Context } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import type { Redis } from 'ioredis';
import type { AuditLog, DeskDeps, StaffLookup, TalkThreads } from '../../caseworkers/desk';
import type { Office } from '../../config/offices';
import type { ProgrammeContent } from '../../config/programme';
import type { Clock } from '../../core/clock';
import type { Lang } from '../../core/lang';
import type { Logger } from '../../core/logger';
import type { Notifier } from '../../core/notifier';
import type { CompiledFlow } from '../../flows/schema/flow-schema';
import type { Translator } from '../../i18n';
import type { ConversationRunner, EffectListener } from '../../intake/conversation-runner';
import type { FieldCipher } from '../../storage/field-cipher';
import type { RedisKeys } from '../../storage/keys';

/**
 * What the Telegram channel needs from Körpü's core (`KorpuCore` from src/app.ts satisfies
 * it). Declared here, not imported, because channels sit below app.ts in the layers.
 */
export interface TelegramCore {
  runner: Pick<ConversationRunner, 'handle' | 'conversationId' | 'replySent'>;
  translator: Translator;
  content: ProgrammeContent;
  /** For reading hashed callback data back (node ids of every loaded flow). */
  flows: { all(): CompiledFlow[] };
  keys: Pick<RedisKeys, 'prefix' | 'effectDone' | 'case' | 'diagnoses' | 'questions' | 'claim' | 'heldCases'>;
  redis: Redis;
  onEffect(listener: EffectListener): void;
}

/** Options of {@link createTelegramBot}; main.ts builds them from the validated config. */
export interface TelegramBotOptions {
  /** BOT_TOKEN from BotFather. */
  token: string;
  /** Bot API server root, e.g. `https://api.telegram.org` (default) or a fake one in tests. */
  apiRoot?: string;
  /** The case workers' group chat: the bot never runs flows there. */
  caseworkerChatId?: string | number;
  logger: Logger;
  /** The bot's own user (skips `getMe` at start; unit tests inject it). */
  botInfo?: UserFromGetMe;
  /**
   * Limits of the auto-retry transformer for direct replies. Defaults: honour `retry_after`
   * up to 60 s, at most 3 retries, 5xx retried with backoff; network errors are not retried
   * here (auto-retry would retry them forever, holding the chat's queue): long polling
   * retries its own fetches, and a failed reply ends in the error handler.
   */
  retry?: { maxDelaySeconds?: number; maxRetryAttempts?: number; rethrowInternalServerErrors?: boolean; rethrowHttpErrors?: boolean };
  /**
   * The case workers' commands in private chats (`/roster`, `/roster_add`, `/roster_remove`,
   * `/today`). Without it the bot has none, and those commands are unknown commands.
   */
  caseworkers?: CaseworkerOptions;
  /**
   * "Talk to a person" (needs `caseworkers` for the roster): the talks store and the cipher it
   * and the person's contact use. Without it a person's messages stay questions for later.
   */
  talk?: { relay: DeskDeps['relay'] & TalkThreads; cipher: FieldCipher };
  /** A person unblocked the bot: make them reachable again (reminders, follow-ups). */
  onUnblocked?: (chatId: string) => Promise<void>;
}

/**
 * What the case workers' desk (commands, the alerts' buttons, talks, phone calls) works with,
 * besides the core. main.ts builds it: `{ roster: new RosterStore(redis, prefix, { admins }),
 * bookings, offices, cipher: core.cipher, notifier }`.
 */
export interface CaseworkerOptions {
  /** The roster: members by Telegram account (who is tapping) and by staff id (the desk). */
  roster: DeskDeps['roster'] & StaffLookup;
  bookings: DeskDeps['bookings'];
  /** The configured offices; a worker's office must be one of them. */
  offices: readonly Office[];
  /**
   * Pseudonymises Telegram user ids in the logs; decrypts a case's personal fields for Open
   * (and the name under consent C, the age group, for the alerts).
   */
  cipher: FieldCipher;
  /**
   * How the desk tells people things on its own (the offer of a new time, a worker's answer in
   * a talk, a reassigned case): the outbox, which sends within Telegram's limits and retries.
   */
  notifier: Notifier;
  /** Where the desk records what staff do, when the deployment keeps an audit trail. */
  audit?: AuditLog;
  /** What "today" and "now" are (default: the system clock): /today, claims, attendance. */
  clock?: Clock;
  /**
   * Escalation of unclaimed intakes to the supervisors (main.ts: an `EscalationScheduler`);
   * without it, nothing is escalated.
   */
  escalations?: CaseworkerEscalations;
}

/** Schedules and cancels the escalation of a completed intake (`EscalationScheduler` fits). */
export interface CaseworkerEscalations {
  /** Schedules the case's escalation; resolves with when it falls due. */
  schedule(caseCode: string, alertedAt: Date, office?: Office): Promise<Date>;
  /** Cancels it (the case was claimed). */
  cancel(caseCode: string): Promise<boolean>;
}

/** Per-update facts the composers share (set by the conversation composer). */
export interface KorpuFlavor {
  korpu: {
    /** The language the person is answered in, once known for this update. */
    lang?: Lang;
  };
}

/** The context every Körpü composer sees. */
export type BotContext = Context & KorpuFlavor;
