import ExcelJS from 'exceljs';
import { closeOfficeDay, exportCases, exportKeyFile, funnelNumbers, officeWeek, reopenOfficeDay, type ReportDeps } from '../../../src/caseworkers/desk';
import { FunnelCountsStore } from '../../../src/caseworkers/reports/funnel-cube';
import { APPOINTMENT_BUTTONS } from '../../../src/flows/engine/meeting-buttons';
import { createTranslator } from '../../../src/i18n';
import { BookingDesk, meetingDetails } from '../../../src/intake/booking-desk';
import { OfficeClosures } from '../../../src/scheduling/office-closures';
import { slotIdAt } from '../../../src/scheduling/slot-id';
import { baku, ganja, startDesk, type Desk } from './desk-harness';

/** The calendar, the office closures, the numbers and the exports, on a real Redis. */
describe('desk: calendar, numbers and exports', () => {
  let d: Desk;
  let deps: ReportDeps;
  const unscheduled: string[] = [];
  // Tuesday 24 November 2026, 12:00 in Baku; Wednesday's 10:00 is 06:00Z.
  const wednesday10 = new Date('2026-11-25T06:00:00Z');
  const wednesday11 = new Date('2026-11-25T07:00:00Z');

  beforeEach(async () => {
    d = await startDesk();
    unscheduled.length = 0;
    const clock = { now: () => d.desk.clock.now() };
    deps = {
      ...d.desk,
      reports: {
        exports: { redis: d.redis, keys: d.keys, cipher: d.cipher },
        funnel: new FunnelCountsStore({ redis: d.redis, keys: d.keys, timeZone: 'Asia/Baku', clock, logger: d.desk.logger }),
        closures: new OfficeClosures(d.redis, d.keys),
        bookings: d.bookings,
        reminders: { unschedule: async (caseCode, slot) => void unscheduled.push(`${caseCode} ${slot}`) },
        timeZone: 'Asia/Baku',
      },
    };
  });
  afterEach(() => d.close());

  describe('officeWeek', () => {
    it("shows a case worker their office's week: places, meetings by case code, closed days", async () => {
      await d.seedCase('KP-CAL0-0001', { office: baku, start: wednesday10, lang: 'en' });
      const r = await officeWeek(deps, d.staff.aysel);
      if (!r.ok) throw new Error(r.reason);
      expect(r.weekStart).toBe('2026-11-23');
      expect(r.days.map((day) => [day.date, day.closed ?? 'open', day.today])).toEqual([
        ['2026-11-23', 'open', false], ['2026-11-24', 'open', true], ['2026-11-25', 'open', false],
        // Thursday is closed in the config; Saturday and Sunday have no opening hours.
        ['2026-11-26', 'config', false], ['2026-11-27', 'open', false], ['2026-11-28', 'config', false], ['2026-11-29', 'config', false],
      ]);
      const ten = r.days[2]!.slots.find((s) => s.time === '10:00')!;
      expect(ten).toMatchObject({ capacity: 2, free: 1, meetings: [{ caseCode: 'KP-CAL0-0001', lang: 'en', state: 'not_confirmed', start: wednesday10 }] });
      expect(r.days[2]!.slots.map((s) => s.time)).toEqual(['09:00', '10:00', '11:00', '12:00', '14:00', '15:00', '16:00', '17:00']);
      // Nothing personal: a meeting is a case code, a language and a state.
      expect(JSON.stringify(r.days)).not.toContain('Olena');
    });

    it("refuses a case worker another office's calendar; a supervisor sees every office", async () => {
      expect(await officeWeek(deps, d.staff.rauf, { office: 'baku' })).toEqual({ ok: false, reason: 'other_office' });
      expect(await officeWeek(deps, d.staff.stranger)).toEqual({ ok: false, reason: 'not_staff' });
      const r = await officeWeek(deps, d.staff.leyla, { office: 'ganja', date: '2026-12-02' });
      expect(r).toMatchObject({ ok: true, weekStart: '2026-11-30', office: { id: 'ganja' } });
      expect(r.ok && r.offices.map((o) => o.id)).toEqual(['baku', 'ganja']);
    });
  });

  describe('closeOfficeDay', () => {
    it("cancels the day's meetings, frees their places and tells each person in their language", async () => {
      await d.seedCase('KP-CLSD-0001', { office: baku, start: wednesday10, lang: 'ru' });
      await d.seedCase('KP-CLSD-0002', { office: baku, start: wednesday11, lang: 'az' });
      await d.seedCase('KP-CLSD-0003', { office: ganja, start: wednesday10, lang: 'en' });
      expect(await closeOfficeDay(deps, d.staff.aysel, { office: 'baku', date: '2026-11-25' })).toEqual({ ok: false, reason: 'forbidden', role: 'caseworker' });

      const r = await closeOfficeDay(deps, d.staff.leyla, { office: 'baku', date: '2026-11-25' });
      expect(r).toEqual({ ok: true, office: 'baku', date: '2026-11-25', cancelled: ['KP-CLSD-0001', 'KP-CLSD-0002'], already: false });
      for (const code of ['KP-CLSD-0001', 'KP-CLSD-0002']) {
        expect(await d.redis.hmget(d.keys.booking(code), 'status', 'cancel_reason')).toEqual(['cancelled', 'office_closed']);
        expect(await d.redis.hget(d.keys.case(code), 'booking')).toBe('');
      }
      expect(await d.bookings.day('baku', '2026-11-25')).toEqual([]);
      expect(await d.redis.scard(d.keys.slot('baku@2026-11-25T10:00'))).toBe(0);
      // Another office's meeting that day is not touched.
      expect((await d.bookings.get('KP-CLSD-0003'))!.status).toBe('booked');
      expect(unscheduled).toEqual(['KP-CLSD-0001 baku@2026-11-25T10:00', 'KP-CLSD-0002 baku@2026-11-25T11:00']);
      expect(d.notifier.notices).toEqual([
        {
          id: 'closed:KP-CLSD-0001:baku@2026-11-25T10:00', to: { type: 'case', caseCode: 'KP-CLSD-0001' }, lang: 'ru', kind: 'offer', caseCode: 'KP-CLSD-0001',
          output: {
            type: 'message',
            text: [{ key: 'booking:office_closed.text', params: meetingDetails(baku, wednesday10, 'ru') }],
            buttons: [[{ label: { key: 'booking:no_show.rebook' }, action: { type: 'choice', node: APPOINTMENT_BUTTONS, value: 'rebook' } }]],
          },
        },
        expect.objectContaining({ id: 'closed:KP-CLSD-0002:baku@2026-11-25T11:00', lang: 'az' }),
      ]);
      const text = createTranslator().t('ru', 'booking:office_closed.text', meetingDetails(baku, wednesday10, 'ru'));
      expect(text).toContain('10:00');
      expect(d.audit.filter((e) => e.action === 'close_office_day').map((e) => [e.caseCode, e['date']])).toEqual([
        ['KP-CLSD-0001', '2026-11-25'], ['KP-CLSD-0002', '2026-11-25'], [undefined, '2026-11-25'],
      ]);

      // The calendar says so; the day offers no time any more, nor books one.
      const week = await officeWeek(deps, d.staff.aysel);
      expect(week.ok && week.days[2]!.closed).toBe('staff');
      const desk = new BookingDesk({ offices: [baku], store: d.bookings, translator: createTranslator(), closures: deps.reports.closures });
      const [offer] = await desk.hydrate([{ type: 'message', text: [], slots: { node: 'pick', page: 0, office: 'baku' } }], 'en', d.desk.clock.now());
      const values = (offer!.buttons ?? []).flat().map((b) => (b.action.type === 'choice' ? b.action.value : ''));
      expect(values.some((v) => v.startsWith('s_20261125'))).toBe(false);
      expect(values.some((v) => v.startsWith('s_20261127'))).toBe(true);

      // Again: nobody is told twice; reopening offers the day again.
      expect(await closeOfficeDay(deps, d.staff.leyla, { office: 'baku', date: '2026-11-25' })).toMatchObject({ ok: true, cancelled: [], already: true });
      expect(d.notifier.notices).toHaveLength(2);
      expect(await reopenOfficeDay(deps, d.staff.kamran, { office: 'baku', date: '2026-11-25' })).toEqual({ ok: true, office: 'baku', date: '2026-11-25', reopened: true });
      expect((await deps.reports.closures.closedDays('baku')).size).toBe(0);
    });

    it("cancels a closed case's meeting left booked without offering its person a new time", async () => {
      // Closed with its meeting still booked (a closing that died half-way, or one from before closings cancelled meetings).
      await d.seedCase('KP-CLSD-0005', { office: baku, start: wednesday10, lang: 'ru' });
      await d.redis.hset(d.keys.case('KP-CLSD-0005'), { status: 'closed', close_reason: 'other_body' });
      expect(await closeOfficeDay(deps, d.staff.leyla, { office: 'baku', date: '2026-11-25' })).toMatchObject({ ok: true, cancelled: ['KP-CLSD-0005'] });
      expect((await d.bookings.get('KP-CLSD-0005'))!.status).toBe('cancelled');
      expect(unscheduled).toEqual(['KP-CLSD-0005 baku@2026-11-25T10:00']);
      expect(d.notifier.notices).toEqual([]);
    });

    it('refuses a past day, a date that is none and an unknown office; leaves marked meetings alone', async () => {
      expect(await closeOfficeDay(deps, d.staff.leyla, { office: 'baku', date: '2026-11-23' })).toEqual({ ok: false, reason: 'past' });
      expect(await closeOfficeDay(deps, d.staff.leyla, { office: 'baku', date: '2026-13-40' })).toEqual({ ok: false, reason: 'invalid_date' });
      expect(await closeOfficeDay(deps, d.staff.leyla, { office: 'nowhere', date: '2026-11-25' })).toEqual({ ok: false, reason: 'unknown_office' });
      // Today: a meeting already marked as attended stays so.
      await d.seedCase('KP-CLSD-0004', { office: baku, start: new Date('2026-11-24T06:00:00Z') });
      await d.bookings.mark('KP-CLSD-0004', 'attended');
      expect(await closeOfficeDay(deps, d.staff.leyla, { office: 'baku', date: '2026-11-24' })).toMatchObject({ ok: true, cancelled: [] });
      expect((await d.bookings.get('KP-CLSD-0004'))!.status).toBe('attended');
    });
  });

  /** A case as its records leave it: start, language, route, facts; names encrypted. */
  async function seedFacts(code: string, f: Record<string, string>, names?: [string, string]): Promise<void> {
    await d.redis.hset(d.keys.case(code), { code, status: 'intake_completed', ...f });
    if (names) {
      await d.redis.hset(d.keys.case(code), { 'f:first_name': d.cipher.encrypt(names[0], `${code}:first_name`), 'f:last_name': d.cipher.encrypt(names[1], `${code}:last_name`) });
    }
    await d.redis.zadd(d.keys.cases(), new Date(f.created_at ?? '2026-11-20T08:00:00Z').getTime(), code);
  }

  describe('exports', () => {
    beforeEach(async () => {
      await seedFacts('KP-EXP0-0001', { created_at: '2026-11-20T08:00:00.000Z', lang: 'ru', diagnosis: 'likely_eligible', diagnosis_provisional: 'true', consent: 'C', 'f:referral_source': 'asan' }, ['Olena', 'Petrenko']);
      await seedFacts('KP-EXP0-0002', { created_at: '2026-11-21T08:00:00.000Z', lang: 'fa', diagnosis: 'eligible', diagnosis_provisional: 'false', consent: 'A', by: 'phone' }, ['Zahra', 'Ahmadi']);
      await seedFacts('KP-EXP0-0003', { created_at: '2026-11-22T08:00:00.000Z', lang: 'en', consent: 'B' }, ['=HYPERLINK("x")', 'Smith']);
      await d.redis.rpush(d.keys.diagnoses('KP-EXP0-0001'), JSON.stringify({ outcome: 'likely_eligible', provisional: true, reasons: [], answers: { q3: ['health', 'language'] } }));
    });
    const names = ['Olena', 'Petrenko', 'Zahra', 'Ahmadi', 'HYPERLINK', 'Smith'];

    it('gives a supervisor every case in an XLSX with case codes and no name in any cell', async () => {
      const r = await exportCases(deps, d.staff.leyla, { format: 'xlsx', lang: 'en' });
      if (!r.ok) throw new Error(r.reason);
      expect(r).toMatchObject({ rows: 3, mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', filename: 'korpu-cases-2026-11-24.xlsx' });
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(r.body as unknown as ExcelJS.Buffer);
      const sheet = wb.worksheets[0]!;
      expect(sheet.name).toBe('Cases');
      const cells: string[] = [];
      sheet.eachRow((row) => row.eachCell((cell) => void cells.push(String(cell.value))));
      for (const name of names) expect(cells.filter((c) => c.includes(name))).toEqual([]);
      expect(sheet.getRow(1).getCell(1).value).toBe('Case code');
      expect([2, 3, 4].map((i) => sheet.getRow(i).getCell(1).value)).toEqual(['KP-EXP0-0001', 'KP-EXP0-0002', 'KP-EXP0-0003']);
      const header = (sheet.getRow(1).values as unknown[]).slice(1);
      const first = Object.fromEntries(header.map((h, i) => [h, sheet.getRow(2).getCell(i + 1).value]));
      expect(first).toMatchObject({ Language: 'Russian', Diagnosis: 'likely eligible', 'Diagnosis final': 'no', 'Service areas': 'health; Azerbaijani language', 'Consent option': 'option C', 'Referral source': 'ASAN service centre', 'Entry route': 'In the chat (own initiative)' });
      expect(d.audit.at(-1)).toMatchObject({ action: 'export_case', staffId: d.staff.leyla.staffId, kind: 'cases', format: 'xlsx', rows: '3' });
    });

    it('writes the same as CSV, headers in the asked language; refuses a case worker', async () => {
      const r = await exportCases(deps, d.staff.kamran, { format: 'csv', lang: 'az' });
      if (!r.ok) throw new Error(r.reason);
      const text = r.body.toString('utf8');
      expect(text.startsWith('\uFEFFKeys kodu,')).toBe(true);
      expect(text.split('\r\n').filter(Boolean)).toHaveLength(4);
      for (const name of names) expect(text).not.toContain(name);
      expect(await exportCases(deps, d.staff.aysel, { format: 'csv', lang: 'en' })).toEqual({ ok: false, reason: 'forbidden', role: 'caseworker' });
      expect(d.audit.filter((e) => e.action === 'export_case')).toHaveLength(1);
    });

    /** A sheet's rows as objects by header, from row 2. */
    const sheetRows = (sheet: ExcelJS.Worksheet): Record<string, unknown>[] => {
      const header = (sheet.getRow(1).values as unknown[]).slice(1).map(String);
      const out: Record<string, unknown>[] = [];
      for (let i = 2; i <= sheet.rowCount; i++) out.push(Object.fromEntries(header.map((h, j) => [h, sheet.getRow(i).getCell(j + 1).value ?? ''])));
      return out;
    };
    const workbook = async (body: Buffer): Promise<ExcelJS.Workbook> => {
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(body as unknown as ExcelJS.Buffer);
      return wb;
    };

    it('says where each case stands as the workspace does, in words in the asked language, times in Baku time with the zone named; the codes in a second sheet', async () => {
      // A case met, assessed (Annex 1) and in a plan: the workspace shows "In plan".
      await seedFacts('KP-EXP0-0004', {
        created_at: '2026-11-23T05:30:00.000Z', lang: 'az', diagnosis: 'eligible', diagnosis_provisional: 'false', consent: 'A', consent_at: '2026-11-23T05:40:00.000Z',
        claimed_by: d.staff.aysel.staffId, intake_completed_at: '2026-11-23T05:45:00.000Z', assessment_at: '2026-11-25T06:30:00.000Z', plan_at: '2026-11-25T06:50:00.000Z', 'f:reason': 'work',
        'f:birth_date': d.cipher.encrypt('2010-03-01', 'KP-EXP0-0004:birth_date'),
      });
      await d.redis.rpush(d.keys.diagnoses('KP-EXP0-0004'), JSON.stringify({ outcome: 'eligible', provisional: false, reasons: [], answers: { q3: ['health_social', 'language'] } }));
      await d.bookings.book(baku, { id: slotIdAt(baku, wednesday10), office: 'baku', start: wednesday10, end: wednesday11 }, 'KP-EXP0-0004', 'az', d.desk.clock.now());
      await d.bookings.mark('KP-EXP0-0004', 'attended');
      await d.redis.zadd(d.keys.caseIncidents('KP-EXP0-0004'), 1, 'inc-1', 2, 'inc-2');
      // A phone case not eligible after Q4 (a concern raised on the phone), who declined consent.
      await seedFacts('KP-EXP0-0005', {
        created_at: '2026-11-23T06:00:00.000Z', lang: 'ru', by: 'phone', diagnosis: 'not_eligible', diagnosis_provisional: 'false', consent: 'declined', consent_at: '2026-11-23T06:05:00.000Z',
        'f:q4_concern': d.cipher.encrypt('yes', 'KP-EXP0-0005:q4_concern'), 'f:birth_date': d.cipher.encrypt('1990-01-01', 'KP-EXP0-0005:birth_date'),
      });
      await d.redis.rpush(d.keys.diagnoses('KP-EXP0-0005'), JSON.stringify({ outcome: 'not_eligible', provisional: false, reasons: ['q3_none', 'q4_yes'], answers: { q3: [] } }));

      const r = await exportCases(deps, d.staff.leyla, { format: 'xlsx', lang: 'en' });
      if (!r.ok) throw new Error(r.reason);
      const wb = await workbook(r.body);
      expect(wb.worksheets.map((w) => w.name)).toEqual(['Cases', 'Codes']);
      const words = sheetRows(wb.worksheets[0]!);
      const zone = 'Azerbaijan Standard Time, GMT+4';
      const met = words.find((w) => w['Case code'] === 'KP-EXP0-0004')!;
      expect(met).toMatchObject({
        Status: 'In plan', Language: 'Azerbaijani', 'Reason for coming': 'Work', 'Under 18 when the case began': 'yes', Diagnosis: 'eligible', 'Diagnosis final': 'yes',
        'Service areas': 'Health and social services; Azerbaijani language', 'Consent option': 'option A', Office: 'Baku office', 'Meeting status': 'came',
        'Case worker': 'Aysel Quliyeva', 'Incident reports (Annex 3)': 2, 'Why not eligible': '', 'Q4 concern raised on the phone': '',
      });
      // Times in Baku (UTC+4) as dates a spreadsheet sorts, the zone named in the header.
      const at = (row: Record<string, unknown>, column: string) => (row[`${column} (${zone})`] as Date | '') || '';
      expect(at(met, 'Started')).toEqual(new Date('2026-11-23T09:30:00Z'));
      expect(at(met, 'Meeting')).toEqual(new Date('2026-11-25T10:00:00Z'));
      expect(at(met, 'First meeting held')).toEqual(new Date('2026-11-25T10:00:00Z'));
      expect(at(met, 'Initial assessment (Annex 1)')).toEqual(new Date('2026-11-25T10:30:00Z'));
      expect(at(met, 'Integration plan')).toEqual(new Date('2026-11-25T10:50:00Z'));
      expect(at(met, 'Consent given')).toEqual(new Date('2026-11-23T09:40:00Z'));
      const declined = words.find((w) => w['Case code'] === 'KP-EXP0-0005')!;
      expect(declined).toMatchObject({
        Status: 'New', 'Entry route': 'Phone call by a case worker', Diagnosis: 'not eligible', 'Consent option': 'declined', 'Under 18 when the case began': 'no',
        'Why not eligible': 'Q3: the request relates to none of the service areas; Q4: a disorder could prevent consent or safe participation', 'Q4 concern raised on the phone': 'yes',
        'Incident reports (Annex 3)': 0, 'Case worker': '',
      });
      // Declined: no date under "Consent given".
      expect(at(declined, 'Consent given')).toBe('');
      // No birth date anywhere, nor a name.
      const cells = JSON.stringify(wb.worksheets.map(sheetRows));
      for (const x of ['2010-03-01', '1990-01-01', ...names]) expect(cells).not.toContain(x);

      // The same cases as codes, for analysis: wire names, codes, times ISO in UTC, the holder's staff id.
      const codes = sheetRows(wb.worksheets[1]!).find((c) => c.case_code === 'KP-EXP0-0004')!;
      expect(codes).toMatchObject({ status: 'in_plan', lang: 'az', reason: 'work', minor: 'yes', service_areas: 'health_social language', consent: 'A', meeting_status: 'attended', holder: d.staff.aysel.staffId, incidents: 2, created_at: '2026-11-23T05:30:00.000Z', plan_at: '2026-11-25T06:50:00.000Z' });
      expect(sheetRows(wb.worksheets[1]!).find((c) => c.case_code === 'KP-EXP0-0005')).toMatchObject({ not_eligible_reasons: 'q3_none q4_yes', q4_concern: 'yes', consent: 'declined', consent_at: '' });

      // In Azerbaijani: headers and values in Azerbaijani; a CSV in words, or as codes.
      const az = await exportCases(deps, d.staff.leyla, { format: 'csv', lang: 'az' });
      if (!az.ok) throw new Error(az.reason);
      const azText = az.body.toString('utf8');
      expect(azText).toContain('Başlayıb (Azərbaycan Standart Vaxtı, GMT+4)');
      expect(azText).toContain(`KP-EXP0-0004,2026-11-23 09:30,${createTranslator().t('az', 'web:status.in_plan')},Azərbaycan dili,`);
      expect(azText).toContain('Aysel Quliyeva');
      for (const code of ['in_plan', 'intake_completed', 'not_eligible', 'self_service', 'T05:30']) expect(azText).not.toContain(code);
      const csvCodes = await exportCases(deps, d.staff.leyla, { format: 'csv', lang: 'az', values: 'codes' });
      if (!csvCodes.ok) throw new Error(csvCodes.reason);
      expect(csvCodes.filename).toBe('korpu-cases-codes-2026-11-24.csv');
      expect(csvCodes.body.toString('utf8')).toContain('KP-EXP0-0004,2026-11-23T05:30:00.000Z,in_plan,az,self_service,,work,yes,');
    });

    it('leaves a person who withdrew out of the key file, though they chose consent C', async () => {
      await seedFacts('KP-EXP0-0006', { created_at: '2026-11-23T08:00:00.000Z', lang: 'uz', consent: 'C', status: 'withdrawn', withdrawn_at: '2026-11-23T09:00:00.000Z' }, ['Brokhimaz', 'Qelmirtaxova']);
      const key = await exportKeyFile(deps, d.staff.leyla, { format: 'csv', lang: 'en' });
      if (!key.ok) throw new Error(key.reason);
      expect(key.body.toString('utf8')).not.toContain('Brokhimaz');
      expect(key.body.toString('utf8')).toContain('KP-EXP0-0001,Olena,Petrenko');
      expect(key.rows).toBe(1);
    });

    it('carries how a person heard of us in their own words ("Other") in the key file for consent C, never in the cases export', async () => {
      const detail = (code: string, words: string) => d.redis.hset(d.keys.case(code), { 'f:referral_source': 'other', 'f:referral_detail': d.cipher.encrypt(words, `${code}:referral_detail`) });
      await detail('KP-EXP0-0001', 'від подруги, з роботи');
      await detail('KP-EXP0-0002', 'az qonşum dedi');
      const key = await exportKeyFile(deps, d.staff.leyla, { format: 'csv', lang: 'en' });
      if (!key.ok) throw new Error(key.reason);
      expect(key.body.toString('utf8')).toBe('\uFEFFCase code,First name,Last name,"How they heard of us, in their words"\r\nKP-EXP0-0001,Olena,Petrenko,"від подруги, з роботи"\r\n');
      const cases = await exportCases(deps, d.staff.leyla, { format: 'csv', lang: 'en' });
      if (!cases.ok) throw new Error(cases.reason);
      const text = cases.body.toString('utf8');
      expect(text).toContain('KP-EXP0-0001');
      for (const words of ['від подруги', 'qonşum']) expect(text).not.toContain(words);
    });

    it('gives the key file only for consent C, to supervisors and admins, audited', async () => {
      expect(await exportKeyFile(deps, d.staff.aysel, { format: 'csv', lang: 'en' })).toEqual({ ok: false, reason: 'forbidden', role: 'caseworker' });
      const r = await exportKeyFile(deps, d.staff.leyla, { format: 'csv', lang: 'en' });
      if (!r.ok) throw new Error(r.reason);
      expect(r.body.toString('utf8')).toBe('\uFEFFCase code,First name,Last name,"How they heard of us, in their words"\r\nKP-EXP0-0001,Olena,Petrenko,\r\n');
      expect(d.audit.at(-1)).toMatchObject({ action: 'export_case', kind: 'key_file', format: 'csv', rows: '1' });
      const x = await exportKeyFile(deps, d.staff.leyla, { format: 'xlsx', lang: 'ru' });
      if (!x.ok) throw new Error(x.reason);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(x.body as unknown as ExcelJS.Buffer);
      expect(wb.worksheets[0]!.getRow(2).values).toEqual([undefined, 'KP-EXP0-0001', 'Olena', 'Petrenko']);
    });
  });

  describe('funnelNumbers', () => {
    it('counts the funnel from anonymous facts, hiding counts under 5 and rounding the rest, and recounts when stale', async () => {
      for (let i = 0; i < 7; i++) await seedFacts(`KP-NUM0-000${i}`, { created_at: '2026-11-23T08:00:00.000Z', lang: 'ru', diagnosis: 'likely_eligible', consent: i < 6 ? 'B' : 'declined' });
      for (let i = 0; i < 2; i++) await seedFacts(`KP-NUM1-000${i}`, { created_at: '2026-11-16T08:00:00.000Z', lang: 'en', diagnosis: 'not_eligible' });
      const r = await funnelNumbers(deps, d.staff.leyla, { dimension: 'lang' });
      if (!r.ok) throw new Error(r.reason);
      const row = (lang: string) => r.table.rows.find((x) => x.value === lang)!.counts.map((c) => c.text);
      //           started diagnosed eligible not_eligible consented booked attended assessed in_plan closed
      expect(row('ru')).toEqual(['5', '5', '5', '<5', '5', '<5', '<5', '<5', '<5', '<5']);
      expect(row('en')).toEqual(['<5', '<5', '<5', '<5', '<5', '<5', '<5', '<5', '<5', '<5']);
      expect(row('uk')[0]).toBe('<5');
      expect(r.table.total.map((c) => c.text).slice(0, 5)).toEqual(['10', '10', '5', '<5', '5']);
      expect(r.table.rows.map((x) => x.value)).toEqual(['az', 'ru', 'en', 'fa', 'uz', 'tr', 'uk']);

      const weeks = await funnelNumbers(deps, d.staff.leyla, { dimension: 'week', selection: { fromWeek: '2026-W47', toWeek: '2026-W48' } });
      expect(weeks.ok && weeks.table.rows.map((x) => [x.value, x.counts[0]!.text])).toEqual([['2026-W47', '<5'], ['2026-W48', '5']]);

      // Kept: three more cases are not counted until the count is stale, then in the background.
      for (let i = 0; i < 3; i++) await seedFacts(`KP-NUM2-000${i}`, { created_at: '2026-11-23T09:00:00.000Z', lang: 'ru' });
      const kept = await funnelNumbers(deps, d.staff.leyla, { dimension: 'lang' });
      expect(kept.ok && kept.table.total[0]!.text).toBe('10');
      d.setNow(new Date(d.desk.clock.now().getTime() + 6 * 60_000));
      await deps.reports.funnel.recount();
      const fresh = await funnelNumbers(deps, d.staff.leyla, { dimension: 'lang' });
      expect(fresh.ok && fresh.table.rows.find((x) => x.value === 'ru')!.counts[0]!.text).toBe('10');
      expect(await funnelNumbers(deps, d.staff.stranger, { dimension: 'lang' })).toEqual({ ok: false, reason: 'not_staff' });
      expect(await funnelNumbers(deps, d.staff.aysel, { dimension: 'lang' })).toEqual({ ok: false, reason: 'forbidden', role: 'caseworker' });
    });

    it('counts the not eligible beside the eligible (final or likely), under a label that says both', async () => {
      for (let i = 0; i < 3; i++) await seedFacts(`KP-NUM3-000${i}`, { created_at: '2026-11-23T08:00:00.000Z', lang: 'tr', diagnosis: 'likely_eligible' });
      for (let i = 0; i < 3; i++) await seedFacts(`KP-NUM4-000${i}`, { created_at: '2026-11-23T08:00:00.000Z', lang: 'tr', diagnosis: 'eligible', diagnosis_provisional: 'false' });
      for (let i = 0; i < 6; i++) await seedFacts(`KP-NUM5-000${i}`, { created_at: '2026-11-23T08:00:00.000Z', lang: 'tr', diagnosis: 'not_eligible' });
      const r = await funnelNumbers(deps, d.staff.leyla, { dimension: 'lang' });
      if (!r.ok) throw new Error(r.reason);
      const count = (stage: string) => r.table.total[r.stages.indexOf(stage as never)]!.text;
      expect([count('started'), count('diagnosed'), count('eligible'), count('not_eligible')]).toEqual(['10', '10', '5', '5']);
      const translator = createTranslator();
      expect(translator.t('en', 'reports:numbers.stage.eligible')).toBe('Eligible or likely eligible');
      expect(translator.t('en', 'reports:numbers.stage.not_eligible')).toBe('Not eligible');
    });
  });
});
