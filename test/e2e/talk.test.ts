import type { Message, Update, User } from 'grammy/types';
import { ClaimStore } from '../../src/caseworkers/claims';
import { RelayStore } from '../../src/caseworkers/relay-store';
import { languageNameIn } from '../../src/i18n/language-names';
import { readablePrefix } from '../helpers/redis';
import { addStaff, useTestKorpu } from '../helpers/use-korpu';

/**
 * "Talk to a person" end to end through the fake Bot API: a person asks for a human, what they
 * write (text, a photo) reaches the case workers from the bot, never from their own account;
 * a worker answers by replying and the person gets it; the flow waits meanwhile and takes up
 * where it was when the worker ends the talk with /end; everything is kept with the case,
 * encrypted. A stranger replying to a relayed message reaches nobody. (The same in every other
 * language: talk-languages.test.ts, a file of its own because the case workers' chat is a group,
 * which Telegram lets a bot write to 20 times a minute: together they would wait for the window.)
 */

const CASEWORKERS = -1009876543210;
const WORKER_ID = 7_000_001;

describe('talk to a person', () => {
  // Körpü as main.ts builds it (createKorpu): the outbox sends the desk's notices and the alerts.
  // Many alerts and notices to one group within a minute: not held back by Telegram's 20 a minute (test/e2e/reply-limit.test.ts keeps it).
  const e2e = useTestKorpu({ env: { CASEWORKER_CHAT_ID: String(CASEWORKERS) }, telegramLimits: { groupMax: 1000 } });
  let relay: RelayStore;
  let worker: User;
  /** The worker's staff id on the roster: what claims and kept messages name. */
  let workerStaffId: string;

  beforeAll(async () => {
    ({ user: worker, staffId: workerStaffId } = await addStaff(e2e, { id: WORKER_ID, name: 'Nigar', firstName: 'Nigar', lang: 'az', langs: ['az', 'ru'] }));
    relay = new RelayStore(e2e.redis, e2e.prefix, e2e.core.cipher);
  });

  const inGroup = () => e2e.api.sentMessages(CASEWORKERS);
  const replyFrom = (user: User, to: Message, fields: Partial<Message>): Update =>
    e2e.api.updates.message(user, { ...fields, reply_to_message: to } as Partial<Message>, e2e.api.updates.group({ id: CASEWORKERS, type: 'supergroup' }));

  /** Someone in `lang` who asked to talk to a person from the menu: the talk is open; their case. */
  async function askForPerson(lang: string): Promise<{ person: User; code: string }> {
    const person = e2e.api.updates.user({ language_code: lang });
    await e2e.bot.handleUpdate(e2e.api.updates.command(person, '/start'));
    await e2e.bot.handleUpdate(e2e.api.updates.callback(person, e2e.api.lastMessage(person.id)!, `c:language:${lang}`));
    await e2e.bot.handleUpdate(e2e.api.updates.callback(person, e2e.api.lastMessage(person.id)!, 'c:menu:person'));
    return { person, code: (await e2e.core.runner.peek(e2e.core.runner.conversationId('telegram', String(person.id))))!.caseCode! };
  }

  it('relays both ways with reply threading, keeps every message, and resumes the flow on /end', async () => {
    const person = e2e.api.updates.user({ language_code: 'ru', first_name: 'Olena' });
    const t = (key: string, params?: Record<string, unknown>) => e2e.core.translator.t('ru', key, params);
    await e2e.bot.handleUpdate(e2e.api.updates.command(person, '/start'));
    const langMessage = e2e.api.lastMessage(person.id)!;
    await e2e.bot.handleUpdate(e2e.api.updates.callback(person, langMessage, 'c:language:ru'));
    await e2e.bot.handleUpdate(e2e.api.updates.callback(person, e2e.api.lastMessage(person.id)!, 'c:menu:person'));
    expect(e2e.api.sentMessages(person.id).map((m) => m.text).join('\n')).toContain(t('handoff:told'));
    const code = (await e2e.core.runner.peek(e2e.core.runner.conversationId('telegram', String(person.id))))!.caseCode!;
    // The case workers' alert about the request (sent by the outbox, in the background) first, so
    // that it cannot arrive among the messages counted below.
    await e2e.api.waitForCalls((c) => c.method === 'sendMessage' && c.params.chat_id === CASEWORKERS && String(c.params.text).includes(code) && String(c.params.text).startsWith('🙋'));

    // The person writes: the case workers get it from the bot, with the case code, not the sender.
    const before = inGroup().length;
    await e2e.bot.handleUpdate(e2e.api.updates.text(person, 'Мне нужен врач, который говорит по-русски'));
    const relayed = inGroup().slice(before);
    expect(relayed).toHaveLength(1);
    expect(relayed[0]!.text).toContain(code);
    expect(relayed[0]!.text).toContain('Мне нужен врач, который говорит по-русски');
    expect(JSON.stringify(relayed[0])).not.toContain(String(person.id));
    expect(JSON.stringify(relayed[0])).not.toContain('Olena');
    // The flow did not take the message as an answer; the person is told it was passed on, once for a burst.
    expect(e2e.api.lastMessage(person.id)!.text).toBe(t('handoff:talk.passed_on'));
    const personBefore = e2e.api.sentMessages(person.id).length;

    // A photo is copied, not forwarded: the copy names the case, not the person.
    const beforePhoto = inGroup().length;
    await e2e.bot.handleUpdate(e2e.api.updates.photo(person, 'справка'));
    const copies = (inGroup().slice(beforePhoto) as (Message & { copy_of?: { chat_id: string } })[]).filter((m) => m.copy_of);
    expect(copies).toHaveLength(1);
    const copy = copies[0]!;
    expect(copy.copy_of?.chat_id).toBe(String(person.id));
    expect(copy.caption).toContain(code);
    expect(e2e.api.sentMessages(person.id)).toHaveLength(personBefore);

    // A voice message (for someone who cannot write) is copied the same way.
    const beforeVoice = inGroup().length;
    await e2e.bot.handleUpdate(e2e.api.updates.voice(person));
    const voiced = (inGroup().slice(beforeVoice) as (Message & { copy_of?: { chat_id: string } })[]).filter((m) => m.copy_of);
    expect(voiced).toHaveLength(1);
    expect(voiced[0]!.caption).toContain(code);
    expect(e2e.api.sentMessages(person.id)).toHaveLength(personBefore);

    // The worker answers by replying to the relayed text.
    await e2e.bot.handleUpdate(replyFrom(worker, relayed[0]!, { text: 'Здравствуйте! Я помогу найти врача.' }));
    // The worker's answer goes through the outbox, like every message the bot sends on its own.
    await e2e.api.waitForCalls((c) => c.method === 'sendMessage' && c.params.chat_id === person.id && c.params.text === t('handoff:talk.from_worker', { text: 'Здравствуйте! Я помогу найти врача.' }));
    const answer = e2e.api.lastMessage(person.id)!;
    expect(answer.text).toBe(t('handoff:talk.from_worker', { text: 'Здравствуйте! Я помогу найти врача.' }));
    // Answering claimed the case for her, as Claim would: the group sees her as its holder, with no Claim left to tap.
    const [claimed] = await e2e.api.waitForCalls((c) => c.method === 'sendMessage' && c.params.chat_id === CASEWORKERS && String(c.params.text).startsWith(e2e.core.translator.t('az', 'caseworker:claim.by_talk', { code, worker: 'Nigar' })));
    const claimedButtons = (claimed!.params.reply_markup as { inline_keyboard: { callback_data: string }[][] }).inline_keyboard.flat().map((b) => b.callback_data);
    expect(claimedButtons).toEqual([`w:open:h:${code}`]);
    expect(JSON.stringify(answer)).not.toContain(String(WORKER_ID));

    // Someone not on the roster replying to the same message reaches nobody.
    const stranger = e2e.api.updates.user({ id: 7_999_999 });
    await e2e.bot.handleUpdate(replyFrom(stranger, relayed[0]!, { text: 'привет' }));
    expect(e2e.api.lastMessage(person.id)!.message_id).toBe(answer.message_id);

    // The worker ends the talk: the person is told, and the flow asks its question again.
    const beforeEnd = e2e.api.mark();
    await e2e.bot.handleUpdate(replyFrom(worker, relayed[0]!, { text: '/end' }));
    // Both through the outbox, in the order queued: first that the talk ended, then the question
    // (asked again: waited for since /end, not the one asked before the talk).
    const ended = await e2e.api.waitForCalls((c) => c.method === 'sendMessage' && c.params.chat_id === person.id && String(c.params.text).includes(t('handoff:message.prompt')), 1, 10_000, beforeEnd);
    const after = e2e.api.sentMessages(person.id).slice(-3).map((m) => m.text);
    expect(after.findIndex((x) => x?.includes(t('handoff:talk.ended')))).toBeLessThan(after.findIndex((x) => x?.includes(t('handoff:message.prompt'))));
    expect(ended).toHaveLength(1);
    expect(await relay.openCase(e2e.core.runner.conversationId('telegram', String(person.id)))).toBeUndefined();

    // From now on, what the person writes goes to the flow again (kept as a question for later).
    const groupCount = inGroup().length;
    await e2e.bot.handleUpdate(e2e.api.updates.text(person, 'Спасибо!'));
    expect(inGroup()).toHaveLength(groupCount);
    expect(e2e.api.lastMessage(person.id)!.text).toContain(t('handoff:more.prompt'));

    // Every message of the talk is kept with the case, encrypted.
    const kept = await relay.messages(code);
    expect(kept.map((m) => [m.from, m.kind])).toEqual([['person', 'text'], ['person', 'photo'], ['person', 'voice'], ['worker', 'text']]);
    expect(kept[0]!.text).toBe('Мне нужен врач, который говорит по-русски');
    expect(kept[3]!.worker).toBe(workerStaffId);
    expect(await readablePrefix(e2e.redis, e2e.prefix)).not.toContain('Мне нужен врач');
  });

  it('a button tap by the person leaves the talk and tells the case workers', async () => {
    const { person, code } = await askForPerson('en');
    await e2e.bot.handleUpdate(e2e.api.updates.callback(person, e2e.api.lastMessage(person.id)!, 'c:message:__skip'));
    // The talk closed in the step's commit; the workers are told from the effect stream, through the outbox.
    await e2e.api.waitForCalls((c) => c.method === 'sendMessage' && c.params.chat_id === CASEWORKERS && c.params.text === e2e.core.translator.t('az', 'handoff:talk.staff.person_left', { code }));
    expect(inGroup().map((m) => m.text)).toContain(e2e.core.translator.t('az', 'handoff:talk.staff.person_left', { code }));
    expect(e2e.api.lastMessage(person.id)!.text).toContain(e2e.core.translator.t('en', 'handoff:more.prompt'));
  });

  it('/help, /mydata and /language keep a talk open (the next message still reaches the worker); /menu ends it and the person is told how to come back', async () => {
    const { person, code } = await askForPerson('uk');
    const t = (key: string, params?: Record<string, unknown>) => e2e.core.translator.t('uk', key, params);
    const conversation = e2e.core.runner.conversationId('telegram', String(person.id));
    await e2e.bot.handleUpdate(e2e.api.updates.text(person, 'Добрий день, мені потрібна допомога з документами'));
    expect(await relay.openCase(conversation)).toBe(code);

    for (const command of ['/help', '/mydata', '/language']) await e2e.bot.handleUpdate(e2e.api.updates.command(person, command));
    await e2e.bot.handleUpdate(e2e.api.updates.callback(person, e2e.api.lastMessage(person.id)!, 'c:__language:uk'));
    expect(await relay.openCase(conversation)).toBe(code);
    const before = inGroup().length;
    await e2e.bot.handleUpdate(e2e.api.updates.text(person, 'ще одне питання: чи потрібен перекладач?'));
    expect(inGroup().slice(before).map((m) => m.text).join('\n')).toContain('чи потрібен перекладач?');

    // /menu moves on: the talk closes, the worker is told, and so is the person, with the way back.
    await e2e.bot.handleUpdate(e2e.api.updates.command(person, '/menu'));
    expect(await relay.openCase(conversation)).toBeUndefined();
    await e2e.api.waitForCalls((c) => c.method === 'sendMessage' && c.params.chat_id === person.id && c.params.text === t('handoff:talk.left'));
    await e2e.api.waitForCalls((c) => c.method === 'sendMessage' && c.params.chat_id === CASEWORKERS && c.params.text === e2e.core.translator.t('az', 'handoff:talk.staff.person_left', { code }));
  });

  it('words of crisis written into a talk reach the worker and are answered as anywhere: the emergency numbers, an urgent alert, a draft report', async () => {
    const { person, code } = await askForPerson('uk');
    const t = (key: string, params?: Record<string, unknown>) => e2e.core.translator.t('uk', key, params);
    await e2e.bot.handleUpdate(e2e.api.updates.text(person, 'Добрий день, мені потрібна допомога'));
    const before = inGroup().length;
    const mark = e2e.api.mark();
    await e2e.bot.handleUpdate(e2e.api.updates.text(person, 'я хочу вбити себе'));
    // The worker's side: the words as written.
    expect(inGroup().slice(before).map((m) => m.text).join('\n')).toContain('я хочу вбити себе');
    // The person's side: the emergency numbers at once.
    const replies = e2e.api.callsSince(mark).filter((c) => c.method === 'sendMessage' && c.params.chat_id === person.id).map((c) => String(c.params.text));
    expect(replies.join('\n')).toContain(t('safeguarding:reply.text', { number: '112' }));
    // And the case workers' urgent alert, with a draft report, from the effect stream.
    await e2e.korpu.settled();
    expect(await e2e.core.incidents.listForCase(code)).toHaveLength(1);
    await e2e.api.waitForCalls((c) => c.method === 'sendMessage' && c.params.chat_id === CASEWORKERS && String(c.params.text).startsWith('🚨') && String(c.params.text).includes(code));
    // The talk is still open.
    expect(await relay.openCase(e2e.core.runner.conversationId('telegram', String(person.id)))).toBe(code);
  });

  it('passes an edited message in a talk to the case worker as an edit of an earlier one, in the worker’s language, keeps it marked so; outside a talk an edit gets the usual answer', async () => {
    const { person, code } = await askForPerson('ru');
    const t = (key: string, params?: Record<string, unknown>) => e2e.core.translator.t('ru', key, params);
    expect(await new ClaimStore(e2e.redis, e2e.core.keys).claim(code, workerStaffId, new Date())).toMatchObject({ outcome: 'claimed' });
    const sent = e2e.api.updates.text(person, 'Я приду в пятницу в 10');
    await e2e.bot.handleUpdate(sent);
    const personBefore = e2e.api.sentMessages(person.id).length;

    await e2e.bot.handleUpdate(e2e.api.updates.edited(person, 'Я приду в пятницу в 11', sent.message!.message_id));
    const header = e2e.core.translator.t('az', 'handoff:talk.staff.from_person_edited', { code, language: languageNameIn('az', 'ru') });
    const relayed = e2e.api.sentMessages(WORKER_ID).at(-1)!;
    expect(relayed.text).toBe(`${header}\n\nЯ приду в пятницу в 11`);
    // Not told that edits are not read: the worker has it.
    expect(e2e.api.sentMessages(person.id).slice(personBefore).map((m) => m.text)).not.toContain(t('common:notice.unsupported_edited'));
    const kept = (await relay.messages(code)).slice(-2);
    expect(kept.map((m) => [m.text, m.edit])).toEqual([['Я приду в пятницу в 10', undefined], ['Я приду в пятницу в 11', true]]);
    // The worker answers the edit by replying to it, as to any relayed message.
    await e2e.bot.handleUpdate(e2e.api.updates.message(worker, { text: 'Хорошо, в 11.', reply_to_message: relayed } as Partial<Message>));
    await e2e.api.waitForCalls((c) => c.method === 'sendMessage' && c.params.chat_id === person.id && c.params.text === t('handoff:talk.from_worker', { text: 'Хорошо, в 11.' }));

    // Back with the bot, an edit is answered as before: edits are not read, and nothing is relayed.
    await e2e.bot.handleUpdate(e2e.api.updates.command(person, '/menu'));
    const workerBefore = e2e.api.sentMessages(WORKER_ID).length;
    const mark = e2e.api.mark();
    await e2e.bot.handleUpdate(e2e.api.updates.edited(person, 'Я приду в пятницу в 12', sent.message!.message_id));
    const replies = e2e.api.callsSince(mark, 'sendMessage').filter((c) => c.params.chat_id === person.id);
    expect(replies.map((c) => String(c.params.text)).join('\n')).toContain(t('common:notice.unsupported_edited'));
    expect(e2e.api.sentMessages(WORKER_ID).slice(workerBefore).map((m) => m.text).join('\n')).not.toContain('в 12');
    expect((await relay.messages(code)).map((m) => m.text)).not.toContain('Я приду в пятницу в 12');
  });

  it('relays a message as long as Telegram allows in parts, losing nothing, and a reply to any part reaches the person', async () => {
    const person = e2e.api.updates.user({ language_code: 'en' });
    await e2e.bot.handleUpdate(e2e.api.updates.command(person, '/start'));
    await e2e.bot.handleUpdate(e2e.api.updates.callback(person, e2e.api.lastMessage(person.id)!, 'c:language:en'));
    await e2e.bot.handleUpdate(e2e.api.updates.callback(person, e2e.api.lastMessage(person.id)!, 'c:menu:person'));
    // The case workers' alert for the request (sent by the outbox) first, so that it does not
    // fall between the relayed parts: every message, replies too, now waits for its overall slot.
    const code = (await e2e.core.runner.peek(e2e.core.runner.conversationId('telegram', String(person.id))))!.caseCode!;
    await e2e.api.waitForCalls((c) => c.method === 'sendMessage' && c.params.chat_id === CASEWORKERS && String(c.params.text).includes(code) && String(c.params.text).startsWith('🙋'));
    const mark = e2e.api.mark();
    const words = Array.from({ length: 800 }, (_, i) => `word${i}`).join(' ').slice(0, 4096);
    await e2e.bot.handleUpdate(e2e.api.updates.text(person, words));
    const parts = e2e.api.callsSince(mark, 'sendMessage').filter((c) => c.params.chat_id === CASEWORKERS);
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(String(p.params.text).length).toBeLessThanOrEqual(4096);
    expect(parts.map((p) => String(p.params.text)).join(' ')).toContain(words.slice(-200));
    const last = e2e.api.sentMessages(CASEWORKERS).at(-1)!;
    await e2e.bot.handleUpdate(replyFrom(worker, last, { text: 'Got it all.' }));
    await e2e.api.waitForCalls((c) => c.method === 'sendMessage' && c.params.chat_id === person.id && String(c.params.text).includes('Got it all.'));
  });

  it('a photo with a caption too long to share with the header arrives all the same: the photo under the header, then its caption as text', async () => {
    const { person, code } = await askForPerson('en');
    await e2e.api.waitForCalls((c) => c.method === 'sendMessage' && c.params.chat_id === CASEWORKERS && String(c.params.text).includes(code) && String(c.params.text).startsWith('🙋'));
    // Telegram allows a person 1,024 characters of caption; with the header in front it would not fit.
    const caption = `This is my residence permit. ${'x'.repeat(960)} END`;
    expect(caption.length).toBeLessThanOrEqual(1024);
    const mark = e2e.api.mark();
    await e2e.bot.handleUpdate(e2e.api.updates.photo(person, caption));
    const toGroup = e2e.api.callsSince(mark).filter((c) => c.params.chat_id === CASEWORKERS && (c.method === 'copyMessage' || c.method === 'sendMessage'));
    expect(toGroup.map((c) => [c.method, c.failedWith])).toEqual([['copyMessage', undefined], ['sendMessage', undefined]]);
    expect(String(toGroup[0]!.params.caption)).toContain(code);
    expect(String(toGroup[1]!.params.text)).toContain(code);
    expect(String(toGroup[1]!.params.text)).toContain(caption);
    // The person is told it was passed on, not that something went wrong.
    expect(e2e.api.lastMessage(person.id)!.text).toBe(e2e.core.translator.t('en', 'handoff:talk.passed_on'));
    // A reply to the caption's text reaches the person, as a reply to the photo does.
    // (Found by its text: alerts of the earlier tests may still be arriving in the group.)
    const captionMessage = e2e.api.sentMessages(CASEWORKERS).find((m) => m.text?.includes(caption))!;
    await e2e.bot.handleUpdate(replyFrom(worker, captionMessage, { text: 'Thank you, received.' }));
    await e2e.api.waitForCalls((c) => c.method === 'sendMessage' && c.params.chat_id === person.id && String(c.params.text).includes('Thank you, received.'));
  });

  it('once a worker has claimed the case, the person’s messages go to that worker’s private chat', async () => {
    const { person, code } = await askForPerson('az');
    expect(await new ClaimStore(e2e.redis, e2e.core.keys).claim(code, workerStaffId, new Date())).toMatchObject({ outcome: 'claimed' });
    const groupBefore = inGroup().filter((m) => !m.reply_markup).length;
    await e2e.bot.handleUpdate(e2e.api.updates.text(person, 'Salam, sənəd barədə sualım var'));
    const mine = e2e.api.sentMessages(WORKER_ID).at(-1)!;
    expect(mine.text).toContain(code);
    expect(mine.text).toContain('Salam, sənəd barədə sualım var');
    expect(inGroup().filter((m) => !m.reply_markup)).toHaveLength(groupBefore);
    // The worker's reply in the private chat reaches the person.
    await e2e.bot.handleUpdate(e2e.api.updates.message(worker, { text: 'Salam! Buyurun.', reply_to_message: mine } as Partial<Message>));
    await e2e.api.waitForCalls((c) => c.method === 'sendMessage' && c.params.chat_id === person.id && c.params.text === e2e.core.translator.t('az', 'handoff:talk.from_worker', { text: 'Salam! Buyurun.' }));
    expect(e2e.api.lastMessage(person.id)!.text).toBe(e2e.core.translator.t('az', 'handoff:talk.from_worker', { text: 'Salam! Buyurun.' }));
  });
});
