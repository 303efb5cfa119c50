import { Composer } from 'grammy';
import type { Logger } from '../../core/logger';
import type { BotContext } from './types';

/**
 * `my_chat_member`: the person blocked or unblocked the bot, or the bot was added to or
 * removed from a group. Only logged (without the chat id) for now; sending to a person who
 * blocked the bot fails with 403, which every sender treats as "stop quietly".
 */
export function membership(logger: Logger): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.on('my_chat_member', (ctx) => {
    const { chat, new_chat_member: now, old_chat_member: before } = ctx.myChatMember;
    const event =
      chat.type === 'private'
        ? now.status === 'kicked' ? 'blocked' : before.status === 'kicked' ? 'unblocked' : 'changed'
        : now.status === 'left' || now.status === 'kicked' ? 'removed_from_group' : 'added_to_group';
    logger.info({ update_id: ctx.update.update_id, chat_type: chat.type, event }, `telegram: membership ${event}`);
  });
  return composer;
}
