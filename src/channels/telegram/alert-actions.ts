import { readContact } from '../../storage/case-contact';
import { Composer, GrammyError, type Api } from 'grammy';
import type { Redis } from 'ioredis';
import { detailsText } from '../../caseworkers/alert-text';
import type { CaseFiles } from '../../caseworkers/case-file';
import type { ClaimStore } from '../../caseworkers/claims';
import { can, logRefusal, staffRef, type Action } from '../../caseworkers/guard';
import type { StaffMember } from '../../caseworkers/roster';
import type { ProgrammeContent } from '../../config/programme';
import { systemClock, type Clock } from '../../core/clock';
import type { Output } from '../../core/conversation';
import { DEFAULT_LANG, LangSchema, suggestLang, type Lang } from '../../core/lang';
import type { Logger } from '../../core/logger';
import { APPOINTMENT_BUTTONS } from '../../flows/engine/prompt';
import type { Translator } from '../../i18n';
import { renderOutput } from '../../i18n/render';
import { meetingDetails } from '../../intake/booking-desk';
import type { Booking } from '../../scheduling/booking-store';
import type { RedisKeys } from '../../storage/keys';
import { drawAlert, staffNames, type AlertMessageDeps } from './alert-message';
import { alertOutboxOf } from './alerts';
import { outboxMessage } from './render';
import { isBlocked } from './send';
import { splitText } from './split-text';
import { decodeStaffData, isStaffData, sameMeeting, type StaffAction, type StaffVerb } from './staff-callback-data';
import type { BotContext, CaseworkerOptions } from './types';

/** What the staff buttons work with; createTelegramBot builds it from the core and `caseworkers`. */
export interface AlertActionsDeps extends Omit<AlertMessageDeps, 'roster'>, Pick<CaseworkerOptions, 'roster' | 'bookings' | 'cipher' | 'escalations'> {
  /** The case workers' group; staff buttons elsewhere than there or a private chat are ignored. */
  caseworkerChatId?: string | number;
  claims: Pick<ClaimStore, 'claim' | 'get'>;
  files: Pick<CaseFiles, 'summary' | 'details'>;
  content: ProgrammeContent;
  redis: Redis;
  keys: Pick<RedisKeys, 'case'>;
  /** Language of the group's alerts (the programme's). */
  alertLang?: Lang;
  clock?: Clock;
  logger: Logger;
}

/** The guard's action behind each button. Open needs no more: only the claimer may use it. */
const ACTION_OF: Record<StaffVerb, Action> = { claim: 'claim_case', open: 'claim_case', came: 'mark_attendance', noshow: 'mark_attendance' };

/** Telegram shows at most 200 characters in the answer to a tap. */
const TOAST_MAX = 200;

/** One tap being handled, by a member of staff allowed to make it. */
interface Tap {
  ctx: BotContext;
  deps: AlertActionsDeps;
  action: StaffAction;
  member: StaffMember;
  /** The worker's language (toasts, Open). */
  lang: Lang;
  now: Date;
  /** Answers the tap with a notice (shown as an alert box when `important`). */
  toast(key: string, params?: Record<string, unknown>, important?: boolean): Promise<void>;
}

/**
 * The buttons of the case workers' messages (`w:` callback data, see staff-callback-data.ts):
 *
 * - **Claim**: atomic, the first tap wins (a Redis key per case, SET NX, and `claimed_by` /
 *   `claimed_at` on the case hash); the message is redrawn to show who took the case, and its
 *   escalation is cancelled. A later tap learns who has it.
 * - **Open**: the case's details, decrypted, in a private message to the worker who claimed it
 *   and to nobody else.
 * - **Came / Did not come** (booking alerts): refused before the meeting's start; then the
 *   booking's status changes, the alert is redrawn, and after a missed meeting the person is
 *   offered a new time through the outbox (button `c:__appointment:rebook`).
 *
 * Only people on the roster (or in ADMIN_TELEGRAM_IDS) whose role may do it (guard.ts); anyone
 * else is refused and logged with a pseudonym. Register it before the group and private-chat
 * composers: the case workers' group is otherwise ignored, and the conversation would read
 * these buttons as stale.
 */
export function alertActions(deps: AlertActionsDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.on('callback_query:data').filter(
    (ctx) => isStaffData(ctx.callbackQuery.data),
    async (ctx) => {
      const from = ctx.from;
      const chat = ctx.chat;
      const inPlace = chat !== undefined && (chat.type === 'private' || (deps.caseworkerChatId !== undefined && String(chat.id) === String(deps.caseworkerChatId)));
      const action = decodeStaffData(ctx.callbackQuery.data);
      const guessLang = suggestLang(from.language_code) ?? DEFAULT_LANG;
      if (!inPlace) return void (await ctx.answerCallbackQuery().catch(() => undefined));
      if (!action) return answer(ctx, deps.translator.t(guessLang, 'caseworker:button.stale'), false);
      const member = await deps.roster.member(from.id);
      const command = `button_${action.verb}`;
      if (!member) {
        logRefusal(deps.logger, deps.cipher, { telegramId: from.id, command, action: ACTION_OF[action.verb] });
        return answer(ctx, deps.translator.t(guessLang, 'caseworker:refused.not_on_roster'), true);
      }
      const lang = member.worker?.langs[0] ?? guessLang;
      const toast = (key: string, params?: Record<string, unknown>, important = false) => answer(ctx, deps.translator.t(lang, key, params), important);
      if (!can(member, ACTION_OF[action.verb])) {
        logRefusal(deps.logger, deps.cipher, { telegramId: from.id, command, action: ACTION_OF[action.verb], role: member.role });
        return toast('caseworker:refused.button', { role: deps.translator.t(lang, `caseworker:role.${member.role}`) }, true);
      }
      const tap: Tap = { ctx, deps, action, member, lang, now: (deps.clock ?? systemClock).now(), toast };
      await HANDLERS[action.verb](tap);
    },
  );
  return composer;
}

const HANDLERS: Record<StaffVerb, (tap: Tap) => Promise<void>> = { claim, open, came: (t) => attendance(t, 'attended'), noshow: (t) => attendance(t, 'no_show') };

async function claim(t: Tap): Promise<void> {
  const { deps, action, member } = t;
  const r = await deps.claims.claim(action.caseCode, member.telegramId, t.now);
  if (r.outcome === 'missing') return t.toast('caseworker:claim.missing', { code: action.caseCode }, true);
  if (r.outcome === 'claimed') {
    deps.logger.info({ case: action.caseCode, by: staffRef(deps.cipher, member.telegramId) }, 'caseworkers: case claimed');
    await deps.escalations?.cancel(action.caseCode).catch((err: Error) => deps.logger.warn({ case: action.caseCode, err: err.message }, 'caseworkers: cancelling the escalation failed (it will be ignored when it fires)'));
    await t.toast('caseworker:claim.done', { code: action.caseCode });
  } else if (r.by === member.telegramId) await t.toast('caseworker:claim.yours', { code: action.caseCode });
  else await t.toast('caseworker:claim.taken', { code: action.caseCode, worker: (await staffNames(deps.roster))(r.by) }, true);
  // Whoever tapped, the message now shows who has the case (a no-op when it already does).
  await redraw(t);
}

async function open(t: Tap): Promise<void> {
  const { ctx, deps, action, member } = t;
  const holder = await deps.claims.get(action.caseCode);
  if (!holder) return t.toast('caseworker:open.not_claimed', { code: action.caseCode }, true);
  if (holder.by !== member.telegramId) {
    deps.logger.info({ case: action.caseCode, who: staffRef(deps.cipher, member.telegramId) }, 'caseworkers: open refused: the case is another worker’s');
    return t.toast('caseworker:open.not_yours', { code: action.caseCode, worker: (await staffNames(deps.roster))(holder.by) }, true);
  }
  const details = await deps.files.details(action.caseCode, t.now);
  const text = detailsText(details, { tr: deps.translator, lang: t.lang, offices: deps.offices, staffName: await staffNames(deps.roster) });
  try {
    for (const part of splitText(text)) await ctx.api.sendMessage(member.telegramId, part);
  } catch (err) {
    // 403: the worker never opened a private chat with the bot (or blocked it).
    if (isBlocked(err)) return t.toast('caseworker:open.start_private', { bot: ctx.me.username }, true);
    throw err;
  }
  deps.logger.info({ case: action.caseCode, by: staffRef(deps.cipher, member.telegramId) }, 'caseworkers: case opened');
  await t.toast('caseworker:open.sent', { code: action.caseCode });
}

async function attendance(t: Tap, status: 'attended' | 'no_show'): Promise<void> {
  const { deps, action, member } = t;
  const booking = await deps.bookings.get(action.caseCode);
  if (!booking || !sameMeeting(action.start, booking.start)) return t.toast('caseworker:attendance.moved', { code: action.caseCode }, true);
  if (booking.status !== 'booked') {
    await t.toast('caseworker:attendance.already', { code: action.caseCode });
    return redraw(t);
  }
  if (t.now.getTime() < booking.start.getTime()) {
    const office = deps.offices.find((o) => o.id === booking.office);
    const when = office ? meetingDetails(office, booking.start, t.lang) : { date: booking.start.toISOString().slice(0, 10), time: booking.start.toISOString().slice(11, 16) };
    return t.toast('caseworker:attendance.too_early', { date: when.date, time: when.time }, true);
  }
  if (!(await deps.bookings.mark(action.caseCode, status, { slot: booking.slot }))) {
    await t.toast('caseworker:attendance.already', { code: action.caseCode });
    return redraw(t);
  }
  await deps.redis.hset(deps.keys.case(action.caseCode), { attendance_by: String(member.telegramId), attendance_at: t.now.toISOString(), updated_at: t.now.toISOString() });
  deps.logger.info({ case: action.caseCode, status, by: staffRef(deps.cipher, member.telegramId) }, 'caseworkers: attendance recorded');
  if (status === 'no_show') await offerNewTime(t, booking);
  await t.toast(status === 'attended' ? 'caseworker:attendance.marked_came' : 'caseworker:attendance.marked_no_show', { code: action.caseCode });
  await redraw(t);
}

/**
 * After a missed meeting: a message to the person, in their language, offering a new time
 * (the engine's meeting button `rebook` opens the booking question wherever the conversation
 * is). Through the outbox: the bot writes on its own initiative, not in answer to the person.
 */
async function offerNewTime(t: Tap, booking: Booking): Promise<void> {
  const { ctx, deps, action } = t;
  const contact = await readContact(deps, action.caseCode);
  const chatId = contact?.channel === 'telegram' ? contact.chatId : undefined;
  if (!chatId) {
    deps.logger.warn({ case: action.caseCode }, 'caseworkers: missed meeting, but no Telegram chat on the case to offer a new time');
    return;
  }
  const office = deps.offices.find((o) => o.id === booking.office);
  const lang = LangSchema.catch(DEFAULT_LANG).parse(booking.lang);
  const when = office ? meetingDetails(office, booking.start, lang) : {};
  const output: Output = {
    type: 'message',
    text: [{ key: 'booking:no_show.text', params: when }],
    buttons: [[{ label: { key: 'booking:no_show.rebook' }, action: { type: 'choice', node: APPOINTMENT_BUTTONS, value: 'rebook' } }]],
  };
  const msg = outboxMessage(renderOutput(deps.translator, deps.content, lang, output));
  const outbox = alertOutboxOf(ctx.api as Api);
  if (outbox) await outbox.send(`noshow:${action.caseCode}:${booking.slot}`, { chatId, ...msg, kind: 'no_show', caseCode: action.caseCode });
  else await ctx.api.sendMessage(chatId, String(msg.params.text), { reply_markup: msg.params.reply_markup as never }).catch((err) => {
    if (!isBlocked(err)) throw err;
  });
}

/** Redraws the tapped message as the case is now (claimed, attendance recorded). */
async function redraw(t: Tap): Promise<void> {
  const { ctx, deps, action } = t;
  const lang = action.kind === 'escalation' ? t.lang : (deps.alertLang ?? DEFAULT_LANG);
  const drawn = await drawAlert(deps, action.kind, action.caseCode, lang, t.now, { buttons: true });
  try {
    await ctx.editMessageText(drawn.text, drawn.reply_markup ? { reply_markup: drawn.reply_markup } : {});
  } catch (err) {
    // Two taps at once both redraw the same state: the second edit changes nothing.
    if (err instanceof GrammyError && /message is not modified/i.test(err.description)) return;
    deps.logger.warn({ case: action.caseCode, err: { name: (err as Error).name, message: (err as Error).message } }, 'caseworkers: could not redraw the alert');
  }
}

async function answer(ctx: BotContext, text: string, important: boolean): Promise<void> {
  await ctx.answerCallbackQuery({ text: text.length > TOAST_MAX ? `${text.slice(0, TOAST_MAX - 1)}…` : text, show_alert: important }).catch(() => undefined);
}
