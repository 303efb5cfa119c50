import { SIGN_IN_POINTS } from '../../src/web/rate-limits';
import { FakeBotApi } from '../helpers/fake-bot-api';
import { startTestKorpu, type TestKorpu } from '../helpers/korpu';

/**
 * The workspace's sign-in limit counts attempts per client address. Behind docker-compose.yml's
 * Caddy every request came from the proxy's address, so anyone could spend the limit with
 * SIGN_IN_POINTS bogus attempts and lock every member of staff out of signing in, again every
 * ten minutes. With TRUST_PROXY (compose sets 1: its proxy) the address is the client's as the
 * proxy saw it; without it X-Forwarded-For is not believed (a client cannot pick its address).
 * An IPv6 client counts by its /64: a subscriber holds the whole of it and could take a new
 * address for every attempt.
 */
jest.setTimeout(60_000);

describe('the workspace behind a reverse proxy', () => {
  let api: FakeBotApi;
  const running: TestKorpu[] = [];
  beforeAll(async () => {
    api = await FakeBotApi.start();
  });
  afterAll(async () => {
    for (const k of running) await k.stop();
    await api.close();
  });

  async function base(env: Record<string, string>): Promise<string> {
    const korpu = await startTestKorpu({ api, env });
    running.push(korpu);
    return (await korpu.start()).url;
  }
  const signIn = (url: string, client: string) =>
    fetch(`${url}/desk/signin`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': client }, body: 'token=guessed-token' }).then(async (r) => (await r.arrayBuffer(), r.status));

  it('with TRUST_PROXY=1, one client spending the sign-in limit does not lock out another', async () => {
    const url = await base({ TRUST_PROXY: '1' });
    for (let i = 0; i < SIGN_IN_POINTS; i++) expect(await signIn(url, '203.0.113.7')).toBe(400);
    expect(await signIn(url, '203.0.113.7')).toBe(429);
    expect(await signIn(url, '198.51.100.4')).toBe(400);
  });

  it('counts an IPv6 client by its /64: new addresses inside it do not get round the limit, another /64 is counted apart', async () => {
    const url = await base({ TRUST_PROXY: '1' });
    // One subscriber's /64, a new address at each attempt (as a client rotating through it would).
    const inside = (i: number) => `2001:db8:4a1:7c00:${(i + 1).toString(16)}:${((i * 7919) % 0x10000).toString(16)}::${(i % 9) + 1}`;
    for (let i = 0; i < SIGN_IN_POINTS; i++) expect(await signIn(url, inside(i))).toBe(400);
    expect(await signIn(url, inside(SIGN_IN_POINTS))).toBe(429);
    expect(await signIn(url, '2001:db8:4a1:7c00::1')).toBe(429);
    // The next /64 along is someone else's; an IPv4 client written as IPv6 counts per address.
    expect(await signIn(url, '2001:db8:4a1:7c01::1')).toBe(400);
    expect(await signIn(url, '::ffff:203.0.113.9')).toBe(400);
  });

  it('counts IPv4 clients written as IPv6 (::ffff:a.b.c.d) per address, not by their /64', async () => {
    const url = await base({ TRUST_PROXY: '1' });
    for (let i = 0; i < SIGN_IN_POINTS; i++) expect(await signIn(url, `::ffff:198.51.100.${(i % 200) + 1}`)).toBe(400);
    expect(await signIn(url, '::ffff:198.51.100.201')).toBe(400);
  });

  it('tells a client on the internet whether it is ready and nothing more: no dependency named (/readyz, /healthz)', async () => {
    const url = await base({ TRUST_PROXY: '1' });
    const asked = async (path: string, headers: Record<string, string>) => {
      const r = await fetch(`${url}${path}`, { headers });
      return { status: r.status, body: await r.text() };
    };
    // Through the proxy, as compose runs it: the client's address in X-Forwarded-For.
    expect(await asked('/readyz', { 'x-forwarded-for': '203.0.113.7' })).toEqual({ status: 200, body: '{"status":"ready"}' });
    expect(await asked('/healthz', { 'x-forwarded-for': '203.0.113.7' })).toEqual({ status: 200, body: '{"status":"ok"}' });
    // A proxy on the same machine, a client saying it is loopback: still passed on.
    expect(await asked('/readyz', { 'x-forwarded-for': '127.0.0.1' })).toEqual({ status: 200, body: '{"status":"ready"}' });
  });

  it('without it, X-Forwarded-For is not believed: a new one does not get round the limit', async () => {
    const url = await base({});
    for (let i = 0; i < SIGN_IN_POINTS; i++) expect(await signIn(url, `203.0.113.${i % 200}`)).toBe(400);
    expect(await signIn(url, '198.51.100.4')).toBe(429);
  });
});
