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
 * navigation and filters stay on the screen — the case list is a card per case (code, urgent
 * mark, holder and office on the screen, nothing scrolling sideways, not even inside its box),
 * and the roster is a card per member with the languages named. Screenshots go to test/e2e/screenshots with UPDATE_SCREENSHOTS=1, else to a
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
  let rashad: string;

  beforeAll(async () => {
    handled = trackHandled(e2e.bot);
    base = (await e2e.korpu.start()).url;
    ({ user: admin } = await addStaff(e2e, { name: 'Leyla Əliyeva', firstName: 'Leyla', lang: 'en', langs: ['az', 'ru', 'en'], role: 'admin', addedAt: NOW }));
    ({ staffId: rashad } = await addStaff(e2e, { name: 'Rəşad Məmmədov', firstName: 'Rəşad', lang: 'az', langs: ['az', 'fa', 'uz', 'tr', 'uk'], addedAt: NOW }));
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

  it('shows the case list at 360 px as a card per case, everything a worker needs on the screen, nothing scrolling sideways', async () => {
    // Rows as an office has them: held by a worker with a long name, urgent, at the shipped office (its long name).
    const { staffId: holder } = await addStaff(e2e, { name: 'Gülnarə Abdulrəhmanova-Şahverdiyeva', firstName: 'Gülnarə', lang: 'az', langs: ['az', 'ru'], addedAt: NOW });
    const d = { redis: e2e.redis, keys: e2e.core.keys, cipher: new FieldCipher(Buffer.from(e2e.korpu.dataKey, 'hex')), bookings: e2e.core.bookings, index: e2e.korpu.caseIndex };
    const held = async (code: string, staffId: string, o: { crisis?: string; lang: 'ru' | 'uk' | 'az' }) => {
      await seedCase(d, { code, lang: o.lang, createdAt: new Date('2026-11-23T11:00:00Z'), meeting: { office: baku, start: new Date('2026-11-26T06:00:00Z') }, ...(o.crisis ? { crisis: o.crisis } : {}) });
      await e2e.redis.hset(e2e.core.keys.case(code), { claimed_by: staffId, claimed_at: NOW.toISOString() });
      await e2e.korpu.caseIndex.reindex(code);
    };
    await held('KP-URG1-HELD', holder, { crisis: 'self_harm', lang: 'uk' });
    await held('KP-LONG-HELD', rashad, { lang: 'ru' });
    const { page, problems } = await onPhone();
    const wide: string[] = [];
    for (const lang of ['ru', 'fa', 'en'] as const) {
      await language(page, lang);
      await page.goto(`${base}/desk/cases`);
      const t = (key: string) => e2e.core.translator.t(lang, key);
      // The page does not scroll sideways, and neither does the list inside its own box.
      const { page: pageWide, boxes } = (await page.evaluate(
        "({ page: document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth, boxes: [...document.querySelectorAll('main *')].filter((e) => ['auto', 'scroll'].includes(getComputedStyle(e).overflowX) && e.scrollWidth > e.clientWidth + 1).map((e) => e.className || e.tagName) })",
      )) as { page: number; boxes: string[] };
      if (pageWide > 0) wide.push(`${lang}: the page is ${pageWide} px too wide`);
      if (boxes.length) wide.push(`${lang}: ${boxes.join(', ')} scroll(s) sideways`);
      // What a worker reads off a row is on the screen, whole: the code, the urgent mark, the holder, the office, the status.
      const row = page.locator('main tr', { has: page.locator('a.code', { hasText: 'KP-URG1-HELD' }) }).first();
      const onScreen = async (what: string, target: ReturnType<Page['locator']>) => {
        const box = await target.boundingBox();
        if (!box || box.x < 0 || box.x + box.width > 360 + 0.5) wide.push(`${lang}: ${what} ${box ? `at ${Math.round(box.x)}..${Math.round(box.x + box.width)} px` : 'not shown'}`);
      };
      await onScreen('the code', row.locator('a.code'));
      await onScreen('the urgent mark', row.locator('.badge.urgent'));
      await onScreen('the holder', row.getByText('Gülnarə Abdulrəhmanova-Şahverdiyeva'));
      await onScreen('the office', row.getByText(shipped.name[lang]!).first());
      await onScreen('the status', row.getByText(t('web:status.claimed')));
      await page.screenshot({ path: join(SHOTS, `narrow-${lang}-case-list.png`), fullPage: true });
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
