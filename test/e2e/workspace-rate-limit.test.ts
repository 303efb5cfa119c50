import { randomBytes } from 'node:crypto';
import { OfficesFileSchema } from '../../src/config/offices';
import { PAGE_POINTS } from '../../src/web/rate-limits';
import { testOffice } from '../helpers/office';
import { addStaff, useTestKorpu } from '../helpers/use-korpu';
import { signInAs, trackHandled } from '../helpers/workspace';

/**
 * The workspace's page limit counts a request against its session only when its cookie names a
 * live one: a client sending a new random cookie with every request counted as a new session
 * each time and was never limited. Such requests count by address, as requests without a
 * cookie do; a member signed in from the same address (an office behind one address) still
 * counts against their own session.
 */

jest.setTimeout(60_000);

describe('workspace page rate limit', () => {
  const e2e = useTestKorpu({ offices: OfficesFileSchema.parse({ offices: [testOffice()] }) });
  let base: string;

  beforeAll(async () => {
    base = (await e2e.korpu.start()).url;
  });

  it('limits many requests with random cookies from one address (429), and not a member signed in there', async () => {
    const { user } = await addStaff(e2e, { name: 'Aysel Məmmədova', firstName: 'Aysel', lang: 'en', langs: ['en'] });
    const member = await signInAs(e2e.api, trackHandled(e2e.bot), base, user);
    const [cookieName] = [...member.cookies.keys()];
    expect(cookieName).toBeDefined();
    expect((await member.get('/desk/cases')).status).toBe(200);

    // Cookies shaped as session ids (looked up, ended or never were) and others not: each a new one.
    const randomCookie = (i: number) => (i % 2 ? randomBytes(32).toString('base64url') : randomBytes(12).toString('hex'));
    const visit = (cookie?: string) =>
      fetch(`${base}/desk/cases`, { redirect: 'manual', headers: cookie ? { cookie: `${cookieName}=${cookie}` } : {} }).then(async (r) => (await r.arrayBuffer(), r.status));
    const statuses: number[] = [];
    // One more than the limit: the address also spent some on the member's sign-in (the link's page, the form).
    for (let i = 0; i <= PAGE_POINTS; i += 20) statuses.push(...(await Promise.all(Array.from({ length: Math.min(20, PAGE_POINTS + 1 - i) }, (_, j) => visit(randomCookie(i + j))))));
    // Each sent to the sign-in page until the address has spent the limit, then refused (the
    // requests of a batch go at once, so which of them came last is not known).
    expect(statuses.filter((s) => s !== 303 && s !== 429)).toEqual([]);
    expect(statuses.filter((s) => s === 303).length).toBeGreaterThan(PAGE_POINTS - 10);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(1);
    expect(await visit(randomCookie(1))).toBe(429);
    expect(await visit()).toBe(429);

    // The member at the same address counts against their own session.
    expect((await member.get('/desk/cases')).status).toBe(200);
  });
});
