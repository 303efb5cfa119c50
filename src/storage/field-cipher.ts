import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomFillSync } from 'node:crypto';
import { DecryptionError, UnknownKeyError } from '../core/errors';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** IVs drawn from the system's random source at a time (one call instead of one per field). */
const IV_POOL = 256;
/** Pseudonyms remembered (chat ids come back on every update); emptied when full. */
const PSEUDONYMS_MAX = 10_000;
/** What a key id looks like: 8 hex digits. */
const KEY_ID = /^[0-9a-f]{8}$/;
/** A ciphertext body: base64url, at least an IV and a tag long. */
const BODY = /^[A-Za-z0-9_-]{38,}$/;

/** The key id {@link UnknownKeyError} names for a value from before key ids that no configured key opens. */
export const UNLABELLED_KEY_ID = 'unlabelled';

/**
 * The keys of a {@link FieldCipher}: several data keys during a rotation, and the key of the
 * pseudonyms, which a rotation never changes.
 */
export interface CipherKeys {
  /** 32-byte data keys, NEWEST FIRST: the first encrypts, every one decrypts. */
  dataKeys: readonly Buffer[];
  /**
   * The 32-byte key pseudonyms are derived from (PSEUDONYM_KEY). Unset: the OLDEST data key (the
   * last), which is what DATA_KEY was before there were several keys, so existing conversations
   * keep their pseudonyms.
   */
  pseudonymKey?: Buffer;
}

/**
 * The id of a key as ciphertexts carry it: 8 hex digits of an HMAC keyed by the key, so it names
 * the key without revealing anything of it (and is the same in every process and release).
 * @example dataKeyId(Buffer.from(process.env.DATA_KEY!, 'base64')) // '3fa9c2d1'
 */
export function dataKeyId(key: Buffer): string {
  return createHmac('sha256', key).update('korpu key id v1').digest('hex').slice(0, 8);
}

interface DataKeyEntry {
  id: string;
  encKey: Buffer;
}

/**
 * Per-field encryption of personal data (AES-256-GCM) before it reaches Redis, and keyed
 * pseudonyms (HMAC-SHA-256) for identifiers that must be looked up but not read (chat ids).
 *
 * Each value is bound to where it belongs by the additional authenticated data (`aad`, e.g.
 * `KP-7G4Q-M2XD:phone`): a ciphertext copied to another case or field fails to decrypt.
 * The encryption subkey is derived from a data key with HKDF, the pseudonym subkey from the
 * pseudonym key (by default the oldest data key) the same way, so one secret can serve both.
 *
 * Several data keys (a rotation): the newest encrypts, and each value says which key it is
 * under: `v1.<key id>.<base64url(iv | ciphertext | tag)>`. A value from before key ids,
 * `v1.<base64url(…)>`, is tried with every key, oldest first (it was written with the one
 * DATA_KEY there was). A value under a key that is not configured throws
 * {@link UnknownKeyError} naming the key id.
 *
 * @example
 *   const cipher = new FieldCipher({ dataKeys: [newKey, oldKey] });
 *   const token = cipher.encrypt('Aysel', 'KP-7G4Q-M2XD:first_name'); // under newKey
 *   cipher.decrypt(oldToken, 'KP-7G4Q-M2XD:first_name');            // under oldKey: still opens
 */
export class FieldCipher {
  /** The data keys, newest first. */
  private readonly keys: DataKeyEntry[];
  private readonly byId = new Map<string, DataKeyEntry>();
  private readonly macKey: Buffer;
  private readonly searchKey: Buffer;
  /** The id of the key pseudonyms come from (see {@link CipherKeys.pseudonymKey}). */
  readonly pseudonymKeyId: string;
  private readonly ivs = Buffer.alloc(IV_BYTES * IV_POOL);
  private ivAt = this.ivs.length;
  private readonly pseudonyms = new Map<string, string>();

  /** One data key (as DATA_KEY always was), or several with an optional pseudonym key. */
  constructor(keys: Buffer | CipherKeys) {
    const { dataKeys, pseudonymKey } = Buffer.isBuffer(keys) ? { dataKeys: [keys], pseudonymKey: undefined } : keys;
    if (dataKeys.length === 0) throw new Error('FieldCipher: at least one data key is needed');
    this.keys = dataKeys.map((key, i) => {
      if (key.length !== 32) throw new Error(`DATA_KEY must be 32 bytes (key ${i + 1} is ${key.length})`);
      return { id: dataKeyId(key), encKey: Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), 'korpu field encryption v1', 32)) };
    });
    for (const k of this.keys) {
      if (this.byId.has(k.id)) throw new Error(`FieldCipher: two data keys have the id ${k.id} (the same key given twice?)`);
      this.byId.set(k.id, k);
    }
    const macSource = pseudonymKey ?? dataKeys[dataKeys.length - 1]!;
    if (macSource.length !== 32) throw new Error('PSEUDONYM_KEY must be 32 bytes');
    this.pseudonymKeyId = dataKeyId(macSource);
    this.macKey = Buffer.from(hkdfSync('sha256', macSource, Buffer.alloc(0), 'korpu pseudonyms v1', 32));
    // The case search's blind index: its own subkey of the pseudonym key, never of a data key, so
    // that a rotation (which changes data keys only) leaves every token as it is (see searchToken).
    this.searchKey = Buffer.from(hkdfSync('sha256', macSource, Buffer.alloc(0), 'korpu search tokens v1', 32));
  }

  /** Whether `value` has the shape of a value made by `encrypt` (under any key, or from before key ids). */
  static isSealed(value: string): boolean {
    return keyIdIn(value) !== undefined;
  }

  /** The ids of the configured data keys, newest (the one that encrypts) first. */
  get keyIds(): string[] {
    return this.keys.map((k) => k.id);
  }

  /** The id of the key new values are encrypted with. */
  get currentKeyId(): string {
    return this.keys[0]!.id;
  }

  /**
   * The key id `token` names: a key id, {@link UNLABELLED_KEY_ID} for a value from before key
   * ids, undefined when it is not an encrypted value at all.
   */
  keyIdOf(token: string): string | undefined {
    return keyIdIn(token);
  }

  /** Whether `token` is encrypted under the newest key (nothing for a rotation to do). */
  isCurrent(token: string): boolean {
    return keyIdIn(token) === this.keys[0]!.id;
  }

  /**
   * `token` encrypted under the newest key, same plaintext and `aad`; `token` itself when it
   * already is. Throws as `decrypt` does.
   */
  reseal(token: string, aad: string): string {
    return this.isCurrent(token) ? token : this.encrypt(this.decrypt(token, aad), aad);
  }

  /** Encrypts `plaintext` with the newest key; the result is `v1.<key id>.<base64url(iv | ciphertext | tag)>`. */
  encrypt(plaintext: string, aad: string): string {
    const key = this.keys[0]!;
    const iv = this.nextIv();
    const cipher = createCipheriv('aes-256-gcm', key.encKey, iv);
    cipher.setAAD(Buffer.from(aad, 'utf8'));
    const body = cipher.update(plaintext, 'utf8');
    const final = cipher.final();
    return `${VERSION}.${key.id}.${Buffer.concat([iv, body, final, cipher.getAuthTag()]).toString('base64url')}`;
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

  /**
   * Decrypts a value made by `encrypt` with the same `aad`.
   * @throws UnknownKeyError when the value is under a key that is not configured (or, from
   *   before key ids, no configured key opens it); DecryptionError when it is not an encrypted
   *   value, or was altered or moved to another field.
   */
  decrypt(token: string, aad: string): string {
    const parts = token.split('.');
    if (parts[0] !== VERSION || parts.length < 2 || parts.length > 3) throw new DecryptionError('not an encrypted field', { aad });
    const raw = Buffer.from(parts[parts.length - 1]!, 'base64url');
    if (raw.length < IV_BYTES + TAG_BYTES) throw new DecryptionError('encrypted field too short', { aad });
    if (parts.length === 3) {
      const id = parts[1]!;
      const key = this.byId.get(id);
      if (!key) throw new UnknownKeyError(`a value is under key ${id}, which is not configured (configured: ${this.keyIds.join(', ')}): add that key to DATA_KEYS`, id, { aad });
      const plain = open(key.encKey, raw, aad);
      if (plain === undefined) throw new DecryptionError(`cannot decrypt field under key ${id} (tampered value, or moved from another field)`, { aad, keyId: id });
      return plain;
    }
    // From before key ids: written with the one DATA_KEY of the time, which is the oldest now.
    for (let i = this.keys.length - 1; i >= 0; i--) {
      const plain = open(this.keys[i]!.encKey, raw, aad);
      if (plain !== undefined) return plain;
    }
    throw new UnknownKeyError(
      `a value from before key ids opens with none of the configured keys (${this.keyIds.join(', ')}): configure the DATA_KEY it was written with (as the oldest key), or it was altered`,
      UNLABELLED_KEY_ID,
      { aad },
    );
  }

  /**
   * A token of the case search's blind index (16 characters, 96 bits): an HMAC of a normalised
   * word of a name or a phone number (`n:mammadova`, `p:+994501234567`, see
   * intake/search-tokens.ts), keyed by a subkey of the pseudonym key. Equal words give equal
   * tokens, so a case is found by its tokens without decrypting any case; the word cannot be
   * read back without the key.
   *
   * Why the pseudonym key and not the newest data key: a rotation changes the data keys and
   * re-encrypts values, but would have to rebuild every token (decrypting every name) if they
   * hung on a data key; the pseudonym key never changes in a deployment's life (Körpü refuses
   * to start with another, storage/pseudonym-key-check.ts), and the index of a case is deleted
   * with its data. The price is the pseudonyms': whoever holds that key (and Redis) can test
   * guessed names and numbers against the index.
   * @example cipher.searchToken('n:mammadova') // 'Xk3…' (16 characters)
   */
  searchToken(word: string): string {
    return createHmac('sha256', this.searchKey).update(word).digest('base64url').slice(0, 16);
  }

  /** A stable, non-reversible pseudonym for an identifier (22 characters), from the pseudonym key. */
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

/** The plaintext, or undefined when `encKey` does not open `raw` with `aad` (wrong key, altered, moved). */
function open(encKey: Buffer, raw: Buffer, aad: string): string | undefined {
  try {
    const decipher = createDecipheriv('aes-256-gcm', encKey, raw.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
    return Buffer.concat([decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}

/** The key id in an encrypted value's shape (see FieldCipher.keyIdOf). */
function keyIdIn(token: string): string | undefined {
  const parts = token.split('.');
  if (parts[0] !== VERSION) return undefined;
  if (parts.length === 2) return BODY.test(parts[1]!) ? UNLABELLED_KEY_ID : undefined;
  if (parts.length === 3) return KEY_ID.test(parts[1]!) && BODY.test(parts[2]!) ? parts[1] : undefined;
  return undefined;
}
