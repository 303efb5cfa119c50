import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { User } from 'grammy/types';
import { chromium, type Browser, type Page } from 'playwright-core';
import { OfficesFileSchema } from '../../src/config/offices';
import { slotIdAt } from '../../src/scheduling/slot-id';
import { testOffice } from '../helpers/office';
import { linkIn, sendPrivate, trackHandled } from '../helpers/workspace';
import { addStaff, useTestKorpu } from '../helpers/use-korpu';

/**
 * The first meeting in a real browser (Debian's chromium driven by playwright-core; skipped
 * with a note when it is missing, except in CI): a case worker signs in with the link the bot
 * sends to /dashboard, claims the case in its case file, opens its first meeting, marks that the person came, completes Annex 2 with Q4, Annex 1 and a plan
 * with one goal, and closes the case. A form that comes back with a problem opens at its own
 * section, with what was typed, not at the top of the page, and prints whole (every line of a text
 * box, no header or buttons). Typing in a form keeps the session from timing out as idle; a session that ended
 * meanwhile is said at once, and the form saves after signing in again in another tab. Screenshots of the first meeting page in az, ru and en
 * go to a temporary folder (test/e2e/screenshots/ with UPDATE_SCREENSHOTS=1).
 */
const CHROMIUM = process.env.KORPU_CHROMIUM ?? '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available && process.env.CI) throw new Error(`${CHROMIUM} is missing: .ci/run installs it (apt-get install -y chromium)`);
const describeBrowser = available ? describe : describe.skip;
if (!available) console.warn(`workspace forms browser test skipped: no ${CHROMIUM} (apt-get install -y chromium)`);
const SHOTS = process.env.UPDATE_SCREENSHOTS === '1' ? join(__dirname, 'screenshots') : join(tmpdir(), `korpu-workspace-forms-${process.pid}`);

jest.setTimeout(90_000);

const NOW = new Date('2026-11-25T07:00:00Z');
const MEETING = new Date('2026-11-25T06:00:00Z');
const CODE = 'KP-BRWS-0001';
const baku = testOffice();
/** The server's clock: NOW, moved on by the test of a long form typed. */
let now = NOW;

describeBrowser('the first meeting in a browser', () => {
  const e2e = useTestKorpu({ offices: OfficesFileSchema.parse({ offices: [baku] }), clock: { now: () => now }, beforeStop: () => browser?.close() });
  let base: string;
  let browser: Browser;
  let page: Page;
  let worker: User;
  let handled: (id: number) => Promise<void>;
  const t = (key: string) => e2e.core.translator.t('en', key);

  beforeAll(async () => {
    handled = trackHandled(e2e.bot);
    base = (await e2e.korpu.start()).url;
    ({ user: worker } = await addStaff(e2e, { name: 'Aysel Quliyeva', firstName: 'Aysel', lang: 'en', langs: ['en'], addedAt: NOW }));
    const { keys, bookings } = e2e.core;
    await e2e.redis.hset(keys.case(CODE), { code: CODE, lang: 'ru', status: 'intake_completed', consent: 'C', diagnosis: 'likely_eligible', diagnosis_provisional: 'true' });
    await e2e.redis.rpush(keys.diagnoses(CODE), JSON.stringify({ at: '2026-11-20T10:00:00.000Z', by: 'self_service', answers: { q1: 'yes', q2: 'yes', q3: ['language'], q4: 'pending' }, outcome: 'likely_eligible', reasons: [], provisional: true }));
    await bookings.book(baku, { id: slotIdAt(baku, MEETING), office: 'baku', start: MEETING, end: new Date(MEETING.getTime() + 3_600_000) }, CODE, 'ru', new Date('2026-11-20T10:00:00Z'));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    // A context of its own, so that a test can open a second tab of the same browser.
    page = await (await browser.newContext({ locale: 'en-GB' })).newPage();
    page.on('dialog', (d) => void d.accept());
    mkdirSync(SHOTS, { recursive: true });
    // Signing in: the link from the bot, then its button.
    const link = linkIn(await sendPrivate(e2e.api, handled, worker, '/dashboard'));
    await page.goto(link);
    await page.click('button[type=submit].primary');
    await page.waitForURL(/\/desk\//);
  });

  const status = async () => page.getAttribute('[data-status]', 'data-status');

  it('shows a form that came back with a problem at its own section, with what was typed, not at the top of the page', async () => {
    const code = 'KP-BRWS-0002';
    const { keys, bookings } = e2e.core;
    await e2e.redis.hset(keys.case(code), { code, lang: 'fa', status: 'intake_completed', consent: 'B', diagnosis: 'likely_eligible', diagnosis_provisional: 'true' });
    await e2e.redis.rpush(keys.diagnoses(code), JSON.stringify({ at: '2026-11-20T10:00:00.000Z', by: 'self_service', answers: { q1: 'yes', q2: 'yes', q3: ['language'], q4: 'pending' }, outcome: 'likely_eligible', reasons: [], provisional: true }));
    await bookings.book(baku, { id: slotIdAt(baku, MEETING), office: 'baku', start: MEETING, end: new Date(MEETING.getTime() + 3_600_000) }, code, 'fa', new Date('2026-11-20T10:00:00Z'));
    await page.goto(`${base}/desk/cases/${code}`);
    await page.click(`form[action="/desk/cases/${code}/claim"] button`);
    await page.waitForLoadState('load');
    await page.goto(`${base}/desk/cases/${code}/meeting`);
    await page.click('#attendance button[value=attended]');
    await page.waitForURL(/done=attendance/);

    // Annex 1, far down a long page, typed before Annex 2 was confirmed: refused, nothing saved.
    await page.fill('#assessment textarea[name=recommendations]', 'Evening Azerbaijani course, then the job centre');
    await page.click('#assessment button[type=submit]');
    await page.waitForLoadState('load');
    const problem = page.locator('#assessment .alert');
    expect(await problem.textContent()).toContain(t('casework:problem.not_confirmed_eligible'));
    expect(await inView(problem)).toBe(true);
    expect(await page.inputValue('#assessment textarea[name=recommendations]')).toBe('Evening Azerbaijani course, then the job centre');

    // Annex 2 without Q4, the counsellor's own judgement: the problem beside Q4, in view.
    await page.click('#diagnosis button[type=submit]');
    await page.waitForLoadState('load');
    const q4 = page.locator('#diagnosis .field-issue');
    expect(await q4.textContent()).toContain(t('casework:form.issue.not_an_option'));
    expect(await inView(page.locator('#diagnosis [role=alert]'))).toBe(true);
  });

  /** Whether an element is on the screen as it is scrolled now. */
  const inView = (l: ReturnType<Page['locator']>) => l.evaluate((e) => { const r = e.getBoundingClientRect(); return r.top >= 0 && r.bottom <= (globalThis as unknown as { innerHeight: number }).innerHeight; });

  it('prints a form whole: every line typed in a text box, without the header and buttons', async () => {
    await page.goto(`${base}/desk/cases/KP-BRWS-0002/meeting`);
    const lines = Array.from({ length: 12 }, (_, i) => `${i + 1}. She told us about her first months in Baku.`).join('\n');
    await page.fill('#assessment textarea[name=currentSituation]', lines);
    await page.emulateMedia({ media: 'print' });
    try {
      const box = page.locator('#assessment textarea[name=currentSituation]');
      const { shown, whole } = await box.evaluate((t) => ({ shown: t.clientHeight, whole: t.scrollHeight }));
      expect(shown).toBeGreaterThanOrEqual(whole);
      expect(await page.locator('header.top').isVisible()).toBe(false);
      expect(await page.locator('#assessment button[type=submit]').isVisible()).toBe(false);
      await page.pdf({ path: join(SHOTS, 'workspace-first-meeting-print.pdf'), format: 'A4' });
    } finally {
      await page.emulateMedia({ media: 'screen' });
    }
  });

  it('takes a case from the meeting to closing: attendance, Annex 2 with Q4, Annex 1, a plan with one goal, closed', async () => {
    // From the case file: claim the case, then its first meeting.
    await page.goto(`${base}/desk/cases/${CODE}`);
    await page.click(`form[action="/desk/cases/${CODE}/claim"] button`);
    await page.waitForLoadState('load');
    await page.click(`a[href="/desk/cases/${CODE}/meeting"]`);
    await page.waitForURL(/\/meeting$/);
    expect(await status()).toBe('claimed');

    await page.click('#attendance button[value=attended]');
    await page.waitForURL(/done=attendance/);
    expect(await status()).toBe('met');

    // Annex 2: the bot's answers are there already; the counsellor answers Q4 and names the place.
    expect(await page.isChecked('#diagnosis input[name=q1][value=yes]')).toBe(true);
    expect(await page.isChecked('#diagnosis input[name=q3][value=language]')).toBe(true);
    await page.check('#diagnosis input[name=q3][value=employment_education]');
    await page.check('#diagnosis input[name=q4][value=no]');
    await page.fill('#diagnosis input[name=place]', 'Baku office, room 3');
    await page.click('#diagnosis button[type=submit]');
    await page.waitForURL(/done=diagnosis/);
    expect(await page.textContent('#diagnosis')).toContain(t('casework:diagnosis.final'));

    // Annex 1: the date is filled in with today; the rest is typed.
    await page.fill('#assessment input[name=beneficiaryName]', 'Olena Kovalenko');
    await page.fill('#assessment textarea[name=urgentNeed]', 'A place to live before winter');
    await page.check('#assessment input[name=services][value=language]');
    await page.fill('#assessment textarea[name=summary]', 'Language first, then work as a nurse');
    await page.click('#assessment button[type=submit]');
    await page.waitForURL(/done=assessment/);
    expect(await status()).toBe('assessed');
    expect(await page.inputValue('#assessment input[name=beneficiaryName]')).toBe('Olena Kovalenko');

    // A plan with a goal not agreed with the person and an activity without its owner, on an
    // Azerbaijani page: each problem in Azerbaijani beside its field, what was typed kept.
    await page.selectOption('select[name=lang]', 'az');
    await page.waitForFunction(`document.documentElement.lang === 'az'`);
    await page.fill('input[name=need_text_0]', 'Azərbaycan dili dərsləri');
    await page.fill('input[name=goal_text_0]', 'Azərbaycan dilində sadə söhbət');
    await page.fill('input[name=activity_text_0]', 'Axşam kursuna yazılmaq');
    await page.fill('input[name=activity_due_0]', '2026-12-15');
    await page.click('#plan button[type=submit]');
    await page.waitForLoadState('load');
    const az = (key: string) => e2e.core.translator.t('az', key);
    expect(await page.textContent('#plan tr:has(input[name=goal_agreed_0])')).toContain(az('casework:form.issue.not_agreed'));
    expect(await page.textContent('#plan tr:has(input[name=activity_owner_0])')).toContain(az('casework:form.issue.required'));
    expect(await page.textContent('#plan')).not.toMatch(/Too small|expected|agreedWithPerson|activities\.0/);
    expect(await page.inputValue('input[name=goal_text_0]')).toBe('Azərbaycan dilində sadə söhbət');
    await page.locator('#plan').screenshot({ path: join(SHOTS, 'workspace-plan-problems-az.png') });
    await page.goto(`${base}/desk/cases/${CODE}/meeting`);
    await page.selectOption('select[name=lang]', 'en');
    await page.waitForFunction(`document.documentElement.lang === 'en'`);

    // The plan: one need, one goal agreed with the person, one activity.
    await page.fill('input[name=need_text_0]', 'Azerbaijani lessons');
    await page.selectOption('select[name=need_area_0]', 'language');
    await page.fill('input[name=goal_text_0]', 'Hold a simple conversation in Azerbaijani');
    await page.check('input[name=goal_agreed_0]');
    await page.fill('input[name=activity_text_0]', 'Enrol in the evening course');
    await page.fill('input[name=activity_owner_0]', 'Olena, with the case worker');
    await page.fill('input[name=activity_due_0]', '2026-12-15');
    await page.click('#plan button[type=submit]');
    await page.waitForURL(/done=plan/);
    expect(await status()).toBe('in_plan');
    expect(await page.inputValue('input[name=goal_text_0]')).toBe('Hold a simple conversation in Azerbaijani');

    for (const lang of ['az', 'ru', 'en'] as const) {
      await page.selectOption('select[name=lang]', lang);
      await page.waitForLoadState('load');
      await page.waitForFunction(`document.documentElement.lang === '${lang}'`);
      await page.screenshot({ path: join(SHOTS, `workspace-first-meeting-${lang}.png`), fullPage: true });
    }

    await page.goto(`${base}/desk/cases/${CODE}/close`);
    await page.check('input[name=reason][value=goals_achieved]');
    await page.click('#close button[type=submit]');
    await page.waitForSelector('#close .note');
    expect(await page.textContent('#close .note')).toContain(t('casework:close.reason.goals_achieved'));
    await page.goto(`${base}/desk/cases/${CODE}/meeting`);
    expect(await status()).toBe('closed');
  });
  it('keeps the session alive while a form is typed in for longer than the idle timeout, so that it saves', async () => {
    await page.goto(`${base}/desk/cases/KP-BRWS-0002`);
    try {
      // 25 minutes into the meeting, still typing the note ...
      now = new Date(NOW.getTime() + 25 * 60_000);
      await Promise.all([page.waitForResponse((r) => r.url().endsWith('/desk/alive') && r.status() === 200), page.fill('#notes textarea[name=text]', 'Long talk about her work permit and the evening course.')]);
      // ... and saved 25 minutes later: 50 minutes after the page was loaded, never 30 idle.
      now = new Date(NOW.getTime() + 50 * 60_000);
      await page.click('#notes button[type=submit]');
      await page.waitForURL(/done=note_added/);
      expect(await page.textContent('#notes')).toContain('Long talk about her work permit and the evening course.');
    } finally {
      now = NOW;
    }
  });
  it('says at once that the session ended while a form is typed in, and saves what was typed once signed in again in another tab', async () => {
    await page.goto(`${base}/desk/cases/KP-BRWS-0002`);
    const banner = page.locator('#signed-out');
    try {
      // More than 30 minutes without a page or a keystroke: the session has ended on the server.
      now = new Date(NOW.getTime() + 120 * 60_000);
      await page.fill('#notes textarea[name=text]', 'Her landlord asked her to leave by Friday.');
      await banner.waitFor({ state: 'visible' });
      expect(await banner.textContent()).toContain(t('web:signin.ended_here'));
      // Signed in again in another tab of the same browser, then back to this one.
      const other = await page.context().newPage();
      await other.goto(linkIn(await sendPrivate(e2e.api, handled, worker, '/dashboard')));
      await Promise.all([other.waitForURL(/\/desk\/cases/), other.click('button[type=submit].primary')]);
      await other.close();
      await banner.locator('button').click();
      await banner.waitFor({ state: 'hidden' });
      await page.click('#notes button[type=submit]');
      await page.waitForURL(/done=note_added/);
      expect(await page.textContent('#notes')).toContain('Her landlord asked her to leave by Friday.');
    } finally {
      now = NOW;
    }
  });
});
