import type { EffectType } from '../core/conversation';
import type { EffectListener } from '../intake/conversation-runner';
import type { CaseIndex } from './case-index';

/**
 * Whether an effect can move its case in the case list's indexes, for every effect type (the
 * compiler makes a new type be placed here). The index holds what `entryOf` reads: the case
 * hash's `status`, `lang`, `created_at`, `diagnosis_provisional` (eligibility), the holder, the
 * first meeting's office and status, and the urgent flag (an urgent incident report waiting);
 * see case-index.ts. Only these effects write one of them (intake/record-writes.ts, or their
 * handler); answers, questions, consents, confirmations, corrections and talks do not.
 * Claims, attendance, Annex 1, plans, acknowledgements and closing are desk writes, reindexed
 * by the desk itself.
 */
export const MOVES_CASE_IN_INDEX: Readonly<Record<EffectType, boolean>> = {
  case_opened: true, // created_at, lang, status
  diagnosis_recorded: true, // diagnosis_provisional: the eligibility facet
  intake_completed: true, // status, lang
  booking_made: true, // the office (and a moved meeting's)
  booking_cancelled: true, // the office's meeting gone
  case_withdrawn: true, // status
  data_erased: true, // status; its handler erases the rest
  crisis_detected: true, // its handler drafts the incident report that may make the case urgent
  consent_recorded: false,
  answer_recorded: false,
  question_asked: false,
  handoff_requested: false,
  booking_confirmed: false,
  data_corrected: false,
};

/**
 * Effects whose own handler (registered before this one, in buildCore) writes what the index
 * reads: the case is reindexed after them even when its step already reindexed it.
 */
const INDEXED_AFTER_HANDLER: ReadonlySet<EffectType> = new Set(['crisis_detected', 'data_erased']);

/** Steps remembered as reindexed (per process; a step's entries come one after another). */
const REMEMBERED_STEPS = 1024;

/**
 * The effect handler that keeps the case list's indexes: reindexes a case after the effects
 * that move it ({@link MOVES_CASE_IN_INDEX}), once per step. A step's record writes are
 * committed with it, atomically, so when its first effect runs everything the step wrote is in
 * Redis: its later effects are skipped (by their step: an effect id is `<step>:<index>`), except
 * those whose handler writes afterwards ({@link INDEXED_AFTER_HANDLER}). The memory is this
 * process's only: an entry redelivered elsewhere reindexes again, which changes nothing.
 *
 * @example core.onEffect(createCaseIndexEffects(caseIndex));
 */
export function createCaseIndexEffects(index: Pick<CaseIndex, 'reindex'>): EffectListener {
  const done = new Set<string>();
  return async (effect) => {
    if (!MOVES_CASE_IN_INDEX[effect.type]) return;
    const cut = effect.id.lastIndexOf(':');
    const step = `${cut > 0 ? effect.id.slice(0, cut) : effect.id} ${effect.caseCode}`;
    if (done.has(step) && !INDEXED_AFTER_HANDLER.has(effect.type)) return;
    await index.reindex(effect.caseCode);
    done.add(step);
    // A Set iterates in insertion order: the oldest step goes first.
    if (done.size > REMEMBERED_STEPS) done.delete(done.values().next().value!);
  };
}
