import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { newSession, say, startSimulatorApp, type SimulatorHarness } from '../helpers/simulator-app';

/**
 * The simulator has no login: whoever reaches it could fill Redis with conversations. Each
 * client address gets so many requests a minute, and no new session is issued while the cap of
 * live sessions is reached; over a limit the page is told politely, in its own language.
 */
describe('simulator: rate limit and session cap', () => {
  let h: SimulatorHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  /** A request from client `ip` (TRUST_PROXY=1: the proxy's X-Forwarded-For names the client). */
  const from = (ip: string) => ({ 'x-forwarded-for': ip });

  it('answers a client over SIMULATOR_REQUESTS_PER_MINUTE with 429 and Retry-After, and serves the others', async () => {
    h = await startSimulatorApp({ env: { SIMULATOR_REQUESTS_PER_MINUTE: '4', TRUST_PROXY: '1' } });
    const base = h.base;
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await fetch(`${base}/api/simulator/sessions`, { method: 'POST', headers: from('203.0.113.7') })).status);
    expect(statuses).toEqual([201, 201, 201, 201]);
    const over = await fetch(`${base}/api/simulator/sessions`, { method: 'POST', headers: from('203.0.113.7') });
    expect(over.status).toBe(429);
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await over.json()).toMatchObject({ error: 'too_many_requests' });
    // Messages count too.
    const msg = await fetch(`${base}/api/simulator/messages`, { method: 'POST', headers: { ...from('203.0.113.7'), 'content-type': 'application/json' }, body: '{}' });
    expect(msg.status).toBe(429);
    // Another client is served.
    expect((await fetch(`${base}/api/simulator/sessions`, { method: 'POST', headers: from('198.51.100.2') })).status).toBe(201);
  });

  it('counts an IPv6 client by its /64: a new address for every request inside it is still one client', async () => {
    h = await startSimulatorApp({ env: { SIMULATOR_REQUESTS_PER_MINUTE: '4', TRUST_PROXY: '1' } });
    const base = h.base;
    const statuses: number[] = [];
    for (let i = 1; i <= 5; i++) statuses.push((await fetch(`${base}/api/simulator/sessions`, { method: 'POST', headers: from(`2001:db8:7:9::${i.toString(16)}`) })).status);
    expect(statuses).toEqual([201, 201, 201, 201, 429]);
    // The next /64 is another subscriber.
    expect((await fetch(`${base}/api/simulator/sessions`, { method: 'POST', headers: from('2001:db8:7:a::1') })).status).toBe(201);
  });

  it('issues no new session while SIMULATOR_MAX_SESSIONS are live; the live ones go on', async () => {
    h = await startSimulatorApp({ env: { SIMULATOR_MAX_SESSIONS: '3' } });
    const sessions = [await newSession(h.base), await newSession(h.base), await newSession(h.base)];
    const refused = await fetch(`${h.base}/api/simulator/sessions`, { method: 'POST' });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await refused.json()).toMatchObject({ error: 'too_many_sessions' });
    const reply = await say(h.base, { session: sessions[0], input: { type: 'command', name: 'start' } });
    expect(reply.messages.length).toBeGreaterThan(0);
  });

  it.each([
    ['az', 'Qısa müddətdə çox mesaj göndərildi'],
    ['ru', 'Слишком много сообщений'],
    ['en', 'Too many messages in a short time'],
    ['fa', 'در مدت کوتاهی پیام'],
    ['uz', 'Qisqa vaqt ichida juda koʻp xabar'],
    ['tr', 'Kısa sürede çok fazla mesaj'],
    ['uk', 'Забагато повідомлень'],
  ])('the page has the over-limit texts in %s', async (lang, start) => {
    h = await startSimulatorApp();
    const res = await fetch(`${h.base}/api/simulator/strings?lang=${lang}`);
    const { strings } = (await res.json()) as { strings: Record<string, string> };
    expect(strings.too_many_requests).toContain(start);
    expect(strings.too_many_sessions).toBeTruthy();
    expect(strings.too_many_sessions).not.toBe(strings.error);
  });
});

const CHROMIUM = process.env.KORPU_CHROMIUM ?? '/usr/bin/chromium';
const describeBrowser = existsSync(CHROMIUM) ? describe : describe.skip;

describeBrowser('simulator page over the session cap, in a browser', () => {
  jest.setTimeout(60_000);
  let h: SimulatorHarness | undefined;
  let browser: Browser | undefined;
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  it('tells the person, in the page’s language, that no new conversation can start now', async () => {
    h = await startSimulatorApp({ env: { SIMULATOR_MAX_SESSIONS: '1' } });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    const page = await (await browser.newContext({ locale: 'az-AZ' })).newPage();
    await page.goto(h.base);
    // The first conversation takes the one session there is.
    await page.locator('.msg.bot:not(.typing) .bubble').first().waitFor();
    await page.locator('#new').click();
    const note = page.locator('.note.error');
    await note.waitFor();
    expect(await note.textContent()).toBe(h.core.translator.t('az', 'common:simulator.too_many_sessions'));
  });
});
