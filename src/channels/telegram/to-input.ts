import type { Message, Update } from 'grammy/types';
import { CommandSchema, type Command, type Input, type TextRef } from '../../core/conversation';
import { decodeCallbackData, type NodeLookup } from './callback-data';
import { TELEGRAM_TEXT_MAX } from './split-text';

/** What an update means for the conversation. */
export type Converted =
  /** Run `input` through the engine; say `notices` (channel notices) before its answer. */
  | { kind: 'input'; input: Input; notices: TextRef[] }
  /** Not something a person said to the bot (service messages, other update types). */
  | { kind: 'ignore' };

/** Lookups `toInput` needs from outside (built once per bot; pure data). */
export interface ToInputOptions {
  /** Finds long node ids behind hashed callback data (see callback-data.ts). */
  lookup?: NodeLookup;
  /**
   * Labels of reply-keyboard text buttons and the command each stands for (the Back button
   * shown next to "share my phone number" sends its label as text), in every language.
   */
  replyLabels?: ReadonlyMap<string, Command>;
  /** Longest text passed to the engine, in characters; longer texts are cut (with a notice). */
  maxText?: number;
}

/** Notice shown before the engine's answer when someone shares another person's contact. */
export const CONTACT_NOT_OWN: TextRef = { key: 'common:channel.contact_not_own' };

const COMMAND = /^\/([A-Za-z0-9_]{1,64})(?:@[A-Za-z0-9_]+)?(?=\s|$)/;

/**
 * Turns a Telegram update from a private chat into engine Input. Pure: the update is data,
 * nothing is sent or read.
 *
 * - text → `text`; `/start`, `/back`, `/restart`, `/language`, `/help`, `/menu` (also
 *   `/start@korpu_bot`, payloads ignored) → `command`; any other `/word` → `unknown_command`;
 * - a button tap → the action in its callback data; unreadable data → a stale choice (the
 *   engine answers `common:notice.stale_button`);
 * - a shared contact → `contact` only when it is the sender's own (`contact.user_id ===
 *   from.id`). Someone else's contact card is not taken as the person's number: it becomes an
 *   empty text (so the engine re-asks the current question with its usual hint) preceded by
 *   `common:channel.contact_not_own`, which asks for their own number or to type the one to
 *   call. Typing a relative's number stays possible and deliberate;
 * - stickers, photos, voice, video, files, locations, edits … → `unsupported` with its kind
 *   (an edit made during a talk with a case worker never reaches the engine: the conversation
 *   composer yields it to the talk, which relays the new text as an edit);
 * - texts longer than `maxText` (4096) are cut to their beginning, marked `cut` with their
 *   whole length: the engine tells the person what became of it (see InputSchema).
 *
 * @example toInput(update) // { kind: 'input', input: { type: 'text', text: 'Aysel' }, notices: [] }
 */
export function toInput(update: Update, opts: ToInputOptions = {}): Converted {
  if (update.callback_query) return input(decodeCallbackData(update.callback_query.data, opts.lookup));
  if (update.edited_message) return input({ type: 'unsupported', kind: 'edited' });
  const msg = update.message;
  if (!msg) return { kind: 'ignore' };
  if (msg.text !== undefined) return fromText(msg.text, opts);
  if (msg.contact) {
    const own = msg.from !== undefined && msg.contact.user_id === msg.from.id;
    if (own) return input({ type: 'contact', phone: normalizePhone(msg.contact.phone_number) });
    return input({ type: 'text', text: '' }, [CONTACT_NOT_OWN]);
  }
  const kind = unsupportedKind(msg);
  return kind ? input({ type: 'unsupported', kind }) : { kind: 'ignore' };
}

function input(i: Input, notices: TextRef[] = []): Converted {
  return { kind: 'input', input: i, notices };
}

function fromText(raw: string, opts: ToInputOptions): Converted {
  const command = COMMAND.exec(raw);
  if (command) {
    const name = command[1]!.toLowerCase();
    const known = CommandSchema.safeParse(name);
    return input(known.success ? { type: 'command', name: known.data } : { type: 'unknown_command', name: name.slice(0, 32) });
  }
  const label = opts.replyLabels?.get(raw.trim());
  if (label) return input({ type: 'command', name: label });
  const max = opts.maxText ?? TELEGRAM_TEXT_MAX;
  const chars = [...raw];
  if (chars.length <= max) return input({ type: 'text', text: raw });
  // Cut, so that a huge update costs no more than a long message; the engine says what became of
  // it (its beginning kept, or refused with its true length), in one answer.
  return input({ type: 'text', text: chars.slice(0, max).join(''), cut: chars.length });
}

/** Telegram gives contact numbers without the `+` (`994501234567`); the engine wants E.164-ish. */
export function normalizePhone(phone: string): string {
  const trimmed = phone.trim();
  return /^\d+$/.test(trimmed) ? `+${trimmed}` : trimmed;
}

type Unsupported = Extract<Input, { type: 'unsupported' }>['kind'];

/** Message contents a person sends but the bot cannot read; service messages give undefined. */
function unsupportedKind(msg: Message): Unsupported | undefined {
  if (msg.sticker) return 'sticker';
  if (msg.photo) return 'photo';
  if (msg.voice || msg.audio) return 'voice';
  // An animation (GIF) also carries `document`, so it is checked first.
  if (msg.video || msg.video_note || msg.animation) return 'video';
  if (msg.document) return 'document';
  if (msg.location || msg.venue) return 'location';
  if (msg.dice || msg.poll || msg.game || msg.story || msg.paid_media || msg.checklist) return 'other';
  return undefined;
}
