import { GrammyError, type Composer } from 'grammy';
import type { Message } from 'grammy/types';
import { endTalk, openTalk, relayFromPerson, relayToPerson, type DeskDeps, type StaffLookup, type TalkMessageIn, type TalkThreads } from '../../caseworkers/desk';
import { cleanText } from '../../core/clean-text';
import { DEFAULT_LANG, type Lang } from '../../core/lang';
import type { Logger } from '../../core/logger';
import type { FieldCipher } from '../../storage/field-cipher';
import { KorpuComposer } from './composer';
import { splitText, TELEGRAM_CAPTION_MAX } from './split-text';
import type { BotContext, CopyToPerson, TelegramCore } from './types';

/** What "talk to a person" works with; createTelegramBot builds it. */
export interface RelayOptions {
  /** The desk: relays, keeps and ends talks. */
  desk: DeskDeps;
  /** Which message in a case worker's chat stands for which talk (Telegram's reply threading), and opening talks. */
  relay: TalkThreads;
  /** Members of staff by Telegram account (who replied) and by staff id (whose chat a person's message goes to); who was taken off it. */
  roster: Pick<StaffLookup, 'byTelegram' | 'byStaff' | 'wasStaff'>;
  /** Pseudonymises ids in logs. */
  cipher: FieldCipher;
  /** The person behind a case, on Telegram. */
  chatOf: (caseCode: string) => Promise<string | undefined>;
  /** Whether the person behind a case blocked the bot: a worker's answer is refused, saying so. */
  blocked?: (caseCode: string) => Promise<boolean>;
  /** The case workers' chat: where a person's messages go while nobody has claimed the case. */
  caseworkerChatId?: string | number;
  /** The case workers' chat's language (CASEWORKER_CHAT_LANG): what the bot posts there is in it. */
  caseworkerChatLang?: Lang;
  /**
   * Queues the copy of a worker's photo, document or voice message to the person in the outbox,
   * in the person's chat's line with the worker's texts (which go as notices), so that "here is
   * the map" and the map arrive in the order the worker sent them. `id` makes queuing it again
   * (a redelivered update) send nothing twice. Without it the file is copied at once.
   */
  copyToPerson?: CopyToPerson;
  /** Posts in the case workers' chat through the outbox, in turn with the alerts (the bot options' `postInCaseworkerChat`); without it, directly. */
  postInCaseworkerChat?: (chatId: number, replyTo: number, text: string) => Promise<void>;
}

interface RelayDeps extends RelayOptions {
  core: TelegramCore;
  logger: Logger;
}

type Kind = 'text' | 'photo' | 'document' | 'voice';
const kindOf = (m: Message): Kind | undefined => (m.text !== undefined ? 'text' : m.photo ? 'photo' : m.document ? 'document' : m.voice ? 'voice' : undefined);


/**
 * Both directions of "talk to a person", without either side seeing the other's Telegram
 * account. The desk decides and records (relayToPerson, relayFromPerson, leaveTalk, endTalk:
 * who may write, where a person's message goes, keeping every message with the case,
 * telling the person); this composer does what only Telegram can: it posts a person's message
 * (texts as the bot's own; photos, documents and voice messages copied, not forwarded) and
 * remembers which posted message stands for which talk, so that a worker answers by replying
 * to it; it has a worker's photo, document or voice message copied to the person (through the
 * outbox, in turn with their texts); and after `/end`
 * (sent as a reply) it asks the person's flow its question again.
 */
export function relayTalks(deps: RelayDeps): Composer<BotContext> {
  const composer = new KorpuComposer<BotContext>();
  const t = (lang: Lang, key: string, params?: Record<string, unknown>) => deps.core.translator.t(lang, key, params);

  // A case worker's reply to a relayed message (in their private chat or the case workers' chat),
  // or their edit of such a reply (a time put right): it reaches the person as a correction.
  composer.on(['message', 'edited_message'], (ctx, next) => {
    const message = ctx.message ?? ctx.editedMessage;
    const edit = !ctx.message;
    const replyTo = message?.reply_to_message;
    // Not a reply (a person's message nearly always): passed on at once, without a promise of this layer's own.
    if (!message || !replyTo || !ctx.from) return next();
    return (async () => {
      const relayed = await deps.relay.relayedBy(ctx.chat.id, replyTo.message_id);
      if (!relayed) return next();
      const member = await deps.roster.byTelegram(ctx.from.id);
      // Answered where they wrote: in the case workers' chat in its language, in a private chat in theirs.
      const inCaseworkerChat = deps.caseworkerChatId !== undefined && String(ctx.chat.id) === String(deps.caseworkerChatId);
      if (!member) {
        deps.logger.warn({ chat: deps.cipher.pseudonym(`telegram_user:${ctx.from.id}`) }, 'talk: a reply from someone not on the roster was ignored');
        // Someone taken off the roster still in the group would otherwise believe the person had
        // their answer: told there, under their reply, that it reached nobody and why. (The outbox
        // posts it once per reply: an edit of it is not told again.)
        if (inCaseworkerChat && (await deps.roster.wasStaff(ctx.from.id))) await tellFormerStaff(ctx, message.message_id, edit);
        return;
      }
      const staff = (inCaseworkerChat ? deps.caseworkerChatLang : undefined) ?? member.worker?.langs[0] ?? DEFAULT_LANG;
      const actor = { staffId: member.staffId };
      const ref = `tg:${ctx.update.update_id}`;
      // The person erased their data: the message's mark keeps only the case code.
      if ('erased' in relayed) return void (await ctx.reply(t(staff, 'handoff:talk.staff.erased', { code: relayed.caseCode })));
      const person = await personChat(relayed.caseCode);
      if (/^\/end(?:@\w+)?\s*$/.test(message.text ?? '')) {
        // A reply edited into /end: the talk is ended by a new /end, not by rewriting an old answer.
        if (edit) return;
        if (!person) return void (await ctx.reply(t(staff, 'handoff:talk.staff.unreachable', { code: relayed.caseCode })));
        const r = await endTalk(deps.desk, actor, { caseCode: relayed.caseCode, conversation: relayed.conversation, ref });
        if (!r.ok && r.reason === 'not_holder') return void (await ctx.reply(await notHolder(relayed.caseCode, r.holder, staff)));
        if (!r.ok && r.reason === 'other_office') return void (await ctx.reply(t(staff, 'caseworker:refused.other_office', { code: relayed.caseCode })));
        // Ended already (twice, or by a colleague) or left by the person: nothing to end; the person is not told again.
        if (!r.ok && r.reason === 'not_open') return void (await ctx.reply(t(staff, 'handoff:talk.staff.ended', { code: relayed.caseCode })));
        if (!r.ok) return void (await ctx.reply(t(staff, 'caseworker:refused.button', { role: t(staff, `caseworker:role.${member.role}`) })));
        // The flow takes up where it was: the person's current question, asked again, through the
        // outbox after the desk's "the talk ended" (a chat's messages go out in the order queued).
        const resumed = await deps.core.runner.handle({ channel: 'telegram', chatId: person, input: { type: 'command', name: 'start' } });
        for (const [i, output] of resumed.outputs.entries()) {
          await deps.desk.notifier.notify({ id: `talk_resumed:${relayed.caseCode}:${ref}:${i}`, to: { type: 'case', caseCode: relayed.caseCode }, lang: resumed.lang, output: { ...output, edit: false }, kind: 'notice', caseCode: relayed.caseCode });
        }
        await ctx.reply(t(staff, 'handoff:talk.staff.ended', { code: relayed.caseCode }));
        return;
      }
      const kind = kindOf(message);
      if (!kind) return void (await ctx.reply(t(staff, 'handoff:talk.staff.only_text')));
      // A person who blocked the bot gets nothing: the worker is told so, not left waiting for an answer.
      const blocked = person !== undefined && (await deps.blocked?.(relayed.caseCode)) === true;
      const r = await relayToPerson(deps.desk, actor, { caseCode: relayed.caseCode, conversation: relayed.conversation, message: { kind, ...textAndFile(message), ...(edit ? { edit } : {}) }, ref, reachable: person !== undefined && !blocked });
      if (!r.ok) {
        if (r.reason === 'unreachable' && blocked) return void (await ctx.reply(t(staff, 'handoff:talk.staff.blocked', { code: relayed.caseCode })));
        if (r.reason === 'not_found' || r.reason === 'unreachable') return void (await ctx.reply(t(staff, 'handoff:talk.staff.unreachable', { code: relayed.caseCode })));
        if (r.reason === 'erased' || r.reason === 'withdrawn') return void (await ctx.reply(t(staff, `handoff:talk.staff.${r.reason}`, { code: relayed.caseCode })));
        if (r.reason === 'other_office') return void (await ctx.reply(t(staff, 'caseworker:refused.other_office', { code: relayed.caseCode })));
        if (r.reason === 'not_holder') return void (await ctx.reply(await notHolder(relayed.caseCode, r.holder, staff)));
        return void (await ctx.reply(t(staff, 'caseworker:refused.button', { role: t(staff, `caseworker:role.${member.role}`) })));
      }
      if (r.delivery === 'copy' && person && deps.copyToPerson) {
        // Through the outbox, after the texts the worker sent before it (a blocked person: dropped there, as a text is).
        await deps.copyToPerson({ id: `relay:${relayed.caseCode}:${ref}`, caseCode: relayed.caseCode, chatId: person, fromChatId: ctx.chat.id, messageId: message.message_id });
      } else if (r.delivery === 'copy' && person) {
        try {
          await ctx.api.copyMessage(person, ctx.chat.id, message.message_id);
        } catch (err) {
          // Blocked since the last check (Telegram answers 403): said to the worker, as above.
          if (!(err instanceof GrammyError && err.error_code === 403)) throw err;
          await ctx.reply(t(staff, 'handoff:talk.staff.blocked', { code: relayed.caseCode }));
        }
      }
    })();
  });

  /** "You are no longer on the roster: this reached nobody", in the case workers' chat, in its language. */
  async function tellFormerStaff(ctx: BotContext, replyTo: number, edit: boolean): Promise<void> {
    const text = t(deps.caseworkerChatLang ?? DEFAULT_LANG, 'caseworker:group.former_staff');
    if (deps.postInCaseworkerChat) return deps.postInCaseworkerChat(ctx.chat!.id, replyTo, text);
    // Without the outbox nothing tells an edit from its first post: the reply itself is answered.
    if (!edit) await ctx.reply(text, { reply_parameters: { message_id: replyTo, allow_sending_without_reply: true } });
  }

  /** "Another worker holds this case", naming them as the roster does. */
  async function notHolder(code: string, holder: string, lang: Lang): Promise<string> {
    const name = (await deps.roster.byStaff(holder))?.worker?.name ?? `id ${holder}`;
    return t(lang, 'caseworker:refused.not_holder', { code, holder: name });
  }

  const personChat = deps.chatOf;

  return composer;
}

/**
 * What a person writes while their talk is open, once the conversation's commit said so (the
 * runner's `talk`): a text, photo, document or voice message (for people who cannot write)
 * goes to the worker holding the case (else the case workers' chat) under a header naming the
 * case, never the person, who is told it was passed on (the first of a burst); anything else
 * gets "only texts, photos, voice messages and documents". An edit of an earlier message goes
 * as its new text (or the file again, with its new caption), the header saying it is an edit.
 * False when nobody could be reached (the flow keeps it).
 */
export function talkRelay(deps: Pick<RelayDeps, 'core' | 'desk' | 'relay' | 'roster' | 'caseworkerChatId'>) {
  return async (ctx: BotContext & { chat: { id: number } }): Promise<boolean> => {
    const conversation = deps.core.runner.conversationId('telegram', String(ctx.chat.id));
    // An edited message is relayed as its new version, marked as an edit for the worker.
    const edit = !ctx.message && ctx.editedMessage !== undefined;
    const msg = ctx.message ?? ctx.editedMessage;
    if (!msg) return false;
    const kind = kindOf(msg);
    // A live location moving edits its message every few seconds: nothing to pass on, nothing to say.
    if (!kind && edit) return (await openTalk(deps.desk, { conversation })) !== undefined;
    if (!kind) {
      const talk = await openTalk(deps.desk, { conversation });
      if (!talk) return false;
      await ctx.reply(deps.core.translator.t(talk.lang, 'handoff:talk.only_text'));
      return true;
    }
    /** Posts the person's message to `target` under `header`, remembering each posted message for replies. */
    const post = async (target: number | string, header: string, caseCode: string): Promise<boolean> => {
      const sendText = async (text: string) => {
        // A long message (with the header, over Telegram's 4,096 characters) goes in parts, never
        // refused; a reply to any part reaches the person.
        for (const part of splitText(`${header}\n\n${cleanText(text)}`)) {
          const sent = await ctx.api.sendMessage(target, part);
          await deps.relay.remember(target, sent.message_id, { caseCode, conversation });
        }
      };
      if (kind === 'text') {
        await sendText(msg.text ?? '');
        return true;
      }
      // A person's caption may be as long as Telegram allows (1,024), the copy's too: one that
      // does not fit beside the header follows the file as text (Telegram would refuse the copy).
      const caption = [header, msg.caption].filter(Boolean).join('\n\n');
      const fits = caption.length <= TELEGRAM_CAPTION_MAX;
      const copy = await ctx.api.copyMessage(target, ctx.chat.id, msg.message_id, { caption: fits ? caption : header });
      await deps.relay.remember(target, copy.message_id, { caseCode, conversation });
      if (!fits) await sendText(msg.caption ?? '');
      return true;
    };
    const r = await relayFromPerson(deps.desk, {
      conversation,
      ref: `tg:${ctx.update.update_id}`,
      message: { kind, ...textAndFile(msg), ...(edit ? { edit } : {}) },
      deliver: async (to, header, caseCode) => {
        const target = to.type === 'staff' ? (await deps.roster.byStaff(to.staffId))?.telegramId : deps.caseworkerChatId;
        if (target === undefined) return false;
        try {
          return await post(target, header, caseCode);
        } catch (err) {
          // A worker who never opened a private chat with the bot (or blocked it): the desk passes it to the case workers' chat.
          if (to.type === 'staff' && err instanceof GrammyError && err.error_code === 403) return false;
          throw err;
        }
      },
    });
    if (r.ok && r.passedOn) await ctx.reply(deps.core.translator.t(r.passedOn.lang, 'handoff:talk.passed_on'));
    return r.ok;
  };
}

function textAndFile(m: Message): Omit<TalkMessageIn, 'kind'> {
  const text = m.text ?? m.caption;
  const fileId = m.photo?.at(-1)?.file_id ?? m.document?.file_id ?? m.voice?.file_id;
  return { ...(text ? { text } : {}), ...(fileId ? { fileId } : {}) };
}
