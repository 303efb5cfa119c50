import { Api, InputFile } from 'grammy';
import type { ProgrammeContent } from '../../config/programme';
import type { Translator } from '../../i18n';
import { renderOutput } from '../../i18n/render';
import { classifyFailure, isGroupChat, type CallApi, type ChannelSender, type Delivered, type SendLimiter } from '../../scheduling/outbox';
import { telegramFetch } from './api-fetch';
import { planTelegramMessage, type TelegramPlan } from './render';

/** What the Telegram sender needs. */
export interface TelegramSenderOptions {
  /** Calls a Bot API method: `(m, p) => api.raw[m](p)` on a grammY Api WITHOUT auto-retry (the outbox worker waits out 429s itself). */
  callApi: CallApi;
  /** The limits shared by every process (a `TelegramRateLimiter`). */
  limiter: SendLimiter;
  translator: Translator;
  content: ProgrammeContent;
}

/** How long the outbox waits for Telegram's answer to one call (a message, a document upload). */
export const OUTBOX_CALL_TIMEOUT_SECONDS = 30;

/**
 * Calls Bot API methods with a grammY Api of its own, without the auto-retry transformer of the
 * bot's replies: the outbox worker waits out 429s and retries failures itself, within the
 * limits shared by every process.
 */
export function telegramApiCall(token: string, apiRoot?: string): CallApi {
  // A call Telegram holds without answering would hold its job (and its chat's turn) for grammY's
  // default 500 s; after this long it fails as a network error and is retried with backoff.
  const raw = new Api(token, { ...(apiRoot ? { apiRoot } : {}), fetch: telegramFetch as unknown as typeof fetch, timeoutSeconds: OUTBOX_CALL_TIMEOUT_SECONDS }).raw as unknown as Record<string, (p: Record<string, unknown>) => Promise<unknown>>;
  return (method, params) => raw[method]!(params);
}

/** One Bot API call of a planned notice (without chat_id). */
export interface TelegramCall {
  method: string;
  params: Record<string, unknown>;
}

/**
 * The Bot API calls that deliver a plan as new messages, in order: its texts (the keyboard on
 * the last), then its attachments. Notices never edit: nobody tapped a message for them.
 * Pure: no I/O.
 */
export function planCalls(plan: TelegramPlan): TelegramCall[] {
  const calls: TelegramCall[] = plan.parts.map((part) => {
    // Without `removeReplyKeyboard` a plan has no keyboard to add after sending: one markup per part.
    const markup = part.reply_markup ?? part.inlineAfterSend;
    return { method: 'sendMessage', params: { text: part.text, ...(markup ? { reply_markup: markup } : {}) } };
  });
  for (const a of plan.attachments ?? []) {
    if (a.type === 'venue') calls.push({ method: 'sendVenue', params: { latitude: a.latitude, longitude: a.longitude, title: a.title, address: a.address } });
    else calls.push({ method: 'sendDocument', params: { document: new InputFile(Buffer.from(a.content, 'utf8'), a.filename) } });
  }
  return calls;
}

/**
 * Edits message `messageId` into the plan's one message (text and inline keyboard; no keyboard
 * removes the buttons). An edit Telegram finds changes nothing ("message is not modified": two
 * changes drew the same, or a tap redrew it first) is delivered as it is. One it refuses
 * because the message cannot be edited any more (too old, deleted) is a 400: the worker drops
 * it, once.
 */
async function editInPlace(callApi: CallApi, chatId: string, messageId: number, plan: TelegramPlan, kind: string): Promise<Delivered> {
  const part = plan.parts[0];
  const markup = part?.reply_markup;
  if (plan.parts.length !== 1 || plan.attachments || (markup && !('inline_keyboard' in markup))) throw new RangeError(`a ${kind} notice that edits a message must be one message with inline buttons at most`);
  try {
    await callApi('editMessageText', { chat_id: chatParam(chatId), message_id: messageId, text: part!.text, ...(markup ? { reply_markup: markup } : {}) });
  } catch (err) {
    if (isNotModified(err)) return {};
    throw err;
  }
  return { messageId };
}

/** Telegram's answer to an edit that would change nothing. */
export const isNotModified = (err: unknown): boolean => {
  const e = (err ?? {}) as { error_code?: unknown; description?: unknown };
  return e.error_code === 400 && typeof e.description === 'string' && /message is not modified/i.test(e.description);
};

/** Numeric chat ids go out as numbers, as grammY sends them; `@channel` names as they are. */
const chatParam = (chatId: string): number | string => (/^-?\d+$/.test(chatId) ? Number(chatId) : chatId);

const messageIdOf = (result: unknown): Delivered => {
  const id = (result as { message_id?: unknown } | undefined)?.message_id;
  return typeof id === 'number' ? { messageId: id } : {};
};

/**
 * The outbox's sender for Telegram: renders a notice's Output in its language
 * (`renderOutput`), plans it as Telegram messages (`planTelegramMessage`: inline keyboard,
 * person's buttons as callback data, staff buttons as staff callback data, long texts split)
 * and makes the Bot API calls, one slot of the shared limits each. It also performs the raw Bot
 * API calls queued with `Outbox.send`. Failures are classified from grammY's errors (429 with
 * retry_after, 403, other 4xx, the rest transient) for the worker to act on.
 *
 * @example createOutboxWorker({ …, senders: { [TELEGRAM_CHANNEL]: telegramSender({ callApi, limiter, translator, content }) }, rawChannel: TELEGRAM_CHANNEL })
 */
export function telegramSender(o: TelegramSenderOptions): ChannelSender {
  return {
    limiter: o.limiter,
    isGroup: (chatId) => isGroupChat(chatId),
    async deliver(chatId, notice, nextSlot) {
      const plan = planTelegramMessage(renderOutput(o.translator, o.content, notice.lang, notice.output));
      if (notice.replaces !== undefined) return editInPlace(o.callApi, chatId, notice.replaces, plan, notice.kind);
      const calls = planCalls(plan);
      if (calls.length === 0) throw new RangeError(`a ${notice.kind} notice has nothing to send`);
      let first: Delivered | undefined;
      for (const [i, call] of calls.entries()) {
        if (i > 0) await nextSlot();
        const sent = messageIdOf(await o.callApi(call.method, { ...call.params, chat_id: chatParam(chatId) }));
        first ??= sent;
      }
      return first ?? {};
    },
    call: async (chatId, method, params) => messageIdOf(await o.callApi(method, { ...params, chat_id: chatParam(chatId) })),
    // A notice that cannot be drawn (no text under its buttons) is refused, not retried.
    classify: (err) => (err instanceof RangeError ? { kind: 'refused', code: 400, description: err.message } : classifyFailure(err)),
  };
}
