import type { Composer } from 'grammy';
import type { Update } from 'grammy/types';
import { callInProgress, callStepped, callWalkIn, endPhoneCall, resumePhoneCall, startPhoneCall, type DeskDeps, type StaffLookup, type StaffMember, type StaffRefusal } from '../../caseworkers/desk';
import { logRefusal } from '../../caseworkers/guard';
import type { Office } from '../../config/offices';
import type { Input, Output, TextRef } from '../../core/conversation';
import { DEFAULT_LANG, suggestLang, type Lang } from '../../core/lang';
import type { Logger } from '../../core/logger';
import { PHONE_CHANNEL, phoneChatId, walkInCallChat } from '../../core/phone-call';
import { personCell } from '../../storage/keys';
import type { ConversationState } from '../../flows/engine/state';
import { renderOutput } from '../../i18n/render';
import { meetingDetails } from '../../intake/booking-desk';
import type { FieldCipher } from '../../storage/field-cipher';
import { KorpuComposer } from './composer';
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
  core: Pick<TelegramCore, 'runner' | 'translator' | 'content'>;
  /** The desk: starts and ends calls, knows which one a worker has open. */
  desk: DeskDeps;
  /** Turns the sender's Telegram account into a member of staff. */
  roster: Pick<StaffLookup, 'byTelegram' | 'mayBeStaff' | 'surelyNotStaff'>;
  /** For the meeting's place and time in the message that ends a call. */
  offices: readonly Office[];
  /** Pseudonymises Telegram user ids in the logs of refusals. */
  cipher: Pick<FieldCipher, 'pseudonym'>;
  logger: Logger;
  toInput: ToInputOptions;
}

type PhoneCallDeps = PhoneCallOptions;

/**
 * A worker running a call: who (their staff id), the counsellor's name for the forms, their
 * language, and the call's chat id when it is not `<worker>:<n>` (a call with a walk-in).
 */
interface Caller {
  staffId: string;
  counsellor: string;
  lang: Lang;
  chat?: string;
}

const COMMAND = /^\/([A-Za-z0-9_]{1,64})(?:@[A-Za-z0-9_]+)?(?=\s|$)/;

/**
 * Phone-assisted interviews, in a case worker's private chat with the bot. Register it after the
 * staff commands and before the person's conversation (`privateConversation`). The desk starts
 * and ends calls and knows which call a worker has open (startPhoneCall, endPhoneCall,
 * callInProgress, callStepped); this composer runs the call's conversation and writes to the
 * worker.
 *
 * - `/call` from a roster member opens a new call (unless one of theirs is open: they are told
 *   which, and to finish it or send /endcall first); `/call KP-…` opens again the worker's call
 *   that opened that case, if its interview was cut off, and goes on where it stopped; for the
 *   case of a person who walked into the office and left a number, it phones them (callWalkIn):
 *   a new call with that case from its start, whose conversation is in the case's person cell
 *   (`<worker>:<n>:<k>`, core/phone-call.ts) and starts with the follow-up of flows/call.yaml
 *   (the language, then a meeting booked), its records going into that case. A call is a conversation of its own on the `phone`
 *   channel (chat `<worker's Telegram id>:<call number>`), starting in the call flow
 *   (flows/call.yaml), separate from any conversation the worker has with the bot as a person.
 *   Someone not on the roster is refused exactly like any unknown command (logged, then passed
 *   on to the conversation, which answers as it answers `/weather`);
 * - while a call is open, everything the worker sends or taps in this chat goes to the call,
 *   with the worker named as the counsellor of the records (`by: phone`). Staff commands and
 *   staff buttons are handled before this composer and keep working;
 * - the call ends when its flow ends or with `/endcall`; the worker is told the case code
 *   and, when a meeting was booked, that a call-back reminder will come before it;
 * - the person is not in this chat: the "share my phone number" button is never shown, and
 *   a contact card the worker sends gives the person's number (the worker's own card is not
 *   taken as it).
 *
 * Messages of the call are in the call's language (the worker picks it first); the bot's own
 * messages about the call are in the worker's first language on the roster.
 */
export function phoneCalls(deps: PhoneCallOptions): Composer<BotContext> {
  const composer = new KorpuComposer<BotContext>();
  composer.chatType('private').on(['message', 'edited_message', 'callback_query'], (ctx, next) => {
    const from = ctx.from;
    if (!from) return next();
    const command = callCommand(ctx.message?.text);
    // The people the bot serves are not on the roster: their messages pass on without a Redis
    // read, and at once, without a promise of this layer's own (every message comes here).
    if (!command && deps.roster.surelyNotStaff(from.id)) return next();
    return (async () => {
      if (!command && !(await deps.roster.mayBeStaff(from.id))) return next();
      const member = await deps.roster.byTelegram(from.id);
      if (command) {
        if (!member) {
          logRefusal(deps.logger, deps.cipher, { telegramId: from.id, command, action: 'phone_intake' });
          return next();
        }
        ctx.korpu.lang = member.worker?.langs[0] ?? suggestLang(from.language_code) ?? DEFAULT_LANG;
        if (command === 'endcall') return endCall(deps, ctx, member);
        const caseCode = commandArgument(ctx.message?.text);
        return caseCode ? callCase(deps, ctx, member, caseCode) : startCall(deps, ctx, member);
      }
      if (!member) return next();
      const call = await callInProgress(deps.desk, { staffId: member.staffId });
      if (!call) return next();
      ctx.korpu.lang = call.lang;
      const answering = ctx.callbackQuery ? ctx.answerCallbackQuery().catch(() => undefined) : undefined;
      try {
        const converted = callInput(ctx.update, deps.toInput, from.id);
        if (converted.kind === 'ignore') return;
        await runCall(deps, ctx, { staffId: member.staffId, counsellor: call.counsellor, lang: call.lang, ...(call.chat ? { chat: call.chat } : {}) }, call.n, converted.input, converted.notices);
      } finally {
        await answering;
      }
    })();
  });
  return composer;
}

/** What follows the command (`/call KP-…`: the case whose interview to resume), if anything. */
function commandArgument(text: string | undefined): string | undefined {
  const m = text === undefined ? null : COMMAND.exec(text);
  const rest = m ? text!.slice(m[0].length).trim() : '';
  return rest ? rest.split(/\s+/)[0]!.slice(0, 40) : undefined;
}

function callCommand(text: string | undefined): CallCommand | undefined {
  const name = text === undefined ? undefined : COMMAND.exec(text)?.[1]?.toLowerCase();
  return (CALL_COMMANDS as readonly string[]).includes(name ?? '') ? (name as CallCommand) : undefined;
}

/** The answer to a refusal of the desk: a role that may not (logged), or no roster entry to name the counsellor. */
async function refuse(deps: PhoneCallDeps, ctx: BotContext, member: StaffMember, command: CallCommand, r: StaffRefusal | { reason: 'no_entry' }): Promise<void> {
  const lang = ctx.korpu.lang ?? DEFAULT_LANG;
  const t = (key: string, params?: Record<string, unknown>) => deps.core.translator.t(lang, key, params);
  // The forms name the counsellor: a bootstrap admin without a roster entry has no name yet.
  if (r.reason === 'no_entry') return reply(ctx, t('call:worker.no_entry'));
  logRefusal(deps.logger, deps.cipher, { telegramId: ctx.from!.id, command, action: 'phone_intake', role: member.role });
  await reply(ctx, t('caseworker:refused.not_allowed', { role: t(`caseworker:role.${member.role}`), command }));
}

async function startCall(deps: PhoneCallDeps, ctx: BotContext, member: StaffMember): Promise<void> {
  const r = await startPhoneCall(deps.desk, { staffId: member.staffId });
  if (!r.ok && r.reason === 'call_open') {
    const t = (key: string, params?: Record<string, unknown>) => deps.core.translator.t(r.lang, key, params);
    return reply(ctx, r.caseCode ? t('call:worker.still_open_case', { n: r.n, code: r.caseCode }) : t('call:worker.still_open', { n: r.n }));
  }
  if (!r.ok) return refuse(deps, ctx, member, 'call', r);
  ctx.korpu.lang = r.lang;
  await reply(ctx, deps.core.translator.t(r.lang, 'call:worker.started', { n: r.n }));
  await runCall(deps, ctx, { staffId: member.staffId, counsellor: r.counsellor, lang: r.lang }, r.n, { type: 'command', name: 'start' }, []);
}

/**
 * `/call KP-…` naming a walk-in's case: phones the person (a new call with that case); any
 * other code: goes on with an interview cut off ({@link resumeCall}).
 */
async function callCase(deps: PhoneCallDeps, ctx: BotContext, member: StaffMember, caseCode: string): Promise<void> {
  const runner = deps.core.runner;
  const workerId = ctx.from!.id;
  const chatFor = (n: number) => walkInCallChat(workerId, n, personCell(caseCode.toUpperCase()), (chat) => personCell(runner.conversationId(PHONE_CHANNEL, chat)));
  const r = await callWalkIn(deps.desk, { staffId: member.staffId }, { caseCode, chatFor });
  if (!r.ok && r.reason === 'not_walk_in') return resumeCall(deps, ctx, member, caseCode);
  if (!r.ok && 'lang' in r) {
    const t = (key: string, params?: Record<string, unknown>) => deps.core.translator.t(r.lang, key, params);
    const code = caseCode.toUpperCase();
    if (r.reason === 'call_open') return reply(ctx, r.caseCode ? t('call:worker.still_open_case', { n: r.n, code: r.caseCode }) : t('call:worker.still_open', { n: r.n }));
    return reply(ctx, t(`call:worker.walk_in_${r.reason}`, { code }));
  }
  if (!r.ok && (r.reason === 'other_office' || r.reason === 'not_holder')) {
    const lang = ctx.korpu.lang ?? DEFAULT_LANG;
    return reply(ctx, deps.core.translator.t(lang, `call:worker.walk_in_${r.reason}`, { code: caseCode.toUpperCase() }));
  }
  if (!r.ok) return refuse(deps, ctx, member, 'call', r);
  // The call's conversation names the case from its start (and the case's contact names the call).
  await runner.openForCase({ channel: PHONE_CHANNEL, chatId: r.chat }, { caseCode: r.caseCode, hint: r.callLang });
  ctx.korpu.lang = r.lang;
  await reply(ctx, deps.core.translator.t(r.lang, 'call:worker.walk_in_started', { n: r.n, code: r.caseCode, phone: r.phone }));
  await runCall(deps, ctx, { staffId: member.staffId, counsellor: r.counsellor, lang: r.lang, chat: r.chat }, r.n, { type: 'command', name: 'start' }, []);
}

/**
 * `/call KP-…`: goes on with the interview of a case that one of the worker's calls opened and
 * that was cut off (/endcall, or the call left to expire), where it stopped, instead of opening
 * a second case for the same person.
 */
async function resumeCall(deps: PhoneCallDeps, ctx: BotContext, member: StaffMember, caseCode: string): Promise<void> {
  const inProgress = async (n: number) => {
    const state = await deps.core.runner.peek(deps.core.runner.conversationId(PHONE_CHANNEL, phoneChatId(ctx.from!.id, n)));
    return state !== undefined && state.frames.length > 0 && !state.done;
  };
  const r = await resumePhoneCall(deps.desk, { staffId: member.staffId }, { caseCode, inProgress });
  if (!r.ok && (r.reason === 'call_open' || r.reason === 'not_resumable')) {
    const t = (key: string, params?: Record<string, unknown>) => deps.core.translator.t(r.lang, key, params);
    if (r.reason === 'not_resumable') return reply(ctx, t('call:worker.cannot_resume', { code: caseCode.toUpperCase() }));
    return reply(ctx, r.caseCode ? t('call:worker.still_open_case', { n: r.n, code: r.caseCode }) : t('call:worker.still_open', { n: r.n }));
  }
  if (!r.ok) return refuse(deps, ctx, member, 'call', r);
  ctx.korpu.lang = r.lang;
  await reply(ctx, deps.core.translator.t(r.lang, 'call:worker.resumed', { n: r.n, code: r.caseCode }));
  // The question where the interview stopped, asked again (in the call's language).
  await runCall(deps, ctx, { staffId: member.staffId, counsellor: r.counsellor, lang: r.lang }, r.n, { type: 'command', name: 'start' }, []);
}

async function endCall(deps: PhoneCallDeps, ctx: BotContext, member: StaffMember): Promise<void> {
  const r = await endPhoneCall(deps.desk, { staffId: member.staffId });
  if (!r.ok && r.reason !== 'not_open') return refuse(deps, ctx, member, 'endcall', r);
  const t = (key: string, params?: Record<string, unknown>) => deps.core.translator.t(r.lang, key, params);
  if (!r.ok) return reply(ctx, t('call:worker.not_open'));
  // An open call's interview has not ended (its end closes the call): it can be resumed by its case;
  // a walk-in's call cannot (/call <code> phones them afresh).
  if (r.caseCode && r.walkIn) return reply(ctx, t('call:worker.walk_in_ended_early', { n: r.n, code: r.caseCode }));
  await reply(ctx, r.caseCode ? t('call:worker.ended_early', { n: r.n, code: r.caseCode }) : t('call:worker.ended', { n: r.n }));
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
async function runCall(deps: PhoneCallDeps, ctx: BotContext, caller: Caller, n: number, input: Input, notices: TextRef[]): Promise<void> {
  const handled = await deps.core.runner.handle({
    channel: PHONE_CHANNEL,
    // The call's conversation is named by the worker's Telegram account: a phone case's
    // reminders go back to that chat (core/phone-call.ts).
    chatId: caller.chat ?? phoneChatId(ctx.from!.id, n),
    updateId: `tg:${ctx.update.update_id}`,
    input,
    langHint: caller.lang,
    recorder: { by: 'phone', counsellor: caller.counsellor },
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
  const flowEnded = state.frames.length === 0;
  const stillOpen = await callStepped(deps.desk, { staffId: caller.staffId }, { n, ...(state.caseCode ? { caseCode: state.caseCode } : {}), flowEnded });
  // The interview's flow has ended, and with it the call.
  if (flowEnded && stillOpen) await reply(ctx, caller.chat ? walkInEndedText(deps, caller.lang, n, state) : endedText(deps, caller.lang, n, state));
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

/** The end of a call with a walk-in: its case, and the meeting the call booked, if it did. */
function walkInEndedText(deps: PhoneCallDeps, lang: Lang, n: number, state: ConversationState): string {
  const t = (key: string, params?: Record<string, unknown>) => deps.core.translator.t(lang, key, params);
  const code = state.caseCode ?? '';
  const office = state.booking ? deps.offices.find((o) => o.id === state.booking!.office) : undefined;
  if (!office || !state.booking) return t('call:worker.ended_case', { n, code });
  const { date, time, office: place } = meetingDetails(office, new Date(state.booking.start), lang);
  return t('call:worker.walk_in_ended_booked', { n, code, date, time, office: place });
}

async function reply(ctx: BotContext, text: string): Promise<void> {
  for (const part of splitText(text)) await ctx.reply(part);
}
