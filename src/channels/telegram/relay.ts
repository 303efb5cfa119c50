import { Composer } from 'grammy';
import type { Message } from 'grammy/types';
import type { RelayStore } from '../../caseworkers/relay-store';
import type { RosterStore } from '../../caseworkers/roster';
import type { Clock } from '../../core/clock';
import { DEFAULT_LANG, LangSchema, type Lang } from '../../core/lang';
import type { Logger } from '../../core/logger';
import type { EffectListener } from '../../intake/conversation-runner';
import { renderOutput } from '../../i18n/render';
import { readContact } from '../../storage/case-contact';
import type { FieldCipher } from '../../storage/field-cipher';
import { planTelegramMessage } from './render';
import { sendPlan } from './send';
import type { BotContext, TelegramCore } from './types';

/** What "talk to a person" works with; main.ts (or a test) builds it. */
export interface RelayOptions {
  relay: RelayStore;
  roster: Pick<RosterStore, 'member'>;
  cipher: FieldCipher;
  clock: Clock;
  /** The case workers' chat: where a person's messages go while nobody has claimed the case. */
  caseworkerChatId?: string | number;
  /** Language of the texts to case workers (the programme's). */
  staffLang?: Lang;
}

interface RelayDeps extends RelayOptions {
  core: TelegramCore;
  logger: Logger;
}

type Kind = 'text' | 'photo' | 'document';
const kindOf = (m: Message): Kind | undefined => (m.text !== undefined ? 'text' : m.photo ? 'photo' : m.document ? 'document' : undefined);

/**
 * Opens the talk when a person asks for a human (`handoff_requested` on Telegram): from then on
 * what they write goes to the case workers, until a worker ends it or the person taps a button
 * or sends a command (which means they went back to the bot).
 */
export function openTalks(deps: Pick<RelayDeps, 'relay' | 'core'>): EffectListener {
  return async (effect, context) => {
    if (effect.type !== 'handoff_requested' || context.channel !== 'telegram') return;
    await deps.relay.open(context.conversationId, effect.caseCode);
  };
}

/**
 * Both directions of "talk to a person", without either side seeing the other's Telegram
 * account: the person's texts are posted by the bot, photos and documents copied (not
 * forwarded); a worker answers by replying to such a message, and the bot sends or copies the
 * answer to the person. Every message is kept with the case, encrypted. While the talk is open
 * the person's flow waits where it was; when the worker sends `/end` as a reply, the person is
 * told and the flow asks its question again.
 */
export function relayTalks(deps: RelayDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const staff = deps.staffLang ?? DEFAULT_LANG;
  const t = (lang: Lang, key: string, params?: Record<string, unknown>) => deps.core.translator.t(lang, key, params);

  // A case worker's reply to a relayed message (in their private chat or the case workers' chat).
  composer.on('message', async (ctx, next) => {
    const replyTo = ctx.message.reply_to_message;
    if (!replyTo || !ctx.from) return next();
    const relayed = await deps.relay.relayedBy(ctx.chat.id, replyTo.message_id);
    if (!relayed) return next();
    if (!(await deps.roster.member(ctx.from.id))) {
      deps.logger.warn({ chat: deps.cipher.pseudonym(`telegram_user:${ctx.from.id}`) }, 'talk: a reply from someone not on the roster was ignored');
      return;
    }
    const person = await personChat(relayed.caseCode);
    if (!person) return void (await ctx.reply(t(staff, 'handoff:talk.staff.unreachable', { code: relayed.caseCode })));
    const lang = await langOf(relayed.caseCode);
    if (/^\/end(?:@\w+)?\s*$/.test(ctx.message.text ?? '')) {
      await deps.relay.close(relayed.conversation);
      await sendPlan(ctx.api, person, { parts: [{ text: t(lang, 'handoff:talk.ended') }], edit: false, showsContactKeyboard: false });
      // The flow takes up where it was: the person's current question, asked again.
      const resumed = await deps.core.runner.handle({ channel: 'telegram', chatId: person, input: { type: 'command', name: 'start' } });
      for (const o of resumed.outputs) await sendPlan(ctx.api, person, planTelegramMessage(renderOutput(deps.core.translator, deps.core.content, resumed.lang, o)));
      await ctx.reply(t(staff, 'handoff:talk.staff.ended', { code: relayed.caseCode }));
      return;
    }
    const kind = kindOf(ctx.message);
    if (!kind) return void (await ctx.reply(t(staff, 'handoff:talk.staff.only_text')));
    // A worker writing (re)opens the talk: the person's answer comes back the same way.
    await deps.relay.open(relayed.conversation, relayed.caseCode);
    if (kind === 'text') await ctx.api.sendMessage(person, t(lang, 'handoff:talk.from_worker', { text: ctx.message.text }));
    else await ctx.api.copyMessage(person, ctx.chat.id, ctx.message.message_id);
    await deps.relay.keep(relayed.caseCode, { at: deps.clock.now(), from: 'worker', kind, ...textAndFile(ctx.message), worker: ctx.from.id });
  });

  // What a person writes while their talk is open.
  composer.chatType('private').on(['message', 'callback_query'], async (ctx, next) => {
    const conversation = deps.core.runner.conversationId('telegram', String(ctx.chat.id));
    const caseCode = await deps.relay.openCase(conversation);
    if (!caseCode) return next();
    const msg = ctx.message;
    if (ctx.callbackQuery || msg?.text?.startsWith('/')) {
      // Back to the bot: the talk ends here, and the case workers are told.
      await deps.relay.close(conversation);
      const target = await targetOf(caseCode);
      if (target !== undefined) await ctx.api.sendMessage(target, t(staff, 'handoff:talk.staff.person_left', { code: caseCode })).catch(() => undefined);
      return next();
    }
    if (!msg) return next();
    const lang = await langOf(caseCode);
    const kind = kindOf(msg);
    if (!kind) return void (await ctx.reply(t(lang, 'handoff:talk.only_text')));
    const target = await targetOf(caseCode);
    if (target === undefined) return next(); // nobody to talk to: the flow keeps the message as a question
    const header = t(staff, 'handoff:talk.staff.from_person', { code: caseCode, language: t(staff, `common:language_name.${lang}`) });
    const sent =
      kind === 'text'
        ? await ctx.api.sendMessage(target, `${header}\n\n${msg.text}`)
        : await ctx.api.copyMessage(target, ctx.chat.id, msg.message_id, { caption: [header, msg.caption].filter(Boolean).join('\n\n') });
    await deps.relay.remember(target, sent.message_id, { caseCode, conversation });
    await deps.relay.keep(caseCode, { at: deps.clock.now(), from: 'person', kind, ...textAndFile(msg) });
  });

  /** The claimer's private chat, else the case workers' chat. */
  async function targetOf(caseCode: string): Promise<string | number | undefined> {
    const claimedBy = await deps.core.redis.hget(deps.core.keys.case(caseCode), 'claimed_by');
    return claimedBy ? Number(claimedBy) : deps.caseworkerChatId;
  }

  /** The person's Telegram chat, from the case's encrypted contact. */
  async function personChat(caseCode: string): Promise<string | undefined> {
    const contact = await readContact({ redis: deps.core.redis, keys: deps.core.keys, cipher: deps.cipher }, caseCode);
    return contact?.channel === 'telegram' ? contact.chatId : undefined;
  }

  async function langOf(caseCode: string): Promise<Lang> {
    return LangSchema.catch(DEFAULT_LANG).parse(await deps.core.redis.hget(deps.core.keys.case(caseCode), 'lang'));
  }

  return composer;
}

function textAndFile(m: Message): { text?: string; fileId?: string } {
  const text = m.text ?? m.caption;
  const fileId = m.photo?.at(-1)?.file_id ?? m.document?.file_id;
  return { ...(text ? { text } : {}), ...(fileId ? { fileId } : {}) };
}
