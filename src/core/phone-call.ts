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
  const m = /^(\d{1,15}):\d{1,9}(?::\d{1,5})?$/.exec(chatId);
  return m ? Number(m[1]) : undefined;
}

/** Draws of {@link walkInCallChat} before giving up (each lands in the cell 1 time in 16). */
const CELL_DRAWS = 10_000;

/**
 * The chat id of a worker's n-th call when it is with a person who walked into the office and
 * has a case already: `<worker>:<n>:<k>`, with k the first number that puts the call's
 * conversation (`cellOfChat`) in the person cell of that case (`caseCell`), so that one commit
 * saves a step of the call with the records of the case (storage/keys.ts). {@link callerOf}
 * reads the worker from it as from any call's.
 * @example walkInCallChat(123456789, 4, 7, cellOf) // '123456789:4:12'
 */
export function walkInCallChat(workerId: number, call: number, caseCell: number, cellOfChat: (chatId: string) => number): string {
  for (let k = 0; k < CELL_DRAWS; k++) {
    const chat = `${phoneChatId(workerId, call)}:${k}`;
    if (cellOfChat(chat) === caseCell) return chat;
  }
  throw new Error(`walkInCallChat: no chat id in person cell ${caseCell} after ${CELL_DRAWS} draws`);
}
