import { cleanText } from '../../core/clean-text';
import type { StaffRef } from '../../core/staff';
import { NOTE_MAX } from '../case-notes';
import { audit, authorize, mayWorkOn, refused, staffLogRef, type DeskDeps, type StaffRefusal } from './desk-deps';

/** The result of {@link addNote}. */
export type AddNoteResult =
  | { ok: true; caseCode: string }
  | StaffRefusal
  | { ok: false; reason: 'not_found' } | { ok: false; reason: 'other_office' }
  | { ok: false; reason: 'empty' } | { ok: false; reason: 'no_notes' };

/**
 * A note on a case by a member of staff (a call that went unanswered, what was agreed): kept
 * with the case, encrypted, with the writer's staff id and the time. Case workers write on the
 * cases of their office; the note's text is never logged, and the audit entry says only that
 * a note was added (`add_note`).
 * @example await addNote(deps, { staffId }, { caseCode: 'KP-7G4Q-M2XD', text: 'Called, no answer' });
 */
export async function addNote(deps: DeskDeps, actor: StaffRef, args: { caseCode: string; text: string }): Promise<AddNoteResult> {
  const a = await authorize(deps, actor, 'claim_case');
  if (refused(a)) return a;
  if (!deps.notes) return { ok: false, reason: 'no_notes' };
  const text = cleanText(args.text).trim().slice(0, NOTE_MAX);
  if (!text) return { ok: false, reason: 'empty' };
  if (!(await deps.cases.info(args.caseCode)).exists) return { ok: false, reason: 'not_found' };
  if (!(await mayWorkOn(deps, a, args.caseCode, 'claim_case'))) return { ok: false, reason: 'other_office' };
  await deps.notes.add(args.caseCode, { at: deps.clock.now(), by: actor.staffId, text });
  deps.logger.info({ case: args.caseCode, by: staffLogRef(deps, actor.staffId) }, 'desk: note added');
  await audit(deps, a, 'add_note', { caseCode: args.caseCode });
  return { ok: true, caseCode: args.caseCode };
}
