import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { silentLogger } from '../../src/core/logger';
import { createRightsEffects } from '../../src/intake/rights-effects';
import { FieldCipher } from '../../src/storage/field-cipher';
import { redisKeys } from '../../src/storage/keys';
import { auditMonth, RedisAuditTrail } from '../../src/storage/redis-audit-trail';
import { dropPrefix, testPrefix, testRedis } from '../helpers/redis';

/**
 * The person's own withdrawal and erasure, performed from the effect stream, are recorded in
 * the audit trail by `person`, once per effect however often it is delivered, without the
 * reason they gave; the erasure does not erase the trail.
 */
describe('the rights effects record in the audit trail', () => {
  let redis: Redis;
  let prefix: string;
  const now = new Date('2026-11-24T08:00:00Z');
  const clock = { now: () => now };
  beforeEach(() => {
    redis = testRedis();
    prefix = testPrefix();
  });
  afterEach(async () => {
    await dropPrefix(redis, prefix);
    await redis.quit();
  });

  it('records a withdrawal and an erasure once each, by the person, with no reason text', async () => {
    const keys = redisKeys(prefix);
    const cipher = new FieldCipher(randomBytes(32));
    const trail = new RedisAuditTrail(redis, keys, { clock });
    const handle = createRightsEffects({ redis, keys, cipher, logger: silentLogger(), audit: trail, clock });
    const code = 'KP-RGHT-0001';
    await redis.hset(keys.case(code), { code, lang: 'en', status: 'intake_completed', 'f:first_name': cipher.encrypt('Olena', `${code}:first_name`) });
    const context = { channel: 'telegram', conversationId: 'conv-rights-audit' };

    const withdrawn = { id: '1764000000000-0', type: 'case_withdrawn' as const, caseCode: code, reason: 'Olena found work in Ganja', lang: 'en' as const };
    await handle(withdrawn, context);
    await handle(withdrawn, context); // redelivered
    const erased = { id: '1764000000001-0', type: 'data_erased' as const, caseCode: code, lang: 'en' as const };
    await handle(erased, context);
    await handle(erased, context);

    expect(await trail.forCase(code)).toEqual([
      { at: now, staffId: 'person', action: 'erase_data', caseCode: code, details: {} },
      { at: now, staffId: 'person', action: 'withdraw_case', caseCode: code, details: {} },
    ]);
    expect(await redis.hget(keys.case(code), 'f:first_name')).toBeNull(); // the erasure ran
    const stored = JSON.stringify(await redis.xrange(keys.audit(auditMonth(now)), '-', '+'));
    for (const personal of ['Olena', 'Ganja', 'found work']) expect(stored).not.toContain(personal);
  });

  it('records a correction by the person with the names of the fields that changed, never the new values', async () => {
    const keys = redisKeys(prefix);
    const cipher = new FieldCipher(randomBytes(32));
    const trail = new RedisAuditTrail(redis, keys, { clock });
    const handle = createRightsEffects({ redis, keys, cipher, logger: silentLogger(), audit: trail, clock });
    const code = 'KP-RGHT-0002';
    await redis.hset(keys.case(code), { code, lang: 'en', status: 'intake_completed', 'f:first_name': cipher.encrypt('Oksana', `${code}:first_name`) });
    const corrected = { id: '1764000000002-0', type: 'data_corrected' as const, caseCode: code, fields: ['first_name', 'phone'], lang: 'en' as const };
    await handle(corrected, { channel: 'telegram', conversationId: 'conv-rights-correct' });
    await handle(corrected, { channel: 'telegram', conversationId: 'conv-rights-correct' }); // redelivered

    expect(await trail.forCase(code)).toEqual([{ at: now, staffId: 'person', action: 'correct_data', caseCode: code, details: { fields: 'first_name:phone' } }]);
    const stored = JSON.stringify(await redis.xrange(keys.audit(auditMonth(now)), '-', '+'));
    expect(stored).not.toContain('Oksana');
  });
});
