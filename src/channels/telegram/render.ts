import type { InlineKeyboardButton, InlineKeyboardMarkup, KeyboardButton, ReplyKeyboardMarkup, ReplyKeyboardRemove } from 'grammy/types';
import type { Command } from '../../core/conversation';
import { SUPPORTED_LANGS } from '../../core/lang';
import type { Translator } from '../../i18n';
import type { RenderedMessage } from '../../i18n/render';
import { labelFits } from './button-width';
import { encodeCallbackData, type ButtonAction } from './callback-data';
import { encodeStaffData, type StaffMessageKind, type StaffVerb } from './staff-callback-data';
import { splitText, TELEGRAM_TEXT_MAX } from './split-text';

/** Prefixes of multiple-choice options: ticked and not ticked. */
export const TICKED = '☑ ';
export const UNTICKED = '☐ ';

/** The markups a sent message may carry (one per message). */
export type OutgoingMarkup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove;

/** One Telegram message to send: `sendMessage(chat, text, { reply_markup })`. */
export interface OutgoingPart {
  text: string;
  reply_markup?: OutgoingMarkup;
  /**
   * An inline keyboard to add with `editMessageReplyMarkup` once the message is sent. Used
   * when the message must also remove the contact keyboard: one message carries one markup.
   */
  inlineAfterSend?: InlineKeyboardMarkup;
}

/** How one rendered engine Output goes out on Telegram. */
export interface TelegramPlan {
  parts: OutgoingPart[];
  /** Replace the tapped message with `parts[0]` (only ever set for a single part with an inline keyboard or none). */
  edit: boolean;
  /** The plan shows the "share my phone number" keyboard; the next message should remove it. */
  showsContactKeyboard: boolean;
  /** Sent after the parts: `sendVenue` for a place, `sendDocument` for a file. */
  attachments?: NonNullable<RenderedMessage['attachments']>;
}

/** How to plan one message in its batch. */
export interface PlanOptions {
  /** A contact keyboard is still on screen from an earlier message: remove it with this one. */
  removeReplyKeyboard?: boolean;
  /** Longest text of one message; Telegram's limit unless a test says otherwise. */
  maxLength?: number;
}

type Buttons = RenderedMessage['buttons'];

/**
 * The inline keyboard of a message: one row per row of buttons, ticks for multiple choice; a
 * choice whose labels do not all fit two or three to a row in this message's language goes one
 * button a row (see {@link fitRows}).
 */
export function inlineKeyboard(buttons: Buttons): InlineKeyboardMarkup | undefined {
  const rows = fitRows(buttons.map((row) => row.map((b): InlineKeyboardButton => ({ text: labelOf(b), callback_data: callbackDataOf(b.action) }))), buttons);
  return rows.length > 0 ? { inline_keyboard: rows } : undefined;
}

/**
 * Lays out rows so that no label is cut with "…" on a small phone (button-width.ts): the rows
 * of one question (consecutive rows of choices of one node: a two-column list, the free times
 * with Earlier / Later) go one button a row, all of them, when a label of any of them does not
 * fit its share of its row; any other row (Yes / No of a case workers' alert) on its own.
 * Decided for each message, with the labels in its language: Russian may need one a row where
 * English keeps two. Empty rows are dropped.
 */
function fitRows(rows: InlineKeyboardButton[][], source: Buttons): InlineKeyboardButton[][] {
  const groupOf = (i: number): string | undefined => {
    const nodes = new Set(source[i]!.map((b) => (b.action.type === 'choice' ? b.action.node : undefined)));
    const [node] = nodes;
    return nodes.size === 1 && node !== undefined ? node : undefined;
  };
  const out: InlineKeyboardButton[][] = [];
  for (let start = 0; start < rows.length; ) {
    const group = groupOf(start);
    let end = start + 1;
    while (group !== undefined && end < rows.length && groupOf(end) === group) end++;
    const run = rows.slice(start, end).filter((row) => row.length > 0);
    const cut = run.some((row) => row.some((b) => !labelFits(b.text, row.length)));
    out.push(...(cut ? run.flatMap((row) => row.map((b) => [b])) : run));
    start = end;
  }
  return out;
}

/** A person's button (choice, command) or a case worker's (Claim, Open, attendance) as callback data. */
function callbackDataOf(action: Buttons[number][number]['action']): string {
  if (action.type !== 'staff') return encodeCallbackData(action satisfies ButtonAction);
  const { verb, kind, caseCode, start } = action;
  return encodeStaffData({ verb: verb as StaffVerb, kind: kind as StaffMessageKind, caseCode, ...(start ? { start: new Date(start) } : {}) });
}

function labelOf(b: Buttons[number][number]): string {
  if (b.selected === undefined) return b.label;
  return (b.selected ? TICKED : UNTICKED) + b.label;
}

/**
 * The reply keyboard that offers Telegram's "share my phone number" button, followed by the
 * message's command buttons (Back) as text buttons: tapping one sends its label, which
 * `toInput` maps back to the command (see `replyLabels` in to-input.ts).
 */
export function contactKeyboard(label: string, commands: Buttons): ReplyKeyboardMarkup {
  const rows: KeyboardButton[][] = [[{ text: label, request_contact: true }]];
  for (const row of commands) if (row.length > 0) rows.push(row.map((b) => ({ text: b.label })));
  return { keyboard: rows, one_time_keyboard: true, resize_keyboard: true };
}

/** Removes a reply keyboard that is still on screen. */
export const REMOVE_KEYBOARD: ReplyKeyboardRemove = { remove_keyboard: true };

/**
 * Turns a rendered message into Telegram messages:
 * - buttons become an inline keyboard (multiple-choice options prefixed ☑/☐);
 * - `requestContact` becomes a one-time reply keyboard with the contact button; command
 *   buttons (Back) join it as text buttons, because a message carries one keyboard only;
 *   choice buttons, if a flow ever combines them with a contact request, stay inline on the
 *   text and the contact keyboard follows in a second message labelled with its button;
 * - texts over 4096 characters are split at paragraph boundaries, keyboards on the last part;
 * - `removeReplyKeyboard` puts `remove_keyboard` on the first part (its inline keyboard, if
 *   any, is added right after sending);
 * - `edit` is kept only when one plain part can replace the tapped message.
 * Pure: no I/O.
 */
export function planTelegramMessage(msg: RenderedMessage, opts: PlanOptions = {}): TelegramPlan {
  const texts = msg.text.length > 0 ? splitText(msg.text, opts.maxLength ?? TELEGRAM_TEXT_MAX) : [];
  const parts: OutgoingPart[] = texts.map((text) => ({ text }));
  const commandsOnly = msg.buttons.every((row) => row.every((b) => b.action.type === 'command'));

  if (msg.requestContact !== undefined && commandsOnly) {
    const markup = contactKeyboard(msg.requestContact, msg.buttons);
    if (parts.length > 0) parts.at(-1)!.reply_markup = markup;
    else parts.push({ text: msg.requestContact, reply_markup: markup });
  } else {
    const inline = inlineKeyboard(msg.buttons);
    if (inline && parts.length === 0) throw new RangeError('a message with buttons needs text');
    if (inline) parts.at(-1)!.reply_markup = inline;
    if (msg.requestContact !== undefined) parts.push({ text: msg.requestContact, reply_markup: contactKeyboard(msg.requestContact, []) });
  }

  const showsContactKeyboard = msg.requestContact !== undefined;
  if (opts.removeReplyKeyboard && !showsContactKeyboard && parts.length > 0) {
    const first = parts[0]!;
    if (first.reply_markup && 'inline_keyboard' in first.reply_markup) first.inlineAfterSend = first.reply_markup;
    first.reply_markup = REMOVE_KEYBOARD;
  }
  const edit = msg.edit && parts.length === 1 && !showsContactKeyboard && !opts.removeReplyKeyboard && !msg.attachments;
  return { parts, edit, showsContactKeyboard, ...(msg.attachments ? { attachments: msg.attachments } : {}) };
}

/** Label keys of the command buttons the engine makes (the reply keyboard shows them as text). */
export const COMMAND_BUTTON_LABELS: Readonly<Partial<Record<Command, string>>> = { back: 'common:button.back' };

/**
 * Every language's label of every command button, mapped to its command, so that the text a
 * reply-keyboard button sends ("◀ Back") is read as that command (see to-input.ts).
 */
export function replyLabels(tr: Translator): Map<string, Command> {
  const map = new Map<string, Command>();
  for (const [command, key] of Object.entries(COMMAND_BUTTON_LABELS) as [Command, string][]) {
    for (const lang of SUPPORTED_LANGS) map.set(tr.t(lang, key).trim(), command);
  }
  return map;
}

/**
 * One engine Output as the Bot API call the outbox makes (`sendMessage` with its inline
 * keyboard): reminders and nudges are single short messages with buttons.
 */
export function outboxMessage(rendered: RenderedMessage): { method: 'sendMessage'; params: Record<string, unknown> } {
  const part = planTelegramMessage(rendered).parts[0];
  if (!part) throw new RangeError('an outbox message needs text');
  return { method: 'sendMessage', params: { text: part.text, ...(part.reply_markup ? { reply_markup: part.reply_markup } : {}) } };
}
