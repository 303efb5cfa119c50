import type { Api } from 'grammy';
import type { Redis } from 'ioredis';
import { alertKindOf, type AlertKind } from '../../caseworkers/alert-text';
import { systemClock, type Clock } from '../../core/clock';
import type { Effect } from '../../core/conversation';
import { DEFAULT_LANG, type Lang } from '../../core/lang';
import type { Logger } from '../../core/logger';
import type { EffectListener } from '../../intake/conversation-runner';
import type { OutboxMessage } from '../../scheduling/outbox';
import type { RedisKeys } from '../../storage/keys';
import { drawAlert, type AlertMessageDeps } from './alert-message';
import { isBlocked } from './send';
import type { CaseworkerEscalations } from './types';

/** How long an alert is remembered as sent: redeliveries come within minutes, not weeks. */
export const ALERT_DONE_TTL_SECONDS = 7 * 24 * 3600;

/** Where alerts are enqueued: the outbox (`Outbox.send` fits). */
export interface AlertOutbox {
  send(id: string, msg: OutboxMessage): Promise<void>;
}

/** Where and how alerts go; `createTelegramBot` fills it from the core and its options. */
export interface CaseworkerAlertsOptions extends AlertMessageDeps {
  /**
   * The Bot API, used only when there is no outbox for the alerts (neither `outbox` nor one
   * registered for this Api with {@link sendAlertsThroughOutbox}): unit tests, a bot without a worker.
   */
  api?: Api;
  /** The outbox: each alert is enqueued with `alert:<effect id>` as its id. */
  outbox?: AlertOutbox;
  /** The case workers' Telegram chat (CASEWORKER_CHAT_ID). */
  chatId: string | number;
  redis: Redis;
  keys: Pick<RedisKeys, 'effectDone'>;
  logger: Logger;
  /** Language of the alerts: the programme's, Azerbaijani, unless configured otherwise. */
  lang?: Lang;
  /** Channels whose cases are alerted (default: Telegram and phone calls; simulator sessions are tests). */
  channels?: readonly string[];
  /** Claim, Open and attendance buttons under the alerts (only when the bot handles them). */
  buttons?: boolean;
  /** Schedules the escalation of every completed intake (cancelled when it is claimed). */
  escalations?: Pick<CaseworkerEscalations, 'schedule'>;
  clock?: Clock;
}

/** The alerts' effect handler. */
export type CaseworkerAlerts = EffectListener & {
  /** Resolves at once: the handler does its work before it returns (kept for older callers). */
  idle(): Promise<void>;
};

const outboxes = new WeakMap<Api, AlertOutbox>();

/**
 * Sends the alerts of the bot whose Api this is through `outbox` (and the messages its staff
 * buttons send on their own, such as the offer of a new time after a missed meeting).
 * `createTelegramBot` builds the alerts listener with `api: bot.api`; main.ts calls this right
 * after creating the bot, so that alerts are queued, rate-limited and retried like every
 * message the bot sends on its own.
 * @example sendAlertsThroughOutbox(bot.api, outbox)
 */
export function sendAlertsThroughOutbox(api: Api, outbox: AlertOutbox): void {
  outboxes.set(api, outbox);
}

/** The outbox registered for a bot's Api with {@link sendAlertsThroughOutbox}, if any. */
export function alertOutboxOf(api: Api): AlertOutbox | undefined {
  return outboxes.get(api);
}

/** The outbox id of an effect's alert (deterministic: the same effect is alerted once). */
export const alertId = (effectId: string): string => `alert:${effectId}`;

/**
 * Posts an alert to the case workers' chat for every completed intake, every diagnosis
 * (eligible or not), every booking (made, moved, cancelled) and every request to talk to a
 * person: case code, language, eligibility and service areas, vulnerability signs, the
 * meeting, and who took the case. No phone number ever, and a name only when the person's
 * consent is option C (not anonymised). With `buttons`: Claim and Open, and Came / Did not
 * come on booking alerts (see alert-actions.ts). A completed intake also schedules its
 * escalation to the supervisors (`escalations`), cancelled when someone claims the case.
 *
 * An effect handler: it runs from the effect stream (core.onEffect), at least once per effect,
 * and is idempotent by the effect's id: the alert's outbox id is `alert:<effect id>` (the outbox
 * queues an id once) and the escalation's job id is the case's. A failure throws, so that the
 * stream tries the effect again later; nothing is done in the background.
 */
export function createCaseworkerAlerts(o: CaseworkerAlertsOptions): CaseworkerAlerts {
  if (!o.outbox && !o.api) throw new Error('createCaseworkerAlerts: give an outbox or an api');
  const lang = o.lang ?? DEFAULT_LANG;
  const channels = new Set(o.channels ?? ['telegram', 'phone']);
  const clock = o.clock ?? systemClock;

  const send = async (effect: Effect & { id: string }, kind: AlertKind): Promise<void> => {
    const log = { case: effect.caseCode, effect: effect.type };
    const now = clock.now();
    const drawn = await drawAlert(o, kind, effect.caseCode, lang, now, { buttons: o.buttons === true });
    const params = { text: drawn.text, ...(drawn.reply_markup ? { reply_markup: drawn.reply_markup } : {}) };
    const outbox = o.outbox ?? (o.api && outboxes.get(o.api));
    if (outbox) {
      await outbox.send(alertId(effect.id), { chatId: o.chatId, method: 'sendMessage', params, kind: 'alert', caseCode: effect.caseCode });
      o.logger.info(log, 'telegram: alert to case workers queued');
    } else {
      // No outbox (a bot without workers): sent at most once, by the mark, since nothing dedups a direct send.
      const mark = o.keys.effectDone(effect.id);
      if ((await o.redis.set(mark, '1', 'EX', ALERT_DONE_TTL_SECONDS, 'NX')) !== 'OK') return;
      try {
        await o.api!.sendMessage(o.chatId, drawn.text, drawn.reply_markup ? { reply_markup: drawn.reply_markup } : {});
      } catch (err) {
        await o.redis.del(mark).catch(() => undefined);
        if (isBlocked(err)) return void o.logger.warn({ ...log, err: { name: (err as Error).name, message: (err as Error).message } }, 'telegram: alert to case workers refused');
        throw err;
      }
      o.logger.info(log, 'telegram: case workers alerted');
    }
    if (kind === 'intake' && o.escalations && !drawn.summary.claim) {
      const office = o.offices.find((of) => of.id === drawn.summary.booking?.office);
      const due = await o.escalations.schedule(effect.caseCode, now, office);
      o.logger.info({ case: effect.caseCode, due: due.toISOString() }, 'caseworkers: escalation scheduled unless claimed');
    }
  };

  const listener: EffectListener = async (effect, context) => {
    if (!channels.has(context.channel)) return;
    const kind = alertKindOf(effect);
    if (kind === undefined) return;
    await send(effect, kind);
  };
  // Nothing runs in the background any more; kept for callers that wait for alerts in flight.
  return Object.assign(listener, { idle: async () => undefined });
}
