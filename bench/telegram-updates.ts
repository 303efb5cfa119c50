import type { Update, User } from 'grammy/types';
import { BENCH_BOT_INFO } from './fake-bot-api';

/**
 * Builds updates as Telegram sends them to a bot: private-chat messages with `from`, `chat`,
 * `date` (and `entities` for commands), button taps as `callback_query` with the message that
 * carried the button, a shared contact with the sender's own `user_id`.
 */

/** One synthetic person: a Telegram user chatting privately with the bot. */
export interface Person {
  /** The person's number in their phase (`person(n, base)`). */
  n: number;
  /** Telegram user id = private chat id. */
  id: number;
  user: User;
  /** The language the person picks (also their app's language_code). */
  lang: 'az' | 'ru' | 'en';
  /** Message ids in this chat (Telegram counts them per chat). */
  nextMessageId: number;
}

const FIRST_NAMES = ['Aysel', 'Farid', 'Leyla', 'Rashid', 'Olena', 'Dilnoza', 'Murad', 'Zahra'];
const LANGS = ['az', 'ru', 'en'] as const;

/** Person number `n` of a run (ids are unique per run; `base` separates runs and bots). */
export function person(n: number, base = 0): Person {
  const id = 5_000_000_000 + base * 10_000_000 + n;
  const lang = LANGS[n % LANGS.length]!;
  return {
    n,
    id,
    user: { id, is_bot: false, first_name: FIRST_NAMES[n % FIRST_NAMES.length]!, language_code: lang },
    lang,
    nextMessageId: 1,
  };
}

let updateId = 100_000_000;
/**
 * Update ids must never repeat for one bot (Körpü ignores a redelivered update id). Each phase
 * of a run that makes updates in another process starts its own range with this.
 */
export function useUpdateIds(from: number): void {
  updateId = from;
}
function nextUpdateId(): number {
  return ++updateId;
}

function chatOf(p: Person) {
  return { id: p.id, type: 'private' as const, first_name: p.user.first_name };
}

const now = () => Math.floor(Date.now() / 1000);

/** A text message; `/commands` get their `bot_command` entity. */
export function textUpdate(p: Person, text: string): Update {
  const command = /^\/[A-Za-z0-9_]+/.exec(text);
  return {
    update_id: nextUpdateId(),
    message: {
      message_id: p.nextMessageId++,
      from: p.user,
      chat: chatOf(p),
      date: now(),
      text,
      ...(command ? { entities: [{ type: 'bot_command' as const, offset: 0, length: command[0].length }] } : {}),
    },
  } as Update;
}

/** A tap on an inline button with `data`, on a message of the bot in the chat. */
export function tapUpdate(p: Person, data: string): Update {
  const id = nextUpdateId();
  return {
    update_id: id,
    callback_query: {
      id: String(4_000_000_000_000 + id),
      from: p.user,
      chat_instance: String(-7_000_000_000 - p.id),
      data,
      message: {
        message_id: p.nextMessageId++,
        from: { id: BENCH_BOT_INFO.id, is_bot: true, first_name: BENCH_BOT_INFO.first_name, username: BENCH_BOT_INFO.username },
        chat: chatOf(p),
        date: now(),
        text: '…',
      },
    },
  } as Update;
}

/** The person shares their own phone number with the "share my phone number" button. */
export function contactUpdate(p: Person, phone: string): Update {
  return {
    update_id: nextUpdateId(),
    message: {
      message_id: p.nextMessageId++,
      from: p.user,
      chat: chatOf(p),
      date: now(),
      contact: { phone_number: phone, first_name: p.user.first_name, user_id: p.id },
    },
  } as Update;
}
