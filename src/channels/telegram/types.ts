import type { ReplySlots } from './reply-limit';
import type { KorpuMetrics } from '../../core/metrics';
import type { Context } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import type { AuditLog, DeskDeps, SignInLinkIssuer, StaffLookup, TalkThreads } from '../../caseworkers/desk';
import type { Office } from '../../config/offices';
import type { ProgrammeContent } from '../../config/programme';
import type { SafeguardingConfig } from '../../config/safeguarding';
import type { Clock } from '../../core/clock';
import type { Lang } from '../../core/lang';
import type { Logger } from '../../core/logger';
import type { Notifier } from '../../core/notifier';
import type { CompiledFlow } from '../../flows/schema/flow-schema';
import type { Translator } from '../../i18n';
import type { ConversationRunner, EffectListener } from '../../intake/conversation-runner';
import type { FieldCipher } from '../../storage/field-cipher';

/**
 * What the Telegram channel needs from Körpü's core (`KorpuCore` from src/app.ts satisfies
 * it). Declared here, not imported, because channels sit below app.ts in the layers.
 */
export interface TelegramCore {
  runner: Pick<ConversationRunner, 'handle' | 'conversationId' | 'replySent' | 'replyNotSent' | 'stillToSend' | 'whileSending' | 'peek' | 'openForCase'>;
  translator: Translator;
  content: ProgrammeContent;
  /** For reading hashed callback data back (node ids of every loaded flow). */
  flows: { all(): CompiledFlow[] };
  /** The emergency numbers (config/safeguarding.yaml), for words of crisis addressed to the bot in a group. */
  safeguarding: Pick<SafeguardingConfig, 'emergencyContacts'>;
}

/** Options of {@link createTelegramBot}; main.ts builds them from the validated config. */
export interface TelegramBotOptions {
  /** BOT_TOKEN from BotFather. */
  token: string;
  /** Bot API server root, e.g. `https://api.telegram.org` (default) or a fake one in tests. */
  apiRoot?: string;
  /** The case workers' group chat: the bot never runs flows there. */
  caseworkerChatId?: string | number;
  /** The case workers' chat's language (CASEWORKER_CHAT_LANG): every answer the bot posts there is in it. */
  caseworkerChatLang?: Lang;
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
   * The case workers' commands in private chats (`/roster`, `/roster_add`, `/roster_change`,
   * `/roster_remove`, `/today`, …). Without it the bot has none, and those commands are unknown commands.
   */
  caseworkers?: CaseworkerOptions;
  /**
   * "Talk to a person" (needs `caseworkers` for the roster): the talks store and the cipher it
   * and the person's contact use. Without it a person's messages stay questions for later.
   */
  talk?: {
    relay: DeskDeps['relay'] & TalkThreads;
    cipher: FieldCipher;
    /** The person behind a case, on Telegram (the chat a worker's photo or document is copied to). */
    chatOf: (caseCode: string) => Promise<string | undefined>;
    /** Whether the person behind a case blocked the bot (a 403 or their blocking marked them): a worker's answer is refused, saying so. */
    blocked?: (caseCode: string) => Promise<boolean>;
    /** Queues a copy of a worker's photo, document or voice message to the person (see RelayOptions). */
    copyToPerson?: CopyToPerson;
  };
  /**
   * Updates come by webhook: an update that could not be handled because Redis was unreachable
   * is answered with an error, so that Telegram delivers it again (long polling cannot).
   */
  webhook?: boolean;
  /**
   * Long polling: the waits before an update whose step was saved but whose reply Telegram did
   * not take is handled here again (its kept reply sent whole), as Telegram never delivers a
   * polled update again (handle-again.ts HANDLE_AGAIN_AFTER_MS; tests shorten them).
   */
  handleAgainAfterMs?: readonly number[];
  /** A person blocked the bot: mark them unreachable at once (a worker's answer is refused, no reminder is tried). */
  onBlocked?: (chatId: string) => Promise<void>;
  /** A person unblocked the bot: make them reachable again (reminders, follow-ups). */
  onUnblocked?: (chatId: string) => Promise<void>;
  /** Counts updates by kind and outcome, their duration, and every Bot API call's result (GET /metrics). */
  metrics?: KorpuMetrics;
  /**
   * The overall limit shared with the outbox (its `TelegramRateLimiter`): each message sent in
   * direct answer takes a slot, so replies and the outbox together stay under Telegram's 30 a
   * second across every process. Without it replies are not counted (tests of one process).
   */
  replySlots?: ReplySlots;
  /**
   * Queues a message in the case workers' group (the answer to a command typed there, a reply to
   * message `replyTo`) in the outbox, once per command message: it waits its turn in the group's
   * line, within the group's 20 messages a minute, behind the alerts queued before it. Without
   * it the answer is sent directly (taking a slot in the group's window, ahead of the line).
   */
  postInCaseworkerChat?: (chatId: number, replyTo: number, text: string) => Promise<void>;
}

/**
 * What the case workers' features (commands, the alerts' buttons, talks, phone calls) work with:
 * the desk (built once by createKorpu, with its stores and the outbox as its notifier) and the
 * roster, through which the channel turns a Telegram account into a member of staff.
 */
export interface CaseworkerOptions {
  desk: DeskDeps;
  /** The roster: members by Telegram account (who is tapping) and by staff id (the desk). */
  roster: DeskDeps['roster'] & StaffLookup;
  /** The web workspace's one-time sign-in links: with it, `/dashboard` sends one (dashboard-command.ts). */
  signInLinks?: SignInLinkIssuer;
}

/** Schedules and cancels the escalation of a completed intake (`EscalationScheduler` fits). */
export interface CaseworkerEscalations {
  /** Schedules the case's escalation; resolves with when it falls due. */
  schedule(caseCode: string, alertedAt: Date, office?: Office): Promise<Date>;
  /** Cancels it (the case was claimed). */
  cancel(caseCode: string): Promise<boolean>;
}

/**
 * Queues the copy of a worker's photo, document or voice message in a talk to the person (the
 * outbox's `copyMessage`), in the person's chat's line after the worker's texts; `id` makes
 * queuing it again send nothing twice (see relay.ts).
 */
export type CopyToPerson = (copy: { id: string; caseCode: string; chatId: string; fromChatId: number; messageId: number }) => Promise<void>;

/** Per-update facts the composers share (set by the conversation composer). */
export interface KorpuFlavor {
  korpu: {
    /** The language the person is answered in, once known for this update. */
    lang?: Lang;
    /** The error boundary handled a failure of this update (counted by the update metrics). */
    failed?: boolean;
  };
}

/** The context every Körpü composer sees. */
export type BotContext = Context & KorpuFlavor;
