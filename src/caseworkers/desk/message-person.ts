import type { StaffRef } from '../../core/staff';
import { authorize, refused, type DeskDeps } from './desk-deps';
import { relayToPerson, type RelayToPersonResult } from './relay-to-person';

/** The result of {@link messagePerson}. */
export type MessagePersonResult =
  | RelayToPersonResult
  | { ok: false; reason: 'empty' }
  /**
   * The person was interviewed on the phone and has no chat with the bot: nothing is sent (it
   * would reach nobody); the worker phones them instead (`hasNumber`: their number was taken).
   */
  | { ok: false; reason: 'phone_only'; hasNumber: boolean }
  /** The person walked into the office and has no chat with the bot either (a call with them made none): the same, phone them. */
  | { ok: false; reason: 'walk_in'; hasNumber: boolean };

/** Longest message written to a person from the workspace (Telegram's limit is 4096). */
export const MESSAGE_MAX = 3500;

/**
 * A message to the person from the workspace: the same as a case worker's reply in Telegram
 * (relayToPerson: through the outbox, in the person's language, kept encrypted in the case's
 * talk, the talk opened so their answer comes back), found by the case's contact rather than by
 * the message replied to. `ref` (a token of the form) makes a resubmitted form send nothing twice.
 * A person interviewed on the phone, or who walked in, has no chat: refused (`phone_only`,
 * `walk_in`), nothing recorded as sent.
 * @example await messagePerson(deps, { staffId }, { caseCode, text: 'See you on Monday', ref });
 */
export async function messagePerson(deps: DeskDeps, actor: StaffRef, args: { caseCode: string; text: string; ref: string }): Promise<MessagePersonResult> {
  const a = await authorize(deps, actor, 'talk_to_person');
  if (refused(a)) return a;
  const text = args.text.trim().slice(0, MESSAGE_MAX);
  if (!text) return { ok: false, reason: 'empty' };
  // A phone intake's contact names the call, not a chat: no channel delivers there.
  const { phoneOnly, walkIn } = await deps.cases.info(args.caseCode);
  if (phoneOnly) return { ok: false, reason: 'phone_only', hasNumber: phoneOnly.hasNumber };
  if (walkIn) return { ok: false, reason: 'walk_in', hasNumber: walkIn.hasNumber };
  const conversation = await deps.conversationOf?.(args.caseCode);
  // An erased case has no chat left: say why rather than "no chat on record".
  if (!conversation) return relayToPerson(deps, actor, { caseCode: args.caseCode, conversation: '', message: { kind: 'text', text }, ref: `web:${args.ref}`, reachable: false });
  return relayToPerson(deps, actor, { caseCode: args.caseCode, conversation, message: { kind: 'text', text }, ref: `web:${args.ref}` });
}
