import type { Update, User } from 'grammy/types';
import { RelayStore } from '../../src/caseworkers/relay-store';
import { addStaff, useTestKorpu } from '../helpers/use-korpu';

/**
 * "None of these times suit me" on Telegram: the intake completes, the case workers are asked
 * to agree a time, and the person is asked when would suit them. What they write reaches the
 * case workers at once (the request opened a talk), they are told it was passed on, and it is
 * kept with the case; a tap on "Skip" goes on with the intake's optional questions.
 */

const CASEWORKERS = -1009876543277;

describe('no suitable time, on Telegram', () => {
  const e2e = useTestKorpu({ env: { CASEWORKER_CHAT_ID: String(CASEWORKERS) } });
  beforeAll(async () => {
    await addStaff(e2e, { id: 7_000_077, name: 'Nigar', firstName: 'Nigar', lang: 'az', langs: ['az', 'en'] });
  });

  const send = (u: Update) => e2e.bot.handleUpdate(u);
  const say = (p: User, text: string) => send(e2e.api.updates.text(p, text));
  const tap = (p: User, node: string, value: string) => send(e2e.api.updates.callback(p, e2e.api.lastMessage(p.id)!, `c:${node}:${value}`));

  it('asks when would suit them; their words reach the case workers and stay with the case', async () => {
    const p = e2e.api.updates.user({ id: 5_424_242_077, first_name: 'Anon', language_code: 'en' });
    const t = (key: string) => e2e.core.translator.t('en', key);
    await send(e2e.api.updates.command(p, '/start'));
    for (const [node, value] of [['language', 'en'], ['menu', 'book'], ['age', 'adult'], ['q1', 'yes'], ['q2', 'yes'], ['q3', 'planning'], ['q3', '__done'], ['agree', 'C']] as const) await tap(p, node, value);
    for (const text of ['25.03.1990', 'Aysel', 'Mammadova', 'Afghanistan']) await say(p, text);
    await tap(p, 'reason', 'work');
    await say(p, '+994 50 123 45 67');
    await tap(p, 'pick_time', 'none');
    const asked = e2e.api.lastMessage(p.id)!;
    expect(asked.text).toContain(t('booking:no_time'));
    expect(asked.text).toContain(t('booking:no_time_when.prompt'));
    const code = (await e2e.core.runner.peek(e2e.core.runner.conversationId('telegram', String(p.id))))!.caseCode!;
    // The request's alert first (sent by the outbox in the background).
    await e2e.api.waitForCalls((c) => c.method === 'sendMessage' && c.params.chat_id === CASEWORKERS && String(c.params.text).startsWith('🙋') && String(c.params.text).includes(code));

    await say(p, 'Weekdays after 14:00, not on Fridays');
    const relayed = e2e.api.sentMessages(CASEWORKERS).filter((m) => m.text?.includes('Weekdays after 14:00'));
    expect(relayed).toHaveLength(1);
    expect(relayed[0]!.text).toContain(code);
    expect(e2e.api.lastMessage(p.id)!.text).toBe(t('handoff:talk.passed_on'));
    const relay = new RelayStore(e2e.redis, e2e.prefix, e2e.core.cipher);
    expect((await relay.messages(code)).map((m) => m.text)).toEqual(['Weekdays after 14:00, not on Fridays']);

    // Skip goes on with the optional questions (and back to the bot: the talk is left).
    await tap(p, 'no_time_when', '__skip');
    expect(e2e.api.lastMessage(p.id)!.text).toContain(t('interview:referral.prompt'));
  });
});
