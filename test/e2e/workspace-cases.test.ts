import type { User } from 'grammy/types';
import { OfficesFileSchema } from '../../src/config/offices';
import { FieldCipher } from '../../src/storage/field-cipher';
import { redisKeys } from '../../src/storage/keys';
import { auditMonth } from '../../src/storage/redis-audit-trail';
import { testOffice } from '../helpers/office';
import { seedCase } from '../helpers/seed-cases';
import { slotIdAt } from '../../src/scheduling/slot-id';
import { linkIn, sendPrivate, trackHandled, WebClient } from '../helpers/workspace';
import { useTestKorpu } from '../helpers/use-korpu';

/**
 * The case list and the case file through the whole of Körpü, signed in as the bot's
 * `/dashboard` signs people in: a case worker sees their office's cases and not another
 * office's (a guessed URL is a 403, audited); claims a case through the same desk use case as
 * the bot's button; the person's details are shown to the holder and to supervisors only (the
 * view audited); notes, attendance and a supervisor's reassignment work; a case worker cannot
 * reassign.
 */

jest.setTimeout(30_000);

const NOW = new Date('2026-11-24T08:00:00Z'); // Tuesday 12:00 in Baku
const baku = testOffice();
const ganja = testOffice({ id: 'ganja', name: { az: 'Gəncə ofisi', ru: 'Гянджинский офис', en: 'Ganja office' } });

describe('workspace cases', () => {
  const e2e = useTestKorpu({ offices: OfficesFileSchema.parse({ offices: [baku, ganja] }), clock: { now: () => NOW } });
  let base: string;
  let handled: (id: number) => Promise<void>;
  const users: Record<string, User> = {};

  beforeAll(async () => {
    handled = trackHandled(e2e.bot);
    base = (await e2e.korpu.start()).url;
    const staff = [
      ['aysel', 'Aysel Məmmədova', 'baku', 'caseworker'],
      ['rashad', 'Rəşad Əliyev', 'baku', 'caseworker'],
      ['leyla', 'Leyla Həsənova', 'ganja', 'caseworker'],
      ['sup', 'Nigar Quliyeva', 'baku', 'supervisor'],
    ] as const;
    for (const [key, name, office, role] of staff) {
      users[key] = e2e.api.updates.user({ language_code: 'en' });
      await e2e.korpu.roster.put({ telegramId: users[key]!.id, name, langs: ['en'], office, role, addedAt: NOW, addedBy: 1 });
    }
    const d = { redis: e2e.redis, keys: e2e.core.keys, cipher: new FieldCipher(Buffer.from(e2e.korpu.dataKey, 'hex')), bookings: e2e.core.bookings, index: e2e.korpu.caseIndex };
    await seedCase(d, { code: 'KP-BAKU-0001', lang: 'ru', createdAt: new Date('2026-11-23T10:00:00Z'), meeting: { office: baku, start: new Date('2026-11-24T06:00:00Z') }, firstName: 'Olena', lastName: 'Kovalenko', phone: '+994501234567', birthDate: '1990-05-01', reason: 'family' });
    await seedCase(d, { code: 'KP-GNJA-0002', lang: 'fa', createdAt: new Date('2026-11-23T11:00:00Z'), meeting: { office: ganja, start: new Date('2026-11-25T06:00:00Z') }, firstName: 'Reza', lastName: 'Ahmadi' });
    await seedCase(d, { code: 'KP-NONE-0003', lang: 'en', createdAt: new Date('2026-11-23T12:00:00Z'), crisis: 'violence' });
  });

  async function signIn(who: string): Promise<WebClient> {
    const web = new WebClient(base);
    const link = linkIn(await sendPrivate(e2e.api, handled, users[who]!, '/dashboard'));
    await web.get(link);
    expect((await web.post('/desk/signin', { token: new URL(link).searchParams.get('token')! })).status).toBe(303);
    return web;
  }
  const audit = async () => (await e2e.redis.xrange(redisKeys(e2e.prefix).audit(auditMonth(NOW)), '-', '+')).map(([, f]) => Object.fromEntries(f.reduce<string[][]>((a, v, i) => (i % 2 ? (a[a.length - 1]!.push(v), a) : [...a, [v]]), [])));
  const t = (key: string, params?: Record<string, unknown>) => e2e.core.translator.t('en', key, params);

  it("shows a case worker their office's cases, and the urgent one on top, but not another office's", async () => {
    const web = await signIn('aysel');
    const list = await web.get('/desk/cases');
    expect(list.status).toBe(200);
    expect(list.headers.get('cache-control')).toBe('no-store');
    expect(list.text).toContain('KP-BAKU-0001');
    // The person's language named in the page's (English): "Russian", not "Русский".
    expect(list.text).toMatch(/<td[^>]*>Russian<\/td>/);
    expect(list.text).not.toContain('KP-GNJA-0002');
    // The crisis case has no meeting yet: urgent, on top of every list.
    expect(list.text).toContain(t('web:cases.urgent_title'));
    expect(list.text).toContain('KP-NONE-0003');
    expect(list.text).toContain(t('web:status.new'));
    // Personal data never on the list.
    expect(list.text).not.toContain('Olena');
    // Asking for Ganja's cases gives Baku's.
    expect((await web.get('/desk/cases?office=ganja')).text).not.toContain('KP-GNJA-0002');
    const search = await web.get('/desk/cases?code=kp-gnja-0002');
    expect(search.text).not.toContain('href="/desk/cases/KP-GNJA-0002"');
    expect(search.text).toContain(t('web:cases.code_no_case', { code: 'KP-GNJA-0002' }));
  });

  it('finds a case by its code typed in any case, with or without KP- and dashes; says so when what was typed cannot be a code', async () => {
    const web = await signIn('aysel');
    const row = (page: string) => page.match(/<tbody>[\s\S]*<\/tbody>/g)?.at(-1) ?? '';
    for (const typed of ['BAKU-0001', 'kp-baku-0001', ' baku 0001 ', 'KPBAKU0001']) {
      const page = await web.get(`/desk/cases?code=${encodeURIComponent(typed)}`);
      expect(row(page.text)).toContain('href="/desk/cases/KP-BAKU-0001"');
      expect(page.text).toContain(`name="code" value="${typed.trim()}"`);
    }
    // Not a whole code: said in words, what was typed kept in the box, not quietly every case.
    const partial = await web.get('/desk/cases?code=zzz');
    expect(partial.status).toBe(200);
    expect(partial.text).toContain(`name="code" value="zzz"`);
    expect(partial.text).toContain(t('web:cases.code_not_a_code', { typed: 'zzz' }));
  });

  it("refuses a case of another office by guessed URL with a 403 page and an audit entry", async () => {
    const web = await signIn('aysel');
    const r = await web.get('/desk/cases/KP-GNJA-0002');
    expect(r.status).toBe(403);
    expect(r.text).toContain(t('web:forbidden.reason.other_office'));
    expect(r.text).not.toContain('Reza');
    expect((await audit()).some((e) => e.action === 'web_refused' && e.case === 'KP-GNJA-0002' && e['d:reason'] === 'other_office')).toBe(true);
  });

  it('lets a case worker claim a case and then shows them the person, audited; another worker sees no personal data', async () => {
    const web = await signIn('aysel');
    const before = await web.get('/desk/cases/KP-BAKU-0001');
    expect(before.status).toBe(200);
    expect(before.text).toContain(t('web:case.personal_restricted'));
    expect(before.text).not.toContain('Olena');
    const claim = await web.post('/desk/cases/KP-BAKU-0001/claim');
    expect(claim.status).toBe(303);
    expect(claim.location).toBe('/desk/cases/KP-BAKU-0001?done=claimed');
    const after = await web.get(claim.location!);
    expect(after.text).toContain(t('web:case.done.claimed'));
    expect(after.text).toContain('Olena');
    // The phone number reads left to right whatever the page's direction (a Persian page put its + at the end);
    // what the person typed takes its own direction; a chosen answer is shown in words, not as its stored value.
    expect(after.text).toContain('<dd><bdi dir="ltr">+994501234567</bdi></dd>');
    expect(after.text).toContain('<dd><bdi>Olena</bdi></dd>');
    expect(after.text).toContain(`<dd><bdi>${t('interview:reason.family')}</bdi></dd>`);
    // The birth date as the page writes dates (English, day first: 01/05/1990), not as stored.
    expect(after.text).toContain('<dd><bdi dir="ltr">01/05/1990</bdi></dd>');
    expect(after.text).not.toContain('1990-05-01');
    expect(t('interview:reason.family')).not.toBe('family');
    expect((await audit()).filter((e) => e.action === 'open_case' && e.case === 'KP-BAKU-0001')).toHaveLength(1);
    expect((await web.get('/desk/cases?mine=1')).text).toContain('KP-BAKU-0001');
    const list = await web.get('/desk/cases?status=claimed');
    expect(list.text).toContain('KP-BAKU-0001');
    expect(list.text).toContain('Aysel Məmmədova');
    // The language switch comes back to the list as filtered, not to the whole list.
    const back = /name="back" value="([^"]*)"/.exec(list.text)![1]!.replace(/&amp;/g, '&');
    expect(back).toBe('/desk/cases?status=claimed');
    expect((await web.post('/desk/lang', { lang: 'en', back })).location).toBe('/desk/cases?status=claimed');
    // A place outside the workspace is never one to come back to; an odd query comes back to its page.
    expect((await web.post('/desk/lang', { lang: 'en', back: '//evil.example/desk' })).location).toBe('/desk/cases');
    expect((await web.post('/desk/lang', { lang: 'en', back: '/desk/calendar?week=<script>' })).location).toBe('/desk/calendar');

    const other = await signIn('rashad');
    const seen = await other.get('/desk/cases/KP-BAKU-0001');
    expect(seen.status).toBe(200);
    expect(seen.text).not.toContain('Olena');
    const taken = await other.post('/desk/cases/KP-BAKU-0001/claim');
    expect(taken.location).toBe('/desk/cases/KP-BAKU-0001?notice=already_claimed');
    // The bot's records name no counsellor: "self-service (Körpü)" in the page's language, and the glossary's words in Azerbaijani.
    expect((await other.post('/desk/lang', { lang: 'az', back: '/desk/cases/KP-BAKU-0001' })).status).toBe(303);
    const az = (await other.get('/desk/cases/KP-BAKU-0001')).text;
    expect(az).toContain(e2e.core.translator.t('az', 'web:case.self_service'));
    expect(az).not.toContain('self-service (Körpü)');
    expect(az).toContain('Mənfi hallar (Əlavə 3)');
    expect(az).toContain('Keys işçisi');
    expect(az).not.toMatch(/Sosial işçi|İnsidentlər/);
  });

  it('keeps notes and attendance on the case', async () => {
    const web = await signIn('aysel');
    await web.get('/desk/cases/KP-BAKU-0001');
    const note = await web.post('/desk/cases/KP-BAKU-0001/notes', { text: 'Called: will bring the diploma <b>tomorrow</b>' });
    expect(note.location).toBe('/desk/cases/KP-BAKU-0001?done=note_added#notes');
    const page = await web.get('/desk/cases/KP-BAKU-0001');
    expect(page.text).toContain('Called: will bring the diploma &lt;b&gt;tomorrow&lt;/b&gt;');
    expect(await e2e.redis.lrange(e2e.core.keys.caseNotes('KP-BAKU-0001'), 0, -1)).not.toContain(expect.stringContaining('diploma'));
    const came = await web.post('/desk/cases/KP-BAKU-0001/attendance', { status: 'attended' });
    expect(came.location).toBe('/desk/cases/KP-BAKU-0001?done=attendance_recorded#meeting');
    expect((await web.get('/desk/cases?status=met')).text).toContain('KP-BAKU-0001');
  });

  it('makes the case worker who records Came on a case nobody holds its holder: the page says so and shows her as its holder', async () => {
    const d = { redis: e2e.redis, keys: e2e.core.keys, cipher: new FieldCipher(Buffer.from(e2e.korpu.dataKey, 'hex')), bookings: e2e.core.bookings, index: e2e.korpu.caseIndex };
    await seedCase(d, { code: 'KP-BAKU-0011', lang: 'ru', createdAt: new Date('2026-11-23T19:00:00Z'), meeting: { office: baku, start: new Date('2026-11-24T05:00:00Z') } });
    const web = await signIn('rashad');
    const before = (await web.get('/desk/cases/KP-BAKU-0011')).text;
    expect(before).toContain(t('web:case.nobody'));
    const came = await web.post('/desk/cases/KP-BAKU-0011/attendance', { status: 'attended' });
    expect(came.location).toBe('/desk/cases/KP-BAKU-0011?done=attendance_recorded_claimed#meeting');
    const page = (await web.get(came.location!)).text;
    expect(page).toContain(t('web:case.done.attendance_recorded_claimed'));
    expect(page).toContain('Rəşad Əliyev · ');
    expect(page).not.toContain('/desk/cases/KP-BAKU-0011/claim"');
    const rashad = (await e2e.korpu.roster.get(users.rashad!.id))!;
    expect(await e2e.redis.get(e2e.core.keys.claim('KP-BAKU-0011'))).toBe(rashad.staffId);

    // The same from the calendar: the week shown again says the case is hers now.
    const start = new Date('2026-11-24T05:00:00Z');
    await seedCase(d, { code: 'KP-BAKU-0012', lang: 'ru', createdAt: new Date('2026-11-23T19:30:00Z'), meeting: { office: baku, start } });
    const aysel = await signIn('aysel');
    await aysel.get('/desk/calendar?office=baku&date=2026-11-24');
    const marked = await aysel.post('/desk/calendar/attendance', { office: 'baku', date: '2026-11-24', case: 'KP-BAKU-0012', status: 'no_show', meeting: String(start.getTime()) });
    expect(marked.location).toBe('/desk/calendar?office=baku&date=2026-11-24&ok=attendance_done_claimed&code=KP-BAKU-0012');
    expect((await aysel.get(marked.location!)).text).toContain(t('reports:calendar.attendance_done_claimed', { code: 'KP-BAKU-0012' }));
    expect(await e2e.redis.get(e2e.core.keys.claim('KP-BAKU-0012'))).toBe((await e2e.korpu.roster.get(users.aysel!.id))!.staffId);
  });

  it('lets a supervisor see every office and reassign; a case worker may not reassign', async () => {
    const sup = await signIn('sup');
    const list = await sup.get('/desk/cases');
    expect(list.text).toContain('KP-GNJA-0002');
    expect(list.text).toContain('KP-BAKU-0001');
    const file = await sup.get('/desk/cases/KP-BAKU-0001');
    expect(file.text).toContain('Olena');
    const rashad = (await e2e.korpu.roster.get(users.rashad!.id))!;
    const r = await sup.post('/desk/cases/KP-BAKU-0001/reassign', { to: rashad.staffId });
    expect(r.location).toBe('/desk/cases/KP-BAKU-0001?done=reassigned');
    expect((await sup.get('/desk/cases/KP-BAKU-0001')).text).toContain('Rəşad Əliyev');
    // A colleague's caseload: the cases Rəşad holds, in every office, and nothing else.
    expect(list.text).toContain(`<option value="${rashad.staffId}">Rəşad Əliyev</option>`);
    const his = await sup.get(`/desk/cases?holder=${rashad.staffId}`);
    expect(his.text).toContain('KP-BAKU-0001');
    expect(his.text).not.toContain('KP-GNJA-0002');
    expect(his.text).toContain(`<option value="${rashad.staffId}" selected>`);

    const worker = await signIn('aysel');
    // A case worker has no such filter, and one sent anyway is ignored (her office's list).
    const codes = (html: string) => [...html.matchAll(/href="\/desk\/cases\/(KP-[A-Z0-9-]+)"/g)].map((m) => m[1]);
    const own = await worker.get(`/desk/cases?holder=${rashad.staffId}`);
    expect(own.text).not.toContain('name="holder"');
    expect(codes(own.text)).toEqual(codes((await worker.get('/desk/cases')).text));
    await worker.get('/desk/cases/KP-BAKU-0001');
    const refused = await worker.post('/desk/cases/KP-BAKU-0001/reassign', { to: rashad.staffId });
    expect(refused.status).toBe(403);
    expect(refused.text).toContain(t('web:forbidden.reason.role'));
  });

  it('offers no action on a closed case, nor Claim on a withdrawn one, and refuses them if sent anyway', async () => {
    const sup = await signIn('sup');
    const code = 'KP-BAKU-0001';
    await sup.get(`/desk/cases/${code}/close`);
    expect((await sup.post(`/desk/cases/${code}/close`, { reason: 'other_body' })).status).toBe(303);
    const file = (await sup.get(`/desk/cases/${code}`)).text;
    for (const action of ['claim', 'release', 'reassign', 'booking', 'close']) expect(file).not.toContain(`/desk/cases/${code}/${action}"`);
    expect(file).not.toContain(t('behalf:link'));
    expect((await sup.get(`/desk/cases/${code}/meeting`)).text).not.toContain(`/desk/cases/${code}/close"`);
    const release = await sup.post(`/desk/cases/${code}/release`);
    expect(release.location).toBe(`/desk/cases/${code}?notice=case_closed`);
    expect((await sup.get(release.location!)).text).toContain(t('web:case.notice.case_closed'));
    const rashad = (await e2e.korpu.roster.get(users.rashad!.id))!;
    expect((await sup.post(`/desk/cases/${code}/reassign`, { to: rashad.staffId })).location).toBe(`/desk/cases/${code}?notice=case_closed`);
    expect(await e2e.redis.hget(e2e.core.keys.case(code), 'claimed_by')).toBe(rashad.staffId);

    // Withdrawn and nobody's: no Claim, and a claim sent anyway is refused; a supervisor can still close it (a case worker closes only what they hold).
    const d = { redis: e2e.redis, keys: e2e.core.keys, cipher: new FieldCipher(Buffer.from(e2e.korpu.dataKey, 'hex')), bookings: e2e.core.bookings, index: e2e.korpu.caseIndex };
    await seedCase(d, { code: 'KP-BAKU-0004', lang: 'ru', createdAt: new Date('2026-11-23T13:00:00Z'), meeting: { office: baku, start: new Date('2026-11-24T07:00:00Z') } });
    await e2e.redis.hset(e2e.core.keys.case('KP-BAKU-0004'), 'status', 'withdrawn');
    await e2e.korpu.caseIndex.reindex('KP-BAKU-0004');
    const aysel = await signIn('aysel');
    const withdrawn = (await aysel.get('/desk/cases/KP-BAKU-0004')).text;
    expect(withdrawn).toContain(t('web:status.withdrawn'));
    expect(withdrawn).not.toContain('/desk/cases/KP-BAKU-0004/claim"');
    expect(withdrawn).not.toContain('/desk/cases/KP-BAKU-0004/close"');
    expect((await sup.get('/desk/cases/KP-BAKU-0004')).text).toContain('/desk/cases/KP-BAKU-0004/close"');
    expect((await aysel.post('/desk/cases/KP-BAKU-0004/claim')).location).toBe('/desk/cases/KP-BAKU-0004?notice=case_closed');
    expect(await e2e.redis.hget(e2e.core.keys.case('KP-BAKU-0004'), 'claimed_by')).toBeNull();
  });

  it('shows a cancelled meeting in the list as cancelled, not as a meeting that stands', async () => {
    const d = { redis: e2e.redis, keys: e2e.core.keys, cipher: new FieldCipher(Buffer.from(e2e.korpu.dataKey, 'hex')), bookings: e2e.core.bookings, index: e2e.korpu.caseIndex };
    const start = new Date('2026-11-25T06:00:00Z');
    await seedCase(d, { code: 'KP-BAKU-0005', lang: 'ru', createdAt: new Date('2026-11-23T14:00:00Z'), meeting: { office: baku, start } });
    await seedCase(d, { code: 'KP-BAKU-0006', lang: 'ru', createdAt: new Date('2026-11-23T15:00:00Z'), meeting: { office: baku, start } });
    // The person of KP-BAKU-0005 withdrew: their meeting is cancelled.
    await e2e.core.bookings.cancel('KP-BAKU-0005', (await e2e.core.bookings.get('KP-BAKU-0005'))!.slot, 'withdrawn', NOW);
    await e2e.redis.hset(e2e.core.keys.case('KP-BAKU-0005'), 'status', 'withdrawn');
    await e2e.korpu.caseIndex.reindex('KP-BAKU-0005');
    const list = (await (await signIn('sup')).get('/desk/cases')).text;
    const row = (code: string) => new RegExp(`<tr[^>]*>\\s*<td[^>]*><a class="code" href="/desk/cases/${code}">[\\s\\S]*?</tr>`).exec(list)?.[0] ?? '';
    expect(row('KP-BAKU-0006')).toContain('25/11/2026');
    expect(row('KP-BAKU-0005')).not.toBe('');
    expect(row('KP-BAKU-0005')).not.toContain('25/11/2026');
    expect(row('KP-BAKU-0005')).toContain(t('web:booking.cancelled'));
  });

  it("lists every case a case worker holds under My cases, and cases with no meeting yet by default, beside their office's", async () => {
    const d = { redis: e2e.redis, keys: e2e.core.keys, cipher: new FieldCipher(Buffer.from(e2e.korpu.dataKey, 'hex')), bookings: e2e.core.bookings, index: e2e.korpu.caseIndex };
    // A phone interview that ended without a meeting, and one whose person later booked in Ganja.
    await seedCase(d, { code: 'KP-NONE-0008', lang: 'az', createdAt: new Date('2026-11-23T16:00:00Z') });
    await seedCase(d, { code: 'KP-NONE-0009', lang: 'ru', createdAt: new Date('2026-11-23T17:00:00Z') });
    const web = await signIn('rashad');
    for (const code of ['KP-NONE-0008', 'KP-NONE-0009']) await web.get(`/desk/cases/${code}`);
    for (const code of ['KP-NONE-0008', 'KP-NONE-0009']) expect((await web.post(`/desk/cases/${code}/claim`)).location).toBe(`/desk/cases/${code}?done=claimed`);
    await e2e.core.bookings.book(ganja, { id: slotIdAt(ganja, new Date('2026-11-26T06:00:00Z')), office: 'ganja', start: new Date('2026-11-26T06:00:00Z'), end: new Date('2026-11-26T06:30:00Z') }, 'KP-NONE-0009', 'ru', NOW);
    await e2e.korpu.caseIndex.reindex('KP-NONE-0009');
    const rows = (page: string) => page.match(/<tbody>[\s\S]*<\/tbody>/g)?.at(-1) ?? '';
    const mine = await web.get('/desk/cases?mine=1');
    expect(rows(mine.text)).toContain('KP-NONE-0008');
    expect(rows(mine.text)).toContain('KP-NONE-0009');
    expect(rows(mine.text)).not.toContain('KP-BAKU-0005');
    // By default: their office's cases and the ones with no meeting yet, the option named so.
    const all = await web.get('/desk/cases');
    expect(rows(all.text)).toContain('KP-NONE-0008');
    expect(rows(all.text)).toContain('KP-BAKU-0006');
    expect(rows(all.text)).not.toContain('KP-GNJA-0002');
    expect(all.text).toContain(t('web:cases.filter.own_and_none', { office: 'Baku office' }));
    expect(rows((await web.get('/desk/cases?office=baku')).text)).not.toContain('KP-NONE-0008');
    expect(rows((await web.get('/desk/cases?office=none')).text)).toContain('KP-NONE-0008');
    expect(rows((await web.get('/desk/cases?office=none&status=claimed')).text)).toContain('KP-NONE-0008');
    expect(rows((await web.get('/desk/cases?status=claimed')).text)).toContain('KP-NONE-0008');
    expect(rows((await web.get('/desk/cases?office=none&status=new')).text)).not.toContain('KP-NONE-0008');
  });

  it("shows a colleague who does not hold the case no link that would only answer \"another worker holds this case\"", async () => {
    const d = { redis: e2e.redis, keys: e2e.core.keys, cipher: new FieldCipher(Buffer.from(e2e.korpu.dataKey, 'hex')), bookings: e2e.core.bookings, index: e2e.korpu.caseIndex };
    await seedCase(d, { code: 'KP-BAKU-0010', lang: 'ru', createdAt: new Date('2026-11-23T18:00:00Z'), meeting: { office: baku, start: new Date('2026-11-24T07:00:00Z') } });
    const holder = await signIn('aysel');
    await holder.get('/desk/cases/KP-BAKU-0010');
    expect((await holder.post('/desk/cases/KP-BAKU-0010/claim')).status).toBe(303);
    const links = ['meeting', 'close', 'booking'].map((l) => `/desk/cases/KP-BAKU-0010/${l}"`);
    const own = (await holder.get('/desk/cases/KP-BAKU-0010')).text;
    for (const l of links) expect(own).toContain(l);

    const colleague = await signIn('rashad');
    const seen = (await colleague.get('/desk/cases/KP-BAKU-0010')).text;
    for (const l of links) expect(seen).not.toContain(l);
    // What a colleague may do stays: Came / Did not come once the meeting has begun, an incident report.
    expect(seen).toContain('/desk/cases/KP-BAKU-0010/attendance"');
    expect(seen).toContain('/desk/cases/KP-BAKU-0010/incidents/new"');
    // And what the links led to still answers 403.
    expect((await colleague.get('/desk/cases/KP-BAKU-0010/close')).status).toBe(403);
  });

  it('answers 404 for a malformed or unknown case code', async () => {
    const web = await signIn('sup');
    expect((await web.get('/desk/cases/<script>')).status).toBe(404);
    expect((await web.get('/desk/cases/KP-ZZZZ-9999')).status).toBe(404);
  });
});
