import { z } from 'zod';
import type { CaseMessageKind } from '../../caseworkers/alert-notices';
import { CALLBACK_DATA_MAX_BYTES } from './callback-data';

/**
 * Callback data of the case workers' buttons (alerts in their group, escalations in a
 * supervisor's private chat): `w:<verb>:<message kind>:<case code>[:<meeting>]`.
 *
 * The tag `w` is never one of the engine's (`c`, `h`, `k`), so a person's conversation would
 * read such data as a stale button, and the staff composer, registered first, never sees a
 * person's button. The message kind says how to redraw the tapped message; the meeting
 * (attendance buttons only) is its start in minutes since the epoch, base 36, so a button of a
 * meeting that was moved since is refused rather than applied to the new one.
 */
export const STAFF_TAG = 'w';

/** What a staff button does. */
export const STAFF_VERBS = ['claim', 'open', 'came', 'noshow'] as const;
export type StaffVerb = (typeof STAFF_VERBS)[number];

/** What the tapped message is: one of the alert kinds, a supervisor's escalation, or the urgent alert of a crisis. */
export type StaffMessageKind = CaseMessageKind;

const KIND_CODES: Record<StaffMessageKind, string> = { intake: 'i', diagnosis: 'd', booking: 'b', moved: 'm', cancelled: 'x', handoff: 'h', escalation: 'e', urgent: 'u' };
const KINDS_BY_CODE = new Map(Object.entries(KIND_CODES).map(([k, v]) => [v, k as StaffMessageKind]));

/** A decoded staff button. */
export interface StaffAction {
  verb: StaffVerb;
  kind: StaffMessageKind;
  caseCode: string;
  /** Attendance buttons: the meeting's start, to check it is still the same meeting. */
  start?: Date;
}

const CaseCodeSchema = z.string().regex(/^[A-Z0-9-]{3,24}$/);
const StaffDataSchema = z.union([
  z.tuple([z.literal(STAFF_TAG), z.enum(['claim', 'open']), z.string().length(1), CaseCodeSchema]),
  z.tuple([z.literal(STAFF_TAG), z.enum(['came', 'noshow']), z.string().length(1), CaseCodeSchema, z.string().regex(/^[0-9a-z]{1,10}$/)]),
]);

const minutes36 = (d: Date) => Math.floor(d.getTime() / 60_000).toString(36);

/** Whether callback data carries the staff tag (whatever else it says). */
export const isStaffData = (data: string | undefined): boolean => data?.startsWith(`${STAFF_TAG}:`) === true;

/**
 * Encodes a staff button.
 * @throws RangeError for a case code unlike ours (A–Z, 0–9 and `-`, up to 24), or data over Telegram's 64 bytes.
 * @example encodeStaffData({ verb: 'claim', kind: 'intake', caseCode: 'KP-7G4Q-M2XD' }) // 'w:claim:i:KP-7G4Q-M2XD'
 */
export function encodeStaffData(a: StaffAction): string {
  if (!CaseCodeSchema.safeParse(a.caseCode).success) throw new RangeError(`staff button: "${a.caseCode.slice(0, 30)}" is not a case code`);
  const parts = [STAFF_TAG, a.verb, KIND_CODES[a.kind], a.caseCode];
  if (a.verb === 'came' || a.verb === 'noshow') {
    if (!a.start) throw new RangeError(`staff button ${a.verb} needs the meeting's start`);
    parts.push(minutes36(a.start));
  }
  const data = parts.join(':');
  if (Buffer.byteLength(data) > CALLBACK_DATA_MAX_BYTES) throw new RangeError(`staff button for case ${a.caseCode} does not fit Telegram's callback data`);
  return data;
}

/** Reads a staff button back; undefined for anything that is not one (never throws). */
export function decodeStaffData(data: string | undefined): StaffAction | undefined {
  if (data === undefined || Buffer.byteLength(data) > CALLBACK_DATA_MAX_BYTES) return undefined;
  const parsed = StaffDataSchema.safeParse(data.split(':'));
  if (!parsed.success) return undefined;
  const [, verb, code, caseCode, start] = parsed.data;
  const kind = KINDS_BY_CODE.get(code);
  if (!kind) return undefined;
  return { verb, kind, caseCode, ...(start === undefined ? {} : { start: new Date(parseInt(start, 36) * 60_000) }) };
}

/** Whether a meeting's start is the one a button was made for (to the minute). */
export function sameMeeting(buttonStart: Date | undefined, start: Date): boolean {
  return buttonStart !== undefined && minutes36(buttonStart) === minutes36(start);
}
