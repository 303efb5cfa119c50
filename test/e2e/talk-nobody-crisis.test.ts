import { useTestKorpu } from '../helpers/use-korpu';

/**
 * Words of crisis written into an open talk that nobody can receive (no case worker holds the
 * case and no case workers' chat is configured; or the talk was ended between the commit and
 * the relay): the person still gets the emergency numbers at once. They were saved with the
 * crisis in the talk's commit, and running the step again found the update saved and said
 * nothing: the person in crisis got no answer at all.
 */
describe('words of crisis into a talk nobody receives', () => {
  const e2e = useTestKorpu({});

  it('are answered with the emergency numbers', async () => {
    const person = e2e.api.updates.user({ language_code: 'uk' });
    await e2e.bot.handleUpdate(e2e.api.updates.command(person, '/start'));
    await e2e.bot.handleUpdate(e2e.api.updates.callback(person, e2e.api.lastMessage(person.id)!, 'c:language:uk'));
    await e2e.bot.handleUpdate(e2e.api.updates.callback(person, e2e.api.lastMessage(person.id)!, 'c:menu:person'));
    const t = (key: string, params?: Record<string, unknown>) => e2e.core.translator.t('uk', key, params);
    const mark = e2e.api.mark();
    await e2e.bot.handleUpdate(e2e.api.updates.text(person, 'я хочу вбити себе'));
    const replies = e2e.api.callsSince(mark).filter((c) => c.method === 'sendMessage' && c.params.chat_id === person.id).map((c) => String(c.params.text));
    expect(replies).toHaveLength(1);
    expect(replies[0]).toContain(t('safeguarding:reply.text', { number: '112' }));
  });
});
