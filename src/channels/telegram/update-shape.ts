import type { MiddlewareFn } from 'grammy';
import { z } from 'zod';
import type { Logger } from '../../core/logger';
import type { BotContext } from './types';

/**
 * The least an update of a kind Körpü handles must carry for the features to read it safely:
 * chats and senders with numeric ids, a chat type, a tap's id. Telegram always sends these; an
 * update without them (a fuzzer, a broken proxy, a future change) is not Telegram's and would
 * otherwise fail deep inside a feature (`ctx.from.id` of `from: {}`). Other fields are not
 * checked here: each feature reads what it needs.
 */
const Id = z.number().int().safe();
const Chat = z.looseObject({ id: Id, type: z.enum(['private', 'group', 'supergroup', 'channel']) });
const From = z.looseObject({ id: Id });
const Message = z
  .looseObject({ message_id: z.number().int(), chat: Chat, from: From.optional() })
  // A private chat always has its person as sender.
  .refine((m) => m.chat.type !== 'private' || m.from !== undefined, { message: 'a private message without a sender', path: ['from'] });
const CallbackQuery = z.looseObject({ id: z.string().min(1), from: From, message: z.looseObject({ chat: Chat }).optional(), data: z.string().optional() });
const ChatMember = z.looseObject({ chat: Chat, from: From, new_chat_member: z.looseObject({ status: z.string() }) });

/** The kinds Körpü handles (run.ts ALLOWED_UPDATES) and their minimal shape. */
const SHAPES: Record<string, z.ZodType> = {
  message: Message,
  edited_message: Message,
  callback_query: CallbackQuery,
  my_chat_member: ChatMember,
};
const KIND_SHAPES = Object.entries(SHAPES);

/*
 * The same shapes checked by hand, for the updates Telegram sends (all of them): true only
 * where the schema above surely accepts, so that zod, which copies every field of the update
 * into a new object as it checks it (≈ 10 µs an update, bench/profile.ts), runs only for an
 * update that may be malformed, to name its problem. Anything unusual answers false.
 */
type Fields = Record<string, unknown>;
const CHAT_TYPES: ReadonlySet<unknown> = new Set(['private', 'group', 'supergroup', 'channel']);
const isObject = (v: unknown): v is Fields => typeof v === 'object' && v !== null && !Array.isArray(v);
const isId = (v: unknown) => Number.isSafeInteger(v);
const isChat = (v: unknown) => isObject(v) && isId(v.id) && CHAT_TYPES.has(v.type);
const isFrom = (v: unknown) => isObject(v) && isId(v.id);
const SURELY_FINE: Record<string, (v: unknown) => boolean> = {
  message: (m) => isMessage(m),
  edited_message: (m) => isMessage(m),
  callback_query: (q) => isObject(q) && typeof q.id === 'string' && q.id.length > 0 && isFrom(q.from) && (q.message === undefined || (isObject(q.message) && isChat(q.message.chat))) && (q.data === undefined || typeof q.data === 'string'),
  my_chat_member: (m) => isObject(m) && isChat(m.chat) && isFrom(m.from) && isObject(m.new_chat_member) && typeof m.new_chat_member.status === 'string',
};
function isMessage(m: unknown): boolean {
  return isObject(m) && isId(m.message_id) && isChat(m.chat) && (m.from === undefined ? (m.chat as Fields).type !== 'private' : isFrom(m.from));
}

/** The first problem of an update of a handled kind, as `<kind>.<path>: <message>`; undefined when it is fine or of another kind. */
export function updateShapeProblem(update: Record<string, unknown>): string | undefined {
  for (const [kind, schema] of KIND_SHAPES) {
    if (!(kind in update)) continue;
    if (SURELY_FINE[kind]!(update[kind])) return undefined;
    const parsed = schema.safeParse(update[kind]);
    if (parsed.success) return undefined;
    const issue = parsed.error.issues[0]!;
    return `${[kind, ...issue.path.map(String)].join('.')}: ${issue.message}`;
  }
  return undefined;
}

/**
 * Drops, with a logged line (update id and the field, no content), an update of a kind Körpü
 * handles that lacks what Telegram always sends: answered 200 like any other (a resend would
 * be just as malformed), never an error.
 */
export function dropMalformedUpdates(logger: Logger): MiddlewareFn<BotContext> {
  return (ctx, next) => {
    const problem = updateShapeProblem(ctx.update as unknown as Record<string, unknown>);
    if (problem === undefined) return next();
    logger.info({ update_id: ctx.update.update_id, problem }, 'telegram: a malformed update ignored');
  };
}
