import type { Redis } from 'ioredis';
import type { AuditAction, AuditEntry } from '../../src/core/audit';
import { redisKeys, type RedisKeys } from '../../src/storage/keys';
import { RedisAuditTrail } from '../../src/storage/redis-audit-trail';
import { dropPrefix, testPrefix, testRedis } from '../helpers/redis';

/** The audit trail on a real Redis: a stream per month, read back per case, expiring by month. */
describe('RedisAuditTrail', () => {
  let redis: Redis;
  let prefix: string;
  let keys: RedisKeys;
  let now = new Date('2026-11-24T08:00:00Z');
  const clock = { now: () => now };
  beforeEach(() => {
    redis = testRedis();
    prefix = testPrefix();
    keys = redisKeys(prefix);
    now = new Date('2026-11-24T08:00:00Z');
  });
  afterEach(async () => {
    await dropPrefix(redis, prefix);
    await redis.quit();
  });
  const entry = (at: string, action: AuditAction, caseCode: string, more: Record<string, string> = {}): AuditEntry => ({ at: new Date(at), staffId: 's-aaaa', action, caseCode, ...more });

  it('reads one case’s entries back newest first, across months, with their details; other cases’ are not shown', async () => {
    const trail = new RedisAuditTrail(redis, keys, { clock });
    await trail.record(entry('2026-10-30T09:00:00Z', 'claim_case', 'KP-AUDT-0001'));
    await trail.record(entry('2026-10-31T09:00:00Z', 'claim_case', 'KP-AUDT-0002'));
    await trail.record(entry('2026-11-02T10:00:00Z', 'open_case', 'KP-AUDT-0001'));
    await trail.record(entry('2026-11-03T10:00:00Z', 'reassign_case', 'KP-AUDT-0001', { to: 's-bbbb', from: 's-aaaa' }));
    await trail.record({ at: new Date('2026-11-04T10:00:00Z'), staffId: 'person', action: 'withdraw_case', caseCode: 'KP-AUDT-0001' });

    expect(await trail.forCase('KP-AUDT-0001')).toEqual([
      { at: new Date('2026-11-04T10:00:00Z'), staffId: 'person', action: 'withdraw_case', caseCode: 'KP-AUDT-0001', details: {} },
      { at: new Date('2026-11-03T10:00:00Z'), staffId: 's-aaaa', action: 'reassign_case', caseCode: 'KP-AUDT-0001', details: { to: 's-bbbb', from: 's-aaaa' } },
      { at: new Date('2026-11-02T10:00:00Z'), staffId: 's-aaaa', action: 'open_case', caseCode: 'KP-AUDT-0001', details: {} },
      { at: new Date('2026-10-30T09:00:00Z'), staffId: 's-aaaa', action: 'claim_case', caseCode: 'KP-AUDT-0001', details: {} },
    ]);
    expect(await trail.forCase('KP-AUDT-0001', { limit: 2 })).toHaveLength(2);
    expect(await trail.forCase('KP-NONE-0000')).toEqual([]);
    // One stream per month.
    expect(await redis.xlen(keys.audit('2026-10'))).toBe(2);
    expect(await redis.xlen(keys.audit('2026-11'))).toBe(3);
  });

  it('pages through a month holding more entries than one read', async () => {
    const trail = new RedisAuditTrail(redis, keys, { clock });
    for (let i = 0; i < 1_200; i++) await trail.record(entry(new Date(Date.UTC(2026, 10, 1, 0, 0, i)).toISOString(), 'claim_case', i % 400 === 0 ? 'KP-AUDT-0009' : 'KP-AUDT-0008'));
    const found = await trail.forCase('KP-AUDT-0009', { limit: 10 });
    expect(found.map((r) => r.at.toISOString())).toEqual(['2026-11-01T00:13:20.000Z', '2026-11-01T00:06:40.000Z', '2026-11-01T00:00:00.000Z']);
  });

  it('keeps a month for AUDIT_KEEP_MONTHS after it ends, and drops older months as a whole', async () => {
    const trail = new RedisAuditTrail(redis, keys, { keepMonths: 24, clock });
    await trail.record(entry('2026-11-24T08:00:00Z', 'claim_case', 'KP-AUDT-0003'));
    // November 2026 is kept through November 2028: the stream goes on 1 December 2028.
    expect(await redis.call('EXPIRETIME', keys.audit('2026-11'))).toBe(Date.UTC(2028, 11, 1) / 1000);

    const short = new RedisAuditTrail(redis, keys, { keepMonths: 2, clock });
    await short.record(entry('2026-11-24T09:00:00Z', 'open_case', 'KP-AUDT-0003'));
    expect(await redis.call('EXPIRETIME', keys.audit('2026-11'))).toBe(Date.UTC(2027, 1, 1) / 1000);
    // An entry of a month already past its period is not kept at all.
    await short.record(entry('2026-08-10T09:00:00Z', 'claim_case', 'KP-AUDT-0003'));
    expect(await redis.exists(keys.audit('2026-08'))).toBe(0);
    // What the trail reads are the months still kept.
    expect((await short.forCase('KP-AUDT-0003')).map((r) => r.action)).toEqual(['open_case', 'claim_case']);
  });

  it('appends an entry recorded with the same `once` (a redelivered effect) only once', async () => {
    const trail = new RedisAuditTrail(redis, keys, { clock });
    const e: AuditEntry = { at: now, staffId: 'person', action: 'erase_data', caseCode: 'KP-AUDT-0004' };
    expect(await trail.append(e, { once: '1700000000000-0' })).toBe(true);
    expect(await trail.append(e, { once: '1700000000000-0' })).toBe(false);
    await trail.record(e, { once: '1700000000000-0' });
    expect(await trail.forCase('KP-AUDT-0004')).toHaveLength(1);
    // Without `once`, every record is an entry (staff doing the same thing twice did it twice).
    await trail.record(e);
    expect(await trail.forCase('KP-AUDT-0004')).toHaveLength(2);
  });

  it('lists each case’s entries in its own index with the append, nothing personal in it, expiring with the trail', async () => {
    const trail = new RedisAuditTrail(redis, keys, { keepMonths: 24, clock });
    await trail.record(entry('2026-10-30T09:00:00Z', 'claim_case', 'KP-AUDT-0006'));
    await trail.record(entry('2026-11-02T10:00:00Z', 'open_case', 'KP-AUDT-0006'));
    await trail.record(entry('2026-11-02T11:00:00Z', 'open_case', 'KP-AUDT-0007'));
    await trail.record({ at: now, staffId: 's-aaaa', action: 'add_staff' });
    const members = await redis.zrange(keys.auditOfCase('KP-AUDT-0006'), '0', '-1');
    expect(members).toEqual([expect.stringMatching(/^2026-10 \d+-\d+$/), expect.stringMatching(/^2026-11 \d+-\d+$/)]);
    expect(await redis.zcard(keys.auditOfCase('KP-AUDT-0007'))).toBe(1);
    // An entry about no case is in no case's index.
    expect(await redis.exists(keys.auditOfCase('-'))).toBe(0);
    // It goes with the newest month it points into.
    expect(await redis.call('EXPIRETIME', keys.auditOfCase('KP-AUDT-0006'))).toBe(Date.UTC(2028, 11, 1) / 1000);
    // A redelivered effect's entry is listed once.
    await trail.record(entry('2026-11-03T10:00:00Z', 'erase_data', 'KP-AUDT-0006'), { once: 'e-1' });
    await trail.record(entry('2026-11-03T10:00:00Z', 'erase_data', 'KP-AUDT-0006'), { once: 'e-1' });
    expect(await redis.zcard(keys.auditOfCase('KP-AUDT-0006'))).toBe(3);
    expect((await trail.forCase('KP-AUDT-0006')).map((r) => r.action)).toEqual(['erase_data', 'open_case', 'claim_case']);
    // The case file reads the index, not the month: another case's thousand entries cost it nothing.
    for (let i = 0; i < 1_000; i++) await trail.record(entry(new Date(Date.UTC(2026, 10, 5, 0, 0, i)).toISOString(), 'open_case', 'KP-AUDT-0007'));
    expect((await trail.forCase('KP-AUDT-0006', { limit: 2 })).map((r) => r.action)).toEqual(['erase_data', 'open_case']);
    expect(await trail.forCase('KP-AUDT-0007', { limit: 5 })).toHaveLength(5);
  });

  it('lists once the entries appended before the per-case index existed', async () => {
    const trail = new RedisAuditTrail(redis, keys, { keepMonths: 24, clock });
    expect(await trail.backfillCaseIndex()).toBe(0);
    expect(await redis.exists(keys.auditOfCaseBuilt())).toBe(0);
    // Entries as the trail wrote them before: in the month's stream only.
    await redis.xadd(keys.audit('2026-10'), '*', 'by', 's-aaaa', 'at', '2026-10-30T09:00:00.000Z', 'action', 'claim_case', 'case', 'KP-AUDT-0010');
    await redis.xadd(keys.audit('2026-11'), '*', 'by', 's-aaaa', 'at', '2026-11-02T10:00:00.000Z', 'action', 'open_case', 'case', 'KP-AUDT-0010', 'd:view', 'contact');
    await redis.xadd(keys.audit('2026-11'), '*', 'by', 's-aaaa', 'at', '2026-11-02T11:00:00.000Z', 'action', 'export_cases');
    expect(await trail.forCase('KP-AUDT-0010')).toEqual([]);
    expect(await trail.backfillCaseIndex()).toBe(2);
    expect(await trail.forCase('KP-AUDT-0010')).toEqual([
      { at: new Date('2026-11-02T10:00:00Z'), staffId: 's-aaaa', action: 'open_case', caseCode: 'KP-AUDT-0010', details: { view: 'contact' } },
      { at: new Date('2026-10-30T09:00:00Z'), staffId: 's-aaaa', action: 'claim_case', caseCode: 'KP-AUDT-0010', details: {} },
    ]);
    expect(await redis.call('EXPIRETIME', keys.auditOfCase('KP-AUDT-0010'))).toBe(Date.UTC(2028, 11, 1) / 1000);
    expect(await trail.backfillCaseIndex()).toBe(0);
  });

  it('refuses an entry carrying free text (a name, a phone number, a message) and keeps nothing of it', async () => {
    const trail = new RedisAuditTrail(redis, keys, { clock });
    for (const bad of ['Aysel Quliyeva', '+994501234567', 'Олена', 'call me back', 'x'.repeat(65)]) {
      await expect(trail.record(entry('2026-11-24T08:00:00Z', 'close_case', 'KP-AUDT-0005', { reason: bad }))).rejects.toThrow(/^audit entry close_case: d:reason is not a wire value/);
    }
    await expect(trail.record({ at: now, staffId: 'Kamran Rzayev', action: 'claim_case', caseCode: 'KP-AUDT-0005' })).rejects.toThrow(/by is not a wire value/);
    expect(await redis.exists(keys.audit('2026-11'))).toBe(0);
    // Wire values are fine: ids, codes, snake_case names, times.
    await trail.record(entry('2026-11-24T08:00:00Z', 'close_case', 'KP-AUDT-0005', { reason: 'not_eligible', to: 's-0123456789abcdef', call: '12' }));
    expect(await trail.forCase('KP-AUDT-0005')).toHaveLength(1);
  });

  it('keeps the names of the staff involved as given, in their own fields; a name on more than one line is left out, the entry kept', async () => {
    const trail = new RedisAuditTrail(redis, keys, { clock });
    await trail.record(entry('2026-11-24T08:00:00Z', 'reassign_case', 'KP-AUDT-0006', { to: 's-bbbb', byName: 'Nigar Həsənova', toName: 'Ольга Ковальчук' }));
    await trail.record(entry('2026-11-24T08:01:00Z', 'open_case', 'KP-AUDT-0006', { byName: 'Aysel\nKamran Rzayev withdrew the case' }));
    await trail.record(entry('2026-11-24T08:02:00Z', 'claim_case', 'KP-AUDT-0006'));
    expect(await trail.forCase('KP-AUDT-0006')).toEqual([
      { at: new Date('2026-11-24T08:02:00Z'), staffId: 's-aaaa', action: 'claim_case', caseCode: 'KP-AUDT-0006', details: {} },
      { at: new Date('2026-11-24T08:01:00Z'), staffId: 's-aaaa', action: 'open_case', caseCode: 'KP-AUDT-0006', details: {} },
      { at: new Date('2026-11-24T08:00:00Z'), staffId: 's-aaaa', action: 'reassign_case', caseCode: 'KP-AUDT-0006', byName: 'Nigar Həsənova', toName: 'Ольга Ковальчук', details: { to: 's-bbbb' } },
    ]);
    const [first] = (await redis.xrange(keys.audit('2026-11'), '-', '+', 'COUNT', 1)) as [string, string[]][];
    expect(first?.[1]).toEqual(['by', 's-aaaa', 'at', '2026-11-24T08:00:00.000Z', 'action', 'reassign_case', 'case', 'KP-AUDT-0006', 'd:to', 's-bbbb', 'by_name', 'Nigar Həsənova', 'to_name', 'Ольга Ковальчук']);
  });
});
