import { BOT_COUNSELLOR } from '../../src/intake/record-writes';
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { seededIds, type Clock } from '../../src/core/clock';
import type { Input } from '../../src/core/conversation';
import { compileFlow, loadFlowDir } from '../../src/flows/loader';
import { FlowRegistry } from '../../src/flows/registry';
import { RULES } from '../../src/flows/rules/registry';
import { ConversationRunner } from '../../src/intake/conversation-runner';
import { consentTextVersion, consentVersions } from '../../src/intake/consent-version';
import { createTranslator } from '../../src/i18n';
import { FieldCipher } from '../../src/storage/field-cipher';
import { redisKeys } from '../../src/storage/keys';
import { RECENT_UPDATE_IDS, RedisConversationStore, stateJsonOf } from '../../src/storage/redis-conversation-store';
import { RedisFlowArchive } from '../../src/storage/redis-flow-archive';
import { dropPrefix, keysUnder, readablePrefix, testPrefix, testRedis } from '../helpers/redis';

const clock: Clock = { now: () => new Date('2026-11-24T10:00:00Z') };

function buildRunner(redis: Redis, prefix: string, cipher: FieldCipher, flows = new FlowRegistry(loadFlowDir('flows'), new RedisFlowArchive(redis, redisKeys(prefix)))) {
  const keys = redisKeys(prefix);
  return {
    keys,
    flows,
    runner: new ConversationRunner({
      store: new RedisConversationStore(redis, keys),
      flows,
      rules: RULES,
      entryFlow: 'welcome',
      consentVersion: consentVersions(createTranslator()),
      clock,
      ids: seededIds(7),
      cipher,
      keys,
      timeZone: 'Asia/Baku',
    }),
  };
}

/** Taps the button whose value is `value` on the last message (as a person would). */
function tap(outputs: { buttons?: { action: { type: string; node?: string; value?: string } }[][] }[], value: string): Input {
  for (const out of [...outputs].reverse())
    for (const row of out.buttons ?? [])
      for (const b of row) if (b.action.type === 'choice' && b.action.value === value) return { type: 'choice', node: b.action.node!, value };
  throw new Error(`no button "${value}" in ${JSON.stringify(outputs)}`);
}

describe('conversation runner on a real Redis', () => {
  let redis: Redis;
  let prefix: string;
  const cipher = new FieldCipher(randomBytes(32));

  beforeEach(() => {
    redis = testRedis();
    prefix = testPrefix();
  });
  afterEach(async () => {
    await dropPrefix(redis, prefix);
    await redis.quit();
  });

  it('completes the whole path and keeps personal fields encrypted, keyed by case code', async () => {
    const { runner, keys } = buildRunner(redis, prefix, cipher);
    let n = 0;
    const send = async (input: Input) => (await runner.handle({ channel: 'telegram', chatId: '424242', updateId: `tg:${++n}`, input })).outputs;
    let out = await send({ type: 'command', name: 'start' });
    for (const v of ['en', 'eligibility', 'adult', 'yes', 'yes', 'language', '__done', 'yes', 'B']) out = await send(tap(out, v));
    out = await send({ type: 'text', text: '14.02.1995' });
    out = await send({ type: 'text', text: 'Aysel' });
    out = await send({ type: 'text', text: 'Məmmədova' });
    out = await send({ type: 'text', text: 'Afghanistan' });
    out = await send(tap(out, 'study'));
    out = await send({ type: 'contact', phone: '+994 50 123 45 67' });
    expect(out.flatMap((o) => o.text)).toContainEqual({ key: 'booking:pick.prompt_first' });
    // This runner has no booking desk: "none of these times suit me" asks a case worker to call.
    out = await send({ type: 'choice', node: 'pick_time', value: 'none' });
    // …and which days and times suit them: a message for the case workers, encrypted like a question.
    out = await send({ type: 'text', text: 'Weekdays after 14:00, not Fridays' });
    out = await send(tap(out, 'leaflet'));
    out = await send({ type: 'text', text: 'Baku, Nizami street 5' });
    out = await send({ type: 'text', text: 'Can I bring my sister?' });
    expect(out.flatMap((o) => o.text)).toContainEqual({ key: 'interview:closing.call' });
    expect(out.flatMap((o) => o.text)).toContainEqual({ key: 'interview:closing.look_forward' });

    // (The case list by time is the case_opened effect's, performed after the commit: this runner has no consumer.)
    const code = (await runner.peek(runner.conversationId('telegram', '424242')))!.caseCode!;
    expect(code).toMatch(/^KP-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    const record = await redis.hgetall(keys.case(code));
    expect(record.status).toBe('intake_completed');
    expect(record.consent).toBe('B');
    // The reason for coming is personal ("asylum" would say the person seeks asylum): sealed, not in clear.
    expect(record['f:reason']).not.toBe('study');
    expect(cipher.decrypt(record['f:reason']!, `${code}:reason`)).toBe('study');
    expect(record['f:referral_source']).toBe('leaflet');
    for (const [field, typed] of [['first_name', 'Aysel'], ['last_name', 'Məmmədova'], ['phone', '+994501234567'], ['address', 'Baku, Nizami street 5'], ['birth_date', '1995-02-14'], ['country', 'Afghanistan']]) {
      const stored = record[`f:${field}`]!;
      expect(stored.startsWith('v1.')).toBe(true);
      expect(cipher.decrypt(stored, `${code}:${field}`)).toBe(typed);
    }
    // Nothing typed by the person is readable anywhere in Redis without the key.
    const dump = await readablePrefix(redis, prefix);
    expect(dump).toContain(code);
    expect(dump).toContain('leaflet'); // non-personal answers (the referral source) stay readable for case workers
    for (const secret of ['study', 'Aysel', 'Məmmədova', '501234567', 'Nizami', 'Afghanistan', 'sister', 'Fridays', '424242']) expect(dump).not.toContain(secret);

    const diagnosis = JSON.parse((await redis.lindex(keys.diagnoses(code), 0))!);
    expect(diagnosis).toMatchObject({ place: 'Telegram', counsellor: BOT_COUNSELLOR, date: '2026-11-24', time: '14:00', outcome: 'likely_eligible', provisional: true, rule_version: 'annex2-v1' });
    expect(diagnosis.answers).toEqual({ adult: 'adult', q1: 'yes', q2: 'yes', q3: ['language'], q4: 'pending' });
    const consent = JSON.parse((await redis.lindex(keys.consents(code), 0))!);
    expect(consent).toMatchObject({ agreed: true, option: 'B', text_version: consentTextVersion(createTranslator().t('en', 'consent:full_text')), full_text_opened: false, lang: 'en' });
    const messages = (await redis.lrange(keys.questions(code), 0, -1)).map((raw) => cipher.decrypt(JSON.parse(raw).text, `${code}:question`));
    expect(messages).toEqual(['Weekdays after 14:00, not Fridays', 'Can I bring my sister?']);
  });

  it('remembers with the state that the contact was asked for, so the next answer removes the keyboard', async () => {
    const { runner } = buildRunner(redis, prefix, cipher);
    let n = 0;
    const send = (input: Input) => runner.handle({ channel: 'telegram', chatId: '55', updateId: `tg:${++n}`, input });
    let h = await send({ type: 'command', name: 'start' });
    for (const v of ['en', 'eligibility', 'adult', 'yes', 'yes', 'language', '__done', 'yes', 'B']) h = await send(tap(h.outputs, v));
    for (const text of ['14.02.1995', 'Aysel', 'Məmmədova', 'Afghanistan']) h = await send({ type: 'text', text });
    h = await send(tap(h.outputs, 'study'));
    expect(h.outputs.some((o) => o.requestContact)).toBe(true);
    expect(h.state.kb).toBe(true);
    expect(h.removeContactKeyboard).toBeUndefined();
    // Something the phone question cannot take: asked again, the keyboard stays.
    h = await send({ type: 'unsupported', kind: 'sticker' });
    expect(h.state.kb).toBe(true);
    expect(h.removeContactKeyboard).toBeUndefined();
    h = await send({ type: 'contact', phone: '+994501234567' });
    expect(h.removeContactKeyboard).toBe(true);
    expect(h.state).not.toHaveProperty('kb');
    h = await send({ type: 'choice', node: 'pick_time', value: 'none' });
    expect(h.removeContactKeyboard).toBeUndefined();
  });

  it('stores no case and no personal data before consent', async () => {
    const { runner } = buildRunner(redis, prefix, cipher);
    let out = (await runner.handle({ channel: 'simulator', chatId: 's1', input: { type: 'command', name: 'start' } })).outputs;
    out = (await runner.handle({ channel: 'simulator', chatId: 's1', input: tap(out, 'ru') })).outputs;
    await runner.handle({ channel: 'simulator', chatId: 's1', input: tap(out, 'about') });
    const keys = await keysUnder(redis, prefix);
    expect(keys.filter((k) => k.includes(':case'))).toEqual([]);
  });

  it('ignores a redelivered update', async () => {
    const { runner } = buildRunner(redis, prefix, cipher);
    const first = await runner.handle({ channel: 'telegram', chatId: '1', updateId: 'tg:900', input: { type: 'command', name: 'start' } });
    const again = await runner.handle({ channel: 'telegram', chatId: '1', updateId: 'tg:900', input: { type: 'command', name: 'start' } });
    expect(first.outputs.length).toBeGreaterThan(0);
    expect(again).toMatchObject({ duplicate: true, outputs: [] });
  });

  it('recognises a redelivery among the latest update ids of the conversation, with no key per update', async () => {
    const { runner, keys } = buildRunner(redis, prefix, cipher);
    const send = (id: number) => runner.handle({ channel: 'telegram', chatId: '3', updateId: `tg:${id}`, input: { type: 'command', name: 'help' } });
    for (let id = 1; id <= RECENT_UPDATE_IDS + 1; id++) expect((await send(id)).duplicate).toBe(false);
    expect((await send(2)).duplicate).toBe(true);
    expect((await send(RECENT_UPDATE_IDS + 1)).duplicate).toBe(true);
    // The oldest id fell off the list: only the latest ones are remembered.
    expect((await send(1)).duplicate).toBe(false);
    expect(await keysUnder(redis, `${prefix}seen`)).toEqual([]);
    const raw = (await redis.getBuffer(keys.conversation(runner.conversationId('telegram', '3'))))!;
    // 12 saves; ids 3 … 11 and 1 again (2 fell off when 1 came back).
    expect(raw.toString('latin1', 0, raw.indexOf('\n')).split(' ')).toEqual(['12', ...Array.from({ length: RECENT_UPDATE_IDS - 1 }, (_, i) => `tg:${i + 3}`), 'tg:1']);
    expect(JSON.parse(stateJsonOf(raw))).toMatchObject({ v: 1 });
  });

  it('reads a conversation saved by an earlier release (HASH {v, s}) and saves it as a string', async () => {
    const { runner, keys } = buildRunner(redis, prefix, cipher);
    const started = await runner.handle({ channel: 'telegram', chatId: '9', updateId: 'tg:1', input: { type: 'command', name: 'start' } });
    const key = keys.conversation(runner.conversationId('telegram', '9'));
    await redis.del(key);
    await redis.hset(key, 'v', '4', 's', JSON.stringify(started.state));
    const next = await runner.handle({ channel: 'telegram', chatId: '9', updateId: 'tg:2', input: { type: 'choice', node: 'language', value: 'ru' } });
    expect(next.state.lang).toBe('ru');
    expect(await redis.type(key)).toBe('string');
    expect((await redis.getBuffer(key))!.toString('latin1').startsWith('5 tg:2\n')).toBe(true);
  });

  it('starts from the copy it saved last (one round trip per update), and from Redis when another process saved since', async () => {
    const flows = new FlowRegistry(loadFlowDir('flows'), new RedisFlowArchive(redis, redisKeys(prefix)));
    const a = buildRunner(redis, prefix, cipher, flows).runner;
    const b = buildRunner(redis, prefix, cipher, flows).runner;
    const loads = jest.spyOn(RedisConversationStore.prototype, 'load');
    const commits = jest.spyOn(RedisConversationStore.prototype, 'commit');
    try {
      const start = await a.handle({ channel: 'telegram', chatId: '21', updateId: 'tg:1', input: { type: 'command', name: 'start' } });
      await a.handle({ channel: 'telegram', chatId: '21', updateId: 'tg:2', input: tap(start.outputs, 'en') });
      expect([loads.mock.calls.length, commits.mock.calls.length]).toEqual([1, 2]);
      // Another process takes the next update; this one's copy is now stale.
      const menu = await b.handle({ channel: 'telegram', chatId: '21', updateId: 'tg:3', input: { type: 'command', name: 'help' } });
      const next = await a.handle({ channel: 'telegram', chatId: '21', updateId: 'tg:4', input: tap(menu.outputs, 'eligibility') });
      expect(next.outputs.flatMap((o) => o.text)).toContainEqual({ key: 'diagnosis:age.prompt' });
      expect(await Promise.all(commits.mock.results.map((r) => r.value))).toEqual(['ok', 'ok', 'ok', 'conflict', 'ok']);
      // A redelivery of what this process handled is caught by the commit.
      expect(await a.handle({ channel: 'telegram', chatId: '21', updateId: 'tg:4', input: tap(menu.outputs, 'eligibility') })).toMatchObject({ duplicate: true, outputs: [] });
      expect((await a.handle({ channel: 'telegram', chatId: '21', updateId: 'tg:5', input: { type: 'choice', node: 'age', value: 'adult' } })).outputs.flatMap((o) => o.text)).toContainEqual({ key: 'diagnosis:q1.prompt' });
    } finally {
      loads.mockRestore();
      commits.mockRestore();
    }
  });

  it('refuses an update id with a space (it would break the stored list)', async () => {
    const store = new RedisConversationStore(redis, redisKeys(prefix));
    await expect(store.commit('x', 0, '{}', 'tg 1', [])).rejects.toThrow(RangeError);
  });

  it('serialises racing updates of one chat with compare-and-set: no answer is lost', async () => {
    const { runner } = buildRunner(redis, prefix, cipher);
    let out = (await runner.handle({ channel: 'telegram', chatId: '7', updateId: 'a0', input: { type: 'command', name: 'start' } })).outputs;
    for (const v of ['en', 'eligibility', 'adult', 'yes', 'yes']) out = (await runner.handle({ channel: 'telegram', chatId: '7', input: tap(out, v) })).outputs;
    // Five taps on the multiple-choice question at the same moment, from five processes.
    const first = tap(out, 'planning');
    const node = first.type === 'choice' ? first.node : '';
    const values = ['planning', 'health_social', 'employment_education', 'culture_social', 'language'];
    const storeSpy = jest.spyOn(RedisConversationStore.prototype, 'commit');
    await Promise.all(values.map((value, i) => runner.handle({ channel: 'telegram', chatId: '7', updateId: `race${i}`, input: { type: 'choice', node, value } })));
    const done = await runner.handle({ channel: 'telegram', chatId: '7', input: { type: 'choice', node, value: '__done' } });
    expect(done.state.vars['diagnosis.q3']).toEqual(values);
    const outcomes = await Promise.all(storeSpy.mock.results.map((r) => r.value));
    expect(outcomes).toContain('conflict'); // the race really happened and was retried
    storeSpy.mockRestore();
  });

  it('keeps a conversation on the flow revision it started with after the flow file changes', async () => {
    const v1 = `
specVersion: 1.0.0
id: welcome
name: test
start: language
nodes:
  - { id: language, type: language, prompt: "welcome:choose_language", next: q }
  - { id: q, type: yes_no, prompt: "diagnosis:q1.prompt", yes: a, no: a }
  - { id: a, type: message, text: ["welcome:intro"], next: end }
  - { id: end, type: end }
`;
    const v2 = v1.replace('text: ["welcome:intro"]', 'text: ["welcome:about.free"]');
    const archive = new RedisFlowArchive(redis, redisKeys(prefix));
    const first = new FlowRegistry([compileFlow(v1, '<v1>')], archive);
    await first.publish();
    const a = buildRunner(redis, prefix, cipher, first);
    let out = (await a.runner.handle({ channel: 'simulator', chatId: 'x', input: { type: 'command', name: 'start' } })).outputs;
    out = (await a.runner.handle({ channel: 'simulator', chatId: 'x', input: tap(out, 'en') })).outputs;

    // Körpü restarts with the changed file: a new registry that only knows v2 in memory.
    const second = new FlowRegistry([compileFlow(v2, '<v2>')], archive);
    await second.publish();
    const b = buildRunner(redis, prefix, cipher, second);
    const after = await b.runner.handle({ channel: 'simulator', chatId: 'x', input: tap(out, 'yes') });
    expect(after.outputs.flatMap((o) => o.text)).toContainEqual({ key: 'welcome:intro' });

    // A conversation that starts now gets the new version.
    let fresh = (await b.runner.handle({ channel: 'simulator', chatId: 'y', input: { type: 'command', name: 'start' } })).outputs;
    fresh = (await b.runner.handle({ channel: 'simulator', chatId: 'y', input: tap(fresh, 'en') })).outputs;
    const later = await b.runner.handle({ channel: 'simulator', chatId: 'y', input: tap(fresh, 'yes') });
    expect(later.outputs.flatMap((o) => o.text)).toContainEqual({ key: 'welcome:about.free' });
  });
});
