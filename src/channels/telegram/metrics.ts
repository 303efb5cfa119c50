import { GrammyError, type MiddlewareFn, type Transformer } from 'grammy';
import type { ApiCallResult, KorpuMetrics } from '../../core/metrics';
import type { BotContext } from './types';

/** The kinds counted by name; anything else is `other` (a label per unknown field name would grow without end). */
const KINDS = new Set<string>(['message', 'edited_message', 'callback_query', 'my_chat_member', 'channel_post', 'edited_channel_post', 'chat_member', 'inline_query', 'message_reaction']);

/** The update's kind: its one field besides `update_id` (`message`, `callback_query`, …, else `other`). */
export function updateKind(update: object): string {
  for (const key of Object.keys(update)) if (key !== 'update_id') return KINDS.has(key) ? key : 'other';
  return 'other';
}

/**
 * Counts every update by kind and outcome and times it (`korpu_updates_total`,
 * `korpu_update_duration_seconds`). Installed first, around everything: an error the boundary
 * handled is `failed` (the boundary marks it), one thrown on to ask Telegram for a later
 * delivery is `redeliver`. Counters only: no I/O.
 */
export function updateMetrics(metrics: KorpuMetrics): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    const kind = updateKind(ctx.update);
    const end = metrics.updateSeconds.startTimer({ kind });
    try {
      await next();
      metrics.updates.inc({ kind, outcome: ctx.korpu?.failed ? 'failed' : 'handled' });
    } catch (e) {
      metrics.updates.inc({ kind, outcome: 'redeliver' });
      throw e;
    } finally {
      end();
    }
  };
}

/** What a Bot API call came to, from grammY's error. */
export function apiCallResult(err: unknown): ApiCallResult {
  if (err instanceof GrammyError) {
    if (err.error_code === 429) return '429';
    if (err.error_code === 403) return '403';
    return err.error_code >= 500 ? '5xx' : '4xx';
  }
  // HttpError: the network, a timeout, an abort.
  return 'network';
}

/**
 * A grammY API transformer that counts each Bot API call by method and result
 * (`korpu_telegram_calls_total{via}`). Install it beneath auto-retry so each retried 429 is
 * counted; getUpdates (long polling's idle wait) is not a send and is left out.
 */
export function apiCallMetrics(metrics: KorpuMetrics, via: 'reply' | 'outbox'): Transformer {
  return async (prev, method, payload, signal) => {
    if (method === 'getUpdates') return prev(method, payload, signal);
    try {
      const res = await prev(method, payload, signal);
      metrics.telegramCalls.inc({ via, method, result: res.ok ? 'ok' : res.error_code === 429 ? '429' : res.error_code === 403 ? '403' : res.error_code >= 500 ? '5xx' : '4xx' });
      return res;
    } catch (e) {
      metrics.telegramCalls.inc({ via, method, result: apiCallResult(e) });
      throw e;
    }
  };
}

/** The same count around a plain call function (the outbox's `CallApi`). */
export function countedCall<F extends (method: string, params: Record<string, unknown>) => Promise<unknown>>(metrics: KorpuMetrics, via: 'reply' | 'outbox', call: F): F {
  return (async (method: string, params: Record<string, unknown>) => {
    try {
      const res = await call(method, params);
      metrics.telegramCalls.inc({ via, method, result: 'ok' });
      return res;
    } catch (e) {
      metrics.telegramCalls.inc({ via, method, result: apiCallResult(e) });
      throw e;
    }
  }) as F;
}
