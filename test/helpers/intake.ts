import type { Answer } from '../../bench/workload';
import type { Message, Update, User } from 'grammy/types';
import { callbackLookup, decodeCallbackData } from '../../src/channels/telegram';
import type { NodeLookup } from '../../src/channels/telegram/callback-data';
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

/** The node ids of every flow, for reading a button's callback data as the bot reads it. */
export const nodeLookupOf = (flows: Pick<FlowRegistry, 'all'>): NodeLookup => callbackLookup(flows.all().flatMap((f) => [...f.nodes.keys()]));

/**
 * The newest bot message in chat `chatId` with a choice button for `node`/`value` (its
 * callback data read as the bot reads it), and that button's data, for a tap update.
 * `flows`: the running flows, or a lookup of their node ids made once.
 */
export function choiceButton(api: FakeBotApi, flows: Pick<FlowRegistry, 'all'> | NodeLookup, chatId: number, node: string, value: string): [Message, string] {
  const lookup = 'all' in flows ? nodeLookupOf(flows) : flows;
  for (const message of [...api.sentMessages(chatId)].reverse()) {
    for (const b of message.reply_markup?.inline_keyboard.flat() ?? []) {
      if (!('callback_data' in b)) continue;
      const d = decodeCallbackData(b.callback_data, lookup);
      if (d.type === 'choice' && d.node === node && d.value === value) return [message, b.callback_data];
    }
  }
  throw new Error(`no button ${node}/${value} in the chat`);
}

/** How a test's person goes through the whole intake; each has the value most tests use. */
export interface WholeIntakeWay {
  /** the consent option tapped (default C) */
  consent?: 'A' | 'B' | 'C';
  /** what they tap at Q3, the needs (default: health and social services) */
  needs?: string[];
  /** a question typed at the last step (default: none, skipped) */
  question?: string;
}

const isSlot = (data: string) => /^c:[a-z_]+:s_\d{12}_/.test(data);

/**
 * A person, in English, through the whole intake on Telegram, each update handed to `send`
 * (a bot in the test's process, or web processes over HTTP): the diagnosis, consent, the
 * details, the LAST of the first free times offered (a meeting early tomorrow booked in the
 * evening would have no reminder left to send), the referral, the address and the question.
 * The buttons are read from the fake Bot API's record of what the bot sent.
 */
export async function answerWholeIntake(api: FakeBotApi, lookup: NodeLookup, send: (u: Update) => Promise<void>, person: User, way: WholeIntakeWay = {}): Promise<void> {
  const tapOn = async (node: string, value: string) => {
    const [m, data] = choiceButton(api, lookup, person.id, node, value);
    await send(api.updates.callback(person, m, data));
  };
  await send(api.updates.command(person, '/start'));
  const needs = way.needs ?? ['health_social'];
  const taps: [string, string][] = [['language', 'en'], ['menu', 'eligibility'], ['age', 'adult'], ['q1', 'yes'], ['q2', 'yes'], ...needs.map((n): [string, string] => ['q3', n]), ['q3', '__done'], ['continue', 'yes'], ['agree', way.consent ?? 'C']];
  for (const [node, value] of taps) await tapOn(node, value);
  for (const t of ['14.02.1995', 'Nigar', 'Məmmədova', 'Afghanistan']) await send(api.updates.text(person, t));
  await tapOn('reason', 'family');
  await send(api.updates.contact(person, '994501234567'));
  const offer = [...api.sentMessages(person.id)].reverse().find((m) => m.reply_markup?.inline_keyboard.flat().some((b) => 'callback_data' in b && isSlot(b.callback_data ?? '')));
  if (!offer) throw new Error(`no free time offered to ${person.id}`);
  const slot = offer.reply_markup!.inline_keyboard.flat().flatMap((b) => ('callback_data' in b && b.callback_data && isSlot(b.callback_data) ? [b.callback_data] : [])).at(-1)!;
  await send(api.updates.callback(person, offer, slot));
  await tapOn('referral', 'friend_family');
  await send(api.updates.text(person, 'Bakı, Nizami küçəsi 5'));
  if (way.question) await send(api.updates.text(person, way.question));
  else await tapOn('questions', '__skip');
}

/**
 * {@link answerWholeIntake} through a test's bot in this process; the case workers' diagnosis,
 * booking and intake alerts follow. Resolves with the case code.
 */
export async function wholeIntake(e2e: { api: FakeBotApi; bot: { handleUpdate(u: Update): Promise<void> }; core: { flows: Pick<FlowRegistry, 'all'>; runner: { peek(id: string): Promise<{ caseCode?: string } | undefined>; conversationId(channel: string, chatId: string): string } } }, person: User, way: WholeIntakeWay = {}): Promise<string> {
  await answerWholeIntake(e2e.api, nodeLookupOf(e2e.core.flows), (u) => e2e.bot.handleUpdate(u), person, way);
  return (await e2e.core.runner.peek(e2e.core.runner.conversationId('telegram', String(person.id))))!.caseCode!;
}
