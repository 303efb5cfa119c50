import { randomBytes } from 'node:crypto';
import { DecryptionError } from '../../../src/core/errors';
import { FieldCipher } from '../../../src/storage/field-cipher';

describe('FieldCipher', () => {
  const cipher = new FieldCipher(randomBytes(32));

  it('round-trips text, including Azerbaijani and Cyrillic letters', () => {
    for (const text of ['Aysel Məmmədova', 'Пётр Иванов', '+994501234567', '']) {
      const token = cipher.encrypt(text, 'KP-AAAA-BBBB:first_name');
      expect(token.startsWith('v1.')).toBe(true);
      expect(token).not.toContain(text || '\u0000');
      expect(cipher.decrypt(token, 'KP-AAAA-BBBB:first_name')).toBe(text);
    }
  });

  it('gives a different ciphertext each time (random IV)', () => {
    expect(cipher.encrypt('same', 'a')).not.toBe(cipher.encrypt('same', 'a'));
  });

  it('never uses an IV twice, across many values (IVs are drawn from the random source in batches)', () => {
    const ivs = new Set<string>();
    const n = 2000;
    for (let i = 0; i < n; i++) {
      const token = cipher.encrypt(`value ${i}`, 'KP-AAAA-BBBB:address');
      ivs.add(Buffer.from(token.slice(3), 'base64url').subarray(0, 12).toString('hex'));
      if (i % 97 === 0) expect(cipher.decrypt(token, 'KP-AAAA-BBBB:address')).toBe(`value ${i}`);
    }
    expect(ivs.size).toBe(n);
  });

  it('refuses a value moved to another case or field', () => {
    const token = cipher.encrypt('+994501234567', 'KP-AAAA-BBBB:phone');
    expect(() => cipher.decrypt(token, 'KP-CCCC-DDDD:phone')).toThrow(DecryptionError);
    expect(() => cipher.decrypt(token, 'KP-AAAA-BBBB:address')).toThrow(DecryptionError);
  });

  it('refuses a tampered value and a wrong key', () => {
    const token = cipher.encrypt('secret', 'x');
    const flipped = token.slice(0, -2) + (token.at(-2) === 'A' ? 'B' : 'A') + token.at(-1);
    expect(() => cipher.decrypt(flipped, 'x')).toThrow(DecryptionError);
    expect(() => new FieldCipher(randomBytes(32)).decrypt(token, 'x')).toThrow(DecryptionError);
    expect(() => cipher.decrypt('plain text', 'x')).toThrow(DecryptionError);
  });

  it('makes stable pseudonyms that differ per key and reveal nothing', () => {
    const p = cipher.pseudonym('telegram:12345');
    expect(p).toBe(cipher.pseudonym('telegram:12345'));
    expect(p).not.toBe(cipher.pseudonym('telegram:12346'));
    expect(p).not.toBe(new FieldCipher(randomBytes(32)).pseudonym('telegram:12345'));
    expect(p).not.toContain('12345');
  });
});
