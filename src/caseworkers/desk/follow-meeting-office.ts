import { PERSON } from '../../core/audit';
import { DEFAULT_LANG, type Lang } from '../../core/lang';
import { inOffice } from '../guard';
import { langOf, officeOfCase, staffLogRef, type Actor, type DeskDeps } from './desk-deps';
import { endCallOf, giveBackCases } from './give-back-cases';

/** The result of {@link followMeetingOffice}. */
export type FollowMeetingOfficeResult =
  /** The holder may not work on the meeting's office: the case went back to the case workers (`from`: its holder; `office`: where it is now). */
  | { released: true; caseCode: string; from: string; office: string }
  /** Nothing to do: nobody holds it, its holder may work on its office (a supervisor or admin, or of that office), or the holder left the roster (their cases went back then). */
  | { released: false; caseCode: string };

/**
 * After a case's meeting was booked or moved (a person rebooking in the bot, or staff booking on
 * their behalf): a case worker works on the cases of their own office only (guard.ts inOffice),
 * so a case whose meeting is now at another office than its holder's would be held by someone
 * refused Open, attendance, /end and replies for it, while the person's messages in a talk
 * still went to them alone. Such a case goes back to the case workers ({@link giveBackCases},
 * as when its holder moved office: its alerts redrawn with Claim, posted again under
 * `release.by_meeting_moved`, naming the new office, its escalation armed again in that office),
 * and the old holder is told privately, in their language, that it moved to that office. Their
 * phone call about the case, if one is open, is closed as /endcall closes it (what was recorded
 * stays with the case; the call's next answers would be refused them), and they are told so in
 * the same message. A holder who is a supervisor or admin, or works at the new office, keeps it.
 *
 * `by` is who moved the meeting: {@link PERSON} (their step in the bot; the audit trail names
 * them) or the member of staff who booked on their behalf. Idempotent: run again (the effect
 * stream delivers at least once) it finds the case free and does nothing.
 * @example await followMeetingOffice(desk, PERSON, { caseCode: 'KP-7G4Q-M2XD' });
 */
export async function followMeetingOffice(deps: DeskDeps, by: Actor | typeof PERSON, args: { caseCode: string }): Promise<FollowMeetingOfficeResult> {
  const { caseCode } = args;
  const claim = await deps.claims.get(caseCode);
  if (!claim) return { released: false, caseCode };
  const office = await officeOfCase(deps, caseCode);
  const holder = await deps.roster.byStaff(claim.by);
  if (!holder || office === undefined || inOffice(holder, office)) return { released: false, caseCode };
  const officeName = (lang: Lang) => {
    const o = deps.offices.find((of) => of.id === office);
    return o ? (o.name[lang] ?? o.name.en ?? o.id) : office;
  };
  // The call first, as a roster change closes it: a redelivered effect finds the case free and stops.
  const call = await endCallOf(deps, by, holder.staffId, (c) => c === caseCode);
  const released = await giveBackCases(deps, by, holder.staffId, [caseCode], 'meeting_moved', { office: officeName(deps.chatLang ?? DEFAULT_LANG) });
  if (released.length === 0) return { released: false, caseCode };
  deps.logger.info({ case: caseCode, worker: staffLogRef(deps, holder.staffId), office, callClosed: call !== undefined }, 'desk: a case’s meeting moved to an office its holder does not work at: it went back to the group');
  const lang = langOf(holder);
  await deps.notifier.notify({
    id: `meeting_moved:${caseCode}:${holder.staffId}:${deps.clock.now().getTime()}`,
    to: { type: 'staff', staffId: holder.staffId },
    lang,
    kind: 'notice',
    output: { type: 'message', text: [{ key: 'caseworker:moved.meeting_office', params: { code: caseCode, office: officeName(lang) } }, ...(call ? [{ key: 'caseworker:left.call_case', params: { n: call.n, code: caseCode } }] : [])] },
  });
  return { released: true, caseCode, from: holder.staffId, office };
}
