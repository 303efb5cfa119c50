import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import type { User } from 'grammy/types';
import { OfficesFileSchema } from '../../src/config/offices';
import { slotIdAt } from '../../src/scheduling/slot-id';
import { sealContact } from '../../src/storage/case-contact';
import { redisKeys } from '../../src/storage/keys';
import { auditMonth } from '../../src/storage/redis-audit-trail';
import { testOffice } from '../helpers/office';
import { trackHandled, signInAs } from '../helpers/workspace';
import { addStaff, useTestKorpu } from '../helpers/use-korpu';

/**
 * The workspace's Calendar, Numbers, Exports and Admin pages through the whole of Körpü
 * (createKorpu, HTTP, the fake Bot API): each page for the roles that may see it, a 403 (audited)
 * for the others, CSRF on every change, no name where none may be, and the person told by the
 * bot when their office closes for the day.
 */

jest.setTimeout(60_000);

// Tuesday 24 November 2026, 12:00 in Baku; Wednesday 10:00 in Baku is 06:00Z.
const START = new Date('2026-11-24T08:00:00Z');
const WEDNESDAY_10 = new Date('2026-11-25T06:00:00Z');
const baku = testOffice();
const ganja = testOffice({ id: 'ganja', name: { az: 'Gəncə ofisi', ru: 'Гянджинский офис', en: 'Ganja office' } });

describe('workspace: calendar, numbers, exports, admin', () => {
  const e2e = useTestKorpu({ offices: OfficesFileSchema.parse({ offices: [baku, ganja] }), clock: { now: () => now } });
  let base: string;
  let handled: (id: number) => Promise<void>;
  const now = START;
  const staff: Record<'aysel' | 'rauf' | 'leyla' | 'kamran', User> = {} as never;
  const person = { id: 770_000_001 };

  beforeAll(async () => {
    handled = trackHandled(e2e.bot);
    base = (await e2e.korpu.start()).url;
    const add = async (name: string, role: 'caseworker' | 'supervisor' | 'admin', office: string) => (await addStaff(e2e, { name, firstName: name, lang: 'en', langs: ['en'], office, role, addedAt: now })).user;
    staff.aysel = await add('Aysel Quliyeva', 'caseworker', 'baku');
    staff.rauf = await add('Rauf Məmmədov', 'caseworker', 'ganja');
    staff.leyla = await add('Leyla Əliyeva', 'supervisor', 'baku');
    staff.kamran = await add('Kamran Rzayev', 'admin', 'baku');
    // Cases as the intake leaves them: anonymous facts in clear, names encrypted; one booked on Wednesday.
    const keys = redisKeys(e2e.prefix);
    const seed = async (code: string, f: Record<string, string>, names: [string, string]) => {
      await e2e.redis.hset(keys.case(code), {
        code, status: 'intake_completed', created_at: '2026-11-23T08:00:00.000Z', lang: 'ru', ...f,
        'f:first_name': e2e.core.cipher.encrypt(names[0], `${code}:first_name`), 'f:last_name': e2e.core.cipher.encrypt(names[1], `${code}:last_name`),
        contact: sealContact(e2e.core.cipher, code, { channel: 'telegram', chatId: String(person.id) }),
      });
      await e2e.redis.zadd(keys.cases(), Date.parse('2026-11-23T08:00:00Z'), code);
    };
    await seed('KP-WEBR-0001', { consent: 'C', diagnosis: 'likely_eligible' }, ['Olena', 'Kovalenko']);
    await seed('KP-WEBR-0002', { consent: 'A', diagnosis: 'eligible', lang: 'fa' }, ['Zahra', 'Ahmadi']);
    await e2e.core.bookings.book(baku, { id: slotIdAt(baku, WEDNESDAY_10), office: 'baku', start: WEDNESDAY_10, end: new Date(WEDNESDAY_10.getTime() + 3_600_000) }, 'KP-WEBR-0001', 'ru', now);
  });

  const signIn = (user: User) => signInAs(e2e.api, handled, base, user);

  const refusals = async () =>
    (await e2e.redis.xrange(redisKeys(e2e.prefix).audit(auditMonth(now)), '-', '+')).map(([, f]) => Object.fromEntries(f.reduce<string[][]>((a, v, i) => (i % 2 ? (a[a.length - 1]!.push(v), a) : [...a, [v]]), []))).filter((e) => e.action === 'web_refused');
  const names = ['Olena', 'Kovalenko', 'Zahra', 'Ahmadi'];

  it("shows a case worker their office's week by case code, and refuses another office's (403, audited)", async () => {
    const web = await signIn(staff.aysel);
    const week = await web.get('/desk/calendar');
    expect(week.status).toBe(200);
    expect(week.text).toContain('KP-WEBR-0001');
    expect(week.text).toContain(e2e.core.translator.t('en', 'reports:calendar.free', { free: '1', capacity: '2' }));
    // The person's language by name, not its code.
    expect(week.text).toContain('<span class="badge">Russian</span>');
    expect(week.text).not.toContain('<span class="badge">ru</span>');
    for (const n of names) expect(week.text).not.toContain(n);
    // Closing a day is not a case worker's.
    expect(week.text).not.toContain('/desk/calendar/close');
    const before = (await refusals()).length;
    expect((await web.get('/desk/calendar?office=ganja')).status).toBe(403);
    expect((await web.post('/desk/calendar/close', { office: 'baku', date: '2026-11-25' })).status).toBe(403);
    expect((await web.get('/desk/numbers')).status).toBe(403);
    expect((await web.get('/desk/exports')).status).toBe(403);
    expect((await web.get('/desk/admin')).status).toBe(403);
    expect((await web.get('/desk/admin/queues')).status).toBe(403);
    expect((await refusals()).length).toBe(before + 6);
  });

  it('shows a supervisor the numbers as charts and a table, counts under 5 hidden', async () => {
    const web = await signIn(staff.leyla);
    const r = await web.get('/desk/numbers?by=lang&from=2026-W45&to=2026-W48');
    expect(r.status).toBe(200);
    expect(r.text).toContain('<svg class="chart"');
    expect(r.text).toContain(e2e.core.translator.t('en', 'reports:numbers.stage.eligible'));
    expect(r.text).toContain(e2e.core.translator.t('en', 'reports:numbers.stage.not_eligible'));
    // Two cases in all: every count is hidden, none shown as 1 or 2.
    expect(r.text).toContain('&lt;5');
    expect(r.text).not.toMatch(/<td class="num">[1-4]<\/td>/);
    expect((await web.post('/desk/numbers/recount')).status).toBe(303);
  });

  it('gives a supervisor the cases as XLSX with no name in it, and the key file for consent C only; each export audited', async () => {
    const web = await signIn(staff.leyla);
    expect((await web.get('/desk/exports')).status).toBe(200);
    const res = await fetch(`${base}/desk/exports/cases`, {
      method: 'POST',
      headers: { cookie: [...web.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: web.csrf(), format: 'xlsx' }).toString(),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toMatch(/attachment; filename="korpu-cases-\d{4}-\d{2}-\d{2}\.xlsx"/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as unknown as ExcelJS.Buffer);
    const cells: string[] = [];
    wb.worksheets[0]!.eachRow((row) => row.eachCell((c) => void cells.push(String(c.value))));
    expect(cells).toContain('KP-WEBR-0001');
    for (const n of names) expect(cells.join(' ')).not.toContain(n);
    // In words for the reader (the workspace's status), and the same cases as codes in a second sheet.
    expect(cells).toContain(e2e.core.translator.t('en', 'web:status.new'));
    expect(cells).not.toContain('intake_completed');
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Cases', 'Codes']);
    expect(wb.worksheets[1]!.getRow(2).getCell(3).value).toBe('new');
    // The page offers a CSV of codes for analysis.
    expect((await web.get('/desk/exports')).text).toContain('data-export="cases-csv_codes"');
    const csvCodes = await web.post('/desk/exports/cases', { format: 'csv', values: 'codes' });
    expect(csvCodes.status).toBe(200);
    expect(csvCodes.text).toContain('KP-WEBR-0001,2026-11-23T08:00:00.000Z,new,ru,self_service,');
    // Without the CSRF token: refused.
    expect((await web.post('/desk/exports/cases', { _csrf: null, format: 'csv' })).status).toBe(403);
    const key = await web.post('/desk/exports/key-file', { format: 'csv' });
    expect(key.status).toBe(200);
    expect(key.text).toContain('KP-WEBR-0001,Olena,Kovalenko');
    expect(key.text).not.toContain('Zahra');
    const exported = (await e2e.redis.xrange(redisKeys(e2e.prefix).audit(auditMonth(now)), '-', '+')).filter(([, f]) => f.includes('export_case'));
    expect(exported).toHaveLength(3);
  });

  it('lets an admin see and change the roster, the offices and a case trail; supervisors only queues, flows and the simulator', async () => {
    const leyla = await signIn(staff.leyla);
    const index = await leyla.get('/desk/admin');
    expect(index.status).toBe(200);
    expect(index.text).not.toContain('/desk/admin/roster');
    expect((await leyla.get('/desk/admin/roster')).status).toBe(403);
    expect((await leyla.get('/desk/admin/audit?case=KP-WEBR-0001')).status).toBe(403);
    const board = await leyla.get('/desk/admin/queues');
    expect(board.status).toBe(200);
    expect(board.text).toContain('__UI_CONFIG__');
    // No request to Google Fonts (the CSP refuses it), a way back to the workspace, and the admin page says what the board does: nothing but show.
    expect(board.text).not.toContain('fonts.googleapis.com');
    const ui = JSON.parse(/<script id="__UI_CONFIG__" type="application\/json">([^<]*)<\/script>/.exec(board.text)![1]!) as { miscLinks?: { text: string; url: string }[]; hideDocsLink?: boolean };
    expect(ui.miscLinks).toEqual([{ text: e2e.core.translator.t('en', 'reports:admin.queues_back'), url: '/desk/admin' }]);
    expect(ui.hideDocsLink).toBe(true);
    expect(index.text).toContain(e2e.core.translator.t('en', 'reports:admin.queues_read_only'));
    expect(index.text).not.toMatch(/may retry and remove/);
    // Every flow by its name in the page's language, not its YAML's English name.
    const flowIds = readdirSync(join(__dirname, '..', '..', 'flows')).filter((f) => f.endsWith('.yaml')).map((f) => f.slice(0, -5));
    for (const id of flowIds) expect(e2e.core.translator.missing(`reports:admin.flow_name.${id}`)).toEqual([]);
    await leyla.get('/desk/admin');
    expect((await leyla.post('/desk/lang', { lang: 'ru' })).status).toBe(303);
    const inRussian = await leyla.get('/desk/admin');
    expect(inRussian.text).toContain(e2e.core.translator.t('ru', 'reports:admin.flow_name.diagnosis'));
    expect(inRussian.text).not.toContain('Eligibility diagnosis');
    const flow = await leyla.get('/desk/admin/flows/diagnosis');
    expect(flow.status).toBe(200);
    // The diagram shows the first question as the person reads it in Russian, beside its key.
    const q1 = e2e.core.translator.t('ru', 'diagnosis:q1.prompt').replace(/\s+/g, ' ').slice(0, 30);
    expect(flow.text).toContain(q1);
    expect(flow.text).toContain('flowchart TD');
    expect(flow.text).toContain('specVersion: 1.0.0');
    expect((await leyla.get('/desk/admin/mermaid.min.js')).status).toBe(200);

    const kamran = await signIn(staff.kamran);
    const roster = await kamran.get('/desk/admin/roster');
    expect(roster.status).toBe(200);
    expect(roster.text).toContain('Rauf Məmmədov');
    const added = await kamran.post('/desk/admin/roster', { name: 'Səbinə Həsənova', telegramId: '610000099', role: 'caseworker', office: 'ganja', langs: 'az' });
    expect(added.status).toBe(303);
    expect(added.location).toBe('/desk/admin/roster?ok=added');
    expect((await e2e.korpu.roster.byTelegram(610_000_099))?.worker).toMatchObject({ name: 'Səbinə Həsənova', office: 'ganja', role: 'caseworker' });
    // The same account again (a mistyped id): refused, the member named, their entry as it was.
    const again = await kamran.post('/desk/admin/roster', { name: 'Someone Else', telegramId: '610000099', role: 'admin', office: 'baku', langs: 'ru' });
    expect(again.status).toBe(303);
    const sabina = (await e2e.korpu.roster.byTelegram(610_000_099))!.worker!;
    expect(again.location).toBe(`/desk/admin/roster?err=exists&staff=${sabina.staffId}#staff-${sabina.staffId}`);
    expect(sabina).toMatchObject({ name: 'Səbinə Həsənova', office: 'ganja', role: 'caseworker', langs: ['az'] });
    const refused = await kamran.get(again.location!);
    expect(refused.text).toContain(e2e.core.translator.t('en', 'reports:admin.error.exists', { name: 'Səbinə Həsənova' }));
    expect(refused.text).not.toContain(e2e.core.translator.t('en', 'reports:admin.changed'));
    const invalid = await kamran.post('/desk/admin/roster', { name: 'X', telegramId: 'abc', role: 'boss', office: 'ganja', langs: 'az' });
    expect(invalid.location).toMatch(/err=invalid&fields=telegramId,role/);
    expect((await kamran.get('/desk/admin/offices')).text).toContain('Ganja office');
    const trail = await kamran.get('/desk/admin/audit?case=KP-WEBR-0001');
    expect(trail.status).toBe(200);
  });

  it('shows an admin a case’s trail in Baku time, the zone named, in the page’s language and digits (not UTC)', async () => {
    const kamran = await signIn(staff.kamran);
    // Opening the case file is recorded at the clock's 08:00 UTC: 12:00 in Baku.
    expect((await kamran.get('/desk/cases/KP-WEBR-0001')).status).toBe(200);
    const trail = (await kamran.get('/desk/admin/audit?case=KP-WEBR-0001')).text;
    expect(trail).toContain('<time datetime="2026-11-24T08:00:00.000Z">24/11/2026, 12:00:00</time>');
    expect(trail).toContain('When (Azerbaijan Standard Time, GMT+4)');
    expect(trail).not.toContain('UTC');
    expect(trail).not.toContain('2026-11-24 08:00');
    expect((await kamran.post('/desk/lang', { lang: 'fa', back: '/desk/admin' })).status).toBe(303);
    const fa = (await kamran.get('/desk/admin/audit?case=KP-WEBR-0001')).text;
    const at = /<time datetime="2026-11-24T08:00:00.000Z">([^<]*)<\/time>/.exec(fa)?.[1] ?? '';
    expect(at).toContain('۱۲:۰۰:۰۰');
    expect(at).toContain('۲۰۲۶');
    expect(at).not.toMatch(/[0-9]/);
    // The heading names the zone in Persian, its offset in Persian digits.
    const heading = /<thead><tr><th scope="col">([^<]*)<\/th>/.exec(fa)?.[1] ?? '';
    expect(heading).toMatch(/^کی /);
    expect(heading).toContain('آذربایجان');
    expect(heading).toContain('۴');
    expect(heading).not.toMatch(/UTC|[0-9]/);
  });

  it('lets a supervisor close a day: the meeting is cancelled and the person told by the bot in their language', async () => {
    const web = await signIn(staff.leyla);
    expect((await web.get('/desk/calendar?office=baku&date=2026-11-25')).status).toBe(200);
    expect((await web.post('/desk/calendar/close', { _csrf: null, office: 'baku', date: '2026-11-25' })).status).toBe(403);
    const r = await web.post('/desk/calendar/close', { office: 'baku', date: '2026-11-25' });
    expect(r.status).toBe(303);
    expect(r.location).toContain('ok=closed_done');
    expect((await e2e.core.bookings.get('KP-WEBR-0001'))!.status).toBe('cancelled');
    // In Russian, the person's language: "Извините: … офис закрыт …", with the meeting's time and a button for a new one.
    const [sent] = await e2e.api.waitForCalls((c) => c.method === 'sendMessage' && String(c.params.chat_id) === String(person.id), 1, 15_000);
    expect(String(sent!.params.text)).toMatch(/^Извините: .*офис закрыт.*10:00/s);
    expect(JSON.stringify(sent!.params.reply_markup)).toContain(e2e.core.translator.t('ru', 'booking:no_show.rebook'));
    const week = await web.get(r.location!);
    expect(week.text).toContain(e2e.core.translator.t('en', 'reports:calendar.closed_staff'));
  });

  it('writes the calendar’s counts, times and dates in Persian digits on a Persian page, and asks before closing a day', async () => {
    const web = await signIn(staff.leyla);
    await web.get('/desk/calendar?office=baku&date=2026-11-30');
    expect((await web.post('/desk/lang', { lang: 'fa', back: '/desk/calendar' })).status).toBe(303);
    const fa = (key: string, params?: Record<string, unknown>) => e2e.core.translator.t('fa', key, params);
    const week = (await web.get('/desk/calendar?office=baku&date=2026-11-30')).text;
    expect(week).toContain(fa('reports:calendar.free', { free: '۲', capacity: '۲' }));
    // No count in ASCII digits (the translator writes a Persian text's numbers in Persian digits too).
    expect(week).not.toContain('\u20682\u2069');
    expect(week).toContain('<th scope="row">۰۹:۰۰</th>');
    // The button asks a question naming the day, rather than repeating the hint beside it.
    const confirm = /data-confirm="([^"]*)"/.exec(week)?.[1] ?? '';
    expect(confirm).not.toBe(fa('reports:calendar.close_hint'));
    expect(confirm).toMatch(/؟/);
    const r = await web.post('/desk/calendar/close', { office: 'baku', date: '2026-12-02' });
    expect(r.location).toContain('ok=closed_done');
    const done = (await web.get(r.location!)).text;
    const day = new Intl.DateTimeFormat('fa-u-ca-gregory', { timeZone: 'UTC', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date('2026-12-02T00:00:00Z'));
    expect(done).toContain(fa('reports:calendar.closed_done', { date: day, count: '۰' }));
    expect(done).not.toContain('2026-12-02 ');
  });

  it('writes the numbers page’s counts and weeks in Persian digits on a Persian page, as the calendar does', async () => {
    // Ten more cases started in week 48, so that a count is shown (10) beside hidden ones (<5).
    const keys = redisKeys(e2e.prefix);
    for (let i = 0; i < 10; i++) {
      const code = `KP-WEBN-${String(i).padStart(4, '0')}`;
      await e2e.redis.hset(keys.case(code), { code, status: 'intake_completed', created_at: '2026-11-23T09:00:00.000Z', lang: 'ru' });
      await e2e.redis.zadd(keys.cases(), Date.parse('2026-11-23T09:00:00Z'), code);
    }
    const web = await signIn(staff.leyla);
    await web.get('/desk/numbers');
    expect((await web.post('/desk/numbers/recount')).status).toBe(303);
    const inEnglish = (await web.get('/desk/numbers?by=week&from=2026-W45&to=2026-W48')).text;
    expect(inEnglish).toContain('<td class="num">10</td>');
    expect(inEnglish).toContain('<th scope="row">2026-W48</th>');
    expect((await web.post('/desk/lang', { lang: 'fa', back: '/desk/numbers' })).status).toBe(303);
    const page = (await web.get('/desk/numbers?by=week&from=2026-W45&to=2026-W48')).text;
    // The table: the week, a shown count and a hidden one, in Persian digits; no Latin digit in any count.
    expect(page).toContain('<th scope="row">۲۰۲۶-W۴۸</th>');
    expect(page).toContain('<td class="num">۱۰</td>');
    expect(page).toContain('<td class="num">&lt;۵</td>');
    expect(page).not.toMatch(/<td class="num">[^<]*[0-9]/);
    // The charts' values and labels likewise.
    expect(page).toMatch(/<text [^>]*>۱۰<\/text>/);
    expect(page).not.toMatch(/<text [^>]*>[^<]*[0-9][^<]*<\/text>/);
    // The note on hidden counts too; the week fields keep the ASCII the browser checks them with.
    expect(page).toContain(e2e.core.translator.t('fa', 'reports:numbers.suppressed_note').replace('<', '&lt;'));
    expect(e2e.core.translator.t('fa', 'reports:numbers.suppressed_note')).toContain('<۵');
    expect(page).toContain('name="to" value="2026-W48"');
  });
});
