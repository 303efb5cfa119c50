import { randomBytes, timingSafeEqual } from 'node:crypto';

/** What signs session ids: an HMAC keyed by Körpü's secret (the core's FieldCipher `pseudonym`). */
export interface SessionSigner {
  pseudonym(value: string): string;
}

/** An issued session id: 22 random URL-safe characters, a dot, their 22-character HMAC. */
export const ISSUED_SESSION = /^([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{22})$/;

/** Binds the HMAC to this use, so no other pseudonym Körpü makes can pass for a session's. */
const CONTEXT = 'simulator-session:';

/**
 * The simulator's session ids, issued by the server: the page cannot choose one (and so cannot
 * walk into somebody else's conversation by guessing or copying a short id). An id is 128 random
 * bits with their HMAC; it is checked without any lookup, so nothing is stored per session and a
 * forged or altered id is refused.
 *
 * @example
 * const sessions = new SimulatorSessions(core.cipher);
 * const id = sessions.issue();
 * sessions.verify(id); // true
 */
export class SimulatorSessions {
  constructor(private readonly signer: SessionSigner) {}

  /** A new session id (random; never issued before with overwhelming probability). */
  issue(): string {
    const nonce = randomBytes(16).toString('base64url');
    return `${nonce}.${this.mac(nonce)}`;
  }

  /** Whether `session` is one this server (with this key) issued. */
  verify(session: string): boolean {
    const m = ISSUED_SESSION.exec(session);
    if (!m) return false;
    const expected = Buffer.from(this.mac(m[1]!));
    const given = Buffer.from(m[2]!);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }

  private mac(nonce: string): string {
    return this.signer.pseudonym(`${CONTEXT}${nonce}`);
  }
}
