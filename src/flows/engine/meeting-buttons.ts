/**
 * The meeting buttons the bot sends on its own initiative — reminders, a meeting booked on the
 * person's behalf, the offer of a new time after a missed or cancelled meeting — honoured
 * wherever the conversation is (see appointmentButton in step.ts).
 *
 * A button about one meeting carries a short mark of that meeting's slot: a tap on an old
 * reminder after the meeting moved must not confirm or cancel the new time, which that message
 * never showed. The mark is a hash, not the slot id itself, because a button's data is limited
 * to 64 bytes of `[A-Za-z0-9_]` (callback-data.ts).
 */

/** Node id of the meeting buttons (never a flow's: node ids start with a letter). */
export const APPOINTMENT_BUTTONS = '__appointment';

/** What a meeting button asks for. `rebook`: choose a time after a meeting that is gone. */
export type MeetingAction = 'confirm' | 'reschedule' | 'cancel' | 'rebook';

/**
 * A short mark of a slot id (FNV-1a, 32 bits, base 36): enough to tell one of a person's
 * meetings from the next; nothing is looked up by it.
 * @example slotMark('baku@2026-12-08T10:00') // a 6–7 character string of [0-9a-z]
 */
export function slotMark(slot: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < slot.length; i++) {
    h ^= slot.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(36);
}

/** The button value for `action` about the meeting at `slot` (none: about no particular meeting). */
export function meetingButtonValue(action: MeetingAction, slot?: string): string {
  return slot === undefined ? action : `${action}_${slotMark(slot)}`;
}

/**
 * Reads a meeting button's value; `mark` is absent for buttons about no particular meeting and
 * for those sent before buttons carried one (they act on the current meeting, as they did).
 */
export function readMeetingButton(value: string): { action: string; mark?: string } {
  const i = value.indexOf('_');
  return i < 0 ? { action: value } : { action: value.slice(0, i), mark: value.slice(i + 1) };
}
