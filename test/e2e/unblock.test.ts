import type { Redis } from 'ioredis';
import type { KorpuCore } from '../../src/app';
import type { KorpuBot } from '../../src/channels/telegram';
import { chatRefOf } from '../../src/scheduling/outbox';
import { Reachability } from '../../src/scheduling/reachability';
import { FakeBotApi } from '../helpers/fake-bot-api';
import { startTestKorpu, type TestKorpu } from '../helpers/korpu';
import { dropPrefix, testRedis } from '../helpers/redis';

/**
 * A person who blocked the bot is marked unreachable by the outbox's 403 (by chat and case);
 * when they unblock it (Telegram's my_chat_member update) the marks go, so their reminders
 * are sent again.
 */
describe('unblocking the bot', () => {
  let api: FakeBotApi;
  let redis: Redis;
  let prefix: string;
  let korpu: TestKorpu;
  let core: KorpuCore;
  let bot: KorpuBot;
  let reachability: Reachability;

  beforeAll(async () => {
    api = await FakeBotApi.start();
    redis = testRedis();
    // Körpü as main.ts builds it (createKorpu): the bot lifts the outbox's marks on unblocking.
    korpu = await startTestKorpu({ api });
    ({ core, prefix } = korpu);
    bot = korpu.bot!;
    // The marks the outbox reads and writes, looked at from the test.
    reachability = new Reachability(redis, prefix);
  });

  afterAll(async () => {
    await korpu.stop();
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
