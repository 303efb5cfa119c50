import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { loadRequestLexicon, REQUESTS_FILE } from '../../src/config/requests';
import type { Clock } from '../../src/core/clock';
import { seededIds } from '../../src/core/clock';
import type { Input, Output } from '../../src/core/conversation';
import { CaseFiles } from '../../src/caseworkers/case-file';
import { loadFlowDir } from '../../src/flows/loader';
import { FlowRegistry } from '../../src/flows/registry';
import { RULES } from '../../src/flows/rules/registry';
import { ConversationRunner } from '../../src/intake/conversation-runner';
import { consentVersions } from '../../src/intake/consent-version';
import { compileRequestMatcher } from '../../src/intake/typed-requests';
import { createTranslator } from '../../src/i18n';
import { FieldCipher } from '../../src/storage/field-cipher';
import { redisKeys } from '../../src/storage/keys';
import { RedisConversationStore } from '../../src/storage/redis-conversation-store';
import { RedisFlowArchive } from '../../src/storage/redis-flow-archive';
import { dropPrefix, testPrefix, testRedis } from '../helpers/redis';

/**
 * Issue 10, item 5, through the real runner and Redis: what is typed at the consent step (whose
 * text invites questions) is kept, encrypted, in the case's questions list, where case workers
 * read it; words that ask for a right are offered it and never stored as an answer.
 */
describe('typed questions at consent and requests in free words (runner)', () => {
  let redis: Redis;
  let prefix: string;
  const cipher = new FieldCipher(randomBytes(32));
  const clock: Clock = { now: () => new Date('2026-11-24T10:00:00Z') };

  beforeEach(() => {
    redis = testRedis();
    prefix = testPrefix();
  });
  afterEach(async () => {
    await dropPrefix(redis, prefix);
    redis.disconnect();
  });

  function runner() {
    const keys = redisKeys(prefix);
    return new ConversationRunner({
      store: new RedisConversationStore(redis, keys),
      flows: new FlowRegistry(loadFlowDir('flows'), new RedisFlowArchive(redis, keys)),
      rules: RULES,
      entryFlow: 'welcome',
      consentVersion: consentVersions(createTranslator()),
      clock,
      ids: seededIds(11),
      cipher,
      keys,
      timeZone: 'Asia/Baku',
      requests: compileRequestMatcher(loadRequestLexicon(REQUESTS_FILE)),
    });
  }

  const tap = (node: string, value: string): Input => ({ type: 'choice', node, value });
  const keysOf = (outputs: Output[]) => outputs.flatMap((o) => o.text.flatMap((t) => ('key' in t ? [t.key] : [])));
  const toConsent: Input[] = [{ type: 'command', name: 'start' }, tap('language', 'ru'), tap('menu', 'book'), tap('age', 'adult'), tap('q1', 'yes'), tap('q2', 'yes'), tap('q3', 'planning'), tap('q3', '__done')];

  it('a question typed at consent is in the case questions list, encrypted, and in the case file', async () => {
    const r = runner();
    let n = 0;
    const send = (input: Input) => r.handle({ channel: 'telegram', chatId: '5151', updateId: `tg:${++n}`, input });
    for (const input of toConsent) await send(input);

    const question = 'Увидит ли мой работодатель мои ответы?';
    const kept = await send({ type: 'text', text: question });
    expect(keysOf(kept.outputs)).toEqual(['consent:question_kept', 'consent:option.prompt', 'consent:agree.prompt']);
    expect(kept.state.frames.at(-1)).toMatchObject({ f: 'consent', n: 'agree' });
    const code = kept.state.caseCode!;

    const stored = await redis.lrange(redisKeys(prefix).questions(code), 0, -1);
    expect(stored).toHaveLength(1);
    expect(stored[0]).not.toContain('работодатель');
    const files = new CaseFiles({ redis, keys: redisKeys(prefix), cipher });
    expect((await files.details(code, clock.now())).questions).toEqual([question]);

    // Consent still works as before, and the case keeps the question.
    const agreed = await send(tap('agree', 'A'));
    expect(agreed.effects.map((e) => e.type)).toContain('consent_recorded');
    expect((await files.details(code, clock.now())).questions).toEqual([question]);
  });

  it('"удалите мои данные" at the first name is offered /delete, not stored as the name; the name that follows is', async () => {
    const r = runner();
    let n = 0;
    const send = (input: Input) => r.handle({ channel: 'telegram', chatId: '5252', updateId: `tg:${++n}`, input });
    for (const input of [...toConsent, tap('agree', 'A')]) await send(input);
    await send({ type: 'text', text: '25.03.1990' });

    const offer = await send({ type: 'text', text: 'Удалите мои данные!' });
    expect(keysOf(offer.outputs)).toEqual(['rights:offer.text']);
    expect(offer.outputs[0]!.buttons!.flat().map((b) => b.action)).toEqual([
      { type: 'command', name: 'delete' },
      { type: 'choice', node: '__carry_on', value: 'yes' },
    ]);
    expect(offer.effects).toEqual([]);
    const code = offer.state.caseCode!;
    expect((await redis.hgetall(redisKeys(prefix).case(code)))['f:first_name']).toBeUndefined();

    const again = await send(tap('__carry_on', 'yes'));
    expect(keysOf(again.outputs)).toEqual(['interview:first_name.prompt']);
    await send({ type: 'text', text: 'Айсель' });
    const files = new CaseFiles({ redis, keys: redisKeys(prefix), cipher });
    expect((await files.details(code, clock.now())).fields.first_name).toBe('Айсель');
  });

  it('"I want to talk to a person" at the first name is offered "Talk to a person", not stored as the name; its button opens the talk request', async () => {
    const r = runner();
    let n = 0;
    const send = (input: Input) => r.handle({ channel: 'telegram', chatId: '5253', updateId: `tg:${++n}`, input });
    for (const input of [...toConsent, tap('agree', 'A')]) await send(input);
    await send({ type: 'text', text: '25.03.1990' });
    const offer = await send({ type: 'text', text: 'I want to talk to a person' });
    expect(keysOf(offer.outputs)).toEqual(['rights:offer.person_text']);
    expect(offer.outputs[0]!.buttons!.flat().map((b) => b.action)).toEqual([
      { type: 'command', name: 'person' },
      { type: 'choice', node: '__carry_on', value: 'yes' },
    ]);
    expect((await redis.hgetall(redisKeys(prefix).case(offer.state.caseCode!)))['f:first_name']).toBeUndefined();
    const opened = await send({ type: 'command', name: 'person' });
    expect(opened.effects.map((e) => e.type)).toContain('handoff_requested');
    expect(keysOf(opened.outputs)).toContain('handoff:message.prompt');
  });
});
