import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startSimulatorApp, type SimulatorHarness } from '../helpers/simulator-app';

/**
 * The simulator in Persian/Dari, right to left, in a real browser (as simulator-browser.test.ts:
 * Debian's chromium driven by playwright-core, skipped with a note when it is missing). A
 * browser set to Persian gets the page right to left; the conversation in Persian reads right
 * to left; and commands, phone numbers and dates inside Persian text keep their own order. The
 * screenshot is kept in test/e2e/screenshots/ for a human look.
 */
const CHROMIUM = process.env.KORPU_CHROMIUM ?? '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available && process.env.CI) throw new Error(`${CHROMIUM} is missing: .ci/run installs it (apt-get install -y chromium)`);
const describeBrowser = available ? describe : describe.skip;
if (!available) console.warn(`simulator RTL browser test skipped: no ${CHROMIUM} (apt-get install -y chromium)`);

/**
 * The kept screenshot (test/e2e/screenshots/) is rewritten only when asked (`UPDATE_SCREENSHOTS=1`);
 * an ordinary run writes its own to the temporary folder, so running the suite changes no tracked file.
 */
const SCREENSHOT = process.env.UPDATE_SCREENSHOTS === '1' ? join(__dirname, 'screenshots', 'simulator-fa-rtl.png') : join(tmpdir(), `korpu-simulator-fa-rtl-${process.pid}.png`);

/**
 * Page code (a string: the tests have no DOM types): the on-screen left edges of the characters
 * `at` and `at + 1` of `needle` inside the last bot bubble whose text contains it.
 */
const edges = (needle: string, at: number) => `(() => {
  const bubbles = [...document.querySelectorAll('.msg.bot .bubble')].filter((b) => b.textContent.includes(${JSON.stringify(needle)}));
  const node = bubbles[bubbles.length - 1].firstChild;
  const i = node.data.indexOf(${JSON.stringify(needle)}) + ${at};
  const left = (k) => { const r = document.createRange(); r.setStart(node, k); r.setEnd(node, k + 1); return r.getBoundingClientRect().left; };
  return [left(i), left(i + 1)];
})()`;

describeBrowser('simulator page in Persian, right to left', () => {
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

  async function open(): Promise<{ page: Page; problems: string[] }> {
    const context = await browser.newContext({ locale: 'fa-IR', viewport: { width: 390, height: 780 } });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (m) => (m.type() === 'error' || m.type() === 'warning') && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(h.base);
    return { page, problems };
  }

  const t = (k: string, params?: Record<string, unknown>) => h.core.translator.t('fa', k, params);
  const key = (page: Page, label: string) => page.locator('.msg.bot .key', { hasText: label }).last();
  const bubble = (page: Page, text: string) => page.locator('.msg.bot .bubble', { hasText: text }).last();

  it('shows the conversation right to left, with commands and examples in their own order', async () => {
    const { page, problems } = await open();

    // A Persian browser: the page and its own texts are Persian and right to left from the start,
    // and Persian is the first language offered.
    await page.locator('h1', { hasText: t('common:simulator.title') }).waitFor();
    expect(await page.evaluate('[document.documentElement.lang, document.documentElement.dir]')).toEqual(['fa', 'rtl']);
    await key(page, t('common:language_name.fa')).waitFor();
    expect(await page.locator('.msg.bot .key').first().textContent()).toBe(t('common:language_name.fa'));

    await key(page, t('common:language_name.fa')).click();
    await key(page, t('welcome:menu.eligibility')).waitFor();
    expect(await page.evaluate('[document.documentElement.lang, document.documentElement.dir]')).toEqual(['fa', 'rtl']);

    // The bot's Persian bubbles read right to left and stand on the right, as in Telegram in
    // Persian; the person's taps on the other side.
    const intro = bubble(page, t('welcome:intro'));
    const introDirection = `getComputedStyle([...document.querySelectorAll('.msg.bot .bubble')].find((b) => b.textContent.includes(${JSON.stringify(t('welcome:intro'))}))).direction`;
    expect(await page.evaluate<string>(introDirection)).toBe('rtl');
    const log = (await page.locator('#log').boundingBox())!;
    const introBox = (await intro.boundingBox())!;
    const mine = (await page.locator('.msg.me .bubble').last().boundingBox())!;
    expect(log.x + log.width - (introBox.x + introBox.width)).toBeLessThan(40);
    expect(mine.x - log.x).toBeLessThan(40);

    // An unknown command: the commands listed inside the Persian sentence keep "/" before their
    // name (isolated left to right), instead of "start/".
    await page.locator('#text').fill('/foo');
    await page.locator('#text').press('Enter');
    await bubble(page, '/start').waitFor();
    const [slash, s] = await page.evaluate<[number, number]>(edges('/start', 0));
    expect(slash).toBeLessThan(s);
    // The command shortcuts under the text field too: "/help", not "help/".
    const [chipSlash, h] = await page.evaluate<[number, number]>(`(() => {
      const node = [...document.querySelectorAll('#shortcuts button')].find((b) => b.textContent === '/help').firstChild;
      const left = (k) => { const r = document.createRange(); r.setStart(node, k); r.setEnd(node, k + 1); return r.getBoundingClientRect().left; };
      return [left(0), left(1)];
    })()`);
    expect(chipSlash).toBeLessThan(h);

    // The question about age → eligibility → … up to the date of birth, whose example date
    // keeps its order; a wrong phone number gets an example phone that reads +994 50 … left to
    // right, not "67 45 123 50 994+".
    await key(page, t('welcome:menu.eligibility')).click();
    await key(page, t('diagnosis:age.adult')).click();
    // Each "yes" once its question shows: a key is found by a label inside it, so it could land on an earlier message's.
    await bubble(page, t('diagnosis:q1.prompt').split('\n')[0]!).waitFor();
    await key(page, t('common:button.yes')).click();
    await bubble(page, t('diagnosis:q2.prompt').split('\n')[0]!).waitFor();
    await key(page, t('common:button.yes')).click();
    await bubble(page, t('diagnosis:q3.prompt').split('\n')[0]!).waitFor();
    // Q3's options are written out, numbered, in the question; the keys carry their numbers (5: the language).
    await bubble(page, t('diagnosis:q3.language')).waitFor();
    const five = t('common:button.option_number', { n: 5 });
    await key(page, `☐ ${five}`).click();
    await page.locator('.msg.bot .key', { hasText: `☑ ${five}` }).waitFor();
    await key(page, t('common:button.done')).click();
    await bubble(page, t('diagnosis:result.likely')).waitFor();
    await key(page, t('common:button.yes')).click(); // a first meeting
    // Consent in one screen: a tap on an option is the agreement; then the date of birth first.
    await key(page, t('consent:agree.a')).click();
    await bubble(page, t('interview:birth_date.prompt').split('\n')[0]!).waitFor();
    for (const [answer, next] of [['۰۵.۰۶.۱۹۹۲', 'interview:first_name.prompt'], ['مریم', 'interview:last_name.prompt'], ['احمدی', 'interview:country.prompt'], ['افغانستان', 'interview:reason.prompt']] as const) {
      await page.locator('#text').fill(answer);
      await page.locator('#text').press('Enter');
      await bubble(page, t(next)).waitFor();
    }
    await key(page, t('interview:reason.asylum')).click();
    await bubble(page, t('interview:phone.prompt')).waitFor();
    await page.locator('#text').fill('نمی‌دانم');
    await page.locator('#text').press('Enter');
    await bubble(page, '+994 50 123 45 67').waitFor();
    const [plus, nine] = await page.evaluate<[number, number]>(edges('+994 50 123 45 67', 0));
    const [six, seven] = await page.evaluate<[number, number]>(edges('+994 50 123 45 67', 15));
    expect(plus).toBeLessThan(nine);
    expect(nine).toBeLessThan(six);
    expect(six).toBeLessThan(seven);

    await page.screenshot({ path: SCREENSHOT });
    expect(problems).toEqual([]);
  });
});
