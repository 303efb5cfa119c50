import { z } from 'zod';
import { LangSchema } from './lang';

/**
 * The engine's vocabulary: what comes in from a person (Input), what goes out to them
 * (Output) and what the host must do on their behalf (Effect). Channels translate platform
 * events into Input and render Output; the runtime performs Effects. None of these types
 * knows about Telegram.
 */

/** Commands that work anywhere in a conversation. */
export const COMMANDS = ['start', 'back', 'restart', 'language', 'help', 'menu', 'appointment', 'stop', 'mydata', 'correct', 'withdraw', 'delete', 'person'] as const;
export const CommandSchema = z.enum(COMMANDS);
export type Command = z.infer<typeof CommandSchema>;

/** Kinds of message the engine cannot read; each gets a polite, specific answer. */
export const UNSUPPORTED_KINDS = ['sticker', 'photo', 'voice', 'video', 'document', 'location', 'edited', 'other'] as const;

export const InputSchema = z.discriminatedUnion('type', [
  /**
   * Typed text. `cut`: the message was longer than the channel passes on (a Telegram text over
   * 4,096 characters), and `text` is its beginning; `cut` is its whole length in characters. The
   * engine says so only where it keeps the text, and a question that takes less says the true length.
   */
  z.object({ type: z.literal('text'), text: z.string(), cut: z.number().int().positive().optional() }),
  /** A tap on a choice button; `node` is the question the button belonged to. */
  z.object({ type: z.literal('choice'), node: z.string(), value: z.string() }),
  /** A phone number shared with Telegram's contact button (the person's own). */
  z.object({ type: z.literal('contact'), phone: z.string() }),
  z.object({ type: z.literal('command'), name: CommandSchema, langHint: LangSchema.optional() }),
  z.object({ type: z.literal('unknown_command'), name: z.string() }),
  z.object({ type: z.literal('unsupported'), kind: z.enum(UNSUPPORTED_KINDS) }),
]);
export type Input = z.infer<typeof InputSchema>;

/** Node id of the "change language" question that can interrupt any flow (ids of flows' nodes start with a letter). */
export const LANGUAGE_PICKER = '__language';

/** Commands that only show something or change the language (see {@link leavesTalk}). */
const KEEPS_TALK: ReadonlySet<string> = new Set<Command>(['start', 'help', 'mydata', 'language']);

/**
 * Whether `input`, from a person talking with a case worker, takes them back to the bot and so
 * ends the talk: a tap on the flow's buttons, or a command that moves the conversation on
 * (/menu, /appointment, /delete …). Looking something up (/help, /mydata), changing the
 * language, /start (which picks up where they were) and a mistyped command keep the talk: what
 * they write next still goes to the worker.
 */
export function leavesTalk(input: Input): boolean {
  if (input.type === 'choice') return input.node !== LANGUAGE_PICKER;
  return input.type === 'command' && !KEEPS_TALK.has(input.name);
}

/** A meeting as the conversation knows it (the booking store is the authority). ISO times. */
export const AppointmentSchema = z.object({ slot: z.string(), office: z.string(), start: z.string(), end: z.string() });
export type Appointment = z.infer<typeof AppointmentSchema>;

/**
 * The first meeting the person came to, as a case worker recorded it ("came"): its slot,
 * office and start (ISO). The conversation keeps it so that "Book a meeting" no longer books a
 * first meeting for someone who has had theirs.
 */
export const MetMeetingSchema = z.object({ slot: z.string(), office: z.string(), start: z.string() });
export type MetMeeting = z.infer<typeof MetMeetingSchema>;

/**
 * What the host did with a tap on a time slot, given to the engine in place of the tap. Only
 * the runner makes these (after trying the booking atomically); channels never do, so a
 * crafted button cannot claim a booking.
 */
export const BookingResultSchema = z.union([
  AppointmentSchema.extend({ type: z.literal('booking_result'), node: z.string(), outcome: z.literal('booked') }),
  /**
   * Someone was faster, or the slot is no longer offered (past, closed, not on the grid); or
   * `closed`: the person's case was closed for good by a case worker, so nothing is booked.
   */
  z.object({ type: z.literal('booking_result'), node: z.string(), outcome: z.enum(['taken', 'gone', 'closed']) }),
]);
export type BookingResult = z.infer<typeof BookingResultSchema>;

/** Everything `step` accepts: what people send, plus what the host resolved for them. */
export const EngineInputSchema = z.union([InputSchema, BookingResultSchema]);
export type EngineInput = z.infer<typeof EngineInputSchema>;

/** A translatable piece of text: an i18next key with interpolation values, or a list of
 * keys (rendered as bullet lines), or a reference to configured content (referral list,
 * the programme office's address). */
export const TextRefSchema = z.union([
  z.object({ key: z.string(), params: z.record(z.string(), z.union([z.string(), z.number()])).optional() }),
  /** `numbered`: "1. …", "2. …" (options listed in the text and tapped by their numbers), else "• …". */
  z.object({ list: z.array(z.string()), numbered: z.literal(true).optional() }),
  z.object({ content: z.literal('referrals'), reasons: z.array(z.string()) }),
  z.object({ content: z.literal('office') }),
  /**
   * Text already written or rendered by the host (a person's message relayed to a case worker,
   * a case-worker alert drawn in the staff's language). The engine never emits it.
   */
  z.object({ plain: z.string() }),
]);
export type TextRef = z.infer<typeof TextRefSchema>;

export const ButtonSchema = z.object({
  label: TextRefSchema,
  /** What the tap sends back: `{type:'choice', node, value}` or a command. */
  action: z.union([
    z.object({ type: z.literal('choice'), node: z.string(), value: z.string() }),
    z.object({ type: z.literal('command'), name: CommandSchema }),
    /**
     * A case worker's button under a notice for staff (Claim, Open, attendance). Host-made,
     * never by the engine; channels encode it as their staff callback data and the desk checks
     * the tapper's role when it comes back.
     */
    z.object({ type: z.literal('staff'), verb: z.string(), kind: z.string(), caseCode: z.string(), start: z.string().optional() }),
  ]),
  /** For multiple choice: whether this option is currently ticked. */
  selected: z.boolean().optional(),
});
export type Button = z.infer<typeof ButtonSchema>;

export const OutputSchema = z.object({
  type: z.literal('message'),
  /** Paragraphs, joined with a blank line. */
  text: z.array(TextRefSchema),
  /** Inline buttons, one array per row. */
  buttons: z.array(z.array(ButtonSchema)).optional(),
  /** Offer the platform's "share my phone number" button with this label. */
  requestContact: TextRefSchema.optional(),
  /** Replace the message whose button was tapped instead of sending a new one. */
  edit: z.boolean().optional(),
  /**
   * Free meeting times to offer as buttons (placed before `buttons`), filled in by the host:
   * only it knows which places are still free. `office` once one is chosen; `page` of times.
   */
  slots: z.object({ node: z.string(), office: z.string().optional(), page: z.number().int().min(0) }).optional(),
  /** A booked meeting to describe (date, time, place), filled in by the host in the person's language. */
  appointment: AppointmentSchema.extend({ attach: z.boolean().optional(), forStaff: z.boolean().optional() }).optional(),
  /**
   * Everything kept about the person (case, answers, consent, meeting, questions), filled in by
   * the host in the person's language: only it can read and decrypt the records. No `caseCode`:
   * nothing is kept.
   */
  mydata: z.object({ caseCode: z.string().optional(), erased: z.literal(true).optional() }).optional(),
  /** The first meeting the person came to: the host says its date, in the person's language, after the text. */
  met: MetMeetingSchema.optional(),
  /** Sent after the text: the office on a map, the meeting as a calendar file. Host-made. */
  attachments: z
    .array(
      z.discriminatedUnion('type', [
        z.object({ type: z.literal('venue'), latitude: z.number(), longitude: z.number(), title: z.string(), address: z.string() }),
        z.object({ type: z.literal('file'), filename: z.string(), mime: z.string(), content: z.string() }),
      ]),
    )
    .optional(),
});
export type Output = z.infer<typeof OutputSchema>;

const base = { caseCode: z.string() };
/** Effects: what the host performs after the new state is saved. */
export const EffectSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('case_opened'), ...base, lang: LangSchema }),
  z.object({
    type: z.literal('diagnosis_recorded'),
    ...base,
    answers: z.object({ adult: z.string().optional(), q1: z.string(), q2: z.string(), q3: z.array(z.string()), q4: z.string() }),
    outcome: z.string(),
    reasons: z.array(z.string()),
    provisional: z.boolean(),
    ruleVersion: z.string(),
    lang: LangSchema,
  }),
  z.object({
    type: z.literal('consent_recorded'),
    ...base,
    agreed: z.boolean(),
    option: z.enum(['A', 'B', 'C']).optional(),
    /**
     * `phone_only`: consent declined, but a phone number given for a call back, and only that.
     * `minor_without_guardian`: the consent given is set aside (agreed: false) because the date
     * of birth shows the person is under 18 (a parent or guardian must take part).
     */
    scope: z.enum(['phone_only', 'minor_without_guardian']).optional(),
    /**
     * `guardian`: the consent of someone under 18, given for them by a parent or legal guardian
     * (guidelines §3.1.5; Annex 4's "person giving consent"), read to them on the phone. Absent:
     * the person's own.
     */
    givenBy: z.literal('guardian').optional(),
    /**
     * The i18n key of the consent text the person was given (the full form, Annex 4): the host
     * records its version, derived from the text in `lang` (intake/consent-version.ts).
     */
    text: z.string().min(1),
    /** Whether the person opened the full text (the "Full form" button) before deciding. */
    fullTextOpened: z.boolean().optional(),
    /**
     * A refusal after a consent given earlier in the same conversation (a case worker on the
     * phone went back to the consent): what was taken under that consent goes with it, these
     * answer fields and, with `questions`, the questions written down; the case is no longer
     * `consented`.
     */
    discard: z.object({ fields: z.array(z.string().min(1)), questions: z.boolean() }).optional(),
    lang: LangSchema,
  }),
  /**
   * An answer for the intake record. `clears` names fields it makes stale: "work" chosen where
   * "another reason" was, in the person's words, before (going back, /correct) clears the words.
   */
  z.object({ type: z.literal('answer_recorded'), ...base, field: z.string(), value: z.string(), personal: z.boolean(), clears: z.array(z.string().min(1)).optional() }),
  z.object({ type: z.literal('question_asked'), ...base, text: z.string() }),
  z.object({ type: z.literal('intake_completed'), ...base, lang: LangSchema }),
  z.object({ type: z.literal('handoff_requested'), ...base, reason: z.string(), lang: LangSchema }),
  /** A first meeting was booked (or moved: `previousSlot` is the one given up). Times are ISO. */
  z.object({
    type: z.literal('booking_made'),
    ...base,
    slot: z.string(),
    office: z.string(),
    start: z.string(),
    end: z.string(),
    lang: LangSchema,
    previousSlot: z.string().optional(),
  }),
  z.object({ type: z.literal('booking_cancelled'), ...base, slot: z.string(), lang: LangSchema }),
  z.object({ type: z.literal('booking_confirmed'), ...base, slot: z.string(), lang: LangSchema }),
  /**
   * The person ended their participation (/withdraw), with the reason in their words (spec §3.8
   * wants it in writing; kept encrypted). Their meeting is cancelled by a `booking_cancelled`
   * effect of the same step; pending reminders, nudges and follow-ups go; case workers are told.
   */
  z.object({ type: z.literal('case_withdrawn'), ...base, reason: z.string(), lang: LangSchema }),
  /**
   * The person asked for their personal data to be erased (/delete) and confirmed. The case keeps
   * its code and anonymous facts for statistics (status `erased`); everything else goes.
   */
  z.object({ type: z.literal('data_erased'), ...base, lang: LangSchema }),
  /**
   * The person corrected some of their details (/correct): `fields` names what changed (the new
   * values are recorded, encrypted, by the `answer_recorded` effects of the same step). The case
   * worker holding the case is told the field names, never the values. `consent`: the data-use
   * option (Annex 4) now in force when the field `consent` changed: a letter, not personal
   * content, so the notice names it (a worker must know at once that a name may no longer be used).
   */
  z.object({ type: z.literal('data_corrected'), ...base, fields: z.array(z.string().min(1)).min(1), consent: z.enum(['A', 'B', 'C']).optional(), lang: LangSchema }),
  /** Words of crisis (Annex 3) in a message: urgent alert, emergency contacts, incident draft. */
  z.object({ type: z.literal('crisis_detected'), ...base, category: z.string(), cue: z.string(), lang: LangSchema }),
]);
export type Effect = z.infer<typeof EffectSchema>;
export type EffectType = Effect['type'];
