import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { buildCore, type KorpuCore } from '../../src/app';
import { createTelegramBot, type KorpuBot } from '../../src/channels/telegram';
import { liftBlock } from '../../src/channels/telegram/membership';
import { loadProgrammeContent } from '../../src/config/programme';
import { silentLogger } from '../../src/core/logger';
import { chatRefOf } from '../../src/scheduling/outbox';
import { Reachability } from '../../src/scheduling/reachability';
import { FakeBotApi } from '../helpers/fake-bot-api';
import { dropPrefix, testPrefix, testRedis } from '../helpers/redis';

/**
 * A person who blocked the bot is marked unreachable by the outbox's 403 (by chat and case);
 * when they unblock it (Telegram's my_chat_member update) the marks go, so their reminders
 * are sent again.
 */
describe('unblocking the bot', () => {
  let api: FakeBotApi;
  let redis: Redis;
  let prefix: string;
  let core: KorpuCore;
  let bot: KorpuBot;
  let reachability: Reachability;

  beforeAll(async () => {
    api = await FakeBotApi.start();
    redis = testRedis();
    prefix = testPrefix();
    core = await buildCore({ redis, dataKey: randomBytes(32), content: loadProgrammeContent('config/programme.yaml'), prefix });
    reachability = new Reachability(redis, prefix);
    const onUnblocked = liftBlock({ reachability, cipher: core.cipher, caseOf: async (chatId) => (await core.runner.peek(core.runner.conversationId('telegram', chatId)))?.caseCode });
    bot = createTelegramBot(core, { token: api.token, apiRoot: api.apiRoot, logger: silentLogger(), onUnblocked });
    await bot.init();
  });

  afterAll(async () => {
    await dropPrefix(redis, prefix);
    redis.disconnect();
    await api.close();
  });

  it('lifts the marks on the chat and on the case; blocking alone changes nothing', async () => {
    const person = api.updates.user({ language_code: 'en' });
    await bot.handleUpdate(api.updates.command(person, '/start'));
    await bot.handleUpdate(api.updates.callback(person, api.lastMessage(person.id)!, 'c:language:en'));
    await bot.handleUpdate(api.updates.callback(person, api.lastMessage(person.id)!, 'c:menu:person'));
    const caseCode = (await core.runner.peek(core.runner.conversationId('telegram', String(person.id))))!.caseCode!;
    const who = { chatRef: chatRefOf(core.cipher, person.id), caseCode };
    // What the outbox does on a 403.
    await reachability.markUnreachable(who);
    await bot.handleUpdate(api.updates.myChatMember(person, 'kicked'));
    expect(await reachability.isUnreachable({ caseCode })).toBe(true);
    await bot.handleUpdate(api.updates.myChatMember(person, 'member'));
    expect(await reachability.isUnreachable({ caseCode })).toBe(false);
    expect(await reachability.isUnreachable({ chatRef: who.chatRef })).toBe(false);
  });
});
