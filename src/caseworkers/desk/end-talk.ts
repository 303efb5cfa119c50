import type { Lang } from '../../core/lang';
import type { StaffRef } from '../../core/staff';
import { audit, authorize, mayTalkFor, mayWorkOn, refused, type DeskDeps, type StaffRefusal } from './desk-deps';

/** The result of {@link endTalk}. */
export type EndTalkResult =
  | { ok: true; caseCode: string; lang: Lang }
  | StaffRefusal
  | { ok: false; reason: 'not_holder'; holder: string }
  /** A case worker of another office (ending an unclaimed talk would have claimed the case for them). */
  | { ok: false; reason: 'other_office' }
  /** No talk about the case is open in the conversation: already ended (/end sent twice, or by a colleague) or left by the person. Nothing sent. */
  | { ok: false; reason: 'not_open' };

/**
 * A case worker ends a talk with a person (`/end`): the talk closes and the person is told,
 * in their language. The person's flow then takes up where it was; asking its question again
 * is the channel's (it runs the person's conversation). `ref` makes the notice once-only.
 * A talk that is not open (ended already, or the person went back to the bot) is not ended
 * again: the person would be told twice, and their flow's question asked again in the middle of it.
 */
export async function endTalk(deps: DeskDeps, actor: StaffRef, args: { caseCode: string; conversation: string; ref: string }): Promise<EndTalkResult> {
  const a = await authorize(deps, actor, 'talk_to_person');
  if (refused(a)) return a;
  if ((await deps.relay.openCase(args.conversation)) !== args.caseCode) return { ok: false, reason: 'not_open' };
  // Before mayTalkFor, which claims an unclaimed case for whoever ends its talk: as an answer, only within the case's office.
  if (!(await mayWorkOn(deps, a, args.caseCode, 'talk_to_person'))) return { ok: false, reason: 'other_office' };
  const holder = await mayTalkFor(deps, a, args.caseCode);
  if (!holder.ok) return holder;
  await deps.relay.close(args.conversation);
  const info = await deps.cases.info(args.caseCode);
  await deps.notifier.notify({
    id: `talk_end:${args.caseCode}:${args.ref}`,
    to: { type: 'case', caseCode: args.caseCode },
    lang: info.lang,
    kind: 'notice',
    caseCode: args.caseCode,
    output: { type: 'message', text: [{ key: 'handoff:talk.ended' }] },
  });
  await audit(deps, a, 'end_talk', { caseCode: args.caseCode });
  return { ok: true, caseCode: args.caseCode, lang: a.lang };
}
