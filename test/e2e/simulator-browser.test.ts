import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startSimulatorApp, type SimulatorHarness } from '../helpers/simulator-app';

/**
 * The simulator page in a real browser (Debian's chromium, driven by playwright-core): tap
 * through the language and menu buttons as programme staff would, tick a multiple-choice
 * option, use a shortcut. Screenshots go to the temp folder for a human look.
 * .ci/run installs chromium; elsewhere the test is skipped with a note when it is missing.
 */
const CHROMIUM = process.env.KORPU_CHROMIUM ?? '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available && process.env.CI) throw new Error(`${CHROMIUM} is missing: .ci/run installs it (apt-get install -y chromium)`);
const describeBrowser = available ? describe : describe.skip;
if (!available) console.warn(`simulator browser test skipped: no ${CHROMIUM} (apt-get install -y chromium)`);

describeBrowser('simulator page in a browser', () => {
  jest.setTimeout(60_000);
  let h: SimulatorHarness;
  let browser: Browser;

  beforeAll(async () => {
    h = await startSimulatorApp();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  /** Opens the page with a fresh browser profile; collects console errors (a CSP refusal shows there). */
  async function open(o: { locale: string; width: number; height: number }): Promise<{ page: Page; problems: string[] }> {
    const context = await browser.newContext({ locale: o.locale, viewport: { width: o.width, height: o.height } });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (m) => (m.type() === 'error' || m.type() === 'warning') && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(h.base);
    return { page, problems };
  }

  const botBubbles = (page: Page) => page.locator('.msg.bot:not(.typing) .bubble');
  const key = (page: Page, label: string) => page.locator('.msg.bot .key', { hasText: label }).last();

  it('taps through language, menu and diagnosis buttons, ticks an option and uses a shortcut', async () => {
    const t = (lang: 'az' | 'ru' | 'en', k: string) => h.core.translator.t(lang, k);
    const { page, problems } = await open({ locale: 'en-GB', width: 1100, height: 820 });

    // The page's own texts come from common:simulator.* in the browser's language.
    await page.locator('h1', { hasText: t('en', 'common:simulator.title') }).waitFor();
    await key(page, t('en', 'common:language_name.ru')).waitFor();
    expect(await botBubbles(page).first().textContent()).toBe(t('en', 'welcome:choose_language'));

    // Choosing Russian switches the conversation and the page to Russian.
    await key(page, t('ru', 'common:language_name.ru')).click();
    await key(page, t('ru', 'welcome:menu.eligibility')).waitFor();
    await page.locator('button.send', { hasText: t('ru', 'common:simulator.send') }).waitFor();
    expect(await page.evaluate('document.documentElement.lang')).toBe('ru');
    expect(await page.locator('.msg.me.tap').last().textContent()).toBe(t('ru', 'common:language_name.ru'));

    await key(page, t('ru', 'welcome:menu.eligibility')).click();
    await page.locator('.msg.bot .bubble', { hasText: t('ru', 'diagnosis:age.prompt') }).waitFor();
    await key(page, t('ru', 'diagnosis:age.adult')).click();
    // Wait for the question: before it shows, "Да" also matches the menu's "Мои данные" (hasText
    // ignores case and matches within), and the click would land there.
    await page.locator('.msg.bot .bubble', { hasText: t('ru', 'diagnosis:q1.prompt') }).waitFor();
    await key(page, t('ru', 'common:button.yes')).click(); // q1
    await page.locator('.msg.bot .bubble', { hasText: t('ru', 'diagnosis:q2.prompt') }).waitFor();
    await key(page, t('ru', 'common:button.yes')).click(); // q2
    await page.locator('.msg.bot .bubble', { hasText: t('ru', 'diagnosis:q3.prompt') }).waitFor();

    // Ticking edits the question in place: no new bubble, the option shows ☑.
    const before = await botBubbles(page).count();
    // The options are written out, numbered, in the question; the keys carry their numbers (5: the language).
    await page.locator('.msg.bot .bubble', { hasText: `5. ${t('ru', 'diagnosis:q3.language')}` }).waitFor();
    await key(page, '☐ 5').click();
    await page.locator('.msg.bot .key', { hasText: '☑ 5' }).waitFor();
    expect(await botBubbles(page).count()).toBe(before);
    expect(await page.locator('.msg.bot .key', { hasText: '☐ 1' }).count()).toBe(1);
    await page.screenshot({ path: join(tmpdir(), 'korpu-simulator-desktop.png') });

    // A shortcut: /back returns to question 2.
    await page.locator('.shortcuts button', { hasText: '/back' }).click();
    await page.locator('.msg.me', { hasText: '/back' }).waitFor();
    await page.locator('.msg.bot .bubble', { hasText: t('ru', 'diagnosis:q2.prompt') }).nth(1).waitFor();

    // Typed text goes through the same runner (a number picks the option, as in Telegram).
    await page.locator('#text').fill('/help');
    await page.locator('#text').press('Enter');
    await page.locator('.msg.bot .bubble', { hasText: t('ru', 'common:notice.help').split('\n')[0]! }).waitFor();
    expect(await page.locator('.bubble[dir="auto"]').count()).toBeGreaterThan(5);
    expect(problems).toEqual([]);
  });

  it('reads well on a phone and offers a fresh conversation', async () => {
    const t = (k: string) => h.core.translator.t('az', k);
    const { page, problems } = await open({ locale: 'az-AZ', width: 390, height: 780 });
    await key(page, t('common:language_name.az')).click();
    await key(page, t('welcome:menu.about')).waitFor();
    const session = await page.evaluate("localStorage.getItem('korpu.simulator.session')");
    // Issued by the server (random part and signature), not made up by the page.
    expect(session).toMatch(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{22}$/);
    // Nothing wider than the screen. (Page code is passed as strings: the tests have no DOM types.)
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await page.screenshot({ path: join(tmpdir(), 'korpu-simulator-phone.png') });

    await page.locator('#new', { hasText: t('common:simulator.new_session') }).click();
    await key(page, t('common:language_name.az')).waitFor();
    expect(await page.locator('.msg').count()).toBe(1);
    const fresh = await page.evaluate("localStorage.getItem('korpu.simulator.session')");
    expect(fresh).not.toBe(session);
    expect(fresh).toMatch(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{22}$/);
    expect(problems).toEqual([]);
  });

  it('replaces a session id the server did not issue (an old page, another server) and carries on', async () => {
    const forged = `${'A'.repeat(22)}.${'B'.repeat(22)}`;
    const context = await browser.newContext({ locale: 'en-GB', viewport: { width: 800, height: 700 } });
    await context.addInitScript(`localStorage.getItem('korpu.simulator.session') || localStorage.setItem('korpu.simulator.session', '${forged}')`);
    const page = await context.newPage();
    const refused: number[] = [];
    page.on('response', (r) => r.url().endsWith('/api/simulator/messages') && r.status() !== 200 && refused.push(r.status()));
    await page.goto(h.base);
    await key(page, h.core.translator.t('en', 'common:language_name.en')).waitFor();
    expect(refused).toEqual([403]);
    const session = await page.evaluate("localStorage.getItem('korpu.simulator.session')");
    expect(session).not.toBe(forged);
    expect(session).toMatch(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{22}$/);
    await context.close();
  });
});
