import { Composer } from 'grammy';
import type { Update } from 'grammy/types';
import { can, logRefusal } from '../../caseworkers/guard';
import { PhoneCallStore, type OpenCall } from '../../caseworkers/phone-calls';
import type { CaseWorker, RosterStore } from '../../caseworkers/roster';
import type { Office } from '../../config/offices';
import type { Input, Output, TextRef } from '../../core/conversation';
import { DEFAULT_LANG, suggestLang, type Lang } from '../../core/lang';
import type { Logger } from '../../core/logger';
import { PHONE_CHANNEL, phoneChatId } from '../../core/phone-call';
import type { ConversationState } from '../../flows/engine/state';
import { renderOutput } from '../../i18n/render';
import { meetingDetails } from '../../intake/booking-desk';
import type { FieldCipher } from '../../storage/field-cipher';
import { planTelegramMessage } from './render';
import { sendPlan } from './send';
import { splitText } from './split-text';
import { normalizePhone, toInput, type Converted, type ToInputOptions } from './to-input';
import type { BotContext, TelegramCore } from './types';

/** The case workers' commands of phone interviews: start one, end the open one. */
export const CALL_COMMANDS = ['call', 'endcall'] as const;
type CallCommand = (typeof CALL_COMMANDS)[number];

/** What the phone-call composer works with; createTelegramBot builds it when the bot has case workers. */
export interface PhoneCallOptions {
  core: Pick<TelegramCore, 'runner' | 'translator' | 'content' | 'redis' | 'keys'>;
  /** Which call each worker has open (default: a PhoneCallStore on the core's Redis). */
  calls?: Pick<PhoneCallStore, 'start' | 'open' | 'touch' | 'close'>;
  roster: Pick<RosterStore, 'member'>;
  /** For the meeting's place and time in the message that ends a call. */
  offices: readonly Office[];
  /** Pseudonymises Telegram user ids in the logs of refusals. */
  cipher: Pick<FieldCipher, 'pseudonym'>;
  logger: Logger;
  toInput: ToInputOptions;
}

type PhoneCallDeps = PhoneCallOptions & Required<Pick<PhoneCallOptions, 'calls'>>;

/** A roster member allowed to run phone interviews, and the language the bot speaks to them in. */
interface Caller {
  worker: CaseWorker;
  lang: Lang;
}

const COMMAND = /^\/([A-Za-z0-9_]{1,64})(?:@[A-Za-z0-9_]+)?(?=\s|$)/;

/**
 * Phone-assisted interviews, in a case worker's private chat with the bot. Register it after the
 * staff commands and before the person's conversation (`privateConversation`).
 *
 * - `/call` from a roster member opens a new call: a conversation of its own on the `phone`
 *   channel (chat `<worker id>:<call number>`), starting in the call flow (flows/call.yaml),
 *   separate from any conversation the worker has with the bot as a person. Someone not on the
 *   roster is refused exactly like any unknown command (logged, then passed on to the
 *   conversation, which answers as it answers `/weather`);
 * - while a call is open (a Redis flag, see PhoneCallStore), everything the worker sends or
 *   taps in this chat goes to the call, with the worker named as the counsellor of the
 *   records (`by: phone`). Staff commands and staff buttons are handled before this composer
 *   and keep working;
 * - the call ends when its flow ends or with `/endcall`; the worker is told the case code
 *   and, when a meeting was booked, that a call-back reminder will come before it;
 * - the person is not in this chat: the "share my phone number" button is never shown, and
 *   a contact card the worker sends gives the person's number (the worker's own card is not
 *   taken as it).
 *
 * Messages of the call are in the call's language (the worker picks it first); the bot's own
 * messages about the call are in the worker's first language on the roster.
 */
export function phoneCalls(opts: PhoneCallOptions): Composer<BotContext> {
  const deps: PhoneCallDeps = { ...opts, calls: opts.calls ?? new PhoneCallStore(opts.core.redis, opts.core.keys.prefix) };
  const composer = new Composer<BotContext>();
  composer.chatType('private').on(['message', 'edited_message', 'callback_query'], async (ctx, next) => {
    const from = ctx.from;
    if (!from) return next();
    const command = callCommand(ctx.message?.text);
    if (command === 'call') return startCall(deps, ctx, next);
    // The one Redis read every private message pays for this feature.
    const open = await deps.calls.open(from.id);
    if (command === 'endcall') return endCall(deps, ctx, next, open);
    if (!open) return next();
    const caller = await callerAllowed(deps, from.id, from.language_code);
    if (!caller) {
      // Taken off the roster during the call: the call ends, the chat is theirs again.
      await deps.calls.close(from.id, open.n);
      return next();
    }
    ctx.korpu.lang = caller.lang;
    const answering = ctx.callbackQuery ? ctx.answerCallbackQuery().catch(() => undefined) : undefined;
    try {
      const converted = callInput(ctx.update, deps.toInput, from.id);
      if (converted.kind === 'ignore') return;
      await runCall(deps, ctx, caller, open, converted.input, converted.notices);
    } finally {
      await answering;
    }
  });
  return composer;
}

function callCommand(text: string | undefined): CallCommand | undefined {
  const name = text === undefined ? undefined : COMMAND.exec(text)?.[1]?.toLowerCase();
  return (CALL_COMMANDS as readonly string[]).includes(name ?? '') ? (name as CallCommand) : undefined;
}

/** The worker, if they are on the roster with a name and may run phone interviews. */
async function callerAllowed(deps: PhoneCallDeps, telegramId: number, languageCode: string | undefined): Promise<Caller | undefined> {
  const member = await deps.roster.member(telegramId);
  if (!member?.worker || !can(member, 'phone_intake')) return undefined;
  return { worker: member.worker, lang: member.worker.langs[0] ?? suggestLang(languageCode) ?? DEFAULT_LANG };
}

/**
 * Checks who sends a call command. Someone not on the roster gets `undefined` (their update
 * goes on, to be answered as an unknown command); a member who cannot run calls is answered
 * here (`'answered'`).
 */
async function checkCaller(deps: PhoneCallDeps, ctx: BotContext, command: CallCommand): Promise<Caller | 'answered' | undefined> {
  const from = ctx.from!;
  const member = await deps.roster.member(from.id);
  if (!member) {
    logRefusal(deps.logger, deps.cipher, { telegramId: from.id, command, action: 'phone_intake' });
    return undefined;
  }
  const lang = member.worker?.langs[0] ?? suggestLang(from.language_code) ?? DEFAULT_LANG;
  ctx.korpu.lang = lang;
  const t = (key: string, params?: Record<string, unknown>) => deps.core.translator.t(lang, key, params);
  if (!can(member, 'phone_intake')) {
    logRefusal(deps.logger, deps.cipher, { telegramId: from.id, command, action: 'phone_intake', role: member.role });
    await reply(ctx, t('caseworker:refused.not_allowed', { role: t(`caseworker:role.${member.role}`), command }));
    return 'answered';
  }
  // The forms name the counsellor: a bootstrap admin without a roster entry has no name yet.
  if (!member.worker) {
    await reply(ctx, t('call:worker.no_entry'));
    return 'answered';
  }
  return { worker: member.worker, lang };
}

async function startCall(deps: PhoneCallDeps, ctx: BotContext, next: () => Promise<void>): Promise<void> {
  const caller = await checkCaller(deps, ctx, 'call');
  if (caller === undefined) return next();
  if (caller === 'answered') return;
  // A call still open is left behind as it is: its answers so far stay with its case.
  const n = await deps.calls.start(ctx.from!.id);
  await reply(ctx, deps.core.translator.t(caller.lang, 'call:worker.started', { n }));
  await runCall(deps, ctx, caller, { n }, { type: 'command', name: 'start' }, []);
}

async function endCall(deps: PhoneCallDeps, ctx: BotContext, next: () => Promise<void>, open: OpenCall | undefined): Promise<void> {
  const caller = await checkCaller(deps, ctx, 'endcall');
  if (caller === undefined) {
    if (open) await deps.calls.close(ctx.from!.id, open.n);
    return next();
  }
  if (caller === 'answered') return;
  const t = (key: string, params?: Record<string, unknown>) => deps.core.translator.t(caller.lang, key, params);
  if (!open) return reply(ctx, t('call:worker.not_open'));
  await deps.calls.close(ctx.from!.id, open.n);
  await reply(ctx, open.caseCode ? t('call:worker.ended_case', { n: open.n, code: open.caseCode }) : t('call:worker.ended', { n: open.n }));
}

/**
 * What an update means in a call. A contact card is the person's number, sent from the
 * worker's phone book; the worker's own card is not (an empty answer: asked again).
 */
function callInput(update: Update, opts: ToInputOptions, workerId: number): Converted {
  const contact = update.message?.contact;
  if (contact) {
    const text = contact.user_id === workerId ? '' : normalizePhone(contact.phone_number);
    return { kind: 'input', input: { type: 'text', text }, notices: [] };
  }
  return toInput(update, opts);
}

/** Runs one input through the call's conversation and sends the answer; ends the call with its flow. */
async function runCall(deps: PhoneCallDeps, ctx: BotContext, caller: Caller, call: OpenCall, input: Input, notices: TextRef[]): Promise<void> {
  const workerId = ctx.from!.id;
  const handled = await deps.core.runner.handle({
    channel: PHONE_CHANNEL,
    chatId: phoneChatId(workerId, call.n),
    updateId: `tg:${ctx.update.update_id}`,
    input,
    langHint: caller.lang,
    recorder: { by: 'phone', counsellor: caller.worker.name },
  });
  if (handled.duplicate) return;
  const outputs = handled.outputs.map(withoutContactButton);
  if (notices.length > 0) outputs.unshift({ type: 'message', text: notices });
  const editable = ctx.callbackQuery?.message?.message_id;
  for (const [i, output] of outputs.entries()) {
    const plan = planTelegramMessage(renderOutput(deps.core.translator, deps.core.content, handled.lang, output));
    if ((await sendPlan(ctx.api, ctx.chat!.id, plan, i === 0 ? editable : undefined)) === 'blocked') return;
  }
  const state = handled.state;
  if (state.frames.length > 0) {
    await deps.calls.touch(workerId, call.n, state.caseCode);
    return;
  }
  // The interview's flow has ended, and with it the call.
  if (await deps.calls.close(workerId, call.n)) await reply(ctx, endedText(deps, caller.lang, call.n, state));
}

/** The person is not in this chat: never offer "share my phone number" (it would share the worker's). */
function withoutContactButton(output: Output): Output {
  const { requestContact: _contact, ...rest } = output;
  return rest;
}

function endedText(deps: PhoneCallDeps, lang: Lang, n: number, state: ConversationState): string {
  const t = (key: string, params?: Record<string, unknown>) => deps.core.translator.t(lang, key, params);
  const code = state.caseCode;
  if (!code) return t('call:worker.ended', { n });
  const office = state.booking && state.done ? deps.offices.find((o) => o.id === state.booking!.office) : undefined;
  if (!office || !state.booking) return t('call:worker.ended_case', { n, code });
  const { date, time, office: place } = meetingDetails(office, new Date(state.booking.start), lang);
  return t('call:worker.ended_booked', { n, code, date, time, office: place });
}

async function reply(ctx: BotContext, text: string): Promise<void> {
  for (const part of splitText(text)) await ctx.reply(part);
}
