import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { DecryptionError } from '../core/errors';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Per-field encryption of personal data (AES-256-GCM) before it reaches Redis, and keyed
 * pseudonyms (HMAC-SHA-256) for identifiers that must be looked up but not read (chat ids).
 *
 * Each value is bound to where it belongs by the additional authenticated data (`aad`, e.g.
 * `KP-7G4Q-M2XD:phone`): a ciphertext copied to another case or field fails to decrypt.
 * Both subkeys are derived from DATA_KEY with HKDF, so one secret serves both uses safely.
 */
export class FieldCipher {
  private readonly encKey: Buffer;
  private readonly macKey: Buffer;

  constructor(dataKey: Buffer) {
    if (dataKey.length !== 32) throw new Error('DATA_KEY must be 32 bytes');
    this.encKey = Buffer.from(hkdfSync('sha256', dataKey, Buffer.alloc(0), 'korpu field encryption v1', 32));
    this.macKey = Buffer.from(hkdfSync('sha256', dataKey, Buffer.alloc(0), 'korpu pseudonyms v1', 32));
  }

  /** Encrypts `plaintext`; the result is `v1.<base64url(iv | ciphertext | tag)>`. */
  encrypt(plaintext: string, aad: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.encKey, iv);
    cipher.setAAD(Buffer.from(aad, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return `${VERSION}.${Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url')}`;
  }

  /** Decrypts a value made by `encrypt` with the same `aad`; throws DecryptionError otherwise. */
  decrypt(token: string, aad: string): string {
    const [version, payload] = token.split('.', 2);
    if (version !== VERSION || !payload) throw new DecryptionError('not an encrypted field', { aad });
    const raw = Buffer.from(payload, 'base64url');
    if (raw.length < IV_BYTES + TAG_BYTES) throw new DecryptionError('encrypted field too short', { aad });
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.encKey, raw.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(aad, 'utf8'));
      decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
      return Buffer.concat([decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch (cause) {
      throw new DecryptionError('cannot decrypt field (wrong DATA_KEY or tampered value)', { aad }, { cause });
    }
  }

  /** A stable, non-reversible pseudonym for an identifier (22 characters). */
  pseudonym(value: string): string {
    return createHmac('sha256', this.macKey).update(value).digest('base64url').slice(0, 22);
  }
}
