import { z } from 'zod';
import { AppointmentSchema, MetMeetingSchema } from '../../core/conversation';
import { LangSchema } from '../../core/lang';

/**
 * A conversation's state: small JSON, saved after every step. It holds a position (a stack of
 * frames, one per flow entered, each with a short trail of the questions answered in it, for
 * "back") and the non-personal answers needed for branching and rules. Personal answers never
 * live here: they go straight to the encrypted intake record as effects. Keeping it small
 * keeps every step's cost flat and the bytes written per answer low.
 */
export const STATE_VERSION = 1;
/** How many answered questions of one flow "back" can return to. */
export const HISTORY_LIMIT = 10;

export const FrameSchema = z.object({
  /** flow id */ f: z.string(),
  /** flow revision the conversation started on (content hash) */ r: z.string(),
  /** current node id */ n: z.string(),
  /** the questions answered in this flow, newest last (node ids), for "back" */
  b: z.array(z.string()).optional(),
  /**
   * Opened over the question of the frame below (one of the person's rights used in the middle
   * of a flow, /correct): when this flow ends, that question is asked again.
   */
  i: z.literal(true).optional(),
});
export type Frame = z.infer<typeof FrameSchema>;

export const VarValueSchema = z.union([z.string(), z.array(z.string())]);
export type VarValue = z.infer<typeof VarValueSchema>;

export const StateSchema = z.object({
  v: z.literal(STATE_VERSION),
  lang: LangSchema.optional(),
  /** Language suggested by the platform, used until the person chooses. */
  hint: LangSchema.optional(),
  frames: z.array(FrameSchema),
  vars: z.record(z.string(), VarValueSchema),
  /** Options ticked so far in the multiple-choice question being answered. */
  sel: z.array(z.string()).optional(),
  caseCode: z.string().optional(),
  /**
   * A, B or C: agreed with that data-use option. `phone`: declined, but gave a phone number for
   * a call back and agreed to that one thing only. `declined`: no personal data at all.
   */
  consent: z.enum(['A', 'B', 'C', 'phone', 'declined']).optional(),
  /**
   * The option (A, B or C) of a consent set aside because a date of birth under 18 was given
   * (`consent` is then `declined`): the date may still be corrected (/correct), and a corrected
   * date of 18 or over brings that consent back. Gone with a new consent, /withdraw or /delete.
   */
  setAside: z.enum(['A', 'B', 'C']).optional(),
  /**
   * The fields of the record the person has given so far in an intake not yet completed
   * (names only, never values): /correct offers those, not a detail not asked for yet. Gone
   * once the intake is completed (every detail may then be corrected, or added).
   */
  given: z.array(z.string()).optional(),
  /** The person asked to change language; the next tap picks it. */
  picking: z.literal('language').optional(),
  /** The meeting booked in this conversation (kept across "start over"). */
  booking: AppointmentSchema.optional(),
  /**
   * The person came to their first meeting (a case worker recorded "came"; the desk amends the
   * conversation, and takes it away again when that is corrected to "did not come"). From then
   * on their case worker arranges what follows: "Book a meeting" books no other first meeting.
   */
  met: MetMeetingSchema.optional(),
  /** The intake was completed: no reminder to finish it. */
  done: z.literal(true).optional(),
  /** The person withdrew (/withdraw) and has not consented again: their details are kept, not used. */
  withdrawn: z.literal(true).optional(),
  /**
   * A case worker closed the person's case for good (spec §3.8): no meeting is booked for it;
   * /appointment and the meeting buttons say so and point to /person. Set by the desk when it
   * closes the case, or by a booking the store refused for that reason.
   */
  closed: z.literal(true).optional(),
  /**
   * The conversation was opened for a case that existed before it: a case worker's call with a
   * person who walked into the office (`/call <case code>`). The call flow follows it up
   * (`state.walk_in`) instead of interviewing them as someone new.
   */
  walkIn: z.literal(true).optional(),
  /** The person's data was erased (/delete) and no case has begun since: /mydata says what is left. */
  erased: z.literal(true).optional(),
  /** The person said /stop: no messages on our own initiative except for a booked meeting. */
  quiet: z.literal(true).optional(),
  /** When the person last wrote (ms), for the "you stopped half-way" nudge. */
  at: z.number().optional(),
  /**
   * The last answer asked for the person's contact (on Telegram a reply keyboard that stays on
   * screen): the next answer that does not removes it. Kept by the runner, not the engine.
   */
  kb: z.literal(true).optional(),
});
export type ConversationState = z.infer<typeof StateSchema>;

/**
 * A deep copy of a state. The state is JSON data (plain objects, arrays, strings, numbers,
 * booleans), so a plain copy does what `structuredClone` does, many times faster; it runs on
 * every step, so its known parts (frames, vars) are copied by their shape, and anything else
 * that is not a primitive by the generic {@link copyJson}.
 */
export function cloneState(s: ConversationState): ConversationState {
  const out: Record<string, unknown> = {};
  for (const k in s) {
    const v = (s as Record<string, unknown>)[k];
    if (v === null || typeof v !== 'object') out[k] = v;
    else if (k === 'frames') out[k] = (v as Frame[]).map(cloneFrame);
    else if (k === 'vars') out[k] = cloneVars(v as Record<string, unknown>);
    else out[k] = copyJson(v);
  }
  return out as ConversationState;
}

function cloneFrame(f: Frame): Frame {
  const out = { ...f };
  if (f.b) out.b = f.b.slice();
  return out;
}

function cloneVars(vars: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k in vars) {
    const v = vars[k];
    out[k] = typeof v === 'string' ? v : copyJson(v);
  }
  return out;
}

function copyJson<T>(v: T): T {
  if (Array.isArray(v)) return v.map(copyJson) as T;
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) out[k] = copyJson((v as Record<string, unknown>)[k]);
  return out as T;
}

export function initialState(): ConversationState {
  return { v: STATE_VERSION, frames: [], vars: {} };
}
