import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import type { User } from 'grammy/types';
import { chromium, type Browser, type Page } from 'playwright-core';
import { OfficesFileSchema } from '../../src/config/offices';
import { slotIdAt } from '../../src/scheduling/slot-id';
import { redisKeys } from '../../src/storage/keys';
import { testOffice } from '../helpers/office';
import { linkIn, sendPrivate, trackHandled } from '../helpers/workspace';
import { addStaff, useTestKorpu } from '../helpers/use-korpu';

/**
 * The Calendar, Numbers, Exports and Admin pages in a real browser (Debian's chromium, driven by
 * playwright-core): a supervisor signs in with the link the bot sent, downloads the cases as
 * XLSX with the button, and the test opens the file to check that no name is in it; the flows
 * page draws its diagram offline (mermaid served by the workspace) under the page's CSP. Screenshots
 * of the pages in az, ru and en go to test/e2e/screenshots with UPDATE_SCREENSHOTS=1, else to a
 * temp folder. Skipped without chromium, except in CI.
 */
const CHROMIUM = process.env.KORPU_CHROMIUM ?? '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available && process.env.CI) throw new Error(`${CHROMIUM} is missing: .ci/run installs it (apt-get install -y chromium)`);
const describeBrowser = available ? describe : describe.skip;
if (!available) console.warn(`workspace reports browser test skipped: no ${CHROMIUM} (apt-get install -y chromium)`);

const SHOTS = process.env.UPDATE_SCREENSHOTS === '1' ? join(__dirname, 'screenshots') : mkdtempSync(join(tmpdir(), 'korpu-shots-'));
const START = new Date('2026-11-24T08:00:00Z');
const baku = testOffice();

describeBrowser('workspace reports in a browser', () => {
  jest.setTimeout(120_000);
  const e2e = useTestKorpu({ offices: OfficesFileSchema.parse({ offices: [baku] }), clock: { now: () => START }, beforeStop: () => browser?.close() });
  let base: string;
  let handled: (id: number) => Promise<void>;
  let browser: Browser;
  let leyla: User;

  beforeAll(async () => {
    handled = trackHandled(e2e.bot);
    base = (await e2e.korpu.start()).url;
    ({ user: leyla } = await addStaff(e2e, { name: 'Leyla Əliyeva', firstName: 'Leyla', lang: 'en', langs: ['en'], role: 'supervisor', addedAt: START }));
    const keys = redisKeys(e2e.prefix);
    for (const [i, [first, last]] of [['Olena', 'Kovalenko'], ['Zahra', 'Ahmadi'], ['Dilshod', 'Karimov']].entries()) {
      const code = `KP-BRWS-000${i}`;
      await e2e.redis.hset(keys.case(code), {
        code, status: 'intake_completed', created_at: '2026-11-23T08:00:00.000Z', lang: ['ru', 'fa', 'uz'][i]!, consent: 'C', diagnosis: 'likely_eligible',
        'f:first_name': e2e.core.cipher.encrypt(first!, `${code}:first_name`), 'f:last_name': e2e.core.cipher.encrypt(last!, `${code}:last_name`),
      });
      await e2e.redis.zadd(keys.cases(), Date.parse('2026-11-23T08:00:00Z'), code);
    }
    const start = new Date('2026-11-25T06:00:00Z');
    await e2e.core.bookings.book(baku, { id: slotIdAt(baku, start), office: 'baku', start, end: new Date(start.getTime() + 3_600_000) }, 'KP-BRWS-0000', 'ru', START);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    mkdirSync(SHOTS, { recursive: true });
  });

  /** Signs Leyla in through the link the bot sends her; collects console errors (a CSP refusal shows there). */
  async function signedIn(): Promise<{ page: Page; problems: string[] }> {
    const context = await browser.newContext({ locale: 'en-GB', viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    const page = await context.newPage();
    const problems: string[] = [];
    // Console errors (a CSP refusal shows there) and failed loads, by address; the browser's own
    // favicon request and the case list (another page module's, where sign-in lands) aside.
    page.on('console', (m) => m.type() === 'error' && !m.text().startsWith('Failed to load resource') && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('response', (r) => r.status() >= 400 && !/\/favicon\.ico$|\/desk\/cases$/.test(r.url()) && problems.push(`${r.status()} ${r.url()}`));
    await page.goto(linkIn(await sendPrivate(e2e.api, handled, leyla, '/dashboard')));
    await page.locator('button[type=submit]').first().click();
    await page.waitForURL(/\/desk\//);
    return { page, problems };
  }

  /** Switches the workspace's language with the header's language list. */
  async function language(page: Page, lang: string): Promise<void> {
    await Promise.all([page.waitForNavigation(), page.locator('select[name=lang]').selectOption(lang)]);
  }

  it('downloads the cases as XLSX with the button: the file has case codes and no name', async () => {
    const { page, problems } = await signedIn();
    await page.goto(`${base}/desk/exports`);
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('button[data-export="cases-xlsx"]').click()]);
    expect(download.suggestedFilename()).toMatch(/^korpu-cases-\d{4}-\d{2}-\d{2}\.xlsx$/);
    const file = join(SHOTS, download.suggestedFilename());
    await download.saveAs(file);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    const cells: string[] = [];
    wb.worksheets[0]!.eachRow((row) => row.eachCell((c) => void cells.push(String(c.value))));
    expect(cells).toEqual(expect.arrayContaining(['KP-BRWS-0000', 'KP-BRWS-0001', 'KP-BRWS-0002']));
    for (const name of ['Olena', 'Kovalenko', 'Zahra', 'Ahmadi', 'Dilshod', 'Karimov']) expect(cells.join(' ')).not.toContain(name);
    expect(problems).toEqual([]);
  });

  it('draws a flow offline with mermaid beside its YAML, under the page CSP', async () => {
    const { page, problems } = await signedIn();
    await page.goto(`${base}/desk/admin/flows/appointment`);
    await page.locator('pre.mermaid svg').first().waitFor({ timeout: 30_000 });
    expect(await page.locator('pre.yaml').textContent()).toContain('id: appointment');
    await page.screenshot({ path: join(SHOTS, 'workspace-flows-en.png'), fullPage: false });
    expect(problems).toEqual([]);
  });

  it('opens the queues board without asking Google Fonts for a typeface (no CSP error), with a way back to the workspace', async () => {
    const { page, problems } = await signedIn();
    const external: string[] = [];
    page.on('request', (r) => !r.url().startsWith(base) && !r.url().startsWith('data:') && external.push(r.url()));
    await page.goto(`${base}/desk/admin/queues`);
    await page.locator('#root header, #root nav, #root main').first().waitFor({ timeout: 30_000 });
    // The way back: the menu of the header's last button (bull-board's miscLinks).
    await page.locator('header li').last().locator('button').click();
    const back = page.locator('a[href="/desk/admin"]', { hasText: e2e.core.translator.t('en', 'reports:admin.queues_back') });
    await back.waitFor();
    await page.screenshot({ path: join(SHOTS, 'workspace-queues-en.png'), fullPage: false });
    expect(external).toEqual([]);
    expect(problems).toEqual([]);
    await Promise.all([page.waitForURL(`${base}/desk/admin`), back.click()]);
  });

  it('shows the calendar, numbers, exports and admin pages in az, ru and en (screenshots)', async () => {
    const { page, problems } = await signedIn();
    for (const lang of ['az', 'ru', 'en'] as const) {
      await page.goto(`${base}/desk/calendar`);
      await language(page, lang);
      expect(await page.evaluate('document.documentElement.lang')).toBe(lang);
      await page.locator('h1', { hasText: e2e.core.translator.t(lang, 'reports:calendar.title') }).waitFor();
      await page.locator('[data-case="KP-BRWS-0000"]').waitFor();
      await page.screenshot({ path: join(SHOTS, `workspace-calendar-${lang}.png`), fullPage: true });
      await page.goto(`${base}/desk/numbers?by=lang&from=2026-W45&to=2026-W48`);
      await page.locator('svg.chart').first().waitFor();
      await page.screenshot({ path: join(SHOTS, `workspace-numbers-${lang}.png`), fullPage: true });
      await page.goto(`${base}/desk/exports`);
      await page.screenshot({ path: join(SHOTS, `workspace-exports-${lang}.png`), fullPage: true });
      await page.goto(`${base}/desk/admin`);
      await page.screenshot({ path: join(SHOTS, `workspace-admin-${lang}.png`), fullPage: true });
    }
    expect(problems).toEqual([]);
  });
});
