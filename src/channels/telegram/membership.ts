import type { Composer } from 'grammy';
import type { Logger } from '../../core/logger';
import { chatRefOf } from '../../scheduling/outbox';
import type { Reachability } from '../../scheduling/reachability';
import type { FieldCipher } from '../../storage/field-cipher';
import { KorpuComposer } from './composer';
import type { BotContext } from './types';

/**
 * `my_chat_member`: the person blocked or unblocked the bot, or the bot was added to or
 * removed from a group. Logged without the chat id. Blocking calls `onBlocked`, which marks them
 * unreachable at once, as the outbox does on a 403 (without it, the next message to them fails
 * with 403 and the outbox marks them): a case worker answering them in a talk is told they
 * blocked the bot rather than writing into the void. Unblocking calls `onUnblocked`, which lifts
 * that mark so their reminders go out again.
 */
export function membership(logger: Logger, onUnblocked?: (chatId: string) => Promise<void>, onBlocked?: (chatId: string) => Promise<void>): Composer<BotContext> {
  const composer = new KorpuComposer<BotContext>();
  composer.on('my_chat_member', (ctx) => {
    const { chat, new_chat_member: now, old_chat_member: before } = ctx.myChatMember;
    const event =
      chat.type === 'private'
        ? now.status === 'kicked' ? 'blocked' : before.status === 'kicked' ? 'unblocked' : 'changed'
        : now.status === 'left' || now.status === 'kicked' ? 'removed_from_group' : 'added_to_group';
    logger.info({ update_id: ctx.update.update_id, chat_type: chat.type, event }, `telegram: membership ${event}`);
    if (event === 'unblocked' && onUnblocked) return onUnblocked(String(chat.id));
    if (event === 'blocked' && onBlocked) return onBlocked(String(chat.id));
  });
  return composer;
}

/**
 * The usual `onUnblocked`: lifts the marks the outbox set on its 403, on the chat and on the
 * person's case (reminders check the case).
 * @example membership(logger, liftBlock({ reachability, cipher, caseOf }))
 */
export function liftBlock(o: { reachability: Pick<Reachability, 'markReachable'>; cipher: FieldCipher; caseOf: (chatId: string) => Promise<string | undefined> }): (chatId: string) => Promise<void> {
  return async (chatId) => {
    const caseCode = await o.caseOf(chatId);
    await o.reachability.markReachable({ chatRef: chatRefOf(o.cipher, chatId), ...(caseCode ? { caseCode } : {}) });
  };
}

/**
 * The usual `onBlocked`: marks the chat and the person's case unreachable, as the outbox does
 * on its 403.
 */
export function markBlocked(o: { reachability: Pick<Reachability, 'markUnreachable'>; cipher: FieldCipher; caseOf: (chatId: string) => Promise<string | undefined> }): (chatId: string) => Promise<void> {
  return async (chatId) => {
    const caseCode = await o.caseOf(chatId);
    await o.reachability.markUnreachable({ chatRef: chatRefOf(o.cipher, chatId), ...(caseCode ? { caseCode } : {}) });
  };
}
