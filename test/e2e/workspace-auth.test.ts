import type { User } from 'grammy/types';
import { OfficesFileSchema } from '../../src/config/offices';
import { redisKeys } from '../../src/storage/keys';
import { auditMonth } from '../../src/storage/redis-audit-trail';
import { testOffice } from '../helpers/office';
import { keysUnder } from '../helpers/redis';
import { linkIn, sendPrivate, trackHandled, WebClient } from '../helpers/workspace';
import { addStaff, useTestKorpu } from '../helpers/use-korpu';

/**
 * Signing in to the workspace, through the whole of Körpü (createKorpu) and the fake Bot API:
 * `/dashboard` gives a roster member a one-time link; the link page spends it only on the
 * button; a second use, a late use and a stranger's `/dashboard` sign nobody in; the session
 * cookie is `__Host-`, Secure, HttpOnly, SameSite=Lax; a change without the CSRF token is a
 * 403, audited, which shows back what was typed; sign-out, sign-out everywhere (asked once more first), the idle timeout and leaving the roster end
 * sessions on the server.
 */

jest.setTimeout(30_000);

const START = new Date('2026-11-24T08:00:00Z');

describe('workspace sign-in', () => {
  const e2e = useTestKorpu({ offices: OfficesFileSchema.parse({ offices: [testOffice()] }), clock: { now: () => now } });
  let base: string;
  let handled: (id: number) => Promise<void>;
  let now = START;
  let worker: User;

  beforeAll(async () => {
    handled = trackHandled(e2e.bot);
    base = (await e2e.korpu.start()).url;
    ({ user: worker } = await addStaff(e2e, { name: 'Aysel Məmmədova', firstName: 'Aysel', lang: 'en', langs: ['en', 'az'], addedAt: now }));
  });

  const dashboard = async (user: User) => sendPrivate(e2e.api, handled, user, '/dashboard');
  async function signedIn(): Promise<WebClient> {
    const web = new WebClient(base);
    const link = linkIn(await dashboard(worker));
    expect((await web.get(link)).status).toBe(200);
    const token = new URL(link).searchParams.get('token')!;
    const r = await web.post('/desk/signin', { token });
    expect(r.status).toBe(303);
    return web;
  }
  const auditEntries = async () => (await e2e.redis.xrange(redisKeys(e2e.prefix).audit(auditMonth(now)), '-', '+')).map(([, f]) => Object.fromEntries(f.reduce<string[][]>((a, v, i) => (i % 2 ? (a[a.length - 1]!.push(v), a) : [...a, [v]]), [])));

  it('sends an anonymous visitor to the sign-in page', async () => {
    const web = new WebClient(base);
    const r = await web.get('/desk/cases');
    expect(r.status).toBe(303);
    expect(r.location).toBe('/desk/signin');
    const page = await web.get('/desk/signin');
    expect(page.status).toBe(200);
    expect(page.text).toContain(e2e.core.translator.t('en', 'web:signin.how'));
  });

  it('gives a roster member a one-time link that signs them in once, with a __Host- session cookie', async () => {
    const texts = await dashboard(worker);
    const link = linkIn(texts);
    expect(link.startsWith(`${base}/desk/signin?token=`)).toBe(true);
    const sent = e2e.api.lastMessage(worker.id)!;
    expect(sent.text).toContain(link);
    const web = new WebClient(base);
    // Opening the link (as a link preview would) spends nothing: the page asks for the button.
    const page = await web.get(link);
    expect(page.status).toBe(200);
    expect(page.text).toContain(e2e.core.translator.t('en', 'web:signin.button'));
    expect(web.cookies.size).toBe(0);
    const token = new URL(link).searchParams.get('token')!;
    const r = await web.post('/desk/signin', { token });
    expect(r.status).toBe(303);
    expect(r.location).toBe('/desk/cases');
    const cookie = r.headers.getSetCookie().find((c) => c.startsWith('__Host-korpu_desk='))!;
    expect(cookie).toMatch(/; Path=\//);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; Secure/);
    expect(cookie).toMatch(/; SameSite=Lax/);
    expect(cookie).not.toMatch(/Domain=/i);
    const home = await web.get('/desk/');
    expect(home.status).toBe(303);
    const again = await new WebClient(base).post('/desk/signin', { token });
    expect(again.status).toBe(400);
    expect(again.text).toContain(e2e.core.translator.t('en', 'web:signin.invalid'));
    // The token is kept only as its hash.
    expect((await keysUnder(e2e.redis, e2e.prefix)).filter((k) => k.includes(token))).toEqual([]);
  });

  it('answers with no-store, a strict CSP and no referrer on signed-in pages', async () => {
    const web = await signedIn();
    const r = await web.get('/desk/no-such-page');
    expect(r.status).toBe(404);
    expect(r.text).toContain('Aysel Məmmədova');
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect(r.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(r.headers.get('referrer-policy')).toBe('no-referrer');
    expect(r.text).toContain('<html lang="en" dir="ltr">');
  });

  it('refuses a sign-in form sent from another site, and the link still works from its own page', async () => {
    // A colleague's page posting their own link would sign this browser in as them (login CSRF):
    // its session ended, and what is typed next saved under the other's name.
    const web = await signedIn();
    const before = web.cookies.get('__Host-korpu_desk');
    const token = new URL(linkIn(await dashboard(worker))).searchParams.get('token')!;
    const forged = await fetch(`${base}/desk/signin`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'cross-site', origin: 'https://elsewhere.example', cookie: `__Host-korpu_desk=${before}` },
      body: new URLSearchParams({ token }).toString(),
      redirect: 'manual',
    });
    expect(forged.status).toBe(403);
    expect(forged.headers.getSetCookie()).toEqual([]);
    // The browser's own session goes on, and the link was not spent.
    expect((await web.get('/desk/cases')).status).toBe(200);
    const own = await new WebClient(base).post('/desk/signin', { token });
    expect(own.status).toBe(303);
  });

  it('refuses a link used after five minutes', async () => {
    const link = linkIn(await dashboard(worker));
    now = new Date(now.getTime() + 5 * 60_000 + 1000);
    const r = await new WebClient(base).post('/desk/signin', { token: new URL(link).searchParams.get('token')! });
    expect(r.status).toBe(400);
    expect(r.text).toContain(e2e.core.translator.t('en', 'web:signin.expired'));
  });

  it('gives a stranger no link (the bot answers as to any unknown command)', async () => {
    const stranger = e2e.api.updates.user({ language_code: 'en' });
    const texts = await dashboard(stranger);
    expect(texts.join('\n')).not.toContain('/desk/signin');
  });

  it('refuses a change without the CSRF token with a 403 page and an audit entry', async () => {
    const web = await signedIn();
    await web.get('/desk/no-such-page');
    const r = await web.post('/desk/lang', { _csrf: null, lang: 'ru' });
    expect(r.status).toBe(403);
    expect(r.text).toContain(e2e.core.translator.t('en', 'web:forbidden.reason.csrf'));
    const wrong = await web.post('/desk/lang', { _csrf: 'x'.repeat(43), lang: 'ru' });
    expect(wrong.status).toBe(403);
    expect((await auditEntries()).filter((e) => e.action === 'web_refused' && e['d:reason'] === 'csrf')).toHaveLength(2);
    const ok = await web.post('/desk/lang', { lang: 'fa', back: '/desk/no-such-page' });
    expect(ok.status).toBe(303);
    expect(ok.location).toBe('/desk/no-such-page');
    expect((await web.get('/desk/no-such-page')).text).toContain('<html lang="fa" dir="rtl">');
  });

  it('shows back what was typed into a form of an ended session, sent after signing in again, so that it can be copied', async () => {
    // A tab's form loaded in one session; the session times out; the member signs in again in
    // another tab of the same browser (a new cookie for both tabs), then sends the old tab's form.
    const old = await signedIn();
    await old.get('/desk/cases/KP-AUTH-0002');
    const formPage = old.lastPage;
    now = new Date(now.getTime() + 31 * 60_000);
    const again = await signedIn();
    const tab = new WebClient(base);
    for (const [k, v] of again.cookies) tab.cookies.set(k, v);
    tab.lastPage = formPage;
    const note = 'Phoned her sister: she moved to Sumqayıt, new address <b>Nizami 12</b>, comes Thursday.';
    const sent = await tab.post('/desk/cases/KP-AUTH-0002/notes', { text: note });
    expect(sent.status).toBe(403);
    expect(sent.text).toContain(e2e.core.translator.t('en', 'web:forbidden.reason.csrf'));
    expect(sent.text).toContain(e2e.core.translator.t('en', 'web:forbidden.kept_title'));
    // As typed, escaped; never the form's own token.
    expect(sent.text).toContain('Phoned her sister: she moved to Sumqayıt, new address &lt;b&gt;Nizami 12&lt;/b&gt;, comes Thursday.');
    expect(sent.text).not.toContain(/name="_csrf" value="([^"]+)"/.exec(formPage)![1]);
  });

  it('ends the session at sign-out, and every session at sign-out everywhere', async () => {
    const one = await signedIn();
    const two = await signedIn();
    await one.get('/desk/x');
    expect((await one.post('/desk/signout')).location).toBe('/desk/signin?out=1');
    expect((await one.get('/desk/x')).status).toBe(303);
    expect((await two.get('/desk/x')).status).toBe(404);
    const three = await signedIn();
    expect((await two.post('/desk/signout-everywhere', { confirm: '1' })).status).toBe(303);
    expect((await three.get('/desk/x')).status).toBe(303);
    expect((await two.get('/desk/x')).status).toBe(303);
  });

  it('asks once more before signing out everywhere (a stray tap mid-interview ends nothing), without JavaScript', async () => {
    const phone = await signedIn();
    const desk = await signedIn();
    // The header's button, pressed on a case file.
    const casePage = await desk.get('/desk/cases/KP-AUTH-0001');
    const header = /<form method="post" action="\/desk\/signout-everywhere">([\s\S]*?)<\/form>/.exec(casePage.text)?.[1] ?? '';
    const back = /name="back" value="([^"]*)"/.exec(header)?.[1];
    expect(back).toBe('/desk/cases/KP-AUTH-0001');
    const asked = await desk.post('/desk/signout-everywhere', { back: back! });
    expect(asked.status).toBe(200);
    expect(asked.text).toContain(e2e.core.translator.t('en', 'web:signout.confirm_text'));
    // Its own form: the session's CSRF token and confirm=1; "No, stay" goes back to the case file.
    const form = /<form method="post" action="\/desk\/signout-everywhere" class="actions">([\s\S]*?)<\/form>/.exec(asked.text)?.[1] ?? '';
    expect(form).toMatch(/name="_csrf" value="[^"]+"/);
    expect(form).toContain('name="confirm" value="1"');
    expect(form).toContain('href="/desk/cases/KP-AUTH-0001"');
    // Nothing ended: both devices still signed in.
    expect((await phone.get('/desk/x')).status).toBe(404);
    expect((await desk.get('/desk/x')).status).toBe(404);
    // A confirmation sent from another site (no CSRF token) ends nothing either.
    expect((await desk.post('/desk/signout-everywhere', { _csrf: null, confirm: '1' })).status).toBe(403);
    expect((await phone.get('/desk/x')).status).toBe(404);
    // Confirmed (the confirmation page's own button): every session ends.
    await desk.post('/desk/signout-everywhere');
    const confirmed = await desk.post('/desk/signout-everywhere', { confirm: '1' });
    expect(confirmed).toMatchObject({ status: 303, location: '/desk/signin?out=1' });
    expect((await phone.get('/desk/x')).status).toBe(303);
    expect((await desk.get('/desk/x')).status).toBe(303);
  });

  it('says on the sign-in page that what a tab sent after signing out in another was not saved', async () => {
    const one = await signedIn();
    await one.get('/desk/cases');
    // A second tab of the same browser: the same cookie, the form loaded before signing out.
    const two = new WebClient(base);
    for (const [k, v] of one.cookies) two.cookies.set(k, v);
    two.lastPage = one.lastPage;
    expect((await one.post('/desk/signout')).location).toBe('/desk/signin?out=1');
    const sent = await two.post('/desk/cases/KP-AUTH-0001/notes', { text: 'Called her, no answer' });
    expect(sent).toMatchObject({ status: 303, location: '/desk/signin?lost=1' });
    const page = await two.get(sent.location!);
    expect(page.text).toContain(e2e.core.translator.t('en', 'web:signin.lost'));
    // A page opened without a session is no loss: the plain sign-in page.
    expect((await two.get('/desk/cases')).location).toBe('/desk/signin');
  });

  it('ends a session idle for more than 30 minutes', async () => {
    const web = await signedIn();
    now = new Date(now.getTime() + 29 * 60_000);
    expect((await web.get('/desk/x')).status).toBe(404);
    now = new Date(now.getTime() + 31 * 60_000);
    expect((await web.get('/desk/x')).status).toBe(303);
  });

  it('signs out everywhere at once a worker taken off the roster', async () => {
    const web = await signedIn();
    expect((await web.get('/desk/x')).status).toBe(404);
    await e2e.korpu.roster.remove(worker.id);
    const r = await web.get('/desk/x');
    expect(r.status).toBe(303);
    expect(r.location).toBe('/desk/signin');
    await e2e.korpu.roster.put({ telegramId: worker.id, name: 'Aysel Məmmədova', langs: ['en', 'az'], office: 'baku', role: 'caseworker', addedAt: now, addedBy: 1 });
    // Back on the roster, the old session stays ended.
    expect((await web.get('/desk/x')).status).toBe(303);
  });
});
