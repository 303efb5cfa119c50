import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Message, Update, User } from 'grammy/types';
import { chromium, type Browser, type Page } from 'playwright-core';
import { callbackLookup, decodeCallbackData } from '../../src/channels/telegram';
import type { Lang } from '../../src/core/lang';
import { languageNameIn } from '../../src/i18n/language-names';
import { linkIn, sendPrivate, trackHandled } from '../helpers/workspace';
import { addStaff, useTestKorpu } from '../helpers/use-korpu';

/**
 * The workspace in a real browser (Debian's chromium, driven by playwright-core): a person
 * completes an intake with the bot; a case worker gets the sign-in link from the bot through the
 * fake Bot API, signs in, sees the intake that just arrived, claims it and opens it, then reads
 * the pages in Azerbaijani, Russian and English (and Persian, right to left). An anonymous visit
 * goes to the sign-in page. With the keyboard, the language list's arrows step through it and
 * Enter switches (not a page loaded at every step); the first Tab offers to skip the header. Screenshots of the list and the case file in az, ru and en go to
 * test/e2e/screenshots/ with `UPDATE_SCREENSHOTS=1`, else to a temp folder.
 * .ci/run installs chromium; elsewhere the test is skipped with a note when it is missing.
 */
const CHROMIUM = process.env.KORPU_CHROMIUM ?? '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available && process.env.CI) throw new Error(`${CHROMIUM} is missing: .ci/run installs it (apt-get install -y chromium)`);
const describeBrowser = available ? describe : describe.skip;
if (!available) console.warn(`workspace browser test skipped: no ${CHROMIUM} (apt-get install -y chromium)`);
const SHOTS = process.env.UPDATE_SCREENSHOTS === '1' ? join(__dirname, 'screenshots') : mkdtempSync(join(tmpdir(), 'korpu-workspace-'));

const CASEWORKERS = -1_001_777_000_222;

describeBrowser('workspace in a browser', () => {
  jest.setTimeout(90_000);
  const e2e = useTestKorpu({ env: { CASEWORKER_CHAT_ID: String(CASEWORKERS) }, beforeStop: () => browser?.close() });
  let base: string;
  let browser: Browser;
  let handled: (id: number) => Promise<void>;
  let worker: User;

  beforeAll(async () => {
    handled = trackHandled(e2e.bot);
    base = (await e2e.korpu.start()).url;
    ({ user: worker } = await addStaff(e2e, { name: 'Aysel Quliyeva', firstName: 'Aysel', lang: 'en', langs: ['en', 'az'] }));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  });

  const t = (lang: Lang, key: string) => e2e.core.translator.t(lang, key);
  const lookup = () => callbackLookup(e2e.core.flows.all().flatMap((f) => [...f.nodes.keys()]));

  /** A person's whole intake with the bot, as in intake-alerts.test.ts; answers the case code. */
  async function intake(person: User): Promise<string> {
    const send = (u: Update) => e2e.bot.handleUpdate(u);
    const buttonIn = (match: (data: string) => boolean): [Message, string] => {
      for (const m of [...e2e.api.sentMessages(person.id)].reverse()) {
        for (const b of m.reply_markup?.inline_keyboard.flat() ?? []) if ('callback_data' in b && b.callback_data && match(b.callback_data)) return [m, b.callback_data];
      }
      throw new Error('no matching button');
    };
    const tap = async (node: string, value: string) => {
      const [m, data] = buttonIn((d) => {
        const x = decodeCallbackData(d, lookup());
        return x.type === 'choice' && x.node === node && x.value === value;
      });
      await send(e2e.api.updates.callback(person, m, data));
    };
    await send(e2e.api.updates.command(person, '/start'));
    for (const [node, value] of [['language', 'en'], ['menu', 'eligibility'], ['age', 'adult'], ['q1', 'yes'], ['q2', 'yes'], ['q3', 'health_social'], ['q3', 'language'], ['q3', '__done'], ['continue', 'yes'], ['agree', 'B']]) await tap(node!, value!);
    for (const text of ['14.02.1995', 'Nigar', 'Məmmədova', 'Afghanistan']) await send(e2e.api.updates.text(person, text));
    await tap('reason', 'family');
    await send(e2e.api.updates.contact(person, '994501234567'));
    const [m, slot] = buttonIn((d) => /^c:[a-z_]+:s_\d{12}_/.test(d));
    await send(e2e.api.updates.callback(person, m, slot));
    await tap('referral', 'friend_family');
    await send(e2e.api.updates.text(person, 'Bakı, Nizami küçəsi 5'));
    await tap('questions', '__skip');
    const state = await e2e.core.runner.peek(e2e.core.runner.conversationId('telegram', String(person.id)));
    return state!.caseCode!;
  }

  async function switchTo(page: Page, lang: Lang): Promise<void> {
    await Promise.all([page.waitForURL(/\/desk\//), page.waitForLoadState(), page.locator('select[name="lang"]').selectOption(lang)]);
    await page.locator(`html[lang="${lang}"]`).waitFor({ state: 'attached' });
  }

  it('sends an anonymous visitor to sign in, and signs a worker in with the bot link to claim a new intake', async () => {
    const person = e2e.api.updates.user({ language_code: 'en', first_name: 'Nigar' });
    const code = await intake(person);
    await e2e.korpu.settled();

    const context = await browser.newContext({ locale: 'en-GB', viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(e.message));

    await page.goto(`${base}/desk/cases`);
    expect(new URL(page.url()).pathname).toBe('/desk/signin');
    await page.locator('text=' + t('en', 'web:signin.title')).first().waitFor();

    const link = linkIn(await sendPrivate(e2e.api, handled, worker, '/dashboard'));
    await page.goto(link);
    await Promise.all([page.waitForURL(`${base}/desk/cases`), page.locator('button', { hasText: t('en', 'web:signin.button') }).click()]);
    // Chromium keeps the __Host- cookie on http://127.0.0.1: Secure, HttpOnly, SameSite=Lax.
    const cookie = (await context.cookies()).find((c) => c.name === '__Host-korpu_desk');
    expect(cookie).toMatchObject({ secure: true, httpOnly: true, sameSite: 'Lax', path: '/' });

    // The intake that just arrived, in the list (new, unclaimed).
    const row = page.locator('tr', { has: page.locator(`a[href="/desk/cases/${code}"]`) });
    await row.waitFor();
    expect(await row.textContent()).toContain(t('en', 'web:status.new'));
    await page.screenshot({ path: join(SHOTS, 'workspace-list-en.png'), fullPage: true });

    await Promise.all([page.waitForURL(`${base}/desk/cases/${code}`), row.locator('a').first().click()]);
    expect(await page.locator('body').textContent()).toContain(t('en', 'web:case.personal_restricted'));
    await Promise.all([page.waitForURL(/done=claimed/), page.locator('button', { hasText: t('en', 'web:case.action.claim') }).click()]);
    await page.locator('text=' + t('en', 'web:case.done.claimed')).waitFor();
    expect(await page.locator('body').textContent()).toContain('Nigar');
    await page.screenshot({ path: join(SHOTS, 'workspace-case-en.png'), fullPage: true });

    // A message to the person goes out through the outbox, from the bot, and shows in the talk.
    const mark = e2e.api.mark();
    await page.locator('#talk textarea[name="text"]').fill('Please bring your passport on Monday.');
    await Promise.all([page.waitForURL(/done=message_sent/), page.locator('#talk button[type="submit"]').click()]);
    await e2e.api.waitForCalls((c) => c.method === 'sendMessage' && String(c.params.chat_id) === String(person.id) && String(c.params.text).includes('Please bring your passport on Monday.'), 1, 10_000, mark);
    expect(await page.locator('#talk .talk').textContent()).toContain('Please bring your passport on Monday.');

    for (const lang of ['ru', 'az'] as const) {
      await switchTo(page, lang);
      expect(await page.locator('h1').first().textContent()).toContain(t(lang, 'web:case.title'));
      await page.screenshot({ path: join(SHOTS, `workspace-case-${lang}.png`), fullPage: true });
      await page.goto(`${base}/desk/cases`);
      await page.locator(`a[href="/desk/cases/${code}"]`).first().waitFor();
      expect(await page.locator('body').textContent()).toContain(t(lang, 'web:status.claimed'));
      await page.screenshot({ path: join(SHOTS, `workspace-list-${lang}.png`), fullPage: true });
      await page.goto(`${base}/desk/cases/${code}`);
    }
    await switchTo(page, 'fa');
    expect(await page.locator('html').getAttribute('dir')).toBe('rtl');
    await page.screenshot({ path: join(SHOTS, 'workspace-case-fa.png'), fullPage: true });
    expect(problems).toEqual([]);
    await context.close();
  });
  it('switches the language with the keyboard only once Enter is pressed: the arrows step through the list', async () => {
    const context = await browser.newContext({ locale: 'en-GB', viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const link = linkIn(await sendPrivate(e2e.api, handled, worker, '/dashboard'));
    await page.goto(link);
    await Promise.all([page.waitForURL(`${base}/desk/cases`), page.locator('button', { hasText: t('en', 'web:signin.button') }).click()]);
    const list = page.locator('header select[data-autosubmit]');
    await list.focus();
    // English → Persian → Uzbek → Turkish → Ukrainian: four steps, no page loaded on the way.
    for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowDown');
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await list.inputValue()).toBe('uk');
    await Promise.all([page.waitForURL(`${base}/desk/cases`), page.keyboard.press('Enter')]);
    await page.locator('html[lang="uk"]').waitFor({ state: 'attached' });
    // Picked with the mouse, a language still switches at once.
    await Promise.all([page.waitForURL(`${base}/desk/cases`), list.selectOption('az')]);
    await page.locator('html[lang="az"]').waitFor({ state: 'attached' });
    await context.close();
  });
  it('takes the keyboard past the header to the page with its first Tab', async () => {
    const context = await browser.newContext({ locale: 'en-GB', viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(linkIn(await sendPrivate(e2e.api, handled, worker, '/dashboard')));
    await Promise.all([page.waitForURL(`${base}/desk/cases`), page.locator('button', { hasText: t('en', 'web:signin.button') }).click()]);
    const focused = () => page.locator(':focus').evaluate((e) => ({ text: e.textContent?.trim(), inMain: !!e.closest('main') }));
    await page.keyboard.press('Tab');
    expect((await focused()).text).toBe(t('en', 'web:nav.skip'));
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    // The case list's first field, not the header's links, language list and sign-out buttons.
    expect((await focused()).inMain).toBe(true);
    await context.close();
  });

  it('gives a case to nobody on a click of Reassign alone: the supervisor picks a colleague, whose languages are named', async () => {
    const { user: supervisor } = await addStaff(e2e, { name: 'Leyla Əliyeva', firstName: 'Leyla', lang: 'en', langs: ['en', 'az'], role: 'supervisor' });
    await addStaff(e2e, { name: 'Rəşad Məmmədov', firstName: 'Rəşad', lang: 'en', langs: ['ru', 'fa'] });
    const code = await intake(e2e.api.updates.user({ language_code: 'en', first_name: 'Zahra' }));
    await e2e.korpu.settled();
    const context = await browser.newContext({ locale: 'en-GB', viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(linkIn(await sendPrivate(e2e.api, handled, supervisor, '/dashboard')));
    await Promise.all([page.waitForURL(`${base}/desk/cases`), page.locator('button', { hasText: t('en', 'web:signin.button') }).click()]);
    await page.goto(`${base}/desk/cases/${code}`);
    const form = page.locator(`form[action="/desk/cases/${code}/reassign"]`);
    await form.locator('button').click();
    // Nothing was sent: the list asks for a colleague first.
    expect(page.url()).toBe(`${base}/desk/cases/${code}`);
    await page.reload();
    expect(await page.locator('dl.facts').first().textContent()).toContain(t('en', 'web:case.nobody'));
    // Each colleague with the languages they speak, in the page's language.
    const rashad = form.locator('option', { hasText: 'Rəşad Məmmədov' });
    expect(await rashad.textContent()).toContain(languageNameIn('en', 'fa', { start: true }));
    await form.locator('select').selectOption({ label: (await rashad.textContent())!.trim() });
    await Promise.all([page.waitForURL(/done=reassigned/), form.locator('button').click()]);
    expect(await page.locator('dl.facts').first().textContent()).toContain('Rəşad Məmmədov');
    // The holder is not offered the case they hold.
    expect(await page.locator(`form[action="/desk/cases/${code}/reassign"] option`, { hasText: 'Rəşad Məmmədov' }).count()).toBe(0);
    await context.close();
  });
});
