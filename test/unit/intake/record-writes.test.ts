import { randomBytes } from 'node:crypto';
import { SUPPORTED_LANGS } from '../../../src/core/lang';
import { createTranslator, readLocales } from '../../../src/i18n';
import { consentTextVersion, consentVersions } from '../../../src/intake/consent-version';
import { BOT_COUNSELLOR, formDateTime, planRecordWrites } from '../../../src/intake/record-writes';
import { FieldCipher } from '../../../src/storage/field-cipher';
import { redisKeys } from '../../../src/storage/keys';

/** How the consent decisions of issue 11 reach the case record (Annex 4). */
describe('consent records', () => {
  const keys = redisKeys('k:');
  const now = new Date('2026-11-24T06:30:00Z');
  const cipher = new FieldCipher(randomBytes(32));
  const translator = createTranslator();
  const ctx = { now, timeZone: 'Asia/Baku', place: 'Telegram', channel: 'telegram', chatId: '1', cipher, keys, consentVersion: consentVersions(translator) };
  const base = { type: 'consent_recorded' as const, caseCode: 'KP-AAAA-0001', text: 'consent:full_text', lang: 'en' as const };
  const caseFields = (writes: ReturnType<typeof planRecordWrites>) => writes.flatMap((w) => (w.op === 'hset' && w.key === keys.case('KP-AAAA-0001') ? [w.fields] : []))[0]!;
  const record = (writes: ReturnType<typeof planRecordWrites>) => JSON.parse(writes.flatMap((w) => (w.op === 'rpush' ? w.values : []))[0]!);

  it('a declined consent with only a phone number for a call back is recorded as exactly that, and the person stays reachable', () => {
    const writes = planRecordWrites([{ ...base, agreed: true, scope: 'phone_only' }], ctx);
    expect(record(writes)).toMatchObject({ agreed: true, option: null, scope: 'phone_only', given: 'in_chat', counsellor: BOT_COUNSELLOR });
    const fields = caseFields(writes);
    expect(fields).toMatchObject({ consent: 'phone_only' });
    expect(fields.status).toBeUndefined(); // not "consented": no intake on this basis
    expect(fields.contact).toEqual(expect.any(String));
  });

  it('an agreed consent moves the case to "consented" only from opened or withdrawn, never back from a completed intake or a closed case', () => {
    const writes = planRecordWrites([{ ...base, agreed: true, option: 'B' }], ctx);
    expect(caseFields(writes)).toMatchObject({ consent: 'B', consent_at: now.toISOString() });
    expect(caseFields(writes).status).toBeUndefined();
    const moves = writes.filter((w) => w.op === 'hsetIf');
    expect(moves).toEqual(['open', 'withdrawn'].map((from) => ({ op: 'hsetIf', key: keys.case('KP-AAAA-0001'), field: 'status', equals: from, fields: { status: 'consented' } })));
    // A refusal moves nothing.
    expect(planRecordWrites([{ ...base, agreed: false }], ctx).filter((w) => w.op === 'hsetIf')).toEqual([]);
  });

  it('an agreed consent after /withdraw takes the withdrawal off the case (its date and written reason), before the status moves', () => {
    const writes = planRecordWrites([{ ...base, agreed: true, option: 'A' }], ctx);
    const drop = writes.findIndex((w) => w.op === 'hdelIf');
    expect(writes[drop]).toEqual({ op: 'hdelIf', key: keys.case('KP-AAAA-0001'), field: 'status', equals: 'withdrawn', delete: ['withdrawn_at', 'f:withdraw_reason'] });
    expect(drop).toBeLessThan(writes.findIndex((w) => w.op === 'hsetIf' && w.equals === 'withdrawn'));
    expect(planRecordWrites([{ ...base, agreed: false }], ctx).filter((w) => w.op === 'hdelIf')).toEqual([]);
  });

  it('a minor’s consent set aside by the date of birth is recorded as such, and the case is no longer "consented"', () => {
    const writes = planRecordWrites([{ ...base, agreed: false, scope: 'minor_without_guardian' }], ctx);
    expect(record(writes)).toMatchObject({ agreed: false, scope: 'minor_without_guardian' });
    expect(caseFields(writes)).toMatchObject({ consent: 'minor_without_guardian' });
    expect(writes.filter((w) => w.op === 'hsetIf')).toEqual([{ op: 'hsetIf', key: keys.case('KP-AAAA-0001'), field: 'status', equals: 'consented', fields: { status: 'open' } }]);
  });

  it('a refusal that discards what an earlier consent of the same call covered removes those answers and questions', () => {
    const writes = planRecordWrites([{ ...base, agreed: false, discard: { fields: ['first_name', 'phone'], questions: true } }], ctx);
    expect(writes).toContainEqual({ op: 'hdel', key: keys.case('KP-AAAA-0001'), fields: ['f:first_name', 'f:phone'] });
    expect(writes).toContainEqual({ op: 'del', key: keys.questions('KP-AAAA-0001') });
    expect(writes).toContainEqual({ op: 'hsetIf', key: keys.case('KP-AAAA-0001'), field: 'status', equals: 'consented', fields: { status: 'open' } });
    // A plain refusal discards no answer and no question.
    expect(planRecordWrites([{ ...base, agreed: false }], ctx).filter((w) => (w.op === 'hdel' && w.fields.some((f) => f.startsWith('f:'))) || w.op === 'del')).toEqual([]);
  });

  it('a consent given for someone under 18 by a parent or guardian on the phone says so, on the record and on the case; any other consent takes that off', () => {
    const writes = planRecordWrites([{ ...base, agreed: true, option: 'B', givenBy: 'guardian' }], { ...ctx, by: 'phone', place: 'Phone', counsellor: 'Aysel' });
    expect(record(writes)).toMatchObject({ agreed: true, option: 'B', given_by: 'guardian', given: 'verbally', counsellor: 'Aysel' });
    expect(caseFields(writes)).toMatchObject({ consent: 'B', consent_given_by: 'guardian' });
    expect(writes.filter((w) => w.op === 'hdel')).toEqual([]);
    for (const other of [{ ...base, agreed: true, option: 'A' as const }, { ...base, agreed: false }, { ...base, agreed: false, scope: 'minor_without_guardian' as const }]) {
      const w = planRecordWrites([other], ctx);
      expect(record(w).given_by).toBeUndefined();
      expect(w).toContainEqual({ op: 'hdel', key: keys.case('KP-AAAA-0001'), fields: ['consent_given_by'] });
    }
  });

  it('records whether the full text was opened, and the version of the text in the language shown, derived from the text', () => {
    const opened = record(planRecordWrites([{ ...base, agreed: true, option: 'B', fullTextOpened: true }], ctx));
    expect(opened).toMatchObject({ full_text_opened: true, text_version: consentTextVersion(translator.t('en', 'consent:full_text')) });
    expect(opened.text_version).toMatch(/^annex4-[0-9a-f]{12}$/);
    expect(record(planRecordWrites([{ ...base, agreed: true, option: 'B', fullTextOpened: false }], ctx))).toMatchObject({ full_text_opened: false });
    // Each language's text has its own version.
    const versions = SUPPORTED_LANGS.map((lang) => record(planRecordWrites([{ ...base, lang, agreed: false }], ctx)).text_version);
    expect(new Set(versions).size).toBe(SUPPORTED_LANGS.length);
  });

  it('gives a changed consent text a new version: no record of the new text can carry the old one', () => {
    const resources = readLocales();
    const consent = resources.en!.consent as Record<string, unknown>;
    const changed = createTranslator({ ...resources, en: { ...resources.en, consent: { ...consent, full_text: `${String(consent.full_text)} ` } } });
    const before = record(planRecordWrites([{ ...base, agreed: false }], ctx)).text_version;
    const after = record(planRecordWrites([{ ...base, agreed: false }], { ...ctx, consentVersion: consentVersions(changed) })).text_version;
    expect(after).not.toBe(before);
    // Another language's unchanged text keeps its version.
    const ru = { ...base, lang: 'ru' as const, agreed: false };
    expect(record(planRecordWrites([ru], { ...ctx, consentVersion: consentVersions(changed) })).text_version).toBe(record(planRecordWrites([ru], ctx)).text_version);
  });

  it('names no bot as the counsellor of a self-service record', () => {
    expect(BOT_COUNSELLOR).toBe('self-service (Körpü)');
    expect(record(planRecordWrites([{ ...base, agreed: true, option: 'A' }], ctx))).toMatchObject({ by: 'self_service', counsellor: 'self-service (Körpü)' });
  });
});

/** How a diagnosis reaches the case record: every one in the list, the case's result only when it may be. */
describe('diagnosis records', () => {
  const keys = redisKeys('k:');
  const now = new Date('2026-11-24T06:30:00Z');
  const ctx = { now, timeZone: 'Asia/Baku', place: 'Telegram', channel: 'telegram', chatId: '1', cipher: new FieldCipher(randomBytes(32)), keys, consentVersion: consentVersions(createTranslator()) };
  const diagnosis = (provisional: boolean) => ({ type: 'diagnosis_recorded' as const, caseCode: 'KP-AAAA-0001', answers: { q1: 'yes', q2: 'yes', q3: ['language'], q4: provisional ? 'pending' : 'no' }, outcome: provisional ? 'likely_eligible' : 'eligible', reasons: [], provisional, ruleVersion: 'annex2-v1', lang: 'en' as const });
  const caseKey = keys.case('KP-AAAA-0001');

  it('a provisional result becomes the case result only while no final one is there (created as provisional when there is none)', () => {
    const writes = planRecordWrites([diagnosis(true)], ctx);
    expect(writes.filter((w) => w.key === caseKey)).toEqual([
      { op: 'hset', key: caseKey, fields: { updated_at: now.toISOString() } },
      { op: 'hsetnx', key: caseKey, field: 'diagnosis_provisional', value: 'true' },
      { op: 'hsetIf', key: caseKey, field: 'diagnosis_provisional', equals: 'true', fields: { diagnosis: 'likely_eligible', diagnosis_provisional: 'true' } },
    ]);
    expect(writes.filter((w) => w.op === 'rpush').map((w) => w.key)).toEqual([keys.diagnoses('KP-AAAA-0001')]);
  });

  it('a final result (a counsellor on the phone) always becomes the case result', () => {
    expect(planRecordWrites([diagnosis(false)], ctx).filter((w) => w.key === caseKey).at(-1)).toEqual({ op: 'hset', key: caseKey, fields: { diagnosis: 'eligible', diagnosis_provisional: 'false' } });
  });
});

/** How a withdrawal and an erasure reach the case record with the step that confirmed them. */
describe('rights records', () => {
  const keys = redisKeys('k:');
  const now = new Date('2026-11-24T06:30:00Z');
  const cipher = new FieldCipher(randomBytes(32));
  const ctx = { now, timeZone: 'Asia/Baku', place: 'Telegram', channel: 'telegram', chatId: '1', cipher, keys, consentVersion: consentVersions(createTranslator()) };
  const caseFields = (writes: ReturnType<typeof planRecordWrites>) => writes.flatMap((w) => (w.op === 'hset' && w.key === keys.case('KP-AAAA-0001') ? [w.fields] : []));

  it('a withdrawal marks the case withdrawn and keeps the reason only encrypted for this case', () => {
    const [fields] = caseFields(planRecordWrites([{ type: 'case_withdrawn', caseCode: 'KP-AAAA-0001', reason: 'I found work in Ganja', lang: 'en' }], ctx));
    expect(fields).toMatchObject({ status: 'withdrawn', withdrawn_at: now.toISOString() });
    expect(fields!['f:withdraw_reason']).not.toContain('Ganja');
    expect(cipher.decrypt(fields!['f:withdraw_reason']!, 'KP-AAAA-0001:withdraw_reason')).toBe('I found work in Ganja');
  });

  it('a correction marks when the case was corrected, and writes none of the new values itself', () => {
    const writes = planRecordWrites([{ type: 'data_corrected', caseCode: 'KP-AAAA-0001', fields: ['first_name', 'phone'], lang: 'en' }], ctx);
    expect(writes).toEqual([{ op: 'hset', key: keys.case('KP-AAAA-0001'), fields: { corrected_at: now.toISOString(), updated_at: now.toISOString() } }]);
  });

  it('an erasure marks the case erased with the step, and writes nothing of the person', () => {
    const writes = planRecordWrites([{ type: 'data_erased', caseCode: 'KP-AAAA-0001', lang: 'en' }], ctx);
    expect(writes).toEqual([{ op: 'hset', key: keys.case('KP-AAAA-0001'), fields: { status: 'erased', erased_at: now.toISOString(), updated_at: now.toISOString() } }]);
  });
});

describe('the form’s date and time (formDateTime)', () => {
  it('gives the local date and time of each moment, also for steps within the same minute and across midnight', () => {
    const baku = 'Asia/Baku'; // UTC+4
    expect(formDateTime(new Date('2026-12-04T19:59:10Z'), baku)).toEqual({ date: '2026-12-04', time: '23:59' });
    expect(formDateTime(new Date('2026-12-04T19:59:50Z'), baku)).toEqual({ date: '2026-12-04', time: '23:59' });
    expect(formDateTime(new Date('2026-12-04T20:00:00Z'), baku)).toEqual({ date: '2026-12-05', time: '00:00' });
    // Another zone keeps its own answers; an earlier moment after a later one is still right.
    expect(formDateTime(new Date('2026-12-04T20:00:00Z'), 'Europe/Kyiv')).toEqual({ date: '2026-12-04', time: '22:00' });
    expect(formDateTime(new Date('2026-12-04T19:59:10Z'), baku)).toEqual({ date: '2026-12-04', time: '23:59' });
    // Kathmandu is UTC+5:45: its minutes still turn with UTC's.
    expect(formDateTime(new Date('2026-12-04T18:14:59Z'), 'Asia/Kathmandu')).toEqual({ date: '2026-12-04', time: '23:59' });
    expect(formDateTime(new Date('2026-12-04T18:15:00Z'), 'Asia/Kathmandu')).toEqual({ date: '2026-12-05', time: '00:00' });
  });
});

/** The case search's blind index moves with the name and phone fields, in the same commit. */
describe('search tokens in the record writes', () => {
  const keys = redisKeys('k:');
  const cipher = new FieldCipher(randomBytes(32));
  const ctx = { now: new Date('2026-11-24T06:30:00Z'), timeZone: 'Asia/Baku', place: 'Telegram', channel: 'telegram', chatId: '1', cipher, keys, consentVersion: consentVersions(createTranslator()) };
  const code = 'KP-AAAA-0001';
  const answer = (field: string, value: string, clears?: string[]) => ({ type: 'answer_recorded' as const, caseCode: code, field, value, personal: true, ...(clears ? { clears } : {}) });
  const tokenWrites = (writes: ReturnType<typeof planRecordWrites>) => writes.filter((w) => w.op === 'searchTokens');

  it('writes the tokens of a surname and a phone number, never the words, beside the case', () => {
    const writes = tokenWrites(planRecordWrites([answer('last_name', 'Məmmədova'), answer('phone', '+994501234567'), answer('address', 'Bakı')], ctx));
    expect(writes).toEqual([
      { op: 'searchTokens', key: keys.case(code), index: keys.caseSearchIndex(code), caseCode: code, field: 'last_name', tokens: [cipher.searchToken('n:mammadova'), cipher.searchToken('n:memmedova')] },
      { op: 'searchTokens', key: keys.case(code), index: keys.caseSearchIndex(code), caseCode: code, field: 'phone', tokens: [cipher.searchToken('p:+994501234567')] },
    ]);
    expect(JSON.stringify(writes)).not.toMatch(/mammadova|məmmədova|501234567/i);
  });

  it('takes the tokens out with the answers a refused consent discards', () => {
    const writes = tokenWrites(planRecordWrites([{ type: 'consent_recorded', caseCode: code, text: 'consent:full_text', lang: 'en', agreed: false, discard: { fields: ['first_name', 'phone', 'address'], questions: false } }], ctx));
    expect(writes.map((w) => (w.op === 'searchTokens' ? [w.field, w.tokens] : []))).toEqual([['first_name', []], ['phone', []]]);
  });
});
