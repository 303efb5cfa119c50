import { randomBytes } from 'node:crypto';

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

/** Formats 40 random bits as `KP-XXXX-XXXX`. 2^40 codes make guessing a live one hopeless. */
export function formatCaseCode(bytes: Uint8Array): string {
  let bits = 0n;
  for (const b of bytes.subarray(0, 5)) bits = (bits << 8n) | BigInt(b);
  let s = '';
  for (let i = 0; i < 8; i++) {
    s = ALPHABET[Number(bits & 31n)] + s;
    bits >>= 5n;
  }
  return `KP-${s.slice(0, 4)}-${s.slice(4)}`;
}

export const randomIds: IdGen = { caseCode: () => formatCaseCode(randomBytes(5)) };

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
