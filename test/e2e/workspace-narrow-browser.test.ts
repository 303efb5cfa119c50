import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { User } from 'grammy/types';
import { chromium, type Browser, type Page } from 'playwright-core';
import { resolve } from 'node:path';
import { loadOffices, OfficesFileSchema } from '../../src/config/offices';
import { languageNameIn } from '../../src/i18n/language-names';
import { FieldCipher } from '../../src/storage/field-cipher';
import { testOffice } from '../helpers/office';
import { seedCase } from '../helpers/seed-cases';
import { linkIn, sendPrivate, trackHandled } from '../helpers/workspace';
import { addStaff, useTestKorpu } from '../helpers/use-korpu';

/**
 * The workspace on a phone (360 px wide, as a small case worker's phone in the office) in a real
 * browser (Debian's chromium, driven by playwright-core): in Persian (right to left), Azerbaijani
 * and Russian, with the shipped office's long names, no page scrolls sideways — wide tables scroll inside their own box, the header,
 * navigation and filters stay on the screen — and the roster is a card per member with the
 * languages named. Screenshots go to test/e2e/screenshots with UPDATE_SCREENSHOTS=1, else to a
 * temp folder. Skipped without chromium, except in CI.
 */
const CHROMIUM = process.env.KORPU_CHROMIUM ?? '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available && process.env.CI) throw new Error(`${CHROMIUM} is missing: .ci/run installs it (apt-get install -y chromium)`);
const describeBrowser = available ? describe : describe.skip;
if (!available) console.warn(`workspace narrow browser test skipped: no ${CHROMIUM} (apt-get install -y chromium)`);
const SHOTS = process.env.UPDATE_SCREENSHOTS === '1' ? join(__dirname, 'screenshots') : mkdtempSync(join(tmpdir(), 'korpu-narrow-'));

const NOW = new Date('2026-11-24T08:00:00Z');
const CODE = 'KP-MFA0-APAH';
// The shipped office's own names (600 px of Russian in the case list's office filter), not a short test name.
const shipped = loadOffices(resolve('config/offices.yaml')).offices.find((o) => o.id === 'baku')!;
const baku = testOffice({ name: shipped.name });

describeBrowser('the workspace on a phone', () => {
  jest.setTimeout(120_000);
  const e2e = useTestKorpu({ offices: OfficesFileSchema.parse({ offices: [baku] }), clock: { now: () => NOW }, beforeStop: () => browser?.close() });
  let base: string;
  let handled: (id: number) => Promise<void>;
  let browser: Browser;
  let admin: User;

  beforeAll(async () => {
    handled = trackHandled(e2e.bot);
    base = (await e2e.korpu.start()).url;
    ({ user: admin } = await addStaff(e2e, { name: 'Leyla Əliyeva', firstName: 'Leyla', lang: 'en', langs: ['az', 'ru', 'en'], role: 'admin', addedAt: NOW }));
    await addStaff(e2e, { name: 'Rəşad Məmmədov', firstName: 'Rəşad', lang: 'az', langs: ['az', 'fa', 'uz', 'tr', 'uk'], addedAt: NOW });
    const d = { redis: e2e.redis, keys: e2e.core.keys, cipher: new FieldCipher(Buffer.from(e2e.korpu.dataKey, 'hex')), bookings: e2e.core.bookings, index: e2e.korpu.caseIndex };
    await seedCase(d, { code: CODE, lang: 'fa', createdAt: new Date('2026-11-23T08:00:00Z'), meeting: { office: baku, start: new Date('2026-11-25T06:00:00Z') }, firstName: 'Zahra', lastName: 'Ahmadi' });
    await seedCase(d, { code: 'KP-7G4Q-M2XD', lang: 'ru', createdAt: new Date('2026-11-23T09:00:00Z'), meeting: { office: baku, start: new Date('2026-11-25T07:00:00Z') }, firstName: 'Olena', lastName: 'Kovalenko' });
    await seedCase(d, { code: 'KP-NONE-0003', lang: 'uz', createdAt: new Date('2026-11-23T10:00:00Z'), crisis: 'violence' });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    mkdirSync(SHOTS, { recursive: true });
  });

  /** Signs the admin in on a phone-sized page through the link the bot sends. */
  async function onPhone(): Promise<{ page: Page; problems: string[] }> {
    const context = await browser.newContext({ locale: 'en-GB', viewport: { width: 360, height: 740 }, deviceScaleFactor: 1 });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(linkIn(await sendPrivate(e2e.api, handled, admin, '/dashboard')));
    await Promise.all([page.waitForURL(/\/desk\/cases/), page.locator('button[type=submit]').first().click()]);
    return { page, problems };
  }

  async function language(page: Page, lang: string): Promise<void> {
    // The language the page is in already is no change: the list loads nothing.
    if ((await page.locator('html').getAttribute('lang')) === lang) return;
    await Promise.all([page.waitForNavigation(), page.locator('header select[name=lang]').selectOption(lang)]);
    await page.locator(`html[lang="${lang}"]`).waitFor({ state: 'attached' });
  }

  const PAGES = ['/desk/cases', '/desk/calendar', '/desk/admin/roster', `/desk/admin/audit?case=${CODE}`, '/desk/incidents', '/desk/numbers', `/desk/cases/${CODE}`, `/desk/cases/${CODE}/meeting`];

  it('never scrolls sideways at 360 px, in Persian (right to left), Azerbaijani and Russian (the longest office name)', async () => {
    const { page, problems } = await onPhone();
    // The case file (opened once) gives the audit page a line; a note of 4,000 letters without a space wraps in its card.
    await page.goto(`${base}/desk/cases/${CODE}`);
    await page.fill('#notes textarea[name=text]', 'ž'.repeat(4000));
    await Promise.all([page.waitForURL(/#notes|done=/), page.locator('#notes button[type=submit]').click()]);
    const wide: string[] = [];
    for (const lang of ['fa', 'az', 'ru'] as const) {
      await language(page, lang);
      for (const path of PAGES) {
        await page.goto(`${base}${path}`);
        // The document, and each card (a line running past a card's edge).
        const { scroll, inner, cards } = (await page.evaluate(
          "({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth, cards: [...document.querySelectorAll('.card')].filter((c) => c.scrollWidth > c.clientWidth + 1).length })",
        )) as { scroll: number; inner: number; cards: number };
        if (scroll > inner) wide.push(`${lang} ${path}: ${scroll} px`);
        if (cards) wide.push(`${lang} ${path}: ${cards} card(s) wider than the screen`);
        await page.screenshot({ path: join(SHOTS, `narrow-${lang}-${path.replace(/^\/desk\//, '').replace(/[^a-z0-9]+/gi, '-')}.png`), fullPage: true });
      }
    }
    expect(wide).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('shows the roster as a card per member, languages by name, each field under its own label', async () => {
    const { page } = await onPhone();
    await language(page, 'az');
    await page.goto(`${base}/desk/admin/roster`);
    const member = page.locator('li.member:has(input[name=name][value="Rəşad Məmmədov"])');
    // Languages named as the page's language names them ("Fars / Dari", not "fa").
    expect((await member.locator('label', { has: page.locator('input[value=fa]') }).textContent())?.trim()).toBe(languageNameIn('az', 'fa', { start: true }));
    expect((await member.locator('label', { has: page.locator('input[name=name]') }).textContent())?.trim()).toBe(e2e.core.translator.t('az', 'reports:admin.col.name'));
    // A phone screen and a bit for a member, not 300 px per language list.
    const box = await member.boundingBox();
    expect(box!.height).toBeLessThan(600);
    expect(box!.width).toBeLessThanOrEqual(360);
    await page.setViewportSize({ width: 1280, height: 900 });
    expect((await member.boundingBox())!.height).toBeLessThan(260);
    await page.screenshot({ path: join(SHOTS, 'wide-az-roster.png'), fullPage: true });
  });
});
