import { DateTime } from 'luxon';
import type { Office } from '../../config/offices';
import type { Output } from '../../core/conversation';
import { DEFAULT_LANG } from '../../core/lang';
import type { StaffRef } from '../../core/staff';
import { meetingDetails } from '../../intake/booking-desk';
import type { Booking } from '../../scheduling/booking-store';
import { reminderButtons } from '../../scheduling/reminders';
import { slotIdParts, SlotIdError } from '../../scheduling/slot-id';
import type { Slot } from '../../scheduling/slots';
import { alertId, drawCaseAlert } from '../alert-notices';
import { alertState } from '../alert-text';
import { inOffice } from '../guard';
import { CLOSED_STATUS } from '../case-records';
import { mayRecordOn, reindexed, type CaseAccessRefusal } from './case-access';
import { followMeetingOffice } from './follow-meeting-office';
import { audit, authorize, refused, staffLogRef, type Actor, type DeskDeps, type MeetingBooking, type MeetingConversations, type StaffRefusal } from './desk-deps';

/** How many days ahead the workspace offers times (the bot offers the office's whole horizon, page by page). */
export const BEHALF_DAYS = 14;

/** Who may not book for this case at all (the page answers 403 or 404), or where nothing can be booked. */
type AccessRefusal =
  | StaffRefusal
  | CaseAccessRefusal
  /** This deployment books no meetings from the desk (no bot). */
  | { ok: false; reason: 'unavailable' }
  /**
   * The person was interviewed on the phone (no chat with the bot) and no phone number was
   * taken: nobody could tell them of a meeting booked here.
   */
  | { ok: false; reason: 'no_phone' };

/**
 * How the person learns of a meeting booked here: `bot`, told through the bot in their
 * language; `phone`, no chat with the bot (interviewed on the phone, or walked in and left a
 * number), so the worker phones them (the bot sends them nothing; the call-back reminders go to
 * the worker who took the call, or who holds the walk-in's case); `in_person`, walked in and
 * left no number: told by the worker at the office, and reminded by nobody.
 */
export type TellBy = 'bot' | 'phone' | 'in_person';

/** Why a time could not be booked on the person's behalf. */
export type BookOnBehalfRefusal =
  | AccessRefusal
  /** The person has no conversation to be told in (nor reminders to follow). */
  | { ok: false; reason: 'unreachable' }
  /** The time is not one the office offers now (not on its grid, too soon, past the horizon). */
  | { ok: false; reason: 'gone' }
  /** Staff closed the office that day. */
  | { ok: false; reason: 'closed_day' }
  /** Every place of that time is taken. */
  | { ok: false; reason: 'full' };

/** The result of {@link bookOnBehalf}. */
export type BookOnBehalfResult = { ok: true; outcome: 'booked' | 'moved' | 'already'; slot: string; office: string; start: Date; tell: TellBy; walkIn?: true } | BookOnBehalfRefusal;

/** One free time offered in the workspace. */
export interface FreeTime {
  slot: string;
  /** Local `HH:mm`. */
  time: string;
  free: number;
}

/** The result of {@link meetingTimes}: the case's meeting now and the office's free times by day. */
export type MeetingTimesResult =
  | { ok: true; office: Office; offices: Office[]; current?: Booking; days: { date: string; times: FreeTime[] }[]; tell: TellBy; walkIn?: true }
  | AccessRefusal
  | { ok: false; reason: 'unknown_office' };

/**
 * What both use cases check first: the role, the case (holder or supervisor; a case worker in
 * its office), the stores, and how the person would be told (a phone intake without a number:
 * not at all, so nothing is booked; a walk-in without one: by the worker, at the office).
 */
async function access(deps: DeskDeps, actor: StaffRef, caseCode: string): Promise<{ a: Actor; booking: MeetingBooking; meetings: MeetingConversations; tell: TellBy; walkIn?: true } | AccessRefusal> {
  const a = await authorize(deps, actor, 'book_on_behalf');
  if (refused(a)) return a;
  const may = await mayRecordOn(deps, a, caseCode, 'book_on_behalf', { editing: true });
  if (!may.ok) return may;
  if (!deps.booking || !deps.meetings) return { ok: false, reason: 'unavailable' };
  const { phoneOnly, walkIn } = await deps.cases.info(caseCode);
  if (phoneOnly && !phoneOnly.hasNumber) return { ok: false, reason: 'no_phone' };
  if (walkIn) return { a, booking: deps.booking, meetings: deps.meetings, tell: walkIn.hasNumber ? 'phone' : 'in_person', walkIn: true };
  return { a, booking: deps.booking, meetings: deps.meetings, tell: phoneOnly ? 'phone' : 'bot' };
}

/**
 * The office's free times for the next {@link BEHALF_DAYS} days, for booking or moving a case's
 * meeting from the workspace: the same slots, closed days and places the bot offers. The office
 * is the one asked for, else the meeting's, else the worker's (case workers: only their own).
 */
export async function meetingTimes(deps: DeskDeps, actor: StaffRef, args: { caseCode: string; office?: string }): Promise<MeetingTimesResult> {
  const r = await access(deps, actor, args.caseCode);
  if ('ok' in r) return r;
  const current = await r.booking.store.get(args.caseCode);
  const officeId = args.office ?? current?.office ?? r.a.member.worker?.office ?? deps.offices[0]?.id;
  const office = deps.offices.find((o) => o.id === officeId);
  if (!office) return { ok: false, reason: 'unknown_office' };
  if (!inOffice(r.a.member, office.id)) return { ok: false, reason: 'other_office' };
  const now = deps.clock.now();
  const until = DateTime.fromJSDate(now, { zone: office.timeZone }).startOf('day').plus({ days: BEHALF_DAYS }).toMillis();
  const closed = await r.booking.closures.closedDays(office.id);
  const slots = r.booking.calendar.upcoming(office, now).filter((s) => s.start.getTime() < until && !closed.has(slotIdParts(s.id).localDate));
  const free = await r.booking.store.freePlaces(office, slots);
  const days = new Map<string, FreeTime[]>();
  slots.forEach((s, i) => {
    const n = free[i] ?? 0;
    if (n <= 0) return;
    const { localDate, localStart } = slotIdParts(s.id);
    const list = days.get(localDate) ?? [];
    list.push({ slot: s.id, time: localStart.slice(11), free: n });
    days.set(localDate, list);
  });
  return {
    ok: true,
    office,
    offices: deps.offices.filter((o) => inOffice(r.a.member, o.id)),
    ...(current && current.status === 'booked' ? { current } : {}),
    days: [...days].map(([date, times]) => ({ date, times })),
    tell: r.tell,
    ...(r.walkIn ? { walkIn: true as const } : {}),
  };
}

/**
 * Books or moves a case's meeting on the person's behalf (issue 12, item 4): the case's holder
 * or a supervisor; a case worker only in the case's office and only at their office's times.
 *
 * The same atomic booking as a tap in the bot (BookingStore.book: capacity, one meeting per
 * case, a move frees the old place), then the person's conversation takes the meeting through
 * the runner's commit with a `booking_made` effect, so its record, its reminders (an old slot's
 * removed) and /appointment follow the one path a booking in the bot takes; then the person is
 * told through the outbox in their language (date, time, office and address, with the
 * reminder's buttons) — or, interviewed on the phone (`tell: 'phone'`), told nothing by the
 * bot: the worker phones them, and the call-back reminders go to whoever took the call.
 * A walk-in (no chat with the bot, and no conversation unless a call with them made one) is
 * booked all the same: its reminders are scheduled here, as call-backs to the worker holding
 * the case when they left a number (`tell: 'phone'`), else none (`in_person`), and the case
 * workers' chat gets the meeting's alert here too (a booking in the bot or on a call alerts it
 * through its `booking_made` effect; so does a walk-in's once a call gave them a conversation).
 * Audited (`book_on_behalf`: case code, office, slot, outcome).
 * @example await bookOnBehalf(deps, { staffId }, { caseCode: 'KP-7G4Q-M2XD', slotId: 'baku@2026-11-27T10:00' });
 */
export async function bookOnBehalf(deps: DeskDeps, actor: StaffRef, args: { caseCode: string; slotId: string }): Promise<BookOnBehalfResult> {
  const r = await access(deps, actor, args.caseCode);
  if ('ok' in r) return r;
  const { a, booking, meetings, tell, walkIn } = r;
  const wanted = officeAndDate(args.slotId);
  const office = wanted && deps.offices.find((o) => o.id === wanted.office);
  if (!wanted || !office) return { ok: false, reason: 'gone' };
  if (!inOffice(a.member, office.id)) {
    deps.logger.warn({ who: staffLogRef(deps, a.member.staffId), action: 'book_on_behalf', case: args.caseCode }, 'desk: not permitted: a time of another office');
    return { ok: false, reason: 'other_office' };
  }
  const now = deps.clock.now();
  const slot: Slot | undefined = booking.calendar.find(office, args.slotId, now);
  if (!slot) return { ok: false, reason: 'gone' };
  if ((await booking.closures.closedDays(office.id)).has(wanted.date)) return { ok: false, reason: 'closed_day' };
  // Told in their conversation or not at all: without one there is nobody to remind either (a
  // walk-in has none: the worker tells them, and the reminders, if any, go to staff).
  if (!walkIn && deps.conversationOf && !(await deps.conversationOf(args.caseCode))) return { ok: false, reason: 'unreachable' };
  const before = await booking.store.get(args.caseCode);
  const lang = (await deps.meeting.head(args.caseCode)).lang;
  const outcome = await booking.store.book(office, slot, args.caseCode, before?.lang ?? lang, now);
  if (outcome === 'full') return { ok: false, reason: 'full' };
  // Closed meanwhile (after the check above): nothing was booked, no place is held.
  if (outcome === 'closed') return { ok: false, reason: 'case_closed', status: CLOSED_STATUS };
  const result = { ok: true as const, outcome, slot: slot.id, office: office.id, start: slot.start, tell, ...(walkIn ? { walkIn: true as const } : {}) };
  await audit(deps, a, 'book_on_behalf', { caseCode: args.caseCode, office: office.id, slot: slot.id, outcome });
  if (outcome === 'already') return result;
  const previousSlot = before?.status === 'booked' && before.slot !== slot.id ? before.slot : undefined;
  const ref = `behalf:${args.caseCode}:${slot.id}:${now.getTime()}`;
  const meeting = { caseCode: args.caseCode, slot: slot.id, office: office.id, start: slot.start.toISOString(), end: slot.end.toISOString(), lang, ...(previousSlot ? { previousSlot } : {}) };
  // The conversation's commit schedules the meeting's reminders (a walk-in phoned with /call has one).
  const committed = await meetings.booked(meeting, ref);
  if (!committed && walkIn) {
    // A walk-in with no conversation: its reminders from here, decided when due as any (the call-backs of staff, if any).
    await deps.reminders?.schedule?.({ caseCode: args.caseCode, slotId: slot.id, office, start: slot.start, ...(previousSlot ? { previousSlot } : {}) }, now);
    // And the group's alert of the meeting, which a committed `booking_made` effect would have
    // queued (createCaseworkerAlerts): not here too when one was committed, or it would come twice.
    await alertWalkInBooking(deps, args.caseCode, previousSlot ? 'moved' : 'booking', ref);
  } else if (!committed) {
    deps.logger.warn({ case: args.caseCode, slot: slot.id }, 'desk: a meeting booked on behalf found no conversation: no reminders');
  }
  // Moved to an office its holder does not work at (a supervisor's move): the case goes back to that office's case workers.
  await followMeetingOffice(deps, a, { caseCode: args.caseCode });
  await reindexed(deps, args.caseCode);
  // No chat to tell them in (the outbox would drop it): the worker phones them, or tells them at the office.
  if (tell !== 'bot') return result;
  const output: Output = {
    type: 'message',
    text: [{ key: outcome === 'moved' ? 'booking:behalf.moved' : 'booking:behalf.booked', params: meetingDetails(office, slot.start, lang) }],
    buttons: reminderButtons(slot.id),
  };
  await deps.notifier.notify({ id: ref, to: { type: 'case', caseCode: args.caseCode }, lang, output, kind: 'notice', caseCode: args.caseCode });
  return result;
}

/**
 * The case workers' chat's alert of a walk-in's meeting booked or moved here, as any booking's
 * alert (the same drawing, buttons and tracking, in the chat's language): once, by the booking's
 * `ref` (`alert:<ref>`, as an effect's alert is by its id). Without a case workers' chat the
 * outbox finds nobody to send it to.
 */
async function alertWalkInBooking(deps: DeskDeps, caseCode: string, kind: 'booking' | 'moved', ref: string): Promise<void> {
  const lang = deps.chatLang ?? DEFAULT_LANG;
  const { output, summary } = await drawCaseAlert(deps, kind, caseCode, lang, deps.clock.now(), { buttons: true });
  await deps.notifier.notify({ id: alertId(ref), to: { type: 'caseworkers' }, lang, output, kind: 'alert', caseCode, track: { kind, state: alertState(summary) } });
}

/** The office and local date of a slot id; undefined for anything else. */
function officeAndDate(slotId: string): { office: string; date: string } | undefined {
  try {
    const { office, localDate } = slotIdParts(slotId);
    return { office, date: localDate };
  } catch (e) {
    if (e instanceof SlotIdError) return undefined;
    throw e;
  }
}
