import { type Composer, GrammyError } from 'grammy';
import { claimCase, openCase, recordAttendance, type ClaimPlace, type DeskDeps, type StaffLookup, type StaffMember, type StaffRefusal } from '../../caseworkers/desk';
import type { Action } from '../../caseworkers/guard';
import { logRefusal, staffRef } from '../../caseworkers/guard';
import { DEFAULT_LANG, suggestLang, type Lang } from '../../core/lang';
import type { Logger } from '../../core/logger';
import type { FieldCipher } from '../../storage/field-cipher';
import { meetingDetails } from '../../intake/booking-desk';
import { drawCaseAlert } from '../../caseworkers/alert-notices';
import { alertState } from '../../caseworkers/alert-text';
import { chatRefOf } from '../../scheduling/outbox';
import { drawAlert, staffNames, type AlertMessageDeps } from './alert-message';
import { KorpuComposer } from './composer';
import { isBlocked } from './send';
import { splitText } from './split-text';
import { decodeStaffData, isStaffData, type StaffAction, type StaffVerb } from './staff-callback-data';
import type { BotContext } from './types';

/** What the staff buttons work with; createTelegramBot builds it. */
export interface AlertActionsDeps extends Omit<AlertMessageDeps, 'roster'> {
  /** The desk the buttons call. */
  desk: DeskDeps;
  /** Turns the tapper's Telegram account into a member of staff; names staff on redrawn alerts. */
  roster: Pick<StaffLookup, 'byTelegram' | 'list'>;
  /** The case workers' group; staff buttons elsewhere than there or a private chat are refused (a claim is audited). */
  caseworkerChatId?: string | number;
  /** Pseudonymises Telegram user ids in the logs of refusals. */
  cipher: Pick<FieldCipher, 'pseudonym'>;
  /** The case workers' chat's language (CASEWORKER_CHAT_LANG): a tapped alert there is redrawn in it. */
  caseworkerChatLang?: Lang;
  logger: Logger;
}

/** The guard's action behind each button (for the log of a refusal). */
const ACTION_OF: Record<StaffVerb, Action> = { claim: 'claim_case', open: 'claim_case', came: 'mark_attendance', noshow: 'mark_attendance' };

/** Telegram shows at most 200 characters in the answer to a tap. */
const TOAST_MAX = 200;

/** One tap being handled, by a member of staff. */
interface Tap {
  ctx: BotContext;
  deps: AlertActionsDeps;
  action: StaffAction;
  member: StaffMember;
  /** Where the button was pressed (a claim is refused elsewhere than the case workers' chat or a private chat). */
  place: ClaimPlace;
  /** The worker's language (toasts, Open). */
  lang: Lang;
  /** Answers the tap with a notice (shown as an alert box when `important`). */
  toast(key: string, params?: Record<string, unknown>, important?: boolean): Promise<void>;
}

/**
 * The buttons of the case workers' messages (`w:` callback data, see staff-callback-data.ts).
 * Each tap is decoded, the tapper resolved on the roster, and the desk's use case called
 * (claimCase, openCase, recordAttendance: they check the role and office, write, cancel the
 * escalation, offer the person a new time); this composer only renders the result: a toast,
 * the tapped message redrawn as the case is now, and for Open the case file in the worker's
 * private chat.
 *
 * Anyone not on the roster is refused (they have no staff id) and logged with a pseudonym; a
 * button pressed in a chat other than the case workers' or a private chat (a forged callback:
 * alerts are posted nowhere else) is refused politely. Refused claims are recorded in the audit
 * trail by the desk.
 * Register it before the group and private-chat composers: the case workers' group is
 * otherwise ignored, and the conversation would read these buttons as stale.
 */
export function alertActions(deps: AlertActionsDeps): Composer<BotContext> {
  const composer = new KorpuComposer<BotContext>();
  const strangers = strangerClaims();
  composer.on('callback_query:data').filter(
    (ctx) => isStaffData(ctx.callbackQuery.data),
    async (ctx) => {
      const from = ctx.from;
      const chat = ctx.chat;
      const place: ClaimPlace =
        chat?.type === 'private' ? 'private_chat' : chat !== undefined && deps.caseworkerChatId !== undefined && String(chat.id) === String(deps.caseworkerChatId) ? 'caseworkers_chat' : 'other_chat';
      const action = decodeStaffData(ctx.callbackQuery.data);
      const guessLang = suggestLang(from.language_code) ?? DEFAULT_LANG;
      if (!action) return place === 'other_chat' ? void (await ctx.answerCallbackQuery().catch(() => undefined)) : answer(ctx, deps.desk.translator.t(guessLang, 'caseworker:button.stale'), false);
      const member = await deps.roster.byTelegram(from.id);
      // A claim from a chat where no alert is posted (a forged button press), or by someone not on
      // the roster, is refused by the desk, which records it in the audit trail; a stranger is
      // named there by the pseudonym of their account the logs use, never by a Telegram id.
      const claimRefused = async () => {
        if (action.verb !== 'claim') return;
        const account = `account:${staffRef(deps.cipher, from.id)}`;
        // A stranger's forged presses are audited once a minute per account: each is an entry kept
        // for AUDIT_KEEP_MONTHS, and nothing else bounds how many an account can send (members of staff: every one).
        if (!member && !strangers.admit(account, deps.desk.clock.now().getTime())) return;
        await claimCase(deps.desk, { staffId: member?.staffId ?? account }, { caseCode: action.caseCode, place });
      };
      if (place === 'other_chat') {
        await claimRefused();
        if (action.verb !== 'claim') logRefusal(deps.logger, deps.cipher, { telegramId: from.id, command: `button_${action.verb}_elsewhere`, action: ACTION_OF[action.verb], ...(member ? { role: member.role } : {}) });
        return answer(ctx, deps.desk.translator.t(member?.worker?.langs[0] ?? guessLang, 'caseworker:refused.wrong_chat'), true);
      }
      if (!member) {
        logRefusal(deps.logger, deps.cipher, { telegramId: from.id, command: `button_${action.verb}`, action: ACTION_OF[action.verb] });
        await claimRefused();
        return answer(ctx, deps.desk.translator.t(guessLang, 'caseworker:refused.not_on_roster'), true);
      }
      const lang = member.worker?.langs[0] ?? guessLang;
      const toast = (key: string, params?: Record<string, unknown>, important = false) => answer(ctx, deps.desk.translator.t(lang, key, params), important);
      await HANDLERS[action.verb]({ ctx, deps, action, member, place, lang, toast });
    },
  );
  return composer;
}

/** How often a stranger's refused claim is audited, per account. */
export const STRANGER_AUDIT_EVERY_MS = 60_000;

/**
 * The accounts whose refused claims were audited lately (this process): one entry per account
 * per {@link STRANGER_AUDIT_EVERY_MS}. Forgotten wholesale past 10,000 accounts, which only lets
 * an entry through early.
 */
function strangerClaims(): { admit(account: string, now: number): boolean } {
  const last = new Map<string, number>();
  return {
    admit(account, now) {
      const at = last.get(account);
      if (at !== undefined && now - at < STRANGER_AUDIT_EVERY_MS) return false;
      if (last.size >= 10_000) last.clear();
      last.set(account, now);
      return true;
    },
  };
}

const HANDLERS: Record<StaffVerb, (tap: Tap) => Promise<void>> = { claim, open, came: (t) => attendance(t, 'attended'), noshow: (t) => attendance(t, 'no_show') };

/** The toast of a refusal every use case may give; logs a role's refusal as the commands do. */
async function refusal(t: Tap, r: StaffRefusal | { ok: false; reason: 'other_office' } | { ok: false; reason: 'wrong_chat' }): Promise<void> {
  if (r.reason === 'wrong_chat') return t.toast('caseworker:refused.wrong_chat', undefined, true);
  if (r.reason === 'other_office') return t.toast('caseworker:refused.other_office', { code: t.action.caseCode }, true);
  if (r.reason === 'not_staff') return t.toast('caseworker:refused.not_on_roster', undefined, true);
  logRefusal(t.deps.logger, t.deps.cipher, { telegramId: t.ctx.from!.id, command: `button_${t.action.verb}`, action: ACTION_OF[t.action.verb], role: r.role });
  return t.toast('caseworker:refused.button', { role: t.deps.desk.translator.t(t.lang, `caseworker:role.${r.role}`) }, true);
}

async function claim(t: Tap): Promise<void> {
  const code = t.action.caseCode;
  const tapped = t.ctx.callbackQuery?.message;
  // The tapped alert is redrawn below (in the group: queued in the outbox, in the group's turn); the desk edits the case's other alerts.
  const r = await claimCase(t.deps.desk, { staffId: t.member.staffId }, { caseCode: code, place: t.place, ...(tapped ? { tapped: { chatId: tapped.chat.id, messageId: tapped.message_id } } : {}) });
  if (r.ok) await t.toast('caseworker:claim.done', { code });
  else if (r.reason === 'not_found') return t.toast('caseworker:claim.missing', { code }, true);
  else if (r.reason === 'case_closed') return t.toast('caseworker:refused.case_closed', { code }, true);
  else if (r.reason === 'already_claimed') {
    if (r.byMe) await t.toast('caseworker:claim.yours', { code });
    else await t.toast('caseworker:claim.taken', { code, worker: (await staffNames(t.deps.roster))(r.by) }, true);
  } else return refusal(t, r);
  // Whoever tapped, the message now shows who has the case (a no-op when it already does).
  await redraw(t);
}

async function open(t: Tap): Promise<void> {
  const { ctx, action, member } = t;
  const code = action.caseCode;
  const r = await openCase(t.deps.desk, { staffId: member.staffId }, { caseCode: code });
  if (!r.ok) {
    if (r.reason === 'not_claimed') return t.toast('caseworker:open.not_claimed', { code }, true);
    if (r.reason === 'not_holder') return t.toast('caseworker:open.not_yours', { code, worker: r.name }, true);
    return refusal(t, r);
  }
  try {
    // protect_content: a case file holds a person's details; Telegram then refuses to forward it
    // or save it from the chat (as the workspace sign-in link).
    for (const part of splitText(r.text)) await ctx.api.sendMessage(ctx.from!.id, part, { protect_content: true });
  } catch (err) {
    // 403: the worker never opened a private chat with the bot (or blocked it).
    if (isBlocked(err)) return t.toast('caseworker:open.start_private', { bot: ctx.me.username }, true);
    throw err;
  }
  await t.toast('caseworker:open.sent', { code });
}

async function attendance(t: Tap, status: 'attended' | 'no_show'): Promise<void> {
  const code = t.action.caseCode;
  if (!t.action.start) return t.toast('caseworker:attendance.moved', { code }, true);
  const r = await recordAttendance(t.deps.desk, { staffId: t.member.staffId }, { caseCode: code, status, meeting: t.action.start });
  if (r.ok) {
    // Nobody held the case: recording it made the tapper its holder, and the toast says so.
    await t.toast(`caseworker:attendance.${status === 'attended' ? 'marked_came' : 'marked_no_show'}${r.claimed ? '_claimed' : ''}`, { code });
    return redraw(t);
  }
  switch (r.reason) {
    case 'moved':
      return t.toast('caseworker:attendance.moved', { code }, true);
    case 'already_recorded':
      await t.toast('caseworker:attendance.already', { code });
      return redraw(t);
    case 'too_early': {
      const office = t.deps.offices.find((o) => o.id === r.office);
      const when = office ? meetingDetails(office, r.start, t.lang) : { date: r.start.toISOString().slice(0, 10), time: r.start.toISOString().slice(11, 16) };
      return t.toast('caseworker:attendance.too_early', { date: when.date, time: when.time }, true);
    }
    default:
      return refusal(t, r);
  }
}

/**
 * Redraws the tapped message as the case is now (claimed, attendance recorded). In the case
 * workers' group the edit is queued in the outbox (once per tap): there it takes one of the
 * group's 20 messages a minute, in its turn in the group's line, and a newer edit of the same
 * message queued meanwhile (another tap, the desk's redraw) leaves only the newest to send. The
 * tapper has their answer at once (the toast); a private chat's message is edited directly.
 */
async function redraw(t: Tap): Promise<void> {
  const { ctx, deps, action } = t;
  // In the case workers' chat its language; in a private chat (a supervisor's escalation) the tapper's own.
  const lang = t.place === 'caseworkers_chat' ? (deps.caseworkerChatLang ?? DEFAULT_LANG) : t.lang;
  const tapped = ctx.callbackQuery?.message;
  if (t.place === 'caseworkers_chat' && tapped && ctx.callbackQuery) {
    const drawn = await drawCaseAlert({ ...deps, incidents: deps.desk.incidents, incidentLink: deps.desk.incidentLink }, action.kind, action.caseCode, lang, deps.desk.clock.now(), { buttons: true });
    await deps.desk.notifier.notify({
      id: `redraw:tap:${ctx.callbackQuery.id}`,
      to: { type: 'caseworkers' },
      lang,
      kind: 'alert_update',
      output: drawn.output,
      caseCode: action.caseCode,
      replaces: { messageId: tapped.message_id, chatRef: chatRefOf(deps.cipher, tapped.chat.id) },
      track: { kind: drawn.kind, state: alertState(drawn.summary) },
    });
    return;
  }
  const drawn = await drawAlert({ ...deps, incidents: deps.desk.incidents, incidentLink: deps.desk.incidentLink }, action.kind, action.caseCode, lang, deps.desk.clock.now(), { buttons: true });
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
