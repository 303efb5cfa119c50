import type { Update, User } from 'grammy/types';
import { DateTime } from 'luxon';
import { person, type Person } from '../../bench/telegram-updates';
import { toUpdate, type Answer } from '../../bench/workload';
import { chatAs } from '../helpers/chat-as';
import { testOfficesFile } from '../helpers/office';
import { trackHandled, signInAs, type WebClient } from '../helpers/workspace';
import { addStaff, useTestKorpu } from '../helpers/use-korpu';

/**
 * People under 18 (guidelines §3.1.5: children take part only with the consent of a parent or
 * legal guardian), end to end through the fake Bot API and the workspace over HTTP:
 * - on the phone (/call), the consent read to the parent or guardian on the line is recorded as
 *   theirs, with their name (Annex 4's "person giving consent"), and the case file, the first
 *   meeting's Annex 4, the cases export and the worker's records say so;
 * - in the chat, someone who tapped "18 or older" but gives a date of birth under 18 has the
 *   Annex 2 record say "under 18", in the workspace and in /mydata, not "18 or older".
 */

jest.setTimeout(60_000);

const offices = testOfficesFile({ hours: '00:00-23:59', office: { slotMinutes: 60, capacity: 2, minLeadMinutes: 0, horizonDays: 3 } });
const GUARDIAN = 'Svetlana Petrova';

describe('people under 18', () => {
  const e2e = useTestKorpu({ offices });
  let base: string;
  let handled: (id: number) => Promise<void>;
  let worker: User;
  let supervisor: User;
  const en = (key: string, params?: Record<string, unknown>) => e2e.core.translator.t('en', key, params);
  /** A text as the page shows it (HTML-escaped, as the templates write every text). */
  const html = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
  const birth = (years: number) => DateTime.now().setZone('Asia/Baku').minus({ years }).toFormat('dd.LL.yyyy');

  beforeAll(async () => {
    handled = trackHandled(e2e.bot);
    base = (await e2e.korpu.start()).url;
    ({ user: worker } = await addStaff(e2e, { name: 'Aysel Məmmədova', firstName: 'Aysel', lang: 'en', langs: ['en', 'ru'] }));
    ({ user: supervisor } = await addStaff(e2e, { name: 'Leyla Həsənova', firstName: 'Leyla', lang: 'en', langs: ['en'], role: 'supervisor' }));
  });
  const signIn = (user: User): Promise<WebClient> => signInAs(e2e.api, handled, base, user);

  const { send, say, tap } = chatAs(e2e);
  async function caseOf(code: string) {
    const hash = await e2e.redis.hgetall(e2e.core.keys.case(code));
    const list = async (key: string) => (await e2e.redis.lrange(key, 0, -1)).map((j) => JSON.parse(j) as Record<string, unknown>);
    return { hash, diagnoses: await list(e2e.core.keys.diagnoses(code)), consents: await list(e2e.core.keys.consents(code)) };
  }
  /** The cases export as codes (CSV), as a supervisor downloads it: the row of `code`, by column. */
  async function exportRow(code: string): Promise<Record<string, string>> {
    const web = await signIn(supervisor);
    await web.get('/desk/exports');
    const csv = await web.post('/desk/exports/cases', { format: 'csv', values: 'codes' });
    expect(csv.status).toBe(200);
    const [header, ...rows] = csv.text.replace(/^\uFEFF/, '').trim().split('\r\n').map((l) => l.split(','));
    const row = rows.find((r) => r[0] === code);
    if (!row) throw new Error(`no row for ${code} in the export`);
    return Object.fromEntries(header!.map((h, i) => [h, row[i] ?? '']));
  }

  describe('on the phone, with a parent or guardian on the line', () => {
    let code: string;

    it('asks the worker, in the language of the call, for the name of the parent or guardian who gave the consent', async () => {
      await say(worker, '/call');
      await tap(worker, 'language', 'ru');
      await tap(worker, 'minutes', 'yes');
      await tap(worker, 'age', 'minor');
      await tap(worker, 'guardian', 'yes');
      await tap(worker, 'q1', 'yes');
      await tap(worker, 'q2', 'yes');
      await tap(worker, 'q3', 'language');
      await tap(worker, 'q3', '__done');
      await tap(worker, 'q4', 'no');
      await tap(worker, 'source', 'leaflet');
      await tap(worker, 'meet', 'yes');
      await tap(worker, 'statement', 'continue');
      await tap(worker, 'option', 'B');
      const asked = await tap(worker, 'agree', 'yes');
      expect(asked.join('\n')).toContain(e2e.core.translator.t('ru', 'call:guardian_name.prompt'));
      const said = await say(worker, GUARDIAN);
      expect(said.join('\n')).toContain(e2e.core.translator.t('ru', 'call:birth_date.prompt'));
      await say(worker, birth(15));
      code = (await e2e.core.runner.peek(e2e.core.runner.conversationId('phone', `${worker.id}:1`)))!.caseCode!;
      await say(worker, '/endcall');
    });

    it('records the consent as given by the parent or guardian, and their name sealed on the case', async () => {
      const record = await caseOf(code);
      expect(record.consents.at(-1)).toMatchObject({ agreed: true, option: 'B', given_by: 'guardian', given: 'verbally' });
      expect(record.hash).toMatchObject({ consent: 'B', consent_given_by: 'guardian' });
      expect(record.hash['f:guardian_name']).not.toContain(GUARDIAN);
      expect(e2e.core.cipher.decrypt(record.hash['f:guardian_name']!, `${code}:guardian_name`)).toBe(GUARDIAN);
    });

    it('the case file says the consent was given by a parent or guardian, and who', async () => {
      const web = await signIn(worker);
      const file = (await web.get(`/desk/cases/${code}`)).text;
      expect(file).toContain(html(en('web:consent.by_guardian')));
      expect(file).toContain(html(en('web:field.guardian_name')));
      expect(file).toContain(GUARDIAN);
      // The Annex 2 record shows the age answer: under 18.
      expect(file).toContain(`<dt>${html(en('web:case.answer.age'))}</dt><dd>${html(en('diagnosis:age.minor'))}</dd>`);
    });

    it("the first meeting's Annex 4 names the parent or guardian who gave the consent", async () => {
      const web = await signIn(worker);
      const page = (await web.get(`/desk/cases/${code}/meeting`)).text;
      expect(page).toContain(html(en('casework:consent.given_guardian', { name: GUARDIAN })));
    });

    it('the cases export says the consent was given by a parent or guardian (without their name), and under 18', async () => {
      const row = await exportRow(code);
      expect(row).toMatchObject({ consent: 'B', consent_by_guardian: 'yes', minor: 'yes' });
      expect(Object.values(row).join(',')).not.toContain(GUARDIAN);
    });
  });

  describe('in the chat, "18 or older" tapped but a date of birth under 18', () => {
    const p: Person = { ...person(7, 41), lang: 'en' as Person['lang'] };
    const answer = (a: Answer) => e2e.bot.handleUpdate(toUpdate(p, a));
    const tapP = (node: string, value: string): Answer => ({ kind: 'tap', node, value });
    let code: string;

    beforeAll(async () => {
      for (const a of [{ kind: 'command', text: '/start' } as Answer, tapP('language', 'en'), tapP('menu', 'book'), tapP('age', 'adult'), tapP('q1', 'yes'), tapP('q2', 'yes'), tapP('q3', 'planning'), tapP('q3', '__done'), tapP('agree', 'A')]) await answer(a);
      await answer({ kind: 'text', text: birth(16) });
      code = (await e2e.core.runner.peek(e2e.core.runner.conversationId('telegram', String(p.id))))!.caseCode!;
      await e2e.korpu.settled();
    });

    it('the consent is set aside and the Annex 2 record says under 18, not "18 or older"', async () => {
      const record = await caseOf(code);
      expect(record.consents.at(-1)).toMatchObject({ agreed: false, scope: 'minor_without_guardian' });
      expect(record.diagnoses.at(-1)).toMatchObject({ answers: expect.objectContaining({ adult: 'minor' }) });
    });

    it('/mydata shows the age as under 18', async () => {
      const from = e2e.api.sentMessages(p.id).length;
      await answer({ kind: 'command', text: '/mydata' });
      const shown = e2e.api.sentMessages(p.id).slice(from).map((m) => m.text ?? '').join('\n');
      expect(shown).toContain(en('rights:mydata.field', { label: en('rights:mydata.age'), value: en('diagnosis:age.minor') }));
      expect(shown).not.toContain(en('rights:mydata.field', { label: en('rights:mydata.age'), value: en('diagnosis:age.adult') }));
    });

    it('the workspace shows the Annex 2 record as under 18, and the export as under 18 with no consent by a guardian', async () => {
      const web = await signIn(supervisor);
      const file = (await web.get(`/desk/cases/${code}`)).text;
      expect(file).toContain(`<dt>${html(en('web:case.answer.age'))}</dt><dd>${html(en('diagnosis:age.minor'))}</dd>`);
      // The first record (answered before the date of birth) says what was answered, and that the date shows under 18.
      expect(file).toContain(`<s>${html(en('diagnosis:age.adult'))}</s> · <strong>${html(en('web:case.age_said_adult'))}</strong>`);
      expect(file).not.toContain(`<dd>${html(en('diagnosis:age.adult'))}</dd>`);
      const row = await exportRow(code);
      expect(row).toMatchObject({ minor: 'yes', consent_by_guardian: '' });
    });
  });
});
