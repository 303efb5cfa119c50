import { randomBytes } from 'node:crypto';
import { BOT_COUNSELLOR, planRecordWrites } from '../../../src/intake/record-writes';
import { FieldCipher } from '../../../src/storage/field-cipher';
import { redisKeys } from '../../../src/storage/keys';

/** How the consent decisions of issue 11 reach the case record (Annex 4). */
describe('consent records', () => {
  const keys = redisKeys('k:');
  const now = new Date('2026-11-24T06:30:00Z');
  const cipher = new FieldCipher(randomBytes(32));
  const ctx = { now, timeZone: 'Asia/Baku', place: 'Telegram', channel: 'telegram', chatId: '1', cipher, keys };
  const base = { type: 'consent_recorded' as const, caseCode: 'KP-AAAA-0001', textVersion: 'annex4-2026-v2', lang: 'en' as const };
  const caseFields = (writes: ReturnType<typeof planRecordWrites>) => writes.flatMap((w) => (w.op === 'hset' && w.key === 'k:case:KP-AAAA-0001' ? [w.fields] : []))[0]!;
  const record = (writes: ReturnType<typeof planRecordWrites>) => JSON.parse(writes.flatMap((w) => (w.op === 'rpush' ? w.values : []))[0]!);

  it('a declined consent with only a phone number for a call back is recorded as exactly that, and the person stays reachable', () => {
    const writes = planRecordWrites([{ ...base, agreed: true, scope: 'phone_only' }], ctx);
    expect(record(writes)).toMatchObject({ agreed: true, option: null, scope: 'phone_only', given: 'in_chat', counsellor: BOT_COUNSELLOR });
    const fields = caseFields(writes);
    expect(fields).toMatchObject({ consent: 'phone_only' });
    expect(fields.status).toBeUndefined(); // not "consented": no intake on this basis
    expect(fields.contact).toEqual(expect.any(String));
  });

  it('a minor’s consent set aside by the date of birth is recorded as such', () => {
    const writes = planRecordWrites([{ ...base, agreed: false, scope: 'minor_without_guardian' }], ctx);
    expect(record(writes)).toMatchObject({ agreed: false, scope: 'minor_without_guardian' });
    expect(caseFields(writes)).toMatchObject({ consent: 'minor_without_guardian' });
  });

  it('names no bot as the counsellor of a self-service record', () => {
    expect(BOT_COUNSELLOR).toBe('self-service (Körpü)');
    expect(record(planRecordWrites([{ ...base, agreed: true, option: 'A' }], ctx))).toMatchObject({ by: 'self_service', counsellor: 'self-service (Körpü)' });
  });
});

/** How a withdrawal and an erasure reach the case record with the step that confirmed them. */
describe('rights records', () => {
  const keys = redisKeys('k:');
  const now = new Date('2026-11-24T06:30:00Z');
  const cipher = new FieldCipher(randomBytes(32));
  const ctx = { now, timeZone: 'Asia/Baku', place: 'Telegram', channel: 'telegram', chatId: '1', cipher, keys };
  const caseFields = (writes: ReturnType<typeof planRecordWrites>) => writes.flatMap((w) => (w.op === 'hset' && w.key === 'k:case:KP-AAAA-0001' ? [w.fields] : []));

  it('a withdrawal marks the case withdrawn and keeps the reason only encrypted for this case', () => {
    const [fields] = caseFields(planRecordWrites([{ type: 'case_withdrawn', caseCode: 'KP-AAAA-0001', reason: 'I found work in Ganja', lang: 'en' }], ctx));
    expect(fields).toMatchObject({ status: 'withdrawn', withdrawn_at: now.toISOString() });
    expect(fields!['f:withdraw_reason']).not.toContain('Ganja');
    expect(cipher.decrypt(fields!['f:withdraw_reason']!, 'KP-AAAA-0001:withdraw_reason')).toBe('I found work in Ganja');
  });

  it('an erasure marks the case erased with the step, and writes nothing of the person', () => {
    const writes = planRecordWrites([{ type: 'data_erased', caseCode: 'KP-AAAA-0001', lang: 'en' }], ctx);
    expect(writes).toEqual([{ op: 'hset', key: 'k:case:KP-AAAA-0001', fields: { status: 'erased', erased_at: now.toISOString(), updated_at: now.toISOString() } }]);
  });
});
