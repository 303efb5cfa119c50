import { z } from 'zod';

/**
 * The schema of `flows/*.yaml`. Flows are data that programme staff edit; this schema is the
 * contract between them and the engine. Every user-visible string is an i18next key
 * (`namespace:path`), never inline text.
 */

/** The flow spec version this engine runs. Older files are migrated at load; newer are refused. */
export const CURRENT_SPEC_VERSION = '1.0.0';

const id = z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be lower_snake_case (letters, digits, _)');
const key = z.string().regex(/^[a-z][a-z0-9_]*:[a-z0-9_.]+$/, 'must be an i18n key such as "diagnosis:q1.prompt"');
const target = id;

/** Option values may be upper case (consent options A, B, C); `__` is reserved for the engine. */
const value = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_]*$/, 'must be letters, digits or _, not starting with _');
const option = z.strictObject({
  value,
  label: key,
  /** Where this option leads; defaults to the node's `next`. */
  next: target.optional(),
  /** A "tell me more" option: shows this text and asks the same question again. */
  info: key.optional(),
  /**
   * A number in this range, typed instead of a tap, chooses this option: the age question's
   * "35" is "18 or older". Numbers 1 to the count of options still count the buttons.
   */
  typedRange: z.tuple([z.number().int(), z.number().int()]).optional(),
  /**
   * The letter the question's text gives this option (the consent's "A.", "B.", "C."): typed
   * alone, with its button's words or with the language's words for "option" ("вариант B",
   * "B seçiyorum"), it chooses this option; a Cyrillic letter that looks the same ("В") counts.
   * Not with a question mark: "B?" asks about B.
   */
  letter: z.string().regex(/^[A-Z]$/).optional(),
  /**
   * Typed words that choose no option choose this one and answer the text question it leads to:
   * a reason not in the list, written in the person's words ("I came with my husband"), is
   * "another reason" and its detail at once, where "choose a button" would lose it.
   */
  typedAnswer: z.boolean().optional(),
  /**
   * Offered only once the person has given this field of the record, while their intake is
   * not completed (/correct's "phone" before the phone was asked); always once it is.
   */
  ifGiven: id.optional(),
});

const common = { id, comment: z.string().optional() };
/** Where the answer is stored on the intake record (after consent, encrypted when personal). */
const recordField = {
  field: id.optional(),
  personal: z.boolean().default(false),
};

export const NodeSchema = z.discriminatedUnion('type', [
  z.strictObject({
    ...common,
    type: z.literal('message'),
    text: z.array(key).min(1),
    /** Bullet list of the translated items of a list variable, e.g. the reasons of a rule. */
    list: z.strictObject({ var: z.string(), prefix: z.string() }).optional(),
    /** Append the configured referral list, filtered by the reasons in this variable. */
    referrals: z.strictObject({ var: z.string() }).optional(),
    /** Append the configured office: name, address, opening hours. */
    office: z.boolean().default(false),
    /** Append the person's booked meeting: date, time, office and its address (the office, if none is booked). */
    meeting: z.boolean().default(false),
    /** Say first the day the person came to their first meeting (`state.met`), in the host's words; nothing without one. */
    met: z.boolean().optional(),
    next: target,
  }),
  z.strictObject({ ...common, type: z.literal('language'), prompt: key, next: target }),
  z.strictObject({
    ...common,
    type: z.literal('choice'),
    prompt: key,
    /**
     * Said before the prompt when the question is asked again (after /language, /help, an
     * answer not taken): what its options mean, said the first time by the message before it
     * (the consent's A, B, C), so that someone who changed the language to understand them
     * reads them in it, not only "choose one".
     */
    again: key.optional(),
    options: z.array(option).min(1),
    next: target.optional(),
    columns: z.number().int().min(1).max(3).default(1),
    /** Also keep the chosen value on the intake record (a value from a list, in clear unless `personal`). */
    field: id.optional(),
    /**
     * The choice itself is personal data (the reason for coming: "asylum" says the person seeks
     * asylum, Annex 5 line 11 takes it only with consent): kept encrypted on the record like a
     * typed answer, never in the conversation's state, and asked only of someone who consented.
     */
    personal: z.boolean().optional(),
    /**
     * Where the text invites the person to write (consent: "questions? write them here"):
     * typed words that pick no option are kept as a question for case workers (encrypted, on
     * the case), the person is told this text, and the same question is asked again.
     */
    typedAsQuestion: key.optional(),
    /**
     * Nothing personal is kept from typed words here (the consent, before any): a date, a year
     * or a phone number typed (an answer to a later question) is asked to choose instead of
     * kept as a message for case workers.
     */
    noDetails: z.boolean().optional(),
    /** What typed words that choose no option are told instead of "choose a button" (the menu: how to write to a case worker). */
    typedHint: key.optional(),
    /**
     * Asked only of someone who consented (a choice of details to give, as /correct's): once the
     * consent is set aside (a date of birth under 18), /back passes over it, as over the questions
     * for personal data themselves.
     */
    needsConsent: z.boolean().optional(),
  }),
  z.strictObject({
    ...common,
    type: z.literal('yes_no'),
    prompt: key,
    /** Show the person's booked meeting (date, time, office) under the question: "cancel it?" names which. */
    meeting: z.boolean().optional(),
    yes: target.optional(),
    no: target.optional(),
    next: target.optional(),
  }),
  z.strictObject({
    ...common,
    type: z.literal('multi_choice'),
    prompt: key,
    options: z.array(option.omit({ next: true, info: true, typedRange: true, letter: true, typedAnswer: true, ifGiven: true })).min(2),
    min: z.number().int().min(0).default(1),
    /**
     * The options are written out, numbered, in the question's text, and their buttons (one row)
     * carry only the numbers: for options in words that must stay whole and are too long for a
     * button on a small phone (Annex 2's Q3, in the form's words). Typing an option's words
     * still ticks it.
     */
    numbered: z.boolean().optional(),
    next: target,
  }),
  z.strictObject({
    ...common,
    ...recordField,
    type: z.literal('text'),
    prompt: key,
    example: key,
    maxLength: z.number().int().min(1).max(4096).default(300),
    optional: z.boolean().default(false),
    /** Store the answer as a message for case workers (the case's questions), not as a field. */
    asQuestion: z.boolean().default(false),
    /** A country's flag sent alone ("🇺🇦") is kept as that country's name in the person's language. */
    flagIsCountry: z.boolean().default(false),
    /**
     * A question that must not be skipped (/correct's address: "no" is no address): words for
     * none ("no", "нет", "skip") or punctuation alone are not kept; the person is told this text
     * and asked again.
     */
    noneRefused: key.optional(),
    /** Said with the next question when an answer was given (not when skipped). */
    thanks: key.optional(),
    next: target,
  }),
  z.strictObject({
    ...common,
    ...recordField,
    type: z.literal('phone'),
    prompt: key,
    region: z.string().length(2).default('AZ'),
    /**
     * What is said, instead of `common:reprompt.phone`, to something that does not read as a
     * number: the phone interview's worker has no "Share my phone number" button to tap.
     */
    invalid: key.optional(),
    next: target,
  }),
  z.strictObject({
    ...common,
    ...recordField,
    type: z.literal('date'),
    prompt: key,
    /** Only dates in the past (a birth date) or only in the future. */
    when: z.enum(['past', 'future', 'any']).default('any'),
    /** Also set this variable to `adult` or `minor` (age at "now") without keeping the date. */
    ageVar: id.optional(),
    next: target,
  }),
  z.strictObject({
    ...common,
    type: z.literal('rule'),
    rule: id,
    /** rule input name → variable name (`node` of this flow or `flow.node`). */
    inputs: z.record(z.string(), z.string()),
    routes: z.record(z.string(), target),
  }),
  /**
   * Offers free meeting times (the host fills them in) and books the one tapped, atomically.
   * `none`: where "none of these times suit me" leads. `audience: staff` when a case worker
   * books for the person (the phone interview): the confirmation then tells the worker what to
   * do with it, not the person how to change it.
   */
  z.strictObject({ ...common, type: z.literal('booking'), prompt: key, next: target, none: target, audience: z.enum(['person', 'staff']).optional() }),
  /**
   * Shows the person's booked meeting with Reschedule / Cancel / Keep; goes to `none` at once
   * when there is no upcoming meeting.
   */
  z.strictObject({ ...common, type: z.literal('appointment'), prompt: key, reschedule: target, cancel: target, next: target, none: target }),
  z.strictObject({ ...common, type: z.literal('branch'), var: z.string(), cases: z.record(z.string(), target), default: target }),
  z.strictObject({ ...common, type: z.literal('action'), action: id, params: z.record(z.string(), z.string()).default({}), next: target }),
  z.strictObject({ ...common, type: z.literal('flow'), flow: id, next: target }),
  z.strictObject({ ...common, type: z.literal('end') }),
]);
export type FlowNode = z.infer<typeof NodeSchema>;
export type NodeType = FlowNode['type'];
export type NodeOf<T extends NodeType> = Extract<FlowNode, { type: T }>;

export const FlowSchema = z.strictObject({
  specVersion: z.string().regex(/^\d+\.\d+\.\d+$/),
  id,
  name: z.string().min(1),
  description: z.string().optional(),
  /**
   * Its answers outlive a return to the menu (/menu) in the same conversation: the diagnosis
   * passed is not asked again when the person then books. "Start over" (/restart) still clears them.
   */
  kept: z.boolean().optional(),
  start: target,
  nodes: z.array(NodeSchema).min(1),
});
export type FlowDefinition = z.infer<typeof FlowSchema>;

/** Node types at which the engine stops and waits for the person. */
export const WAITING_TYPES = new Set<NodeType>(['language', 'choice', 'yes_no', 'multi_choice', 'text', 'phone', 'date', 'booking', 'appointment']);

/** A flow ready to run: its definition, a node index and its content revision (hash). */
export interface CompiledFlow {
  readonly def: FlowDefinition;
  readonly revision: string;
  readonly nodes: ReadonlyMap<string, FlowNode>;
}
