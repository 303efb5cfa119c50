import type { Message, Update, User } from 'grammy/types';
import { DEFAULT_LANG } from '../../src/core/lang';
import { addStaff, useTestKorpu } from '../helpers/use-korpu';

/**
 * Staff commands typed in the case workers' group, through the whole bot against the fake Bot
 * API: each gets one short answer there, in the group's language (the alerts'), replying to it,
 * that points to the private chat with the bot; it names nobody and repeats nothing of what
 * followed the command. The workers' own talk, commands for other bots and `/end` replying to a
 * person's relayed message (which ends the talk) are not answered with it.
 */

const CASEWORKERS = -1009876543777;
const WORKER_ID = 7_100_001;
const WORKER_NAME = 'Nigar Həsənova';

describe("staff commands in the case workers' group", () => {
  const e2e = useTestKorpu({ env: { CASEWORKER_CHAT_ID: String(CASEWORKERS) } });
  let worker: User;

  beforeAll(async () => {
    ({ user: worker } = await addStaff(e2e, { id: WORKER_ID, name: WORKER_NAME, firstName: 'Nigar', lang: 'ru', langs: ['ru', 'az'], role: 'admin' }));
  });

  const group = () => e2e.api.updates.group({ id: CASEWORKERS, type: 'supergroup' });
  const t = (key: string, params?: Record<string, unknown>) => e2e.core.translator.t(DEFAULT_LANG, key, params);
  const link = () => `https://t.me/${e2e.api.botInfo.username}`;

  /** Resolves once the outbox has nothing left to send (the answers in the group wait their turn there). */
  async function drained(): Promise<void> {
    const end = Date.now() + 20_000;
    for (;;) {
      const counts = await e2e.korpu.outbox!.queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
      if (Object.values(counts).every((n) => n === 0)) return;
      if (Date.now() > end) throw new Error(`the outbox did not drain: ${JSON.stringify(counts)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Sends `text` in the group as `user`; returns what the bot sent anywhere in answer, with the update's message. */
  async function inGroup(user: User, text: string): Promise<{ message: Message; sent: { chat: string; text: string; replyTo: unknown }[] }> {
    const mark = e2e.api.mark();
    const update: Update = e2e.api.updates.groupText(user, group(), text);
    await e2e.bot.handleUpdate(update);
    await drained();
    const sent = e2e.api.callsSince(mark, 'sendMessage').map((c) => ({ chat: String(c.params.chat_id), text: String(c.params.text), replyTo: (c.params.reply_parameters as { message_id?: number } | undefined)?.message_id }));
    return { message: update.message!, sent };
  }

  it('answers /today, /help, /roster… in the group with a pointer to the private chat, in the group’s language, as a reply', async () => {
    for (const command of ['today', 'help', 'roster', 'case']) {
      const { message, sent } = await inGroup(worker, `/${command}`);
      expect(sent).toEqual([{ chat: String(CASEWORKERS), text: t('caseworker:group.private_only', { command, link: link() }), replyTo: message.message_id }]);
    }
    // Addressed to the bot by its username too.
    const { sent } = await inGroup(worker, `/today@${e2e.api.botInfo.username}`);
    expect(sent.map((s) => s.text)).toEqual([t('caseworker:group.private_only', { command: 'today', link: link() })]);
    expect(sent[0]!.text).toContain(link());
  });

  it('posts no personal data: no name, no case code, nothing of what followed the command, nothing in a private chat', async () => {
    const { sent } = await inGroup(worker, '/audit KP-7G4Q-M2XD');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.chat).toBe(String(CASEWORKERS));
    for (const secret of ['KP-7G4Q-M2XD', WORKER_NAME, 'Nigar', String(WORKER_ID)]) expect(sent[0]!.text).not.toContain(secret);
    expect(sent[0]!.text).toBe(t('caseworker:group.private_only', { command: 'audit', link: link() }));
  });

  it('leaves the workers’ own talk and other bots’ commands alone, and tells /end how a talk is ended', async () => {
    expect((await inGroup(worker, 'KP-7G4Q-M2XD called back, I will see her at 10')).sent).toEqual([]);
    expect((await inGroup(worker, '/today@some_other_bot')).sent).toEqual([]);
    expect((await inGroup(worker, `@${e2e.api.botInfo.username} thanks`)).sent).toEqual([]);
    expect((await inGroup(worker, '/end')).sent.map((s) => s.text)).toEqual([t('caseworker:group.end_as_reply')]);
  });

  it('still ends a talk with /end replying to the person’s relayed message, without the pointer', async () => {
    const person = e2e.api.updates.user({ language_code: 'ru' });
    await e2e.bot.handleUpdate(e2e.api.updates.command(person, '/start'));
    await e2e.bot.handleUpdate(e2e.api.updates.callback(person, e2e.api.lastMessage(person.id)!, 'c:language:ru'));
    await e2e.bot.handleUpdate(e2e.api.updates.callback(person, e2e.api.lastMessage(person.id)!, 'c:menu:person'));
    const code = (await e2e.core.runner.peek(e2e.core.runner.conversationId('telegram', String(person.id))))!.caseCode!;
    const before = e2e.api.sentMessages(CASEWORKERS).length;
    await e2e.bot.handleUpdate(e2e.api.updates.text(person, 'I need help with a document'));
    // The request's alert to the group is sent from the effect stream, after the step: waited
    // for here, so that it does not land among what /end answers.
    await e2e.korpu.settled();
    const relayed = e2e.api.sentMessages(CASEWORKERS).slice(before).find((m) => !m.reply_markup && m.text?.includes('I need help with a document'))!;
    await drained(); // the group's alert of the request to talk, waiting for its turn there
    const mark = e2e.api.mark();
    await e2e.bot.handleUpdate(e2e.api.updates.message(worker, { text: '/end', reply_to_message: relayed } as Partial<Message>, group()));
    const said = e2e.api.callsSince(mark, 'sendMessage').filter((c) => String(c.params.chat_id) === String(CASEWORKERS)).map((c) => String(c.params.text));
    // Said in the group, so in the group's language (CASEWORKER_CHAT_LANG, az here), not the worker's Russian.
    expect(said).toEqual([t('handoff:talk.staff.ended', { code })]);
  });
});
