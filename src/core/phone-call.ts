/**
 * Phone-assisted interviews (`/call`): a case worker runs the telephone-interview script
 * (Annex 5) with the bot, recording the answers of a person on the phone. Each call is a
 * conversation of its own on the `phone` channel, whose chat id names the worker and the call:
 * `<worker's Telegram id>:<call number>`. The number counts the worker's calls (1, 2, …), so
 * every call gets a new conversation, separate from any the worker has as a person.
 *
 * The chat id is also what a phone case's `contact` holds (encrypted, `phone:<worker>:<n>`):
 * such a person is reached through the case worker who took the call, so reminders of their
 * meeting go to that worker as call-back reminders.
 */

/** The channel name of conversations run by a case worker on the phone. */
export const PHONE_CHANNEL = 'phone';

/**
 * The chat id of a worker's n-th call.
 * @example phoneChatId(123456789, 2) // '123456789:2'
 */
export function phoneChatId(workerId: number, call: number): string {
  return `${workerId}:${call}`;
}

/**
 * The case worker (Telegram user id) behind a phone call's chat id; undefined for anything else.
 * @example callerOf('123456789:2') // 123456789
 */
export function callerOf(chatId: string): number | undefined {
  const m = /^(\d{1,15}):\d{1,9}$/.exec(chatId);
  return m ? Number(m[1]) : undefined;
}
