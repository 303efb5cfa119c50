import { chatRefOf } from '../../src/scheduling/outbox';
import { Reachability } from '../../src/scheduling/reachability';
import { useTestKorpu } from '../helpers/use-korpu';

/**
 * A person who blocked the bot is marked unreachable by the outbox's 403 (by chat and case);
 * when they unblock it (Telegram's my_chat_member update) the marks go, so their reminders
 * are sent again.
 */
describe('unblocking the bot', () => {
  // Körpü as main.ts builds it (createKorpu): the bot lifts the outbox's marks on unblocking.
  const e2e = useTestKorpu();
  let reachability: Reachability;

  beforeAll(() => {
    // The marks the outbox reads and writes, looked at from the test.
    reachability = new Reachability(e2e.redis, e2e.prefix);
  });

  it('lifts the marks on the chat and on the case; blocking alone changes nothing', async () => {
    const person = e2e.api.updates.user({ language_code: 'en' });
    await e2e.bot.handleUpdate(e2e.api.updates.command(person, '/start'));
    await e2e.bot.handleUpdate(e2e.api.updates.callback(person, e2e.api.lastMessage(person.id)!, 'c:language:en'));
    await e2e.bot.handleUpdate(e2e.api.updates.callback(person, e2e.api.lastMessage(person.id)!, 'c:menu:person'));
    const caseCode = (await e2e.core.runner.peek(e2e.core.runner.conversationId('telegram', String(person.id))))!.caseCode!;
    const who = { chatRef: chatRefOf(e2e.core.cipher, person.id), caseCode };
    // What the outbox does on a 403.
    await reachability.markUnreachable(who);
    await e2e.bot.handleUpdate(e2e.api.updates.myChatMember(person, 'kicked'));
    expect(await reachability.isUnreachable({ caseCode })).toBe(true);
    await e2e.bot.handleUpdate(e2e.api.updates.myChatMember(person, 'member'));
    expect(await reachability.isUnreachable({ caseCode })).toBe(false);
    expect(await reachability.isUnreachable({ chatRef: who.chatRef })).toBe(false);
  });
});
