import { DateTime } from 'luxon';
import { luxonZone } from '../core/time-zone';
import { KorpuError } from '../core/errors';
import { err, ok, type Result } from '../core/result';

/**
 * A slot id: `<office>@<local start>`, e.g. `baku@2026-11-25T09:00`. The office id is
 * `[a-z0-9_]+` (as config/offices.ts allows) and the start is the office's local wall-clock
 * time to the minute, so an id is stable across daylight-saving rules, readable in Redis keys
 * and logs, and short enough for Telegram callback data. This module is the only place that
 * builds or splits one.
 */
const SLOT_ID = /^([a-z0-9_]+)@((\d{4}-\d{2}-\d{2})T\d{2}:\d{2})$/;
const OFFICE_ID = /^[a-z0-9_]+$/;
const LOCAL_START = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/;
/** Luxon's format of a slot's local start. */
const LOCAL_START_FORMAT = "yyyy-MM-dd'T'HH:mm";

/** The parts of a slot id. */
export interface SlotIdParts {
  office: string;
  /** Local start, `yyyy-MM-ddTHH:mm`. */
  localStart: string;
  /** Local date, `yyyy-MM-dd` (the day index of bookings is keyed by it). */
  localDate: string;
}

/** A slot id was built from, or read as, something that is not one (a programming or data error). */
export class SlotIdError extends KorpuError {
  override name = 'SlotIdError';
}

/**
 * Builds a slot id from an office id and a local start (`yyyy-MM-ddTHH:mm`).
 * @throws SlotIdError when either part does not fit the format
 * @example slotId('baku', '2026-11-25T09:00') // 'baku@2026-11-25T09:00'
 */
export function slotId(office: string, localStart: string): string {
  if (!OFFICE_ID.test(office) || !LOCAL_START.test(localStart)) throw new SlotIdError('not the parts of a slot id', { office, localStart });
  return `${office}@${localStart}`;
}

/**
 * The id of the slot starting at `start` at `office`, in the office's time zone.
 * @example slotIdAt({ id: 'baku', timeZone: 'Asia/Baku' }, new Date('2026-11-25T05:00Z')) // 'baku@2026-11-25T09:00'
 */
export function slotIdAt(office: { id: string; timeZone: string }, start: Date): string {
  return slotId(office.id, DateTime.fromJSDate(start, { zone: luxonZone(office.timeZone) }).toFormat(LOCAL_START_FORMAT));
}

/**
 * Splits a slot id into its office, local start and local date. Only the format is checked:
 * whether the office offers that time is `slotById`'s question (slots.ts).
 * @example parseSlotId('baku@2026-11-25T09:00') // ok({ office: 'baku', localStart: '2026-11-25T09:00', localDate: '2026-11-25' })
 */
export function parseSlotId(id: string): Result<SlotIdParts, 'not_a_slot_id'> {
  const m = SLOT_ID.exec(id);
  return m ? ok({ office: m[1]!, localStart: m[2]!, localDate: m[3]! }) : err('not_a_slot_id');
}

/**
 * `parseSlotId` for ids that must be valid (read from a saved booking or an engine effect).
 * @throws SlotIdError when `id` is not a slot id
 */
export function slotIdParts(id: string): SlotIdParts {
  const parsed = parseSlotId(id);
  if (!parsed.ok) throw new SlotIdError('not a slot id', { slot: id });
  return parsed.value;
}

/** The local start of a slot id's parts as a time in the office's zone (invalid for impossible dates). */
export function localStartOf(parts: SlotIdParts, timeZone: string): DateTime {
  return DateTime.fromFormat(parts.localStart, LOCAL_START_FORMAT, { zone: luxonZone(timeZone) });
}
