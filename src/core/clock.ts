import { randomFillSync } from 'node:crypto';

/** Time source, injected so tests control time. */
export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };

/** Source of new identifiers, injected so golden tests get the same ids every run. */
export interface IdGen {
  /** A new non-guessable case code such as `KP-7G4Q-M2XD`. */
  caseCode(): string;
}

// Crockford's base32 without I, L, O, U: easy to read aloud on the phone, no look-alikes.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * Formats 40 random bits (the first five bytes) as `KP-XXXX-XXXX`. 2^40 codes make guessing a
 * live one hopeless. Plain numbers: 40 bits are exact in a double.
 */
export function formatCaseCode(bytes: Uint8Array): string {
  let bits = 0;
  for (let i = 0; i < 5; i++) bits = bits * 256 + bytes[i]!;
  let s = '';
  for (let i = 0; i < 8; i++) {
    s = ALPHABET[bits % 32] + s;
    bits = Math.floor(bits / 32);
  }
  return `KP-${s.slice(0, 4)}-${s.slice(4)}`;
}

/** Random bytes for case codes, drawn from the system's CSPRNG this many at a time (each byte used once). */
const POOL_BYTES = 4096;
const pool = Buffer.alloc(POOL_BYTES);
let poolAt = POOL_BYTES;

/**
 * Five fresh random bytes. A new case's code is drawn about sixteen times until it falls in its
 * conversation's person cell (storage/keys.ts idInCell): one randomBytes call each cost more
 * than the rest of the draw.
 */
function fiveRandomBytes(): Uint8Array {
  if (poolAt + 5 > POOL_BYTES) {
    randomFillSync(pool);
    poolAt = 0;
  }
  const bytes = pool.subarray(poolAt, poolAt + 5);
  poolAt += 5;
  return bytes;
}

export const randomIds: IdGen = {
  caseCode() {
    return formatCaseCode(fiveRandomBytes());
  },
};

/** Deterministic ids for tests and golden scenarios. */
export function seededIds(seed = 1): IdGen {
  let n = seed;
  return {
    caseCode: () => {
      const bytes = new Uint8Array(5);
      let x = n++ * 2654435761;
      for (let i = 0; i < 5; i++) {
        bytes[i] = x & 0xff;
        x = Math.floor(x / 256);
      }
      return formatCaseCode(bytes);
    },
  };
}
