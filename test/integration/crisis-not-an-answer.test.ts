import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { join } from 'node:path';
import { loadSafeguardingConfig, SAFEGUARDING_FILE } from '../../src/config/safeguarding';
import type { Clock } from '../../src/core/clock';
import { seededIds } from '../../src/core/clock';
import type { Input, Output } from '../../src/core/conversation';
import { loadFlowDir } from '../../src/flows/loader';
import { FlowRegistry } from '../../src/flows/registry';
import { RULES } from '../../src/flows/rules/registry';
import { ConversationRunner } from '../../src/intake/conversation-runner';
import { consentVersions } from '../../src/intake/consent-version';
import { createTranslator } from '../../src/i18n';
import { detectCrisis } from '../../src/safeguarding';
import { crisisReply } from '../../src/safeguarding/crisis-reply';
import { FieldCipher } from '../../src/storage/field-cipher';
import { redisKeys } from '../../src/storage/keys';
import { RedisConversationStore } from '../../src/storage/redis-conversation-store';
import { RedisFlowArchive } from '../../src/storage/redis-flow-archive';
import { dropPrefix, testPrefix, testRedis } from '../helpers/redis';

/**
 * Issue 11, item 1, through the real runner and Redis: a message that shows crisis, typed where
 * the flow waits for an answer, gets the emergency reply and the crisis effect and the same
 * question again; nothing of it reaches the case record as a field.
 */
describe('a crisis sentence is never an answer (runner)', () => {
  let redis: Redis;
  let prefix: string;
  const cipher = new FieldCipher(randomBytes(32));
  const clock: Clock = { now: () => new Date('2026-11-24T10:00:00Z') };
  const safeguarding = loadSafeguardingConfig(join(__dirname, '..', '..', SAFEGUARDING_FILE));

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
      ids: seededIds(7),
      cipher,
      keys,
      timeZone: 'Asia/Baku',
      crisis: { detect: detectCrisis, reply: (lang) => crisisReply(safeguarding, lang) },
    });
  }

  const tap = (node: string, value: string): Input => ({ type: 'choice', node, value });
  const keysOf = (outputs: Output[]) => outputs.flatMap((o) => o.text.flatMap((t) => ('key' in t ? [t.key] : [])));

  it('at the first name: the emergency reply, the alert effect, the same question; no field stored', async () => {
    const r = runner();
    let n = 0;
    const send = (input: Input) => r.handle({ channel: 'telegram', chatId: '4242', updateId: `tg:${++n}`, input });
    for (const input of [{ type: 'command', name: 'start' } as Input, tap('language', 'en'), tap('menu', 'book'), tap('age', 'adult'), tap('q1', 'yes'), tap('q2', 'yes'), tap('q3', 'planning'), tap('q3', '__done'), tap('agree', 'A')]) await send(input);
    await send({ type: 'text', text: '25.03.1990' });

    const crisis = await send({ type: 'text', text: 'I want to kill myself' });
    expect(keysOf(crisis.outputs)[0]).toBe('safeguarding:reply.text');
    expect(keysOf(crisis.outputs).at(-1)).toBe('interview:first_name.prompt');
    expect(crisis.effects.map((e) => e.type)).toEqual(['crisis_detected']);
    const code = crisis.state.caseCode!;
    const record = await redis.hgetall(redisKeys(prefix).case(code));
    expect(record['f:first_name']).toBeUndefined();
    // The category is special-category data: sealed on the case like its answers, nowhere plain.
    expect(record.crisis).toBeUndefined();
    expect(cipher.decrypt(record['f:crisis']!, `${code}:crisis`)).toBe('suicide');
    expect(JSON.stringify(record)).not.toContain('suicide');
    expect(crisis.state.frames.at(-1)).toMatchObject({ f: 'interview', n: 'first_name' });

    const name = await send({ type: 'text', text: 'Aysel' });
    expect(keysOf(name.outputs)).toEqual(['interview:last_name.prompt']);
    const after = await redis.hgetall(redisKeys(prefix).case(code));
    expect(cipher.decrypt(after['f:first_name']!, `${code}:first_name`)).toBe('Aysel');
  });

  it('at a choice question typed instead of tapped: the question is asked again with its buttons', async () => {
    const r = runner();
    let n = 0;
    const send = (input: Input) => r.handle({ channel: 'telegram', chatId: '4343', updateId: `tg:${++n}`, input });
    for (const input of [{ type: 'command', name: 'start' } as Input, tap('language', 'ru'), tap('menu', 'eligibility'), tap('age', 'adult')]) await send(input);
    const crisis = await send({ type: 'text', text: 'Муж бьёт меня, я боюсь идти домой' });
    expect(keysOf(crisis.outputs)).toEqual(expect.arrayContaining(['safeguarding:reply.text', 'diagnosis:q1.prompt']));
    expect(crisis.effects.map((e) => e.type)).toEqual(['case_opened', 'crisis_detected']);
    expect(crisis.state.vars['diagnosis.q1']).toBeUndefined();
    expect(crisis.state.frames.at(-1)).toMatchObject({ f: 'diagnosis', n: 'q1' });
  });
});
