import { randomBytes } from 'node:crypto';
import { DecryptionError, UnknownKeyError } from '../../../src/core/errors';
import { dataKeyId, FieldCipher, UNLABELLED_KEY_ID } from '../../../src/storage/field-cipher';
import { legacyEncrypt } from '../../helpers/legacy-cipher';

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
      ivs.add(Buffer.from(token.split('.').at(-1)!, 'base64url').subarray(0, 12).toString('hex'));
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

describe('FieldCipher with several keys (rotation)', () => {
  const key1 = randomBytes(32);
  const key2 = randomBytes(32);
  const aad = 'KP-AAAA-BBBB:first_name';

  it('names the key in every value: the newest encrypts, every configured key decrypts', () => {
    const old = new FieldCipher(key1).encrypt('Aysel', aad);
    const both = new FieldCipher({ dataKeys: [key2, key1] });
    const fresh = both.encrypt('Aysel', aad);
    expect(old.split('.')[1]).toBe(dataKeyId(key1));
    expect(fresh.split('.')[1]).toBe(dataKeyId(key2));
    expect(both.currentKeyId).toBe(dataKeyId(key2));
    expect(both.decrypt(old, aad)).toBe('Aysel');
    expect(both.decrypt(fresh, aad)).toBe('Aysel');
    expect(both.isCurrent(old)).toBe(false);
    expect(both.isCurrent(fresh)).toBe(true);
    const resealed = both.reseal(old, aad);
    expect(both.keyIdOf(resealed)).toBe(dataKeyId(key2));
    expect(new FieldCipher(key2).decrypt(resealed, aad)).toBe('Aysel');
  });

  it("reads values written in the format before key ids with that deployment's DATA_KEY, alone or as the oldest of several", () => {
    const legacy = legacyEncrypt(key1, 'Məmmədova', aad);
    expect(FieldCipher.isSealed(legacy)).toBe(true);
    expect(new FieldCipher(key1).keyIdOf(legacy)).toBe(UNLABELLED_KEY_ID);
    expect(new FieldCipher(key1).decrypt(legacy, aad)).toBe('Məmmədova');
    expect(new FieldCipher({ dataKeys: [key2, key1] }).decrypt(legacy, aad)).toBe('Məmmədova');
    expect(new FieldCipher({ dataKeys: [key2, key1] }).reseal(legacy, aad).split('.')[1]).toBe(dataKeyId(key2));
  });

  it('fails loudly, naming the key id, for a value under a key that is not configured', () => {
    const token = new FieldCipher(key1).encrypt('Aysel', aad);
    const only2 = new FieldCipher(key2);
    expect(() => only2.decrypt(token, aad)).toThrow(UnknownKeyError);
    expect(() => only2.decrypt(token, aad)).toThrow(dataKeyId(key1));
    try {
      only2.decrypt(token, aad);
    } catch (e) {
      expect((e as UnknownKeyError).keyId).toBe(dataKeyId(key1));
    }
    expect(() => only2.decrypt(legacyEncrypt(key1, 'x', aad), aad)).toThrow(UnknownKeyError);
    // A value of a known key that was altered is not "an unknown key".
    const altered = `${token.slice(0, -2)}${token.at(-2) === 'A' ? 'B' : 'A'}${token.at(-1)}`;
    expect(() => new FieldCipher(key1).decrypt(altered, aad)).toThrow(DecryptionError);
    expect(() => new FieldCipher(key1).decrypt(altered, aad)).not.toThrow(UnknownKeyError);
  });

  it('keeps pseudonyms across a rotation: from the oldest data key, or PSEUDONYM_KEY', () => {
    const before = new FieldCipher(key1).pseudonym('chat:42');
    expect(new FieldCipher({ dataKeys: [key2, key1] }).pseudonym('chat:42')).toBe(before);
    // After the old key is dropped, PSEUDONYM_KEY set to it keeps every pseudonym.
    expect(new FieldCipher({ dataKeys: [key2], pseudonymKey: key1 }).pseudonym('chat:42')).toBe(before);
    expect(new FieldCipher({ dataKeys: [key2], pseudonymKey: key1 }).pseudonymKeyId).toBe(dataKeyId(key1));
    expect(new FieldCipher(key2).pseudonym('chat:42')).not.toBe(before);
  });

  it('refuses the same key twice', () => {
    expect(() => new FieldCipher({ dataKeys: [key1, key1] })).toThrow(/same key/);
  });
});
