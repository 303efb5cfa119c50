import type { Message, User } from 'grammy/types';
import { reassignCase } from '../../src/caseworkers/desk';
import { ClaimStore } from '../../src/caseworkers/claims';
import { RelayStore } from '../../src/caseworkers/relay-store';
import { addStaff, useTestKorpu } from '../helpers/use-korpu';

/**
 * What the case workers are told privately, seen from their side through the fake Bot API: a
 * worker Telegram will not let the bot write to (never opened a private chat with it, or
 * blocked it) is asked for in the case workers' chat, once, with nothing of the notices; a
 * worker given a case while its person is talking to us is told so, and how to answer; and a
 * worker's text and photo reach the person in the order the worker sent them.
 */

const CASEWORKERS = -1009876543377;

describe('the case workers’ private notices', () => {
  const e2e = useTestKorpu({ env: { CASEWORKER_CHAT_ID: String(CASEWORKERS) }, telegramLimits: { groupMax: 1000 } });
  let supervisor: string;
  let nigar: User;
  let nigarId: string;
  let rauf: User;
  let raufId: string;

  beforeAll(async () => {
    ({ staffId: supervisor } = await addStaff(e2e, { name: 'Aysel', firstName: 'Aysel', lang: 'az', langs: ['az'], role: 'supervisor' }));
    ({ user: nigar, staffId: nigarId } = await addStaff(e2e, { name: 'Nigar', firstName: 'Nigar', lang: 'az', langs: ['az', 'ru'] }));
    ({ user: rauf, staffId: raufId } = await addStaff(e2e, { name: 'Rauf', firstName: 'Rauf', lang: 'ru', langs: ['ru', 'az'] }));
  });

  afterEach(() => e2e.api.misbehave(undefined));

  /** Someone in `lang` who asked to talk to a person from the menu (the talk is open); their case, its alert sent. */
  async function askForPerson(lang: string): Promise<{ person: User; code: string; conversation: string }> {
    const person = e2e.api.updates.user({ language_code: lang });
    await e2e.bot.handleUpdate(e2e.api.updates.command(person, '/start'));
    await e2e.bot.handleUpdate(e2e.api.updates.callback(person, e2e.api.lastMessage(person.id)!, `c:language:${lang}`));
    await e2e.bot.handleUpdate(e2e.api.updates.callback(person, e2e.api.lastMessage(person.id)!, 'c:menu:person'));
    const conversation = e2e.core.runner.conversationId('telegram', String(person.id));
    const code = (await e2e.core.runner.peek(conversation))!.caseCode!;
    await e2e.api.waitForCalls((c) => c.method === 'sendMessage' && c.params.chat_id === CASEWORKERS && String(c.params.text).includes(code) && String(c.params.text).startsWith('🙋'));
    return { person, code, conversation };
  }

  const reassign = async (code: string, to: string) => expect(await reassignCase(e2e.korpu.desk!, { staffId: supervisor }, { caseCode: code, to: { staffId: to } })).toMatchObject({ ok: true });

  it('a worker the bot may not write to privately is asked for in the case workers’ chat, by name with the bot’s link, once however many notices are refused, and nothing of the notices is posted there', async () => {
    const first = await askForPerson('ru');
    const second = await askForPerson('az');
    // Rauf never opened a private chat with the bot: Telegram refuses every message to him.
    e2e.api.misbehave({ rate429: 0, retryAfter: 1, rate5xx: 0, rateHang: 0, hangMs: 0, blocked: [rauf.id] });
    const mark = e2e.api.mark();
    await reassign(first.code, raufId);
    const ask = e2e.core.translator.t('az', 'caseworker:staff_unreachable.ask', { worker: 'Rauf', link: `https://t.me/${e2e.api.botInfo.username}` });
    await e2e.api.waitForCalls((c) => c.method === 'sendMessage' && c.params.chat_id === CASEWORKERS && c.params.text === ask, 1, 15_000, mark);
    // A second notice refused: he is not asked for again.
    await reassign(second.code, raufId);
    await e2e.api.waitForCalls((c) => c.params.chat_id === rauf.id && c.failedWith === 403, 2, 15_000, mark);
    await e2e.korpu.settled();
    const toGroup = e2e.api.callsSince(mark, 'sendMessage').filter((c) => c.params.chat_id === CASEWORKERS).map((c) => String(c.params.text));
    expect(toGroup.filter((x) => x === ask)).toHaveLength(1);
    // The group's own alerts of the reassignment aside, nothing of what was meant for him reached the group.
    const toYou = (code: string) => e2e.core.translator.t('ru', 'caseworker:reassign.to_you', { code });
    expect(toGroup.filter((x) => x.includes(toYou(first.code)) || x.includes(toYou(second.code)))).toEqual([]);
    expect(ask).not.toContain(first.code);
  });

  it('a worker given a case while its person is talking to us is told a talk is open and how to answer, in their language; their next message reaches the new holder', async () => {
    const open = await askForPerson('az');
    expect(await new ClaimStore(e2e.redis, e2e.core.keys).claim(open.code, nigarId, new Date())).toMatchObject({ outcome: 'claimed' });
    const mark = e2e.api.mark();
    await reassign(open.code, raufId);
    const ru = (key: string, params?: Record<string, unknown>) => e2e.core.translator.t('ru', key, params);
    const [told] = await e2e.api.waitForCalls((c) => c.method === 'sendMessage' && c.params.chat_id === rauf.id && String(c.params.text).includes(ru('caseworker:reassign.to_you', { code: open.code })), 1, 15_000, mark);
    expect(String(told!.params.text)).toContain(ru('caseworker:reassign.talk_open'));
    // As it says: the person's next message comes to him, and a reply to it reaches them.
    await e2e.bot.handleUpdate(e2e.api.updates.text(open.person, 'Salam, kim mənimlə danışır?'));
    const relayed = e2e.api.sentMessages(rauf.id).at(-1)!;
    expect(relayed.text).toContain('Salam, kim mənimlə danışır?');

    // A case whose person is not talking to us: no such line.
    const quiet = await askForPerson('ru');
    await new RelayStore(e2e.redis, e2e.prefix, e2e.core.cipher).close(quiet.conversation);
    const later = e2e.api.mark();
    await reassign(quiet.code, raufId);
    const [plain] = await e2e.api.waitForCalls((c) => c.method === 'sendMessage' && c.params.chat_id === rauf.id && String(c.params.text).includes(ru('caseworker:reassign.to_you', { code: quiet.code })), 1, 15_000, later);
    expect(String(plain!.params.text)).not.toContain(ru('caseworker:reassign.talk_open'));
  });

  it('a worker’s text and the photo sent after it reach the person in that order, even when the text has to be tried again, and the photo once', async () => {
    const { person, code } = await askForPerson('az');
    expect(await new ClaimStore(e2e.redis, e2e.core.keys).claim(code, nigarId, new Date())).toMatchObject({ outcome: 'claimed' });
    await e2e.bot.handleUpdate(e2e.api.updates.text(person, 'Ofis haradadır?'));
    const relayed = e2e.api.sentMessages(nigar.id).at(-1)!;
    await e2e.korpu.settled();
    const mark = e2e.api.mark();
    // Telegram fails the text's first try (a 500): it is tried again later.
    e2e.api.failNext('sendMessage', { code: 500 });
    await e2e.bot.handleUpdate(e2e.api.updates.message(nigar, { text: 'Budur xəritə', reply_to_message: relayed } as Partial<Message>));
    const photo = e2e.api.updates.message(nigar, { photo: [{ file_id: 'map1', file_unique_id: 'umap1', width: 800, height: 600 }], reply_to_message: relayed } as Partial<Message>);
    await e2e.bot.handleUpdate(photo);
    // Telegram delivers the photo's update again: it is not copied twice.
    await e2e.bot.handleUpdate(photo);
    const toPerson = (c: { params: Record<string, unknown> }) => String(c.params.chat_id) === String(person.id);
    await e2e.api.waitForCalls((c) => c.method === 'copyMessage' && toPerson(c) && c.failedWith === undefined, 1, 15_000, mark);
    await e2e.korpu.settled();
    const text = e2e.core.translator.t('az', 'handoff:talk.from_worker', { text: 'Budur xəritə' });
    const delivered = e2e.api.callsSince(mark).filter((c) => toPerson(c) && c.failedWith === undefined).map((c) => (c.method === 'copyMessage' ? 'photo' : String(c.params.text)));
    expect(delivered).toEqual([text, 'photo']);
  });
});
