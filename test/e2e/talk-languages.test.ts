import type { Message, Update, User } from 'grammy/types';
import { SUPPORTED_LANGS } from '../../src/core/lang';
import { languageNameIn } from '../../src/i18n/language-names';
import type { Redis } from 'ioredis';
import type { KorpuCore } from '../../src/app';
import type { KorpuBot } from '../../src/channels/telegram';
import { FakeBotApi } from '../helpers/fake-bot-api';
import { startTestKorpu, type TestKorpu } from '../helpers/korpu';
import { dropPrefix, testRedis } from '../helpers/redis';

/**
 * "Talk to a person" in each language but Russian (talk.test.ts has Russian and the rest): the
 * person is told in their language, the case workers see the language's name, and the worker's
 * answer reaches the person in their language. A file of its own: the case workers' chat is a
 * group, 20 messages a minute (Telegram's limit, kept by Körpü), and the two files together
 * send more than that.
 */

const CASEWORKERS = -1009876543210;
const WORKER_ID = 7_000_001;

describe('talk to a person in every language', () => {
  let api: FakeBotApi;
  let redis: Redis;
  let prefix: string;
  let korpu: TestKorpu;
  let core: KorpuCore;
  let bot: KorpuBot;
  let worker: User;

  beforeAll(async () => {
    api = await FakeBotApi.start();
    redis = testRedis();
    // Körpü as main.ts builds it (createKorpu): the outbox sends the desk's notices and the alerts.
    korpu = await startTestKorpu({ api, env: { CASEWORKER_CHAT_ID: String(CASEWORKERS) } });
    ({ core, prefix } = korpu);
    bot = korpu.bot!;
    await korpu.roster.save({ telegramId: WORKER_ID, name: 'Nigar', langs: ['az', 'ru'], office: 'baku', role: 'caseworker', addedAt: new Date(), addedBy: 1 });
    worker = api.updates.user({ id: WORKER_ID, first_name: 'Nigar', language_code: 'az' });
  });

  afterAll(async () => {
    await korpu.stop();
    await dropPrefix(redis, prefix);
    redis.disconnect();
    await api.close();
  });

  const inGroup = () => api.sentMessages(CASEWORKERS);
  const replyFrom = (user: User, to: Message, fields: Partial<Message>): Update =>
    api.updates.message(user, { ...fields, reply_to_message: to } as Partial<Message>, api.updates.group({ id: CASEWORKERS, type: 'supergroup' }));

  it.each(SUPPORTED_LANGS.filter((l) => l !== 'ru'))('in %s too: a person asks for a human, writes, and gets the worker’s answer in their language', async (lang) => {
    const person = api.updates.user({ language_code: lang });
    const t = (key: string, params?: Record<string, unknown>) => core.translator.t(lang, key, params);
    await bot.handleUpdate(api.updates.command(person, '/start'));
    await bot.handleUpdate(api.updates.callback(person, api.lastMessage(person.id)!, `c:language:${lang}`));
    await bot.handleUpdate(api.updates.callback(person, api.lastMessage(person.id)!, 'c:menu:person'));
    expect(api.sentMessages(person.id).map((m) => m.text).join('\n')).toContain(t('handoff:told'));
    const code = (await core.runner.peek(core.runner.conversationId('telegram', String(person.id))))!.caseCode!;
    const before = inGroup().length;
    const words = `${lang}: I need help with a document`;
    await bot.handleUpdate(api.updates.text(person, words));
    const relayed = inGroup().slice(before).filter((m) => !m.reply_markup && m.text?.includes(words));
    expect(relayed).toHaveLength(1);
    expect(relayed[0]!.text).toContain(code);
    expect(relayed[0]!.text).toContain(languageNameIn('az', lang));
    await bot.handleUpdate(replyFrom(worker, relayed[0]!, { text: 'OK, 10:00' }));
    await api.waitForCalls((c) => c.method === 'sendMessage' && c.params.chat_id === person.id && c.params.text === t('handoff:talk.from_worker', { text: 'OK, 10:00' }));
  });
});
