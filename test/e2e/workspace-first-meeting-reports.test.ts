import ExcelJS from 'exceljs';
import type { User } from 'grammy/types';
import { OfficesFileSchema } from '../../src/config/offices';
import { slotIdAt } from '../../src/scheduling/slot-id';
import { sealContact } from '../../src/storage/case-contact';
import { testOffice } from '../helpers/office';
import { addStaff, useTestKorpu } from '../helpers/use-korpu';
import { signInAs, trackHandled, type WebClient } from '../helpers/workspace';

/**
 * The first meeting as the workspace's Numbers page and the cases export tell it, through the
 * whole of Körpü (createKorpu, HTTP): a case worker records "came" on the first meeting's page,
 * and the time the person came stays the case's first meeting when a later meeting is booked
 * (the numbers count them as attended, the export gives that first meeting in Baku time); a
 * correction of the attendance moves both. The export also says the channel the case came
 * through and the Annex 2 answers as last confirmed, by whom and when, in words and in codes.
 */

jest.setTimeout(60_000);

// Tuesday 24 November 2026, 12:00 in Baku (UTC+4).
const START = new Date('2026-11-24T08:00:00Z');
// Wednesday: meetings at 09:00, 10:00 and 11:00 in Baku; the workers record them at 12:00.
const wed = (hour: number) => new Date(`2026-11-25T${String(hour - 4).padStart(2, '0')}:00:00Z`);
const AFTER = wed(12);
// Friday (Thursday the 26th is closed): the later meetings.
const fri = (hour: number) => new Date(`2026-11-27T${String(hour - 4).padStart(2, '0')}:00:00Z`);
const baku = testOffice();
const ZONE = 'Azerbaijan Standard Time, GMT+4';
/** A moment as the export's sheet in words holds it: the Baku wall clock as a date (its UTC fields). */
const bakuWall = (d: Date) => new Date(d.getTime() + 4 * 3_600_000);

describe('workspace: the first meeting in the numbers and the exports', () => {
  let now = START;
  const e2e = useTestKorpu({ offices: OfficesFileSchema.parse({ offices: [baku] }), clock: { now: () => now } });
  let base: string;
  let handled: (id: number) => Promise<void>;
  let aysel: User;
  let leyla: User;
  /** Five people who came through Telegram, each with a meeting on Wednesday. */
  const came = ['KP-MEET-0001', 'KP-MEET-0002', 'KP-MEET-0003', 'KP-MEET-0004', 'KP-MEET-0005'];
  const meetingOf = (i: number) => wed(9 + Math.floor(i / 2));
  const CORRECTED = 'KP-MEET-0006';
  const PHONE = 'KP-MEET-0007';

  beforeAll(async () => {
    handled = trackHandled(e2e.bot);
    base = (await e2e.korpu.start()).url;
    ({ user: aysel } = await addStaff(e2e, { name: 'Aysel Quliyeva', firstName: 'Aysel', lang: 'en', langs: ['en'], office: 'baku', role: 'caseworker', addedAt: now }));
    ({ user: leyla } = await addStaff(e2e, { name: 'Leyla Əliyeva', firstName: 'Leyla', lang: 'en', langs: ['en'], office: 'baku', role: 'supervisor', addedAt: now }));
    const { keys, cipher, bookings } = e2e.core;
    // Cases as the bot leaves them: the intake done on Monday, the bot's provisional diagnosis (Q4 for the meeting).
    const seed = async (code: string, f: Record<string, string>, diagnosis: Record<string, unknown>) => {
      await e2e.redis.hset(keys.case(code), {
        code, status: 'intake_completed', created_at: '2026-11-23T08:00:00.000Z', intake_completed_at: '2026-11-23T08:20:00.000Z', lang: 'ru', consent: 'A',
        diagnosis: 'likely_eligible', diagnosis_provisional: 'true', ...f,
      });
      await e2e.redis.rpush(keys.diagnoses(code), JSON.stringify({ outcome: 'likely_eligible', reasons: [], provisional: true, ...diagnosis }));
      await e2e.redis.zadd(keys.cases(), Date.parse('2026-11-23T08:00:00Z'), code);
    };
    const bot = { at: '2026-11-23T08:10:00.000Z', by: 'self_service', answers: { q1: 'yes', q2: 'yes', q3: ['language'], q4: 'pending' } };
    for (const [i, code] of [...came, CORRECTED].entries()) {
      await seed(code, { channel: 'telegram', by: 'self_service', contact: sealContact(cipher, code, { channel: 'telegram', chatId: String(770_000_100 + i) }) }, bot);
      const start = i < came.length ? meetingOf(i) : wed(11);
      await bookings.book(baku, { id: slotIdAt(baku, start), office: 'baku', start, end: new Date(start.getTime() + 3_600_000) }, code, 'ru', now);
    }
    // A person a case worker interviewed on the phone: no chat with the bot.
    await seed(PHONE, { channel: 'phone', by: 'phone', diagnosis: 'eligible', diagnosis_provisional: 'false' }, { at: '2026-11-23T08:15:00.000Z', by: 'phone', answers: { q1: 'yes', q2: 'yes', q3: ['health_social'], q4: 'no' }, outcome: 'eligible', provisional: false });
  });

  const signIn = (user: User) => signInAs(e2e.api, handled, base, user);

  /** The worker takes the case and records its attendance on the first meeting's page, as the buttons do. */
  async function record(web: WebClient, code: string, status: 'attended' | 'no_show', meeting: Date, correct = false) {
    await web.get(`/desk/cases/${code}/meeting`);
    const r = await web.post(`/desk/cases/${code}/meeting/attendance`, { status, meeting: meeting.toISOString(), ...(correct ? { correct: '1' } : {}) });
    expect(r).toMatchObject({ status: 303, location: `/desk/cases/${code}/meeting?done=attendance#attendance` });
  }

  /** The numbers page's total row as a supervisor reads it, by stage (the week of the cases). */
  async function totals(web: WebClient): Promise<Record<string, string>> {
    await web.get('/desk/numbers');
    expect((await web.post('/desk/numbers/recount')).status).toBe(303);
    const page = await web.get('/desk/numbers?by=route&from=2026-W48&to=2026-W48');
    expect(page.status).toBe(200);
    const stages = [.../<thead>([\s\S]*?)<\/thead>/.exec(page.text)![1]!.matchAll(/<th scope="col" class="num">([^<]*)<\/th>/g)].map((m) => m[1]!);
    const counts = [.../<tfoot>([\s\S]*?)<\/tfoot>/.exec(page.text)![1]!.matchAll(/<td class="num">([^<]*)<\/td>/g)].map((m) => m[1]!.replace('&lt;', '<'));
    return Object.fromEntries(stages.map((s, i) => [s, counts[i]!]));
  }

  /** The cases export as a supervisor downloads it (XLSX): each sheet's rows by header. */
  async function exported(web: WebClient): Promise<{ words: Record<string, unknown>[]; codes: Record<string, unknown>[] }> {
    await web.get('/desk/exports');
    const res = await fetch(`${base}/desk/exports/cases`, {
      method: 'POST',
      headers: { cookie: [...web.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: web.csrf(), format: 'xlsx' }).toString(),
    });
    expect(res.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as unknown as ExcelJS.Buffer);
    const rows = (sheet: ExcelJS.Worksheet) => {
      const header = (sheet.getRow(1).values as unknown[]).slice(1).map(String);
      const out: Record<string, unknown>[] = [];
      for (let i = 2; i <= sheet.rowCount; i++) out.push(Object.fromEntries(header.map((h, j) => [h, sheet.getRow(i).getCell(j + 1).value ?? ''])));
      return out;
    };
    return { words: rows(wb.worksheets[0]!), codes: rows(wb.worksheets[1]!) };
  }
  const t = (key: string) => e2e.core.translator.t('en', key);
  const timeColumn = (key: string) => `${t(`reports:export.column.${key}`)} (${ZONE})`;

  it('counts the people who came as attended, and exports their first meeting in Baku time, though each booked a later meeting', async () => {
    now = AFTER;
    const web = await signIn(aysel);
    for (const [i, code] of came.entries()) {
      await web.get(`/desk/cases/${code}`);
      expect((await web.post(`/desk/cases/${code}/claim`, {})).status).toBe(303);
      await record(web, code, 'attended', meetingOf(i));
    }
    // A walk-in: the first meeting is its opening.
    const opened = await web.post('/desk/cases/walk-in', { lang: 'uk' });
    const walkIn = /\/desk\/cases\/(KP-[A-Z0-9]{4}-[A-Z0-9]{4})\/meeting$/.exec(opened.location ?? '')![1]!;
    // Annex 2 confirmed at the first meeting for one of them.
    await web.get(`/desk/cases/${came[0]}/meeting`);
    expect((await web.post(`/desk/cases/${came[0]}/meeting/diagnosis`, { q1: 'yes', q2: 'yes', q3: 'language', q4: 'no', place: 'Baku office' })).status).toBe(303);
    // Each person then books a later meeting (on Friday).
    for (const [i, code] of came.entries()) {
      const start = fri(9 + Math.floor(i / 2));
      expect(await e2e.core.bookings.book(baku, { id: slotIdAt(baku, start), office: 'baku', start, end: new Date(start.getTime() + 3_600_000) }, code, 'ru', now)).toBe('booked');
    }
    // The case still stands as met, and its page says when the first meeting was.
    const page = (await web.get(`/desk/cases/${came[1]}/meeting`)).text;
    expect(page).toContain('data-status="met"');
    expect(page).toContain(e2e.core.translator.t('en', 'casework:attendance.first_meeting', { when: '25/11/2026, 09:00' }));
    // The case file too, beside the meeting booked now.
    const file = (await web.get(`/desk/cases/${came[1]}`)).text;
    expect(file).toContain(`<p data-first-meeting>${e2e.core.translator.t('en', 'casework:attendance.first_meeting', { when: '25/11/2026, 09:00' })}</p>`);

    const supervisor = await signIn(leyla);
    const numbers = await totals(supervisor);
    // Eight cases started; six came to a first meeting (five booked, one walk-in): shown rounded to 5, not hidden.
    expect(numbers[t('reports:numbers.stage.started')]).toBe('10');
    expect(numbers[t('reports:numbers.stage.attended')]).toBe('5');

    const { words, codes } = await exported(supervisor);
    const row = (code: string) => words.find((w) => w[t('reports:export.column.case_code')] === code)!;
    for (const [i, code] of came.entries()) {
      expect(row(code)[timeColumn('first_meeting_at')]).toEqual(bakuWall(meetingOf(i)));
      // The meeting booked now is Friday's; the first meeting stays Wednesday's.
      expect(row(code)[timeColumn('meeting_at')]).toEqual(bakuWall(fri(9 + Math.floor(i / 2))));
      expect(row(code)[t('reports:export.column.channel')]).toBe('Telegram');
    }
    // Intake at 12:20 on Monday in Baku, first meeting 09:00 on Wednesday: the time between is the real one.
    expect(row(came[0]!)[timeColumn('intake_completed_at')]).toEqual(new Date('2026-11-23T12:20:00Z'));
    expect(row(walkIn)[timeColumn('first_meeting_at')]).toEqual(bakuWall(AFTER));
    expect(row(walkIn)[t('reports:export.column.channel')]).toBe(t('reports:export.channel.walk_in'));
    expect(row(PHONE)[t('reports:export.column.channel')]).toBe(t('reports:export.channel.phone'));
    expect(row(PHONE)[timeColumn('first_meeting_at')]).toBe('');

    // Annex 2 as confirmed: by the case worker at the meeting, by the person in the chat, on the phone.
    const annex2 = (code: string) => ({
      by: row(code)[t('reports:export.column.diagnosis_by')],
      at: row(code)[timeColumn('diagnosis_at')],
      q1: row(code)[t('reports:export.column.diagnosis_q1')],
      q2: row(code)[t('reports:export.column.diagnosis_q2')],
      q3: row(code)[t('reports:export.column.service_areas')],
      q4: row(code)[t('reports:export.column.diagnosis_q4')],
      result: row(code)[t('reports:export.column.diagnosis')],
      final: row(code)[t('reports:export.column.diagnosis_final')],
    });
    expect(annex2(came[0]!)).toEqual({
      by: 'A case worker, at the first meeting', at: bakuWall(AFTER), q1: 'yes', q2: 'yes', q3: t('web:area.language'), q4: 'no', result: 'eligible', final: 'yes',
    });
    expect(annex2(came[1]!)).toEqual({
      by: 'The person, in the chat', at: new Date('2026-11-23T12:10:00Z'), q1: 'yes', q2: 'yes', q3: t('web:area.language'), q4: t('web:answer.pending'), result: 'likely eligible', final: 'no',
    });
    expect(annex2(PHONE)).toMatchObject({ by: 'A case worker, on the phone', q2: 'yes', q4: 'no', result: 'eligible', final: 'yes' });

    // The same as codes, for analysis: times in UTC.
    const coded = (code: string) => codes.find((c) => c.case_code === code)!;
    expect(coded(came[0]!)).toMatchObject({
      channel: 'telegram', first_meeting_at: wed(9).toISOString(), meeting_at: fri(9).toISOString(), meeting_status: 'booked',
      diagnosis_by: 'counsellor', diagnosis_at: AFTER.toISOString(), diagnosis_q1: 'yes', diagnosis_q2: 'yes', service_areas: 'language', diagnosis_q4: 'no',
    });
    expect(coded(came[1]!)).toMatchObject({ diagnosis_by: 'self_service', diagnosis_at: '2026-11-23T08:10:00.000Z', diagnosis_q4: 'pending' });
    expect(coded(walkIn)).toMatchObject({ channel: 'walk_in', first_meeting_at: AFTER.toISOString() });
    expect(coded(PHONE)).toMatchObject({ channel: 'phone', diagnosis_by: 'phone', first_meeting_at: '' });
  });

  it('moves the first meeting with a correction of the attendance: "did not come" put right as "came", and back', async () => {
    now = AFTER;
    const web = await signIn(aysel);
    await web.get(`/desk/cases/${CORRECTED}`);
    expect((await web.post(`/desk/cases/${CORRECTED}/claim`, {})).status).toBe(303);
    await record(web, CORRECTED, 'no_show', wed(11));
    const supervisor = await signIn(leyla);
    const first = async () => (await exported(supervisor)).codes.find((c) => c.case_code === CORRECTED)!.first_meeting_at;
    expect(await first()).toBe('');

    // The page offers to put it right; "came" then sets the first meeting.
    const page = (await web.get(`/desk/cases/${CORRECTED}/meeting`)).text;
    expect(page).toContain(e2e.core.translator.t('en', 'casework:attendance.correct'));
    expect(page).toMatch(/data-correct-attendance[\s\S]*name="correct" value="1"[\s\S]*value="attended"/);
    await record(web, CORRECTED, 'attended', wed(11), true);
    expect((await web.get(`/desk/cases/${CORRECTED}/meeting`)).text).toContain('data-status="met"');
    expect(await first()).toBe(wed(11).toISOString());

    // Put right again: did not come after all. No first meeting, and the case is no longer "met".
    await record(web, CORRECTED, 'no_show', wed(11), true);
    expect(await first()).toBe('');
    expect((await web.get(`/desk/cases/${CORRECTED}/meeting`)).text).not.toContain('data-status="met"');
  });
});
