import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { SignInLinkIssuer } from '../../caseworkers/desk';
import type { Clock } from '../../core/clock';
import type { RedisKeys } from '../../storage/keys';
import { newToken, TOKEN_FORMAT, tokenHash } from './tokens';

/** How long a sign-in link works. */
export const SIGN_IN_LINK_MS = 5 * 60_000;

const LinkSchema = z.object({ staffId: z.string().min(1), exp: z.number().int() });

/**
 * One-time sign-in links to the workspace, on Redis: `issue` stores `{staffId, exp}` under the
 * SHA-256 of a fresh random token and gives the link `<base>/desk/signin?token=…`; `consume`
 * takes it with GETDEL, so a link works once, across any number of processes, and not after
 * `exp` (checked against the injected clock; Redis's own expiry only cleans up).
 *
 * @example
 *   const links = new SignInLinks(redis, keys, clock, () => 'https://korpu.example.org');
 *   const { url } = await links.issue(staffId);   // sent by the bot
 *   const staff = await links.consume(token);     // 'ok' once, then 'invalid'
 */
export class SignInLinks implements SignInLinkIssuer {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Pick<RedisKeys, 'webSignIn'>,
    private readonly clock: Clock,
    /** The workspace's public base address (PUBLIC_URL), read when a link is made. */
    private readonly baseUrl: () => string,
  ) {}

  async issue(staffId: string): Promise<{ url: string; expiresAt: Date }> {
    const token = newToken();
    const exp = this.clock.now().getTime() + SIGN_IN_LINK_MS;
    await this.redis.set(this.keys.webSignIn(tokenHash(token)), JSON.stringify({ staffId, exp }), 'PX', SIGN_IN_LINK_MS);
    return { url: `${this.baseUrl()}/desk/signin?token=${token}`, expiresAt: new Date(exp) };
  }

  /** The staff id a link was made for, spending it; `invalid` when unknown, used or malformed, `expired` past its time. */
  async consume(token: string): Promise<{ ok: true; staffId: string } | { ok: false; reason: 'invalid' | 'expired' }> {
    if (!TOKEN_FORMAT.test(token)) return { ok: false, reason: 'invalid' };
    const raw = await this.redis.getdel(this.keys.webSignIn(tokenHash(token)));
    if (raw === null) return { ok: false, reason: 'invalid' };
    const link = LinkSchema.safeParse(JSON.parse(raw));
    if (!link.success) return { ok: false, reason: 'invalid' };
    if (this.clock.now().getTime() > link.data.exp) return { ok: false, reason: 'expired' };
    return { ok: true, staffId: link.data.staffId };
  }
}
