import type { Update, User } from 'grammy/types';
import { choiceButton } from './intake';
import type { KorpuFixture } from './use-korpu';

/**
 * Writing and tapping as a Telegram user of the fake Bot API (a case worker running /call, a
 * person), each returning the texts the bot sent or edited in that user's chat in answer.
 * Reads `e2e` only when called (inside tests).
 */
export function chatAs(e2e: Pick<KorpuFixture, 'api' | 'bot' | 'core'>) {
  /** Sends an update from `user`; returns the texts the bot sent or edited in their chat in answer. */
  async function send(user: User, update: Update): Promise<string[]> {
    const mark = e2e.api.mark();
    await e2e.bot.handleUpdate(update);
    return e2e.api
      .callsSince(mark)
      .filter((c) => (c.method === 'sendMessage' || c.method === 'editMessageText') && String(c.params.chat_id) === String(user.id) && !c.failedWith)
      .map((c) => String(c.params.text));
  }
  /** Types `text`; a leading `/` makes it a command, as Telegram marks one. */
  const say = (user: User, text: string) => send(user, text.startsWith('/') ? e2e.api.updates.command(user, text) : e2e.api.updates.text(user, text));
  /** The newest message of `user`'s chat with the choice button `node`/`value`, and its data. */
  const button = (user: User, node: string, value: string) => choiceButton(e2e.api, e2e.core.flows, user.id, node, value);
  const tap = (user: User, node: string, value: string) => {
    const [message, data] = button(user, node, value);
    return send(user, e2e.api.updates.callback(user, message, data));
  };
  return { send, say, button, tap };
}
