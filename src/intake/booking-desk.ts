import { DateTime } from 'luxon';
import { luxonZone } from '../core/time-zone';
import type { Office } from '../config/offices';
import type { Button, EngineInput, Input, Output, TextRef } from '../core/conversation';
import type { Lang } from '../core/lang';
import type { Translator } from '../i18n';
import type { CompiledFlow } from '../flows/schema/flow-schema';
import type { ConversationState } from '../flows/engine/state';
import { westernDigits } from '../flows/engine/parse-reply';
import { bookingVars } from '../flows/engine/prompt';
import { typedOption } from '../flows/engine/typed-choice';
import type { BookingStore } from '../scheduling/booking-store';
import { meetingIcs } from '../scheduling/ics';
import { slotId, slotIdParts } from '../scheduling/slot-id';
import type { Slot } from '../scheduling/slots';
import type { OfficeClosures } from '../scheduling/office-closures';
import { officePicker } from './office-picker';
import { SlotCalendar } from './slot-calendar';

/** The paging buttons under the free times, by their words (a typed "Later" is read as its tap). */
const PAGING_BUTTONS = [
  { value: 'earlier', label: 'booking:button.earlier' },
  { value: 'later', label: 'booking:button.later' },
] as const;

/** Free times shown per page of the booking question (fits a phone screen with the paging row). */
export const SLOTS_PER_PAGE = 6;

/** What the desk needs to know of a booking it just made, to schedule its reminders. */
export interface BookedMeeting {
  caseCode: string;
  slot: Slot;
  office: Office;
  lang: Lang;
  /** The slot given up when this booking moved an earlier one. */
  previousSlot?: string;
}

export interface BookingDeskOptions {
  offices: readonly Office[];
  store: BookingStore;
  translator: Translator;
  /** Called after a place was taken, before the conversation is saved (reminders go here). */
  onBooked?: (meeting: BookedMeeting, now: Date) => Promise<void>;
  /** The offices' upcoming slots (shared with whoever else needs them; one of its own by default). */
  calendar?: SlotCalendar;
  /** Days staff closed an office from the calendar: no time on them is offered or booked. */
  closures?: Pick<OfficeClosures, 'closedDays'>;
}

/**
 * A typed time without the words around it: "saat 10", "saat 10'da", "в 11:00", "о 10",
 * "at 10", "10 o'clock", "10 am", "soat 10 da", "ساعت ۱۰" (digits made ASCII first).
 */
function bareTime(text: string): string {
  return text
    .trim()
    .replace(/^(?:saat|soat|в|во|о|об|at|ساعت)\s+/iu, '')
    .replace(/\s*(?:['’-]?\s*(?:da|də|de|te|ta|dä)|\s*o['’]?clock|\s*h|\s*ч|\s*час(?:ов|а)?|\s*годин[іу]?|\s*am|\s*a\.m\.)\.?$/iu, '')
    .trim();
}

/**
 * The host's half of booking: the engine cannot know which places are free, so the desk turns a
 * tap on a time into the result of an atomic booking attempt (before the engine's step), and
 * fills in the free times and the meeting's details in the engine's outputs (after it).
 */
export class BookingDesk {
  private readonly offices: ReadonlyMap<string, Office>;
  private readonly calendar: SlotCalendar;

  constructor(private readonly o: BookingDeskOptions) {
    this.offices = new Map(o.offices.map((office) => [office.id, office]));
    this.calendar = o.calendar ?? new SlotCalendar();
  }

  /**
   * A tap on a time (or a time typed as on screen, "11:00": see typedTime) at the booking
   * question the conversation waits at becomes a
   * `booking_result`: booked (or already booked by this case), taken (the last place went to
   * someone else a moment ago), gone (no longer offered) or closed (the case was closed for
   * good: no meeting for it). Any other input passes unchanged.
   */
  async resolve(state: ConversationState | undefined, given: Input, flow: CompiledFlow | undefined, now: Date): Promise<EngineInput> {
    if ((given.type !== 'choice' && given.type !== 'text') || !state || !flow) return given;
    const frame = state.frames.at(-1);
    const node = frame ? flow.nodes.get(frame.n) : undefined;
    if (!node || node.type !== 'booking') return given;
    if (given.type === 'text') {
      const paging = await this.typedPaging(state, frame!.f, node.id, given.text, now);
      if (paging) return paging;
    }
    const input = given.type === 'text' ? await this.typedTime(state, frame!.f, node.id, given.text, now) : given;
    if (!input || input.type !== 'choice' || node.id !== input.node) return given;
    const wanted = decodeSlotValue(input.value);
    if (!wanted) return input;
    const gone: EngineInput = { type: 'booking_result', node: node.id, outcome: 'gone' };
    const office = this.offices.get(wanted.office);
    // Only a time the office offers now (on its grid, not too soon, within the horizon).
    const slot = office && this.calendar.find(office, wanted.slot, now);
    if (!office || !slot || !state.caseCode) return gone;
    if (this.o.closures && (await this.o.closures.closedDays(office.id)).has(slotIdParts(slot.id).localDate)) return gone;
    const lang = state.lang ?? state.hint ?? 'az';
    const outcome = await this.o.store.book(office, slot, state.caseCode, lang, now);
    if (outcome === 'full') return { type: 'booking_result', node: node.id, outcome: 'taken' };
    // A case a case worker closed for good: nothing booked, no place taken (the store checked).
    if (outcome === 'closed') return { type: 'booking_result', node: node.id, outcome: 'closed' };
    const previousSlot = state.booking && state.booking.slot !== slot.id ? state.booking.slot : undefined;
    await this.o.onBooked?.({ caseCode: state.caseCode, slot, office, lang, ...(previousSlot ? { previousSlot } : {}) }, now);
    return { type: 'booking_result', node: node.id, outcome: 'booked', slot: slot.id, office: office.id, start: slot.start.toISOString(), end: slot.end.toISOString() };
  }

  /**
   * A time typed instead of tapped ("10:00", "10.00", "10", "۱۰:۰۰"): the one time of the page
   * on screen at that hour, as if its button were tapped; undefined when none or several are.
   */
  private async typedTime(state: ConversationState, flowId: string, nodeId: string, text: string, now: Date): Promise<Input | undefined> {
    const typed = westernDigits(text).trim();
    const bare = bareTime(typed);
    const m = /^(\d{1,2})(?:[:.](\d{2}))?$/.exec(bare);
    // An hour alone ("12") may be a day or a button's number: a time needs its minutes or a word for "at" / "o'clock".
    if (!m || (m[2] === undefined && bare === typed)) return undefined;
    const time = `${m[1]!.padStart(2, '0')}:${m[2] ?? '00'}`;
    const on = this.onScreen(state, flowId, nodeId);
    if (!on) return undefined;
    const { shown } = await this.screen(on.office, on.page, now);
    const at = shown.filter((s) => DateTime.fromJSDate(s.start, { zone: luxonZone(on.office.timeZone) }).toFormat('HH:mm') === time);
    return at.length === 1 ? { type: 'choice', node: nodeId, value: encodeSlotValue(at[0]!) } : undefined;
  }

  /**
   * "Later" or "Earlier" typed instead of tapped: the page the button on screen leads to, as
   * its tap. Where there is no such button ("Later" at the last page), the page on screen
   * again, so that the page kept is the one shown and a typed time or "Earlier" then reads it.
   */
  private async typedPaging(state: ConversationState, flowId: string, nodeId: string, text: string, now: Date): Promise<Input | undefined> {
    const lang = state.lang ?? state.hint ?? 'az';
    const typed = typedOption((l, key) => this.text(l, key), lang, text, PAGING_BUTTONS);
    const on = typed && this.onScreen(state, flowId, nodeId);
    if (!on) return undefined;
    const { page, pages } = await this.screen(on.office, on.page, now);
    const to = typed === 'later' ? Math.min(page + 1, pages - 1) : Math.max(page - 1, 0);
    return { type: 'choice', node: nodeId, value: `p_${to}` };
  }

  /** The office whose times the booking question shows and the page kept for it (undefined while an office is still to be chosen). */
  private onScreen(state: ConversationState, flowId: string, nodeId: string): { office: Office; page: number } | undefined {
    const v = bookingVars(flowId, nodeId);
    const chosen = state.vars[v.office];
    const office = typeof chosen === 'string' ? this.offices.get(chosen) : this.o.offices.length === 1 ? this.o.offices[0] : undefined;
    return office ? { office, page: Number(state.vars[v.page] ?? 0) || 0 } : undefined;
  }

  /**
   * The free times of the page `wanted` as shown: the page itself (the last one when fewer
   * pages are left, say after a time was taken), how many pages there are, and its times.
   */
  private async screen(office: Office, wanted: number, now: Date): Promise<{ open: Slot[]; page: number; pages: number; shown: Slot[] }> {
    const { open, exhausted } = await this.openSlots(office, now, (wanted + 1) * SLOTS_PER_PAGE + 1);
    // Without the whole list, there is at least one free time after the page asked for.
    const pages = exhausted ? Math.max(1, Math.ceil(open.length / SLOTS_PER_PAGE)) : wanted + 2;
    const page = Math.min(wanted, pages - 1);
    return { open, page, pages, shown: open.slice(page * SLOTS_PER_PAGE, (page + 1) * SLOTS_PER_PAGE) };
  }

  /** Fills in the host's parts of the outputs: free times as buttons, a meeting's details and attachments, the day a first meeting took place. */
  async hydrate(outputs: Output[], lang: Lang, now: Date): Promise<Output[]> {
    const out: Output[] = [];
    for (const output of outputs) {
      let o = output;
      if (o.slots) o = await this.withSlots(o, o.slots, lang, now);
      if (o.appointment) o = this.withAppointment(o, o.appointment, lang);
      if (o.met) o = this.withMet(o, o.met, lang);
      out.push(o);
    }
    return out;
  }

  private async withSlots(o: Output, want: NonNullable<Output['slots']>, lang: Lang, now: Date): Promise<Output> {
    const { slots: _slots, ...rest } = o;
    const office = want.office ? this.offices.get(want.office) : this.o.offices.length === 1 ? this.o.offices[0] : undefined;
    if (!office) {
      // Several offices and none chosen yet: the person picks one first.
      const picker = officePicker(want.node, this.o.offices, lang);
      return { ...rest, text: [...o.text, ...picker.text], buttons: [...picker.buttons, ...(o.buttons ?? [])] };
    }
    const { open, page, pages, shown } = await this.screen(office, want.page, now);
    return {
      ...rest,
      text: open.length === 0 ? [...o.text, { key: 'booking:no_slots' }] : o.text,
      buttons: [...freeTimeButtons(want.node, office, shown, page, pages, lang), ...(o.buttons ?? [])],
    };
  }

  /**
   * The office's free times in time order, looking at the places of as few slots as it takes to
   * find `wanted` of them (the page asked for and one more, to know whether "Later" leads
   * anywhere): the first two pages' slots in one round trip, then twice as many each time.
   * `exhausted`: every upcoming slot was looked at, so `open` is all there is.
   */
  private async openSlots(office: Office, now: Date, wanted: number): Promise<{ open: Slot[]; exhausted: boolean }> {
    const upcoming = this.calendar.upcoming(office, now);
    const closed = this.o.closures ? await this.o.closures.closedDays(office.id) : undefined;
    const all = closed?.size ? upcoming.filter((s) => !closed.has(slotIdParts(s.id).localDate)) : upcoming;
    const open: Slot[] = [];
    let from = 0;
    let size = Math.max(wanted, 2 * SLOTS_PER_PAGE);
    while (open.length < wanted && from < all.length) {
      const batch = all.slice(from, from + size);
      const free = await this.o.store.freePlaces(office, batch);
      batch.forEach((s, i) => (free[i] ?? 0) > 0 && open.push(s));
      from += batch.length;
      size *= 2;
    }
    return { open, exhausted: from >= all.length };
  }

  private withAppointment(o: Output, a: NonNullable<Output['appointment']>, lang: Lang): Output {
    const { appointment: _a, ...rest } = o;
    const office = this.offices.get(a.office);
    if (!office) return rest;
    const details = meetingDetails(office, new Date(a.start), lang);
    const text: TextRef[] = [...o.text, { key: 'booking:details', params: details }];
    if (!a.attach) return { ...rest, text };
    const start = new Date(a.start);
    return {
      ...rest,
      // For the person: where the map is and how to change the time; for a case worker who booked on the phone: what to do with the file.
      text: [...text, { key: a.forStaff ? 'booking:details_hint_staff' : office.unknown.includes('location') ? 'booking:details_hint_no_map' : 'booking:details_hint' }],
      attachments: [
        // A stand-in location (the city's, marked unknown in the config) is no map point to walk to.
        ...(office.unknown.includes('location')
          ? []
          : [{ type: 'venue' as const, latitude: office.location.latitude, longitude: office.location.longitude, title: office.name[lang], address: details.address! }]),
        {
          type: 'file',
          filename: `korpu-${DateTime.fromJSDate(start, { zone: luxonZone(office.timeZone) }).toFormat('yyyy-MM-dd-HHmm')}.ics`,
          mime: 'text/calendar',
          content: meetingIcs({ office, start, end: new Date(a.end), lang, uid: `${a.slot}@korpu`, title: this.text(lang, 'booking:ics.title'), description: this.text(lang, 'booking:ics.description') }),
        },
      ],
    };
  }

  /** "You already met your case worker on <date>": the day in the office's time zone (the first office's, for an office no longer configured). */
  private withMet(o: Output, met: NonNullable<Output['met']>, lang: Lang): Output {
    const { met: _met, ...rest } = o;
    const office = this.offices.get(met.office) ?? this.o.offices[0];
    const start = new Date(met.start);
    const date = office ? localDateTime(office.timeZone, start, lang, 'long').date : met.start.slice(0, 10);
    return { ...rest, text: [...o.text, { key: 'booking:met.when', params: { date } }] };
  }

  /** Calendar files are made here, not by a channel, so their text is translated here too. */
  private text(lang: Lang, key: string): string {
    return this.o.translator.t(lang, key);
  }
}

/** Date, time, office name and address of a meeting, in the person's language. */
export function meetingDetails(office: Office, start: Date, lang: Lang): Record<string, string> {
  return {
    ...localDateTime(office.timeZone, start, lang, 'long'),
    office: office.name[lang],
    address: office.landmark ? `${office.address[lang]} (${office.landmark[lang]})` : office.address[lang],
  };
}

/**
 * Formatted local dates and times: the same few slots are formatted again and again (every
 * booking confirmation, every reminder), and luxon's formatting costs tens of µs each time.
 * Bounded: emptied when full, as the slots of a month in a few languages fit many times over.
 */
const formatted = new Map<string, { date: string; time: string }>();
const FORMATTED_MAX = 5000;

/**
 * The buttons of a page of free times at `office`: the times two to a row ("Thu, 10 Dec, 10:00"),
 * Earlier / Later when there are pages before or after, and "none of these times". Pure.
 */
export function freeTimeButtons(node: string, office: Office, shown: readonly Slot[], page: number, pages: number, lang: Lang): Button[][] {
  const choose = (value: string, label: TextRef): Button => ({ label, action: { type: 'choice', node, value } });
  const times = shown.map((s) => {
    const { date: day, time } = localDateTime(office.timeZone, s.start, lang, 'short');
    return choose(encodeSlotValue(s), { key: 'booking:slot_label', params: { day, time } });
  });
  const paging: Button[] = [
    ...(page > 0 ? [choose(`p_${page - 1}`, { key: 'booking:button.earlier' })] : []),
    ...(page < pages - 1 ? [choose(`p_${page + 1}`, { key: 'booking:button.later' })] : []),
  ];
  const rows: Button[][] = [];
  for (let i = 0; i < times.length; i += 2) rows.push(times.slice(i, i + 2));
  return [...rows, ...(paging.length ? [paging] : []), [choose('none', { key: 'booking:button.none' })]];
}

/** `long`: "Thursday, 10 December 2026" (a meeting's details); `short`: "Thu, 10 Dec" (a time button). */
function localDateTime(timeZone: string, start: Date, lang: Lang, form: 'long' | 'short'): { date: string; time: string } {
  const key = `${form} ${timeZone} ${start.getTime()} ${lang}`;
  let f = formatted.get(key);
  if (!f) {
    const local = DateTime.fromJSDate(start, { zone: luxonZone(timeZone) }).setLocale(lang);
    const date = form === 'long' ? local.toLocaleString({ weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }) : local.toLocaleString({ weekday: 'short', day: 'numeric', month: 'short' });
    f = { date, time: local.toFormat('HH:mm') };
    if (formatted.size >= FORMATTED_MAX) formatted.clear();
    formatted.set(key, f);
  }
  return f;
}

/**
 * Button value of a time: `s_<local yyyyMMddHHmm>_<office>` (letters, digits and _ only, as
 * callback data allows). The office comes last because office ids may contain `_`.
 * @throws SlotIdError when `slot.id` is not a slot id
 */
export function encodeSlotValue(slot: Slot): string {
  const { office, localStart } = slotIdParts(slot.id);
  return `s_${localStart.replace(/[-T:]/g, '')}_${office}`;
}

/** Reads a time button's value back into an office and slot id; undefined for anything else. */
export function decodeSlotValue(value: string): { office: string; slot: string } | undefined {
  const m = /^s_(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})_([a-z0-9_]+)$/.exec(value);
  if (!m) return undefined;
  return { office: m[6]!, slot: slotId(m[6]!, `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}`) };
}
