import { DEFAULT_LANG, type Lang } from '../../core/lang';
import type { Recipient } from '../../core/notifier';
import { languageNameIn } from '../../i18n/language-names';
import { langOf, type DeskDeps } from './desk-deps';
import { textAndFile, type TalkMessageIn } from './relay-to-person';

/**
 * Hands a person's message to the case workers, the way only the channel can (it must know
 * the message it posted, so that replying to it reaches the person): to `to`, under `header`
 * (in the staff's language). False when nobody could be reached.
 */
export type DeliverToStaff = (to: Extract<Recipient, { type: 'staff' | 'caseworkers' }>, header: string, caseCode: string) => Promise<boolean>;

/** The result of {@link relayFromPerson}. */
export type RelayFromPersonResult =
  /**
   * Passed on. `passedOn`: tell the person so, in `lang` (the first message of a while: a
   * message into a talk otherwise gets no answer until a worker writes).
   */
  | { ok: true; caseCode: string; to: Extract<Recipient, { type: 'staff' | 'caseworkers' }>; passedOn?: { lang: Lang } }
  /** No talk is open in the conversation: the message is the flow's. */
  | { ok: false; reason: 'no_talk' }
  /** Nobody to talk to (no claimer, no case workers' chat): the flow keeps it as a question. */
  | { ok: false; reason: 'no_recipient'; caseCode: string };

/**
 * What a person writes while their talk with a human is open: it goes to the worker who holds
 * the case (their private chat), else to the case workers' chat, under a header naming the case
 * and the person's language, never who they are; and it is kept with the case, encrypted. When
 * the holder's chat cannot be written to, the case workers' chat gets it instead. An
 * edit of a message sent earlier (`message.edit`) goes the same way, its header saying that it
 * is an earlier message's new text, and is kept marked as an edit.
 * No staff actor: the person is the sender.
 *
 * `ref` identifies the message on its channel (an update id): a message delivered again after a
 * process died between passing it on and answering Telegram is found kept and not passed on a
 * second time (only a death between the post and keeping it still posts it twice: a message is
 * never lost for the sake of a duplicate).
 */
export async function relayFromPerson(deps: DeskDeps, args: { conversation: string; message: TalkMessageIn; deliver: DeliverToStaff; ref?: string }): Promise<RelayFromPersonResult> {
  const caseCode = await deps.relay.openCase(args.conversation);
  if (!caseCode) return { ok: false, reason: 'no_talk' };
  const target = await talkTarget(deps, caseCode);
  if (args.ref !== undefined && (await deps.relay.kept(caseCode, args.ref))) return { ok: true, caseCode, to: target.to };
  const personLang = (await deps.cases.info(caseCode)).lang;
  // An edit of an earlier message comes as its new text, marked so: the worker may have read the old one.
  const header = (lang: Lang) => deps.translator.t(lang, args.message.edit ? 'handoff:talk.staff.from_person_edited' : 'handoff:talk.staff.from_person', { code: caseCode, language: languageNameIn(lang, personLang) });
  let to = target.to;
  if (!(await args.deliver(to, header(target.staffLang), caseCode))) {
    // The holder cannot be written to (they never opened a private chat with the bot, or blocked
    // it): the case workers' chat gets it, where the holder can answer it too, rather than losing it.
    if (to.type !== 'staff') return { ok: false, reason: 'no_recipient', caseCode };
    to = { type: 'caseworkers' };
    if (!(await args.deliver(to, header(deps.chatLang ?? DEFAULT_LANG), caseCode))) return { ok: false, reason: 'no_recipient', caseCode };
  }
  await deps.relay.keep(caseCode, { at: deps.clock.now(), from: 'person', kind: args.message.kind, ...textAndFile(args.message), ...(args.message.edit ? { edit: true } : {}) }, args.ref);
  return { ok: true, caseCode, to, ...((await deps.relay.acknowledgeOnce(args.conversation)) ? { passedOn: { lang: personLang } } : {}) };
}

/**
 * The person left their talk (they tapped a button or sent a command: back to the bot): the
 * talk ends, and whoever they were talking to is told. Returns the case, if a talk was open.
 */
export async function leaveTalk(deps: DeskDeps, args: { conversation: string }): Promise<{ caseCode?: string }> {
  const caseCode = await deps.relay.openCase(args.conversation);
  if (!caseCode) return {};
  await deps.relay.close(args.conversation);
  await tellTalkLeft(deps, { caseCode, id: `talk_left:${caseCode}:${deps.clock.now().getTime()}` });
  return { caseCode };
}

/**
 * Tells whoever the person was talking to (the holder, else the case workers' chat) that they
 * left the talk, and — once something was said in it — the person that what they write now goes
 * to the bot, with the way back (/person): a talk closed without a word would leave them writing
 * to nobody. (Someone who asked for a person and then tapped on at once was never in one.) `id` makes it
 * idempotent: the conversation's commit closes the talk and records the leaving as an effect
 * with a deterministic id, performed from the effect stream.
 */
export async function tellTalkLeft(deps: Pick<DeskDeps, 'claims' | 'roster' | 'notifier' | 'cases' | 'relay' | 'chatLang'>, args: { caseCode: string; id: string }): Promise<void> {
  const { caseCode } = args;
  const { to, staffLang } = await talkTarget(deps, caseCode);
  await deps.notifier.notify({
    id: args.id,
    to,
    lang: staffLang,
    kind: 'notice',
    caseCode,
    output: { type: 'message', text: [{ key: 'handoff:talk.staff.person_left', params: { code: caseCode } }] },
  });
  if ((await deps.relay.count(caseCode)) === 0) return;
  const lang = (await deps.cases.info(caseCode)).lang;
  await deps.notifier.notify({ id: `${args.id}:person`, to: { type: 'case', caseCode }, lang, kind: 'notice', caseCode, output: { type: 'message', text: [{ key: 'handoff:talk.left' }] } });
}

/** The talk open in a conversation, if one is: its case and the person's language. */
export async function openTalk(deps: DeskDeps, args: { conversation: string }): Promise<{ caseCode: string; lang: Lang } | undefined> {
  const caseCode = await deps.relay.openCase(args.conversation);
  return caseCode ? { caseCode, lang: (await deps.cases.info(caseCode)).lang } : undefined;
}

/** The worker holding the case (in their language), else the case workers' chat (in its own, CASEWORKER_CHAT_LANG). */
async function talkTarget(deps: Pick<DeskDeps, 'claims' | 'roster' | 'chatLang'>, caseCode: string): Promise<{ to: Extract<Recipient, { type: 'staff' | 'caseworkers' }>; staffLang: Lang }> {
  const claim = await deps.claims.get(caseCode);
  const holder = claim ? await deps.roster.byStaff(claim.by) : undefined;
  return holder ? { to: { type: 'staff', staffId: holder.staffId }, staffLang: langOf(holder) } : { to: { type: 'caseworkers' }, staffLang: deps.chatLang ?? DEFAULT_LANG };
}
