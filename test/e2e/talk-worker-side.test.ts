import type { Message, Update, User } from 'grammy/types';
import { ClaimStore } from '../../src/caseworkers/claims';
import { removeStaff } from '../../src/caseworkers/desk';
import { RelayStore } from '../../src/caseworkers/relay-store';
import { languageNameIn } from '../../src/i18n/language-names';
import { addStaff, useTestKorpu } from '../helpers/use-korpu';

/**
 * "Talk to a person" from a busy case worker's side: an answer they correct by editing it reaches
 * the person as a correction, and an answer typed into their private chat without replying to
 * the person's message is not taken for a new person's first message (the language picker):
 * they are told it reached nobody and how to answer.
 */

const CASEWORKERS = -1009876543311;

describe('talk to a person, the worker’s side', () => {
  const e2e = useTestKorpu({ env: { CASEWORKER_CHAT_ID: String(CASEWORKERS) }, telegramLimits: { groupMax: 1000 } });
  let nigar: User;
  let nigarId: string;
  let rauf: User;
  let raufId: string;

  beforeAll(async () => {
    ({ user: nigar, staffId: nigarId } = await addStaff(e2e, { name: 'Nigar', firstName: 'Nigar', lang: 'az', langs: ['az', 'ru'] }));
    ({ user: rauf, staffId: raufId } = await addStaff(e2e, { name: 'Rauf', firstName: 'Rauf', lang: 'ru', langs: ['ru', 'az'] }));
  });


  /** Someone in `lang` who asked to talk to a person and wrote `text`, the case claimed by `staffId`: the message the worker got. */
  async function talkWith(lang: string, staffId: string, worker: User, text: string): Promise<{ person: User; code: string; relayed: Message }> {
    const person = e2e.api.updates.user({ language_code: lang });
    await e2e.bot.handleUpdate(e2e.api.updates.command(person, '/start'));
    await e2e.bot.handleUpdate(e2e.api.updates.callback(person, e2e.api.lastMessage(person.id)!, `c:language:${lang}`));
    await e2e.bot.handleUpdate(e2e.api.updates.callback(person, e2e.api.lastMessage(person.id)!, 'c:menu:person'));
    const code = (await e2e.core.runner.peek(e2e.core.runner.conversationId('telegram', String(person.id))))!.caseCode!;
    expect(await new ClaimStore(e2e.redis, e2e.core.keys).claim(code, staffId, new Date())).toMatchObject({ outcome: 'claimed' });
    await e2e.bot.handleUpdate(e2e.api.updates.text(person, text));
    const relayed = e2e.api.sentMessages(worker.id).at(-1)!;
    expect(relayed.text).toContain(text);
    return { person, code, relayed };
  }

  it('a worker who edits an answer (a time put right) has the person get the correction, marked as one, and kept so with the case', async () => {
    const { person, code, relayed } = await talkWith('ru', raufId, rauf, 'Когда мне прийти?');
    const t = (key: string, params?: Record<string, unknown>) => e2e.core.translator.t('ru', key, params);
    const answer = e2e.api.updates.message(rauf, { text: 'Приходите завтра в 10:00', reply_to_message: relayed } as Partial<Message>);
    await e2e.bot.handleUpdate(answer);
    await e2e.api.waitForCalls((c) => c.method === 'sendMessage' && c.params.chat_id === person.id && c.params.text === t('handoff:talk.from_worker', { text: 'Приходите завтра в 10:00' }));

    // Telegram sends the edit as an edited_message, still a reply to the person's message.
    const mark = e2e.api.mark();
    const edited = { update_id: e2e.api.updates.nextUpdateId(), edited_message: { ...answer.message!, text: 'Приходите завтра в 11:00', edit_date: Math.floor(Date.now() / 1000) } } as Update;
    await e2e.bot.handleUpdate(edited);
    await e2e.api.waitForCalls((c) => c.method === 'sendMessage' && c.params.chat_id === person.id && c.params.text === t('handoff:talk.from_worker_edited', { text: 'Приходите завтра в 11:00' }), 1, 15_000, mark);
    const kept = (await new RelayStore(e2e.redis, e2e.prefix, e2e.core.cipher).messages(code)).filter((m) => m.from === 'worker');
    expect(kept.map((m) => [m.text, m.edit])).toEqual([['Приходите завтра в 10:00', undefined], ['Приходите завтра в 11:00', true]]);
    // Telegram may deliver the edit again: the person gets the correction once.
    await e2e.bot.handleUpdate(edited);
    await e2e.korpu.settled();
    expect(e2e.api.sentMessages(person.id).filter((m) => m.text?.includes('11:00'))).toHaveLength(1);
  });

  it('a message of either side that Telegram delivers twice (a process died before answering it) reaches the other side once and is kept once', async () => {
    const { person, code, relayed } = await talkWith('ru', raufId, rauf, 'Первое сообщение');
    // The person writes again; the update comes twice, as Telegram resends one it got no answer for.
    const before = e2e.api.sentMessages(rauf.id).length;
    const again = e2e.api.updates.text(person, 'Мне нужен врач');
    await e2e.bot.handleUpdate(again);
    await e2e.bot.handleUpdate(again);
    expect(e2e.api.sentMessages(rauf.id).slice(before).filter((m) => m.text?.includes('Мне нужен врач'))).toHaveLength(1);
    // The worker's answer, delivered twice too: the person gets it once (the outbox's id), the case keeps it once.
    const answer = e2e.api.updates.message(rauf, { text: 'Завтра в 10:00', reply_to_message: relayed } as Partial<Message>);
    await e2e.bot.handleUpdate(answer);
    await e2e.bot.handleUpdate(answer);
    await e2e.korpu.settled();
    // Through the outbox: sent once it is the chat's turn; a second copy would follow it at once.
    await e2e.api.waitForCalls((c) => c.method === 'sendMessage' && c.params.chat_id === person.id && String(c.params.text).includes('Завтра в 10:00'));
    await new Promise((r) => setTimeout(r, 1_500));
    expect(e2e.api.sentMessages(person.id).filter((m) => m.text?.includes('Завтра в 10:00'))).toHaveLength(1);
    const kept = await new RelayStore(e2e.redis, e2e.prefix, e2e.core.cipher).messages(code);
    expect(kept.map((m) => [m.from, m.text])).toEqual([['person', 'Первое сообщение'], ['person', 'Мне нужен врач'], ['worker', 'Завтра в 10:00']]);
  });

  it('a worker who types an answer into the private chat without replying is told it reached nobody, and how to answer; not asked for a language', async () => {
    const { person, relayed } = await talkWith('az', nigarId, nigar, 'Salam, sənədlərim barədə sualım var');
    const personBefore = e2e.api.sentMessages(person.id).length;
    const mark = e2e.api.mark();
    await e2e.bot.handleUpdate(e2e.api.updates.text(nigar, 'Salam! Sabah saat 10-da gələ bilərsiniz.'));
    const replies = e2e.api.callsSince(mark, 'sendMessage').filter((c) => c.params.chat_id === nigar.id).map((c) => String(c.params.text));
    expect(replies).toEqual([e2e.core.translator.t('az', 'caseworker:stray.not_passed_on')]);
    // Nothing of it became a conversation of her own with the bot (a person's intake).
    expect(await e2e.core.runner.peek(e2e.core.runner.conversationId('telegram', String(nigar.id)))).toBeUndefined();

    // /end on its own: how to end a talk.
    await e2e.bot.handleUpdate(e2e.api.updates.command(nigar, '/end'));
    expect(e2e.api.lastMessage(nigar.id)!.text).toBe(e2e.core.translator.t('az', 'caseworker:group.end_as_reply'));
    await e2e.korpu.settled();
    expect(e2e.api.sentMessages(person.id)).toHaveLength(personBefore);

    // Done as told, the answer reaches the person.
    await e2e.bot.handleUpdate(e2e.api.updates.message(nigar, { text: 'Salam! Sabah saat 10-da gələ bilərsiniz.', reply_to_message: relayed } as Partial<Message>));
    await e2e.api.waitForCalls((c) => c.method === 'sendMessage' && c.params.chat_id === person.id && c.params.text === e2e.core.translator.t('az', 'handoff:talk.from_worker', { text: 'Salam! Sabah saat 10-da gələ bilərsiniz.' }));

    // A worker who tries the bot as a person (/start, as /help offers) goes on with it.
    await e2e.bot.handleUpdate(e2e.api.updates.command(nigar, '/start'));
    await e2e.bot.handleUpdate(e2e.api.updates.text(nigar, 'Azərbaycan dili'));
    expect(e2e.api.lastMessage(nigar.id)!.text).not.toBe(e2e.core.translator.t('az', 'caseworker:stray.not_passed_on'));
    expect(await e2e.core.runner.peek(e2e.core.runner.conversationId('telegram', String(nigar.id)))).toBeDefined();
  });

  it('a second /end (sent twice, or by a colleague after the holder) ends nothing more: the person is told once and asked their question once', async () => {
    const { person, relayed } = await talkWith('ru', raufId, rauf, 'Спасибо, всё понятно');
    const t = (key: string) => e2e.core.translator.t('ru', key);
    const mark = e2e.api.mark();
    const end = () => e2e.api.updates.message(rauf, { text: '/end', reply_to_message: relayed } as Partial<Message>);
    await e2e.bot.handleUpdate(end());
    await e2e.api.waitForCalls((c) => c.method === 'sendMessage' && c.params.chat_id === person.id && String(c.params.text).includes(t('handoff:message.prompt')), 1, 15_000, mark);
    await e2e.bot.handleUpdate(end());
    // The worker is told it is ended, as the first time.
    expect(e2e.api.lastMessage(rauf.id)!.text).toBe(e2e.core.translator.t('ru', 'handoff:talk.staff.ended', { code: relayed.text!.match(/KP-[A-Z0-9-]+/)![0] }));
    // Anything the second /end queued for the person goes out before a later message of the worker's (a chat's messages go in the order queued).
    await e2e.bot.handleUpdate(e2e.api.updates.message(rauf, { text: 'P.S. Звоните, если что.', reply_to_message: relayed } as Partial<Message>));
    await e2e.api.waitForCalls((c) => c.method === 'sendMessage' && c.params.chat_id === person.id && String(c.params.text).includes('P.S. Звоните'), 1, 15_000, mark);
    const toPerson = e2e.api.callsSince(mark, 'sendMessage').filter((c) => c.params.chat_id === person.id).map((c) => String(c.params.text));
    expect(toPerson.filter((x) => x === t('handoff:talk.ended'))).toHaveLength(1);
    expect(toPerson.filter((x) => x.includes(t('handoff:message.prompt')))).toHaveLength(1);
  });

  it('a worker answering a person who blocked the bot is told so, for a text and a photo alike; once unblocked, the answer reaches them', async () => {
    const { person, code, relayed } = await talkWith('az', nigarId, nigar, 'Salam, sabah gələ bilmərəm');
    await e2e.bot.handleUpdate(e2e.api.updates.myChatMember(person, 'kicked'));
    const mark = e2e.api.mark();
    await e2e.bot.handleUpdate(e2e.api.updates.message(nigar, { text: 'Başqa gün gələ bilərsiniz?', reply_to_message: relayed } as Partial<Message>));
    const blocked = e2e.core.translator.t('az', 'handoff:talk.staff.blocked', { code });
    expect(e2e.api.lastMessage(nigar.id)!.text).toBe(blocked);
    await e2e.bot.handleUpdate(e2e.api.updates.message(nigar, { photo: [{ file_id: 'map1', file_unique_id: 'umap1', width: 800, height: 600 }], caption: 'Ofisin xəritəsi', reply_to_message: relayed } as Partial<Message>));
    expect(e2e.api.lastMessage(nigar.id)!.text).toBe(blocked);
    await e2e.korpu.settled();
    expect(e2e.api.callsSince(mark).filter((c) => c.params.chat_id === person.id)).toEqual([]);

    // Unblocked: the worker's answer goes to them again.
    await e2e.bot.handleUpdate(e2e.api.updates.myChatMember(person, 'member'));
    await e2e.bot.handleUpdate(e2e.api.updates.message(nigar, { text: 'Başqa gün gələ bilərsiniz?', reply_to_message: relayed } as Partial<Message>));
    await e2e.api.waitForCalls((c) => c.method === 'sendMessage' && c.params.chat_id === person.id && c.params.text === e2e.core.translator.t('az', 'handoff:talk.from_worker', { text: 'Başqa gün gələ bilərsiniz?' }), 1, 15_000, mark);

    // Blocked again without the bot hearing of it: Telegram refuses the photo's copy (sent through
    // the outbox, in turn with the worker's texts), and the worker is told the same.
    const again = e2e.api.mark();
    e2e.api.failNext('copyMessage', { code: 403, description: 'Forbidden: bot was blocked by the user' });
    await e2e.bot.handleUpdate(e2e.api.updates.message(nigar, { photo: [{ file_id: 'map1', file_unique_id: 'umap1', width: 800, height: 600 }], reply_to_message: relayed } as Partial<Message>));
    await e2e.api.waitForCalls((c) => c.method === 'sendMessage' && c.params.chat_id === nigar.id && c.params.text === blocked, 1, 15_000, again);
    expect(e2e.api.callsSince(again).filter((c) => c.params.chat_id === person.id).map((c) => [c.method, c.failedWith])).toEqual([['copyMessage', 403]]);
  });

  it('a worker who answers by replying to the alert in the case workers’ chat (no message of the person’s) is told there that it reached nobody, and how to write first', async () => {
    const person = e2e.api.updates.user({ language_code: 'ru' });
    await e2e.bot.handleUpdate(e2e.api.updates.command(person, '/start'));
    await e2e.bot.handleUpdate(e2e.api.updates.callback(person, e2e.api.lastMessage(person.id)!, 'c:language:ru'));
    await e2e.bot.handleUpdate(e2e.api.updates.callback(person, e2e.api.lastMessage(person.id)!, 'c:menu:person'));
    const code = (await e2e.core.runner.peek(e2e.core.runner.conversationId('telegram', String(person.id))))!.caseCode!;
    await e2e.api.waitForCalls((c) => c.method === 'sendMessage' && c.params.chat_id === CASEWORKERS && String(c.params.text).includes(code) && String(c.params.text).startsWith('🙋'));
    const alert = e2e.api.sentMessages(CASEWORKERS).find((m) => m.text?.startsWith('🙋') && m.text.includes(code))!;
    const personBefore = e2e.api.sentMessages(person.id).length;
    const mark = e2e.api.mark();
    const groupChat = e2e.api.updates.group({ id: CASEWORKERS, type: 'supergroup' });
    const answer = e2e.api.updates.message(rauf, { text: 'Здравствуйте, чем могу помочь?', reply_to_message: alert } as Partial<Message>, groupChat);
    await e2e.bot.handleUpdate(answer);
    // (The bot's answers to the worker's message, told apart from anything the outbox sends the group meanwhile.)
    const answersTo = (m: number, id: number) => e2e.api.callsSince(m, 'sendMessage').filter((c) => c.params.chat_id === CASEWORKERS && (c.params.reply_parameters as { message_id?: number } | undefined)?.message_id === id);
    // Posted through the outbox, in turn with the group's alerts.
    await e2e.api.waitForCalls((c) => c.method === 'sendMessage' && c.params.chat_id === CASEWORKERS && (c.params.reply_parameters as { message_id?: number } | undefined)?.message_id === answer.message!.message_id, 1, 15_000, mark);
    const said = answersTo(mark, answer.message!.message_id).map((c) => String(c.params.text));
    expect(said).toEqual([e2e.core.translator.t('az', 'caseworker:group.not_passed_on', { link: `https://t.me/${e2e.api.botInfo.username}` })]);
    await e2e.korpu.settled();
    expect(e2e.api.sentMessages(person.id)).toHaveLength(personBefore);

    // Someone's ordinary talk in the group, not a reply to the bot, is left alone.
    const quiet = e2e.api.mark();
    const chatter = e2e.api.updates.message(rauf, { text: 'Коллеги, кто сегодня дежурит?' } as Partial<Message>, groupChat);
    await e2e.bot.handleUpdate(chatter);
    await e2e.korpu.settled();
    await new Promise((r) => setTimeout(r, 500)); // an answer would have gone out through the outbox by now
    expect(answersTo(quiet, chatter.message!.message_id)).toEqual([]);
  });

  it('someone taken off the roster who replies in the case workers’ chat to a person’s message is told there, in the chat’s language, that they are no longer on the roster and it reached nobody; the person gets nothing', async () => {
    const { staffId: adminId } = await addStaff(e2e, { name: 'Leyla', firstName: 'Leyla', lang: 'az', langs: ['az'], role: 'admin' });
    const { user: elnur, staffId: elnurId } = await addStaff(e2e, { name: 'Elnur', firstName: 'Elnur', lang: 'en', langs: ['en'] });
    const person = e2e.api.updates.user({ language_code: 'ru' });
    await e2e.bot.handleUpdate(e2e.api.updates.command(person, '/start'));
    await e2e.bot.handleUpdate(e2e.api.updates.callback(person, e2e.api.lastMessage(person.id)!, 'c:language:ru'));
    await e2e.bot.handleUpdate(e2e.api.updates.callback(person, e2e.api.lastMessage(person.id)!, 'c:menu:person'));
    const code = (await e2e.core.runner.peek(e2e.core.runner.conversationId('telegram', String(person.id))))!.caseCode!;
    // Nobody holds the case: the person's message is posted in the case workers' chat.
    await e2e.bot.handleUpdate(e2e.api.updates.text(person, 'Когда мне прийти в офис?'));
    const header = e2e.core.translator.t('az', 'handoff:talk.staff.from_person', { code, language: languageNameIn('az', 'ru') });
    const inGroup = e2e.api.sentMessages(CASEWORKERS).find((m) => m.text === `${header}\n\nКогда мне прийти в офис?`)!;
    expect(inGroup).toBeDefined();
    expect(await removeStaff(e2e.korpu.desk!, { staffId: adminId }, { staff: { staffId: elnurId } })).toMatchObject({ ok: true, removed: true });
    await e2e.korpu.settled();

    const personBefore = e2e.api.sentMessages(person.id).length;
    const mark = e2e.api.mark();
    const groupChat = e2e.api.updates.group({ id: CASEWORKERS, type: 'supergroup' });
    const toReply = (id: number) => (c: { method: string; params: Record<string, unknown> }) => c.method === 'sendMessage' && c.params.chat_id === CASEWORKERS && (c.params.reply_parameters as { message_id?: number } | undefined)?.message_id === id;
    // Someone in the group who was never on the roster is not told they left it (only logged, as before).
    const stranger = e2e.api.updates.message(e2e.api.updates.user({ first_name: 'Guest' }), { text: 'Я передам коллегам', reply_to_message: inGroup } as Partial<Message>, groupChat);
    await e2e.bot.handleUpdate(stranger);
    const answer = e2e.api.updates.message(elnur, { text: 'Приходите завтра в 10:00', reply_to_message: inGroup } as Partial<Message>, groupChat);
    await e2e.bot.handleUpdate(answer);
    // Under their reply, through the outbox, in the chat's language (az), not Elnur's own (en).
    const [told] = await e2e.api.waitForCalls(toReply(answer.message!.message_id), 1, 15_000, mark);
    expect(told!.params.text).toBe(e2e.core.translator.t('az', 'caseworker:group.former_staff'));
    await e2e.korpu.settled();
    // The group's messages go out in the order queued: anything for the stranger would be out already.
    expect(e2e.api.callsSince(mark).filter(toReply(stranger.message!.message_id))).toEqual([]);
    expect(e2e.api.sentMessages(person.id)).toHaveLength(personBefore);
    expect((await new RelayStore(e2e.redis, e2e.prefix, e2e.core.cipher).messages(code)).filter((m) => m.from === 'worker')).toEqual([]);

    // Telegram delivers the reply again: told once.
    await e2e.bot.handleUpdate(answer);
    await e2e.korpu.settled();
    expect(e2e.api.callsSince(mark).filter(toReply(answer.message!.message_id))).toHaveLength(1);
  });

  it('a person’s message for a worker who never opened a private chat with the bot goes to the case workers’ chat, not lost, and the worker answers it there', async () => {
    const person = e2e.api.updates.user({ language_code: 'ru' });
    const t = (key: string, params?: Record<string, unknown>) => e2e.core.translator.t('ru', key, params);
    await e2e.bot.handleUpdate(e2e.api.updates.command(person, '/start'));
    await e2e.bot.handleUpdate(e2e.api.updates.callback(person, e2e.api.lastMessage(person.id)!, 'c:language:ru'));
    await e2e.bot.handleUpdate(e2e.api.updates.callback(person, e2e.api.lastMessage(person.id)!, 'c:menu:person'));
    const code = (await e2e.core.runner.peek(e2e.core.runner.conversationId('telegram', String(person.id))))!.caseCode!;
    await e2e.api.waitForCalls((c) => c.method === 'sendMessage' && c.params.chat_id === CASEWORKERS && String(c.params.text).includes(code) && String(c.params.text).startsWith('🙋'));
    expect(await new ClaimStore(e2e.redis, e2e.core.keys).claim(code, raufId, new Date())).toMatchObject({ outcome: 'claimed' });

    // Telegram refuses the bot a first message to someone who never wrote to it.
    e2e.api.failNext('sendMessage', { code: 403, description: "Forbidden: bot can't initiate conversation with a user" });
    await e2e.bot.handleUpdate(e2e.api.updates.text(person, 'Мне срочно нужна помощь с документами'));
    const header = e2e.core.translator.t('az', 'handoff:talk.staff.from_person', { code, language: languageNameIn('az', 'ru') });
    const inGroup = e2e.api.sentMessages(CASEWORKERS).find((m) => m.text === `${header}\n\nМне срочно нужна помощь с документами`);
    expect(inGroup).toBeDefined();
    expect(e2e.api.lastMessage(person.id)!.text).toBe(t('handoff:talk.passed_on'));
    expect((await new RelayStore(e2e.redis, e2e.prefix, e2e.core.cipher).messages(code)).map((m) => m.text)).toContain('Мне срочно нужна помощь с документами');

    // The holder answers it in the group.
    await e2e.bot.handleUpdate(e2e.api.updates.message(rauf, { text: 'Я вас слушаю', reply_to_message: inGroup } as Partial<Message>, e2e.api.updates.group({ id: CASEWORKERS, type: 'supergroup' })));
    await e2e.api.waitForCalls((c) => c.method === 'sendMessage' && c.params.chat_id === person.id && c.params.text === t('handoff:talk.from_worker', { text: 'Я вас слушаю' }));
  });
});
