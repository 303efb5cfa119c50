import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A new secret token: 32 random bytes, base64url (43 characters). */
export const newToken = (): string => randomBytes(32).toString('base64url');

/**
 * What Redis keys a token by: its SHA-256, hex. Redis never holds a live sign-in token or
 * session id, so a copy of the database (a backup, a replica) signs nobody in.
 */
export const tokenHash = (token: string): string => createHash('sha256').update(token).digest('hex');

/** A token's shape: base64url of 32 bytes. Anything else is refused before Redis is asked. */
export const TOKEN_FORMAT = /^[A-Za-z0-9_-]{43}$/;

/** Compares two secrets in constant time (CSRF tokens). */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
