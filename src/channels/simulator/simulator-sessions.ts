import { randomBytes, timingSafeEqual } from 'node:crypto';

/** What signs session ids: an HMAC keyed by Körpü's secret (the core's FieldCipher `pseudonym`). */
export interface SessionSigner {
  pseudonym(value: string): string;
}

/** An issued session id: 22 URL-safe characters (issue time and random bits), a dot, their 22-character HMAC. */
export const ISSUED_SESSION = /^([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{22})$/;

/** Binds the HMAC to this use, so no other pseudonym Körpü makes can pass for a session's. */
const CONTEXT = 'simulator-session:';

/** How long a session id works after it was issued: a day of trying flows. */
export const SESSION_LIFE_MS = 24 * 3600_000;

/**
 * The simulator's session ids, issued by the server: the page cannot choose one (and so cannot
 * walk into somebody else's conversation by guessing or copying a short id). An id is 128 bits
 * (the time it was issued, 48 bits, then 80 random bits) with their HMAC; it is checked without
 * any lookup, so nothing is stored per session and a forged or altered id is refused. An id
 * works for {@link SESSION_LIFE_MS} after it was issued, so the number of live sessions is the
 * number issued in that time, which the router caps (simulator-limits.ts).
 *
 * @example
 * const sessions = new SimulatorSessions(core.cipher);
 * const id = sessions.issue();
 * sessions.verify(id); // true
 */
export class SimulatorSessions {
  constructor(
    private readonly signer: SessionSigner,
    private readonly o: { now?: () => number; lifeMs?: number } = {},
  ) {}

  /** A new session id (random; never issued before with overwhelming probability). */
  issue(): string {
    const raw = Buffer.alloc(16);
    raw.writeUIntBE(this.now(), 0, 6);
    randomBytes(10).copy(raw, 6);
    const nonce = raw.toString('base64url');
    return `${nonce}.${this.mac(nonce)}`;
  }

  /** Whether `session` is one this server (with this key) issued, less than its life ago. */
  verify(session: string): boolean {
    const m = ISSUED_SESSION.exec(session);
    if (!m) return false;
    const expected = Buffer.from(this.mac(m[1]!));
    const given = Buffer.from(m[2]!);
    if (!(expected.length === given.length && timingSafeEqual(expected, given))) return false;
    const age = this.now() - Buffer.from(m[1]!, 'base64url').readUIntBE(0, 6);
    return age >= -60_000 && age < (this.o.lifeMs ?? SESSION_LIFE_MS); // a minute's leeway for another process's clock
  }

  private now(): number {
    return this.o.now?.() ?? Date.now();
  }

  private mac(nonce: string): string {
    return this.signer.pseudonym(`${CONTEXT}${nonce}`);
  }
}
