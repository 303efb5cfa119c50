import type { Answer } from '../../bench/workload';
import type { Message, Update, User } from 'grammy/types';
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

/**
 * A person, in English, through the whole intake on Telegram as a test's fake Bot API carries it:
 * the diagnosis, consent C, the details, the last of the first free times offered, the referral,
 * the address and no question. The case workers' diagnosis, booking and intake alerts follow.
 * Resolves with the case code.
 */
export async function wholeIntake(e2e: { api: FakeBotApi; bot: { handleUpdate(u: Update): Promise<void> }; core: { flows: Pick<FlowRegistry, 'all'>; runner: { peek(id: string): Promise<{ caseCode?: string } | undefined>; conversationId(channel: string, chatId: string): string } } }, person: User): Promise<string> {
  const send = (u: Update) => e2e.bot.handleUpdate(u);
  const tapOn = async (node: string, value: string) => {
    const [m, data] = choiceButton(e2e.api, e2e.core.flows, person.id, node, value);
    await send(e2e.api.updates.callback(person, m, data));
  };
  await send(e2e.api.updates.command(person, '/start'));
  for (const [node, value] of [['language', 'en'], ['menu', 'eligibility'], ['age', 'adult'], ['q1', 'yes'], ['q2', 'yes'], ['q3', 'health_social'], ['q3', '__done'], ['continue', 'yes'], ['agree', 'C']] as const) await tapOn(node, value);
  for (const t of ['14.02.1995', 'Nigar', 'Məmmədova', 'Afghanistan']) await send(e2e.api.updates.text(person, t));
  await tapOn('reason', 'family');
  await send(e2e.api.updates.contact(person, '994501234567'));
  const offer = [...e2e.api.sentMessages(person.id)].reverse().find((m) => m.reply_markup?.inline_keyboard.flat().some((b) => 'callback_data' in b && /^c:[a-z_]+:s_\d{12}_/.test(b.callback_data ?? '')));
  if (!offer) throw new Error(`no free time offered to ${person.id}`);
  const slot = offer.reply_markup!.inline_keyboard.flat().find((b) => 'callback_data' in b && /^c:[a-z_]+:s_\d{12}_/.test(b.callback_data ?? '')) as { callback_data: string };
  await send(e2e.api.updates.callback(person, offer, slot.callback_data));
  await tapOn('referral', 'friend_family');
  await send(e2e.api.updates.text(person, 'Bakı, Nizami küçəsi 5'));
  await tapOn('questions', '__skip');
  return (await e2e.core.runner.peek(e2e.core.runner.conversationId('telegram', String(person.id))))!.caseCode!;
}
