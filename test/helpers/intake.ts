import type { Answer } from '../../bench/workload';
import type { Message } from 'grammy/types';
import { callbackLookup, decodeCallbackData } from '../../src/channels/telegram';
import type { FlowRegistry } from '../../src/flows/registry';
import type { FakeBotApi } from './fake-bot-api';

/** What a test's person answers in the intake; each has the value most tests use. */
export interface IntakeAnswers {
  consent?: 'A' | 'B' | 'C';
  firstName?: string;
  surname?: string;
  reason?: 'work' | 'study' | 'family' | 'asylum' | 'other';
}

const tap = (node: string, value: string): Answer => ({ kind: 'tap', node, value });
const text = (t: string): Answer => ({ kind: 'text', text: t });

/**
 * The intake as flows/*.yaml run it, from /start through "Book a meeting" to the free times
 * offered (15 updates): language, the diagnosis, consent in one tap, date of birth, name,
 * country, reason and the phone by the contact button. The test taps a time itself (see
 * {@link firstFreeTime}) where the moment of booking matters.
 */
export function intakeUntilTimes(lang: string, a: IntakeAnswers = {}): Answer[] {
  return [
    { kind: 'command', text: '/start' }, tap('language', lang), tap('menu', 'book'), tap('age', 'adult'), tap('q1', 'yes'), tap('q2', 'yes'),
    tap('q3', 'planning'), tap('q3', '__done'), tap('agree', a.consent ?? 'A'),
    text('14.02.1995'), text(a.firstName ?? 'Aysel'), text(a.surname ?? 'Quliyeva'), text('Afghanistan'),
    tap('reason', a.reason ?? 'work'), { kind: 'contact', phone: '994501234567' },
  ];
}

/** The button of the first free time offered in the last message to `chatId`. */
export function firstFreeTime(api: FakeBotApi, chatId: number): { text: string; callback_data: string } {
  const offer = api.lastMessage(chatId);
  const button = offer?.reply_markup?.inline_keyboard.flat().find((b) => 'callback_data' in b && b.callback_data!.startsWith('c:pick_time:s_'));
  if (!button) throw new Error(`no free time offered to ${chatId}: ${offer?.text ?? 'no message'}`);
  return button as { text: string; callback_data: string };
}

/**
 * The newest bot message in chat `chatId` with a choice button for `node`/`value` (its
 * callback data read as the bot reads it), and that button's data, for a tap update.
 */
export function choiceButton(api: FakeBotApi, flows: Pick<FlowRegistry, 'all'>, chatId: number, node: string, value: string): [Message, string] {
  const lookup = callbackLookup(flows.all().flatMap((f) => [...f.nodes.keys()]));
  for (const message of [...api.sentMessages(chatId)].reverse()) {
    for (const b of message.reply_markup?.inline_keyboard.flat() ?? []) {
      if (!('callback_data' in b)) continue;
      const d = decodeCallbackData(b.callback_data, lookup);
      if (d.type === 'choice' && d.node === node && d.value === value) return [message, b.callback_data];
    }
  }
  throw new Error(`no button ${node}/${value} in the chat`);
}
