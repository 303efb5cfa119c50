import type { Api } from 'grammy';
import type { Redis } from 'ioredis';
import type { Effect } from '../../core/conversation';
import { DEFAULT_LANG, type Lang } from '../../core/lang';
import type { Logger } from '../../core/logger';
import type { Translator } from '../../i18n';
import type { EffectListener } from '../../intake/conversation-runner';
import type { OutboxMessage } from '../../scheduling/outbox';
import type { RedisKeys } from '../../storage/keys';
import { isBlocked } from './send';

/** How long an alert is remembered as sent: redeliveries come within minutes, not weeks. */
export const ALERT_DONE_TTL_SECONDS = 7 * 24 * 3600;

/** Where alerts are enqueued: the outbox (`Outbox.send` fits). */
export interface AlertOutbox {
  send(id: string, msg: OutboxMessage): Promise<void>;
}

/** Where and how alerts go; `createTelegramBot` fills it from the core and its options. */
export interface CaseworkerAlertsOptions {
  /**
   * The Bot API, used only when there is no outbox for the alerts (neither `outbox` nor one
   * registered for this Api with {@link sendAlertsThroughOutbox}): unit tests, a bot without a worker.
   */
  api?: Api;
  /** The outbox: each alert is enqueued with `alert:<effect id>` as its id. */
  outbox?: AlertOutbox;
  /** The case workers' Telegram chat (CASEWORKER_CHAT_ID). */
  chatId: string | number;
  translator: Translator;
  redis: Redis;
  keys: Pick<RedisKeys, 'effectDone'>;
  logger: Logger;
  /** Language of the alerts: the programme's, Azerbaijani, unless configured otherwise. */
  lang?: Lang;
  /** Channels whose cases are alerted (default: Telegram only; simulator sessions are tests). */
  channels?: readonly string[];
}

/** An effect listener that also says when the alerts it started have been handed on. */
export type CaseworkerAlerts = EffectListener & {
  /** Resolves when every alert started so far has been enqueued (or sent) or has failed (tests, shutdown). */
  idle(): Promise<void>;
};

const outboxes = new WeakMap<Api, AlertOutbox>();

/**
 * Sends the alerts of the bot whose Api this is through `outbox`. `createTelegramBot` builds the
 * alerts listener with `api: bot.api`; main.ts calls this right after creating the bot, so that
 * alerts are queued, rate-limited and retried like every message the bot sends on its own.
 * @example sendAlertsThroughOutbox(bot.api, outbox)
 */
export function sendAlertsThroughOutbox(api: Api, outbox: AlertOutbox): void {
  outboxes.set(api, outbox);
}

/** The outbox id of an effect's alert (deterministic: the same effect is alerted once). */
export const alertId = (effectId: string): string => `alert:${effectId}`;

/**
 * The alert text for an effect, or undefined when the effect needs no alert. Only the case
 * code, the person's language and the reason or outcome: never a name, phone or address
 * (the chat is a group; case workers open the case for the rest).
 * @example alertText(tr, 'az', { type: 'intake_completed', caseCode: 'KP-…', lang: 'ru' })
 */
export function alertText(tr: Translator, lang: Lang, e: Effect): string | undefined {
  switch (e.type) {
    case 'intake_completed':
      return tr.t(lang, 'common:alert.intake_completed', { code: e.caseCode, language: languageName(tr, e.lang) });
    case 'handoff_requested':
      return tr.t(lang, 'common:alert.handoff_requested', {
        code: e.caseCode,
        language: languageName(tr, e.lang),
        reason: tr.t(lang, `common:alert.reason.${e.reason}`, { defaultValue: e.reason }),
      });
    case 'diagnosis_recorded':
      if (e.outcome !== 'not_eligible') return undefined;
      return tr.t(lang, 'common:alert.not_eligible', {
        code: e.caseCode,
        language: languageName(tr, e.lang),
        reasons: e.reasons.map((r) => tr.t(lang, `common:alert.diagnosis_reason.${r}`, { defaultValue: r })).join('; '),
      });
    default:
      return undefined;
  }
}

function languageName(tr: Translator, lang: Lang): string {
  return tr.t(lang, `common:language_name.${lang}`);
}

/**
 * Posts a short alert to the case workers' chat for a completed intake, a request to talk to a
 * person and a "not eligible" diagnosis. Register it with `core.onEffect(...)` (createTelegramBot
 * does so when `caseworkerChatId` is set).
 *
 * Alerts go through the outbox (`opts.outbox`, or the one registered for `opts.api` with
 * {@link sendAlertsThroughOutbox}) with `alert:<effect id>` as the job id: the outbox keeps the
 * group within Telegram's 20 messages a minute, waits out 429s and retries network errors, and
 * an alert survives a restart. Without an outbox, the alert is sent directly with `opts.api`.
 *
 * Idempotent per effect: `SET <effectDone(effect.id)> 1 NX EX 7d` before enqueueing, skipped
 * when already set, so a second listener call for the same effect never alerts twice (the job
 * id guards the same within a day). The enqueue runs in the background (the person's reply
 * does not wait for it); a failed enqueue or send is logged and its mark removed.
 */
export function createCaseworkerAlerts(o: CaseworkerAlertsOptions): CaseworkerAlerts {
  if (!o.outbox && !o.api) throw new Error('createCaseworkerAlerts: give an outbox or an api');
  const lang = o.lang ?? DEFAULT_LANG;
  const channels = new Set(o.channels ?? ['telegram']);
  const inFlight = new Set<Promise<void>>();

  const send = async (effect: Effect & { id: string }, text: string): Promise<void> => {
    const mark = o.keys.effectDone(effect.id);
    if ((await o.redis.set(mark, '1', 'EX', ALERT_DONE_TTL_SECONDS, 'NX')) !== 'OK') return;
    try {
      const outbox = o.outbox ?? (o.api && outboxes.get(o.api));
      if (outbox) {
        await outbox.send(alertId(effect.id), { chatId: o.chatId, method: 'sendMessage', params: { text }, kind: 'alert', caseCode: effect.caseCode });
        o.logger.info({ case: effect.caseCode, effect: effect.type }, 'telegram: alert to case workers queued');
      } else {
        await o.api!.sendMessage(o.chatId, text);
        o.logger.info({ case: effect.caseCode, effect: effect.type }, 'telegram: case workers alerted');
      }
    } catch (err) {
      await o.redis.del(mark).catch(() => undefined);
      const level = isBlocked(err) ? 'warn' : 'error';
      o.logger[level]({ case: effect.caseCode, effect: effect.type, err: { name: (err as Error).name, message: (err as Error).message } }, 'telegram: alert to case workers failed');
    }
  };

  const listener: EffectListener = (effect, message) => {
    if (!channels.has(message.channel)) return;
    const text = alertText(o.translator, lang, effect);
    if (text === undefined) return;
    const p: Promise<void> = send(effect, text)
      .catch((err: Error) => o.logger.error({ case: effect.caseCode, err: { name: err.name, message: err.message } }, 'telegram: alert failed'))
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  };
  return Object.assign(listener, { idle: async () => void (await Promise.all([...inFlight])) });
}
