import type { User } from 'grammy/types';
import { toUpdate } from '../../bench/workload';
import { person } from '../../bench/telegram-updates';
import { intakeUntilTimes } from '../helpers/intake';
import { useTestKorpu } from '../helpers/use-korpu';

/**
 * A text longer than a Telegram message may be (4,096 characters: Telegram's own apps cannot
 * send one, but the Bot API may deliver one from another client) gets one clear answer: where
 * a question keeps that much (a message for the case workers), its beginning is kept and the
 * person is told so; where it keeps less (a name), it is refused with the true length, and
 * nothing says it was kept.
 */

jest.setTimeout(60_000);

describe('a text over 4,096 characters', () => {
  // No case workers' chat: a message after /person is the flow's, kept for the case workers.
  const e2e = useTestKorpu();
  const huge = 'Salam! '.repeat(800).trim(); // 5,599 characters
  const length = [...huge].length;

  /** The texts the bot sent to `user` in answer to `update`. */
  async function answersTo(user: User, update: Parameters<typeof e2e.bot.handleUpdate>[0]): Promise<string[]> {
    const mark = e2e.api.mark();
    await e2e.bot.handleUpdate(update);
    return e2e.api
      .callsSince(mark)
      .filter((c) => c.method === 'sendMessage' && String(c.params.chat_id) === String(user.id))
      .map((c) => String(c.params.text));
  }

  it('at a question that keeps less (the first name), is refused once, with its true length, and not said to be kept', async () => {
    const p = person(3); // az
    const t = (key: string, params?: Record<string, unknown>) => e2e.core.translator.t(p.lang, key, params);
    // Up to the first name (after the date of birth).
    const script = intakeUntilTimes(p.lang);
    for (const answer of script.slice(0, script.findIndex((a) => a.kind === 'text') + 1)) await e2e.bot.handleUpdate(toUpdate(p, answer));
    expect(e2e.api.lastMessage(p.id)!.text).toContain(t('interview:first_name.prompt'));

    const answers = await answersTo(p.user, toUpdate(p, { kind: 'text', text: huge }));
    expect(answers).toHaveLength(1);
    expect(answers[0]).toContain(t('common:reprompt.too_long', { count: 100, length }));
    expect(answers[0]).not.toContain(t('common:channel.too_long_message', { max: 4096 }).slice(0, 30));
    const state = await e2e.core.runner.peek(e2e.core.runner.conversationId('telegram', String(p.id)));
    expect(state!.frames.at(-1)!.n).toBe('first_name');
  });

  it('at a message for the case workers, keeps its beginning and says so, once, and nothing asks for it again', async () => {
    const p = person(4); // ru
    const t = (key: string, params?: Record<string, unknown>) => e2e.core.translator.t(p.lang, key, params);
    await e2e.bot.handleUpdate(toUpdate(p, { kind: 'command', text: '/start' }));
    await e2e.bot.handleUpdate(toUpdate(p, { kind: 'tap', node: 'language', value: p.lang }));
    await e2e.bot.handleUpdate(toUpdate(p, { kind: 'command', text: '/person' }));
    expect(e2e.api.lastMessage(p.id)!.text).toContain(t('handoff:message.prompt'));

    const answers = (await answersTo(p.user, toUpdate(p, { kind: 'text', text: huge }))).join('\n');
    const kept = huge.slice(0, 4096).trim();
    expect(answers).toContain(t('common:channel.too_long_message', { max: [...kept].length }));
    expect(answers).not.toContain(t('common:reprompt.too_long', { count: 4096, length }).slice(0, 20));
    expect(answers).toContain(t('handoff:more.prompt'));
    await e2e.korpu.settled();
    const code = (await e2e.core.runner.peek(e2e.core.runner.conversationId('telegram', String(p.id))))!.caseCode!;
    const questions = await e2e.redis.lrange(e2e.core.keys.questions(code), 0, -1);
    expect(questions).toHaveLength(1);
    const stored = JSON.parse(questions[0]!) as { text: string };
    expect(e2e.core.cipher.decrypt(stored.text, `${code}:question`)).toBe(kept);
  });
});
