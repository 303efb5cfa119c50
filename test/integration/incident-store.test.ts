import { redisKeys } from '../../src/storage/keys';
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { DecryptionError } from '../../src/core/errors';
import { type DraftIncident, IncidentStore } from '../../src/safeguarding';
import { FieldCipher } from '../../src/storage/field-cipher';
import { dropPrefix, keysUnder, readablePrefix, testPrefix, testRedis } from '../helpers/redis';

const at = new Date('2026-11-24T06:30:00Z');
const later = (minutes: number) => new Date(at.getTime() + minutes * 60_000);
const draft = (over: Partial<DraftIncident> = {}): DraftIncident => ({
  id: 'upd-1001:0',
  caseCode: 'KP-7G4Q-M2XD',
  channel: 'telegram',
  lang: 'az',
  category: 'violence',
  cue: 'violence.az.whom_hurts',
  at,
  ...over,
});
const SECRETS = {
  message: 'Ərim məni döyür, Aysel Məmmədova',
  whatHappened: 'Ərinin zorakılığı barədə danışdı; Yasamal, Şərifzadə küçəsi 12',
  howHandled: 'Phoned her the same hour; she is safe at her sister’s',
  advice: 'Advised to call 102 if he comes back',
  referredTo: 'Women’s crisis centre, Baku',
  otherDescription: 'Partner violence with threats',
};

describe('IncidentStore on a real Redis', () => {
  let redis: Redis;
  let prefix: string;
  let store: IncidentStore;
  let cipher: FieldCipher;
  beforeEach(() => {
    redis = testRedis();
    prefix = testPrefix();
    cipher = new FieldCipher(randomBytes(32));
    store = new IncidentStore(redis, prefix, cipher, { followUpAfterMinutes: 1440 });
  });
  afterEach(async () => {
    await dropPrefix(redis, prefix);
    await redis.quit();
  });

  it('creates a draft once, even when called twice (or concurrently) with the same id', async () => {
    const first = await store.createDraft(draft({ message: SECRETS.message }));
    expect(first.created).toBe(true);
    expect(first.report).toMatchObject({
      id: 'upd-1001:0',
      caseCode: 'KP-7G4Q-M2XD',
      channel: 'telegram',
      lang: 'az',
      category: 'violence',
      cue: 'violence.az.whom_hurts',
      status: 'draft',
      occurredAt: at,
      reportedAt: at,
      followUpDueAt: later(1440),
      types: ['other'],
      message: SECRETS.message,
    });
    const again = await store.createDraft(draft({ at: later(5), category: 'medical', cue: 'medical.az.breathing' }));
    expect(again.created).toBe(false);
    expect(again.report).toEqual(first.report);

    const racers = [testRedis(), testRedis(), testRedis()];
    try {
      const outcomes = await Promise.all(racers.flatMap((c) => [1, 2, 3].map(() => new IncidentStore(c, prefix, cipher, { followUpAfterMinutes: 1440 }).createDraft(draft({ id: 'race', at: later(1) })))));
      expect(outcomes.filter((o) => o.created)).toHaveLength(1);
    } finally {
      await Promise.all(racers.map((c) => c.quit()));
    }
    expect((await store.listDrafts()).map((r) => r.id)).toEqual(['upd-1001:0', 'race']);
    expect((await store.listForCase('KP-7G4Q-M2XD')).map((r) => r.id)).toEqual(['upd-1001:0', 'race']);
  });

  it('suggests the Annex 3 option from the category', async () => {
    expect((await store.createDraft(draft({ id: 's', category: 'suicide', cue: 'suicide.ru.not_live' }))).report.types).toEqual(['suicidal']);
    expect((await store.createDraft(draft({ id: 'e', category: 'exploitation', cue: 'exploitation.en.passport' }))).report.types).toEqual(['exploitation']);
    expect((await store.createDraft(draft({ id: 'h', cue: 'violence.en.killed' }))).report.types).toEqual(['homicide']);
  });

  it('keeps every free-text field encrypted in Redis, bound to its case and field', async () => {
    await store.createDraft(draft({ message: SECRETS.message }));
    const { message: _m, ...patch } = SECRETS;
    expect((await store.update('upd-1001:0', { ...patch, adviceGiven: true }, '1234567', later(30))).status).toBe('updated');

    const raw = await redis.hgetall(redisKeys(prefix).incident('upd-1001:0'));
    const everything = await readablePrefix(redis, prefix);
    for (const secret of Object.values(SECRETS)) expect(everything).not.toContain(secret);
    for (const word of ['Aysel', 'Məmmədova', 'döyür', 'Şərifzadə', 'sister', 'crisis centre', 'threats']) expect(everything).not.toContain(word);
    // The crisis category and cue are special-category data too (they say what the person is going through).
    // So are the Annex 3 types, which say as much ("suicidal").
    for (const wire of ['message', 'what_happened', 'how_handled', 'advice', 'referred_to', 'other', 'category', 'cue', 'types']) expect(raw[wire]).toMatch(/^v1\./);
    expect(everything).not.toMatch(/violence|whom_hurts/);
    // Plain: what case workers filter on, none of it personal.
    expect(raw).toMatchObject({ case: 'KP-7G4Q-M2XD', status: 'draft', advice_given: 'yes', worker: '1234567' });

    // A value copied into another field, or read with another key, does not decrypt.
    await redis.hset(redisKeys(prefix).incident('upd-1001:0'), 'advice', raw.what_happened!);
    await expect(store.get('upd-1001:0')).rejects.toBeInstanceOf(DecryptionError);
    const otherKey = new IncidentStore(redis, prefix, new FieldCipher(randomBytes(32)), { followUpAfterMinutes: 1440 });
    await expect(otherKey.get('upd-1001:0')).rejects.toBeInstanceOf(DecryptionError);
  });

  it('lets a case worker fill in the draft, then complete it once every Annex 3 field is there', async () => {
    await store.createDraft(draft());
    const u = await store.update('upd-1001:0', { whatHappened: SECRETS.whatHappened, occurredAt: later(-60 * 24) }, '1234567', later(10));
    expect(u.status === 'updated' && u.report).toMatchObject({ whatHappened: SECRETS.whatHappened, occurredAt: later(-60 * 24), workerId: '1234567', updatedAt: later(10), status: 'draft' });

    const early = await store.complete('upd-1001:0', { howHandled: SECRETS.howHandled }, '1234567', later(20));
    expect(early).toEqual({ status: 'incomplete', missing: ['otherDescription', 'adviceGiven', 'referredTo', 'nextCallMade'] });
    // Nothing of an incomplete completion is written.
    expect((await store.get('upd-1001:0'))?.howHandled).toBeUndefined();

    const withCall = await store.complete(
      'upd-1001:0',
      { types: ['partner_violence'], howHandled: SECRETS.howHandled, adviceGiven: true, advice: SECRETS.advice, referredTo: SECRETS.referredTo, nextCallMade: true },
      '7654321',
      later(30),
    );
    expect(withCall).toEqual({ status: 'incomplete', missing: ['nextCallAt'] });

    const done = await store.complete(
      'upd-1001:0',
      { types: ['partner_violence'], howHandled: SECRETS.howHandled, adviceGiven: true, advice: SECRETS.advice, referredTo: SECRETS.referredTo, nextCallMade: true, nextCallAt: later(1440) },
      '7654321',
      later(1450),
    );
    expect(done.status).toBe('updated');
    expect(done.status === 'updated' && done.report).toMatchObject({
      status: 'complete',
      types: ['partner_violence'],
      whatHappened: SECRETS.whatHappened,
      howHandled: SECRETS.howHandled,
      adviceGiven: true,
      advice: SECRETS.advice,
      referredTo: SECRETS.referredTo,
      nextCallMade: true,
      nextCallAt: later(1440),
      workerId: '7654321',
      completedAt: later(1450),
    });

    // A completed report is locked; the draft list and the follow-up list no longer show it.
    expect(await store.update('upd-1001:0', { referredTo: 'changed' }, '1234567', later(2000))).toEqual({ status: 'locked' });
    expect(await store.complete('upd-1001:0', {}, '1234567', later(2000))).toEqual({ status: 'locked' });
    expect(await store.listDrafts()).toEqual([]);
    expect(await store.followUpsDue(later(5000))).toEqual([]);
    expect(await store.listForCase('KP-7G4Q-M2XD')).toHaveLength(1);
  });

  it('lists drafts oldest first and follow-up calls once they are due', async () => {
    await store.createDraft(draft({ id: 'b', at: later(10) }));
    await store.createDraft(draft({ id: 'a', at }));
    await store.createDraft(draft({ id: 'c', at: later(20), caseCode: 'KP-AAAA-0001', category: 'suicide', cue: 'suicide.en.want_die' }));
    expect((await store.listDrafts()).map((r) => r.id)).toEqual(['a', 'b', 'c']);
    expect((await store.listDrafts(2)).map((r) => r.id)).toEqual(['a', 'b']);
    expect(await store.followUpsDue(later(1439))).toEqual([]);
    expect((await store.followUpsDue(later(1445))).map((r) => r.id)).toEqual(['a']);
    expect((await store.followUpsDue(later(1455))).map((r) => r.id)).toEqual(['a', 'b']);

    // The call was made: off the follow-up list, still a draft.
    await store.update('a', { nextCallMade: true, nextCallAt: later(1441) }, '1234567', later(1441));
    expect((await store.followUpsDue(later(1500))).map((r) => r.id)).toEqual(['b', 'c']);
    expect((await store.listDrafts()).map((r) => r.id)).toEqual(['a', 'b', 'c']);
    expect((await store.listForCase('KP-AAAA-0001')).map((r) => r.id)).toEqual(['c']);
  });

  it('says not_found for an unknown id and refuses malformed input', async () => {
    expect(await store.get('nope')).toBeUndefined();
    expect(await store.update('nope', { howHandled: 'x' }, '1', at)).toEqual({ status: 'not_found' });
    expect(await store.complete('nope', {}, '1', at)).toEqual({ status: 'not_found' });
    await expect(store.createDraft(draft({ id: 'has spaces' }))).rejects.toThrow();
    await store.createDraft(draft());
    await expect(store.update('upd-1001:0', { howHandled: '   ' }, '1', at)).rejects.toThrow();
    await expect(store.update('upd-1001:0', { status: 'complete' } as never, '1', at)).rejects.toThrow();
    expect(await keysUnder(redis, prefix)).toEqual(expect.arrayContaining([redisKeys(prefix).incident('upd-1001:0')]));
  });
});
