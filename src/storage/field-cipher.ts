import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomFillSync } from 'node:crypto';
import { DecryptionError } from '../core/errors';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** IVs drawn from the system's random source at a time (one call instead of one per field). */
const IV_POOL = 256;
/** Pseudonyms remembered (chat ids come back on every update); emptied when full. */
const PSEUDONYMS_MAX = 10_000;

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
  private readonly ivs = Buffer.alloc(IV_BYTES * IV_POOL);
  private ivAt = this.ivs.length;
  private readonly pseudonyms = new Map<string, string>();

  constructor(dataKey: Buffer) {
    if (dataKey.length !== 32) throw new Error('DATA_KEY must be 32 bytes');
    this.encKey = Buffer.from(hkdfSync('sha256', dataKey, Buffer.alloc(0), 'korpu field encryption v1', 32));
    this.macKey = Buffer.from(hkdfSync('sha256', dataKey, Buffer.alloc(0), 'korpu pseudonyms v1', 32));
  }

  /** Encrypts `plaintext`; the result is `v1.<base64url(iv | ciphertext | tag)>`. */
  encrypt(plaintext: string, aad: string): string {
    const iv = this.nextIv();
    const cipher = createCipheriv('aes-256-gcm', this.encKey, iv);
    cipher.setAAD(Buffer.from(aad, 'utf8'));
    const body = cipher.update(plaintext, 'utf8');
    const final = cipher.final();
    return `${VERSION}.${Buffer.concat([iv, body, final, cipher.getAuthTag()]).toString('base64url')}`;
  }

  /**
   * A fresh random IV: every IV is a distinct slice of bytes from the system's CSPRNG, drawn
   * {@link IV_POOL} at a time (randomBytes per field cost more than the encryption itself).
   */
  private nextIv(): Buffer {
    if (this.ivAt === this.ivs.length) {
      randomFillSync(this.ivs);
      this.ivAt = 0;
    }
    const iv = Buffer.from(this.ivs.subarray(this.ivAt, this.ivAt + IV_BYTES));
    this.ivAt += IV_BYTES;
    return iv;
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
    let p = this.pseudonyms.get(value);
    if (p === undefined) {
      p = createHmac('sha256', this.macKey).update(value).digest('base64url').slice(0, 22);
      if (this.pseudonyms.size >= PSEUDONYMS_MAX) this.pseudonyms.clear();
      this.pseudonyms.set(value, p);
    }
    return p;
  }
}
