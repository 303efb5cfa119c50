import type { CookieOptions, Request, Response } from 'express';

/** The session cookie's name when the browser keeps Secure cookies for the workspace's address. */
export const HOST_COOKIE = '__Host-korpu_desk';
/**
 * The development fallback: a plain http address other than localhost (a laptop on the office
 * network, say) gets no Secure cookie from a browser, so outside production the cookie there
 * goes without the `__Host-` prefix and Secure. Never in production (PUBLIC_URL must be https).
 */
export const DEV_COOKIE = 'korpu_desk';

/** How the session cookie is set: its name and whether it is Secure. */
export interface SessionCookie {
  name: string;
  secure: boolean;
}

/**
 * The cookie for a workspace reached at `publicUrl`: `__Host-` and Secure on https and on
 * localhost / 127.0.0.1 (browsers treat those as secure and keep Secure cookies over http),
 * else, outside production, {@link DEV_COOKIE} without Secure.
 * @example sessionCookie('https://korpu.example.org', true) // { name: '__Host-korpu_desk', secure: true }
 */
export function sessionCookie(publicUrl: string, production: boolean): SessionCookie {
  const url = new URL(publicUrl);
  const trusted = url.protocol === 'https:' || ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  return trusted || production ? { name: HOST_COOKIE, secure: true } : { name: DEV_COOKIE, secure: false };
}

/** HttpOnly, SameSite=Lax, Path=/, no Domain (what `__Host-` requires), Secure as decided. */
export function cookieOptions(c: SessionCookie): CookieOptions {
  return { httpOnly: true, sameSite: 'lax', path: '/', secure: c.secure };
}

/** The session cookie's value in a request, if any (Express 5 parses no cookies by itself). */
export function readCookie(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0 || part.slice(0, eq).trim() !== name) continue;
    // Our values are base64url; anything undecodable is not ours.
    try {
      return decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** Sets the session cookie (a session cookie of the browser: it goes when the browser closes). */
export function setSessionCookie(res: Response, c: SessionCookie, id: string): void {
  res.cookie(c.name, id, cookieOptions(c));
}

/** Removes the session cookie from the browser. */
export function clearSessionCookie(res: Response, c: SessionCookie): void {
  res.clearCookie(c.name, cookieOptions(c));
}
