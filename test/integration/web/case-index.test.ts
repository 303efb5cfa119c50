import type { Redis } from 'ioredis';
import { CaseIndex, entryOf, facets } from '../../../src/caseworkers/case-index';
import { IncidentStore } from '../../../src/safeguarding';
import { FieldCipher } from '../../../src/storage/field-cipher';
import { redisKeys } from '../../../src/storage/keys';
import { dropPrefix, testPrefix, testRedis } from '../../helpers/redis';

/**
 * The case list's indexes on a real Redis: a case moves between facets as its hash and booking
 * change (reindex reads them, whoever calls it), pages come newest first with filters, a case
 * gone from Redis leaves the index, and the backfill indexes cases written before the index.
 */
describe('CaseIndex', () => {
  let redis: Redis;
  let prefix: string;
  let index: CaseIndex;
  const keys = () => redisKeys(prefix);
  const write = async (code: string, fields: Record<string, string>, booking?: Record<string, string>) => {
    await redis.hset(keys().case(code), fields);
    await redis.zadd(keys().cases(), Date.parse(fields.created_at ?? '2026-01-01T00:00:00Z'), code);
    if (booking) await redis.hset(keys().booking(code), booking);
  };

  beforeEach(() => {
    redis = testRedis();
    prefix = testPrefix();
    index = new CaseIndex(redis, keys());
  });
  afterEach(async () => {
    await dropPrefix(redis, prefix);
    await redis.quit();
  });

  it('says where a case stands, from first message to the end', () => {
    const base = { status: 'intake_completed', created_at: '2026-11-01T10:00:00Z' };
    expect(entryOf(base, {})).toMatchObject({ status: 'new', office: 'none', urgent: false });
    expect(entryOf({ ...base, claimed_by: 's-1' }, { office: 'baku', status: 'booked' })).toMatchObject({ status: 'claimed', office: 'baku', holder: 's-1' });
    expect(entryOf({ ...base, claimed_by: 's-1' }, { office: 'baku', status: 'attended' })?.status).toBe('met');
    expect(entryOf({ ...base, assessment_at: 'x' }, {})?.status).toBe('assessed');
    expect(entryOf({ ...base, assessment_at: 'x', plan_at: 'y' }, {})?.status).toBe('in_plan');
    expect(entryOf({ ...base, status: 'closed', plan_at: 'y' }, {})?.status).toBe('closed');
    expect(entryOf({ ...base, status: 'withdrawn' }, {})?.status).toBe('withdrawn');
    expect(entryOf({ ...base, status: 'erased', claimed_by: 's-1' }, {})).toMatchObject({ status: 'erased' });
    expect(entryOf({ ...base, status: 'erased', claimed_by: 's-1' }, {})?.holder).toBeUndefined();
    expect(entryOf({ ...base, crisis: 'violence' }, {})?.urgent).toBe(true);
    expect(entryOf({ ...base, crisis: 'violence', crisis_ack_at: 'z' }, {})?.urgent).toBe(false);
    expect(entryOf({ ...base, diagnosis_provisional: 'false', lang: 'ru' }, {})).toMatchObject({ elig: 'final', lang: 'ru' });
    expect(entryOf({}, {})).toBeUndefined();
    expect(facets(entryOf({ ...base, lang: 'fa', claimed_by: 's-2', crisis: 'medical' }, { office: 'ganja' })!)).toEqual(['all', 'o:ganja', 's:claimed', 'o:ganja:s:claimed', 'l:fa', 'h:s-2', 'u']);
  });

  it('moves a case between facets as it changes, and pages newest first with filters', async () => {
    await write('KP-AAAA-0001', { status: 'intake_completed', lang: 'ru', created_at: '2026-11-01T10:00:00Z' }, { office: 'baku', status: 'booked' });
    await write('KP-AAAA-0002', { status: 'intake_completed', lang: 'en', created_at: '2026-11-02T10:00:00Z', diagnosis_provisional: 'false' }, { office: 'baku', status: 'booked' });
    await write('KP-AAAA-0003', { status: 'intake_completed', lang: 'ru', created_at: '2026-11-03T10:00:00Z' }, { office: 'ganja', status: 'booked' });
    for (const c of ['KP-AAAA-0001', 'KP-AAAA-0002', 'KP-AAAA-0003']) await index.reindex(c);
    expect(await index.page({ offset: 0, limit: 10 })).toEqual({ total: 3, codes: ['KP-AAAA-0003', 'KP-AAAA-0002', 'KP-AAAA-0001'] });
    expect(await index.page({ office: 'baku', status: 'new', offset: 0, limit: 10 })).toEqual({ total: 2, codes: ['KP-AAAA-0002', 'KP-AAAA-0001'] });
    expect(await index.page({ office: 'baku', status: 'new', offset: 1, limit: 1 })).toEqual({ total: 2, codes: ['KP-AAAA-0001'] });
    expect(await index.page({ lang: 'ru', offset: 0, limit: 10 })).toEqual({ total: 2, codes: ['KP-AAAA-0003', 'KP-AAAA-0001'] });
    expect(await index.page({ office: 'baku', elig: 'final', offset: 0, limit: 10 })).toEqual({ total: 1, codes: ['KP-AAAA-0002'] });

    await redis.hset(keys().case('KP-AAAA-0001'), 'claimed_by', 's-1');
    await index.reindex('KP-AAAA-0001');
    await index.reindex('KP-AAAA-0001'); // again: nothing moves
    expect((await index.page({ office: 'baku', status: 'new', offset: 0, limit: 10 })).codes).toEqual(['KP-AAAA-0002']);
    expect((await index.page({ office: 'baku', status: 'claimed', offset: 0, limit: 10 })).codes).toEqual(['KP-AAAA-0001']);
    expect((await index.page({ holder: 's-1', offset: 0, limit: 10 })).codes).toEqual(['KP-AAAA-0001']);
    // A filtered list asked again right after a case moved (a claim, then "My cases") shows the
    // move: the intersection kept for the next pages is not the one made before it.
    await redis.hset(keys().case('KP-AAAA-0002'), 'claimed_by', 's-1');
    await index.reindex('KP-AAAA-0002');
    expect((await index.page({ holder: 's-1', offset: 0, limit: 10 })).codes).toEqual(['KP-AAAA-0002', 'KP-AAAA-0001']);
    await redis.hdel(keys().case('KP-AAAA-0002'), 'claimed_by');
    await index.reindex('KP-AAAA-0002');
    expect((await index.page({ holder: 's-1', offset: 0, limit: 10 })).codes).toEqual(['KP-AAAA-0001']);

    const [row] = await index.rows(['KP-AAAA-0001']);
    expect(row).toMatchObject({ code: 'KP-AAAA-0001', status: 'claimed', office: 'baku', lang: 'ru', holder: 's-1' });

    // Gone from Redis (erased by the purge): out of every index.
    await redis.del(keys().case('KP-AAAA-0003'), keys().booking('KP-AAAA-0003'));
    await index.reindex('KP-AAAA-0003');
    expect((await index.page({ offset: 0, limit: 10 })).codes).toEqual(['KP-AAAA-0002', 'KP-AAAA-0001']);
    expect(await redis.zcard(keys().caseIndex('o:ganja'))).toBe(0);
  });

  it("pages an office's cases and those with no meeting yet together, newest first, as fresh as one office's", async () => {
    const day = (d: number) => `2026-11-${String(d).padStart(2, '0')}T10:00:00Z`;
    await write('KP-MIXD-0001', { status: 'intake_completed', lang: 'ru', created_at: day(1) }, { office: 'baku', status: 'booked' });
    await write('KP-MIXD-0002', { status: 'intake_completed', lang: 'ru', created_at: day(2), claimed_by: 's-1' });
    await write('KP-MIXD-0003', { status: 'intake_completed', lang: 'en', created_at: day(3) }, { office: 'ganja', status: 'booked' });
    await write('KP-MIXD-0004', { status: 'intake_completed', lang: 'ru', created_at: day(4), claimed_by: 's-1' }, { office: 'baku', status: 'booked' });
    await write('KP-MIXD-0005', { status: 'intake_completed', lang: 'en', created_at: day(5) });
    for (let i = 1; i <= 5; i++) await index.reindex(`KP-MIXD-000${i}`);
    const both = { offices: ['baku', 'none'], offset: 0, limit: 10 };
    expect(await index.page(both)).toEqual({ total: 4, codes: ['KP-MIXD-0005', 'KP-MIXD-0004', 'KP-MIXD-0002', 'KP-MIXD-0001'] });
    expect(await index.page({ ...both, offset: 1, limit: 2 })).toEqual({ total: 4, codes: ['KP-MIXD-0004', 'KP-MIXD-0002'] });
    expect(await index.page({ ...both, status: 'claimed' })).toEqual({ total: 2, codes: ['KP-MIXD-0004', 'KP-MIXD-0002'] });
    expect(await index.page({ ...both, lang: 'ru', offset: 2, limit: 5 })).toEqual({ total: 3, codes: ['KP-MIXD-0001'] });
    expect(await index.page({ ...both, office: 'none' })).toEqual({ total: 2, codes: ['KP-MIXD-0005', 'KP-MIXD-0002'] });
    // A new case with no meeting is on the next read of the first page.
    await write('KP-MIXD-0006', { status: 'intake_completed', lang: 'az', created_at: day(6) });
    await index.reindex('KP-MIXD-0006');
    expect((await index.page(both)).codes[0]).toBe('KP-MIXD-0006');
  });

  it('puts a case in the urgent block while an urgent incident report of it waits, started by staff or drafted by the bot', async () => {
    const incidents = new IncidentStore(redis, prefix, new FieldCipher(Buffer.alloc(32, 7)), { followUpAfterMinutes: 1440, urgentCategories: ['suicide'] });
    const at = new Date('2026-11-24T07:00:00Z');
    await write('KP-URGE-0001', { status: 'intake_completed', lang: 'ru', created_at: '2026-11-01T10:00:00Z' }, { office: 'baku', status: 'booked' });
    await write('KP-URGE-0002', { status: 'intake_completed', lang: 'ru', created_at: '2026-11-02T10:00:00Z' }, { office: 'baku', status: 'booked' });
    const urgentCodes = async () => (await index.urgent(10)).map((u) => u.code);

    // Staff start an urgent report: the case is urgent, on the list and in its row.
    const staff = await incidents.startReport({ caseCode: 'KP-URGE-0001', lang: 'ru', urgent: true, at, by: 's-1' });
    await index.reindex('KP-URGE-0001');
    expect(await urgentCodes()).toEqual(['KP-URGE-0001']);
    expect((await index.page({ office: 'baku', urgent: true, offset: 0, limit: 10 })).codes).toEqual(['KP-URGE-0001']);
    expect((await index.rows(['KP-URGE-0001', 'KP-URGE-0002'])).map((r) => r.urgent)).toEqual([true, undefined]);
    // A report started as not urgent changes nothing; nor does a bot's draft of a crisis the config does not call urgent.
    await incidents.startReport({ caseCode: 'KP-URGE-0002', lang: 'ru', urgent: false, at, by: 's-1' });
    await incidents.createDraft({ id: 'crisis-m', caseCode: 'KP-URGE-0002', channel: 'telegram', lang: 'ru', category: 'medical', cue: 'ru.medical.x', at });
    await index.reindex('KP-URGE-0002');
    expect(await urgentCodes()).toEqual(['KP-URGE-0001']);
    // The bot's draft of an urgent crisis (the category sealed on the case hash): urgent.
    await incidents.createDraft({ id: 'crisis-s', caseCode: 'KP-URGE-0002', channel: 'telegram', lang: 'ru', category: 'suicide', cue: 'ru.suicide.x', at });
    await index.reindex('KP-URGE-0002');
    expect(await urgentCodes()).toEqual(['KP-URGE-0002', 'KP-URGE-0001']);

    // Acknowledged: out of the urgent block.
    await incidents.acknowledge(staff.id, 's-2', at);
    await incidents.acknowledge('crisis-s', 's-2', at);
    for (const c of ['KP-URGE-0001', 'KP-URGE-0002']) await index.reindex(c);
    expect(await urgentCodes()).toEqual([]);
    expect((await index.rows(['KP-URGE-0001'])).map((r) => r.urgent)).toEqual([undefined]);
  });

  it('indexes once every case written before the index existed', async () => {
    expect(await index.backfill()).toBe(0);
    expect(await redis.exists(keys().caseIndexBuilt())).toBe(0);
    for (let i = 0; i < 450; i++) await write(`KP-BF${String(i).padStart(3, '0')}-0001`, { status: 'intake_completed', created_at: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString() });
    expect(await index.backfill()).toBe(450);
    expect((await index.page({ status: 'new', offset: 0, limit: 1 })).total).toBe(450);
    expect(await index.backfill()).toBe(0);
  });
});
