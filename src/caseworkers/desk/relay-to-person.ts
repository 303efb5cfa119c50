import { cleanText } from '../../core/clean-text';
import type { StaffRef } from '../../core/staff';
import { audit, authorize, mayWorkOn, refused, type DeskDeps, type StaffRefusal, mayTalkFor } from './desk-deps';

/** One message of a talk: its kind, and its text (or caption) and file, if any. */
export interface TalkMessageIn {
  kind: 'text' | 'photo' | 'document' | 'voice';
  text?: string;
  /** The channel's id of a photo, document or voice message (kept with the case, encrypted). */
  fileId?: string;
  /** The sender edited a message sent earlier in the talk: this is its new version. */
  edit?: boolean;
}

/** The result of {@link relayToPerson}. */
export type RelayToPersonResult =
  /**
   * `sent`: a text, on its way to the person through the notifier. `copy`: a photo, document or voice message,
   * which the channel has copied to the person itself (a notice carries no files), through the outbox
   * on Telegram, so that it keeps its place after the worker's texts before it.
   */
  | { ok: true; caseCode: string; delivery: 'sent' | 'copy' }
  | StaffRefusal
  | { ok: false; reason: 'not_found' } | { ok: false; reason: 'other_office' }
  /** Another case worker holds the case: only they (or a supervisor) answer the person. */
  | { ok: false; reason: 'not_holder'; holder: string }
  /**
   * Not sent, nothing kept: the person erased their data (/delete), or withdrew (/withdraw,
   * spec §3.8: they told us in writing they want the service to stop) and has not asked for a
   * case worker since; the worker is to be told so, not left thinking it reached them.
   */
  | { ok: false; reason: 'erased' } | { ok: false; reason: 'withdrawn' }
  /** The channel found no chat of the person's to deliver to (`reachable: false`). */
  | { ok: false; reason: 'unreachable' };

/**
 * A case worker's answer in a talk with a person: it (re)opens the talk (so the person's answer
 * comes back the same way), goes to the person without naming the worker, and is kept with
 * the case, encrypted, with the worker's staff id. `ref` identifies the worker's message on
 * their channel (an update id, a form's): relaying it again sends, keeps and audits nothing twice. Never to a person who
 * erased their data or withdrew (and has not asked for a person since): the talk is not
 * reopened, nothing is sent or kept, and the result says why. An edit of the worker's earlier
 * answer (`message.edit`) goes as a correction of it, and is kept marked so. `reachable: false` (the channel
 * found no chat of theirs) refuses it as `unreachable` after those checks.
 */
export async function relayToPerson(deps: DeskDeps, actor: StaffRef, args: { caseCode: string; conversation: string; message: TalkMessageIn; ref: string; reachable?: boolean }): Promise<RelayToPersonResult> {
  const a = await authorize(deps, actor, 'talk_to_person');
  if (refused(a)) return a;
  const { caseCode, message } = args;
  const info = await deps.cases.info(caseCode);
  if (!info.exists) return { ok: false, reason: 'not_found' };
  if (!(await mayWorkOn(deps, a, caseCode, 'talk_to_person'))) return { ok: false, reason: 'other_office' };
  if (info.silence) return { ok: false, reason: info.silence };
  if (args.reachable === false) return { ok: false, reason: 'unreachable' };
  const holder = await mayTalkFor(deps, a, caseCode);
  if (!holder.ok) return holder;
  await deps.relay.open(args.conversation, caseCode);
  if (message.kind === 'text') {
    await deps.notifier.notify({
      id: `relay:${caseCode}:${args.ref}`,
      to: { type: 'case', caseCode },
      lang: info.lang,
      kind: 'relay',
      caseCode,
      // A worker's edit of an answer (a time put right) reaches the person as a correction of an earlier message.
      output: { type: 'message', text: [{ key: message.edit ? 'handoff:talk.from_worker_edited' : 'handoff:talk.from_worker', params: { text: message.text ?? '' } }] },
    });
  }
  // Relayed again (the same update, the same form): sent once by the outbox's id, kept and audited once by the ref.
  await deps.relay.keep(caseCode, { at: deps.clock.now(), from: 'worker', kind: message.kind, ...textAndFile(message), worker: actor.staffId, ...(message.edit ? { edit: true } : {}) }, args.ref);
  await audit(deps, a, 'relay_to_person', { caseCode }, { once: `relay:${caseCode}:${args.ref}` });
  return { ok: true, caseCode, delivery: message.kind === 'text' ? 'sent' : 'copy' };
}

export function textAndFile(m: TalkMessageIn): { text?: string; fileId?: string } {
  // Kept (and relayed) without control or bidi-override characters.
  const text = m.text ? cleanText(m.text) : undefined;
  return { ...(text ? { text } : {}), ...(m.fileId ? { fileId: m.fileId } : {}) };
}
