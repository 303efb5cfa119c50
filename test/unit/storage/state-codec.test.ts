import { createHash, randomBytes } from 'node:crypto';
import { decodeState, DICTIONARY_V1, encodeState } from '../../../src/storage/state-codec';

describe('state codec', () => {
  const intake = JSON.stringify({
    v: 1,
    frames: [
      { f: 'welcome', r: '_cfdX5Oftk', n: 'menu', b: ['language', 'menu'] },
      { f: 'diagnosis', r: 'vzoHkPLXvh', n: 'done', b: ['age', 'q1', 'q2', 'q3', 'continue'] },
      { f: 'interview', r: 'VkWeC1mI12', n: 'questions', b: ['first_name', 'last_name', 'birth_date', 'country', 'reason', 'phone', 'address'] },
    ],
    vars: { 'welcome.menu': 'eligibility', 'diagnosis.age': 'adult', 'diagnosis.q1': 'yes', 'diagnosis.q2': 'yes', 'diagnosis.decide': 'likely_eligible', 'interview.reason': 'study' },
    at: 1796043500528,
    lang: 'ru',
    caseCode: 'KP-KYDT-JFH3',
    consent: 'B',
  });

  it('gives back exactly the JSON it was given, however unlike the dictionary', () => {
    for (const json of [intake, '{}', JSON.stringify({ v: 1, vars: { 'x.y': 'Şəki, Гянджа ✓' }, frames: [] }), JSON.stringify({ long: 'x'.repeat(20_000) })]) {
      expect(decodeState(encodeState(json))).toBe(json);
    }
  });

  it('round-trips a state whose compressed form is longer than one output chunk', () => {
    const json = JSON.stringify({ v: 1, vars: { noise: randomBytes(3000).toString('base64') }, frames: [] });
    expect(encodeState(json).length).toBeGreaterThan(2048);
    expect(decodeState(encodeState(json))).toBe(json);
  });

  it('makes an intake state several times smaller', () => {
    expect(encodeState(intake).length).toBeLessThan(intake.length / 4);
  });

  it('still reads plain JSON (saved by earlier releases)', () => {
    expect(decodeState(Buffer.from(intake))).toBe(intake);
  });

  it('keeps dictionary v1 as it is: stored states need it to be read back', () => {
    // A new dictionary needs a new first byte (DICTIONARY_V2), and this one kept for reading.
    expect(createHash('sha256').update(DICTIONARY_V1).digest('hex').slice(0, 16)).toBe('0ea7561f39e11202');
  });
});
