import type { User } from 'grammy/types';
import { OfficesFileSchema } from '../../src/config/offices';
import { redisKeys } from '../../src/storage/keys';
import { auditMonth } from '../../src/storage/redis-audit-trail';
import { testOffice } from '../helpers/office';
import { trackHandled, signInAs } from '../helpers/workspace';
import { addStaff, useTestKorpu } from '../helpers/use-korpu';

/**
 * A person who walks into the office (spec §3.6, route 4) gets a case from the workspace: opened
 * at the worker's office, held by them, its first meeting now, so Annex 2 is completed at once,
 * then Annex 1, the consent form signed on paper (Annex 4, before the plan) and the plan. The
 * records say `walk_in` (not a phone intake), and the case is in the worker's list.
 */

jest.setTimeout(60_000);

const NOW = new Date('2026-11-25T07:00:00Z'); // Wednesday 11:00 in Baku
const baku = testOffice();
const ganja = testOffice({ id: 'ganja', name: { az: 'Gəncə ofisi', ru: 'Гянджинский офис', en: 'Ganja office' } });

describe('workspace: a walk-in case', () => {
  const e2e = useTestKorpu({ offices: OfficesFileSchema.parse({ offices: [baku, ganja] }), clock: { now: () => NOW } });
  let base: string;
  let handled: (id: number) => Promise<void>;
  let aysel: User;
  let rauf: User;
  const t = (key: string, params?: Record<string, unknown>) => html(e2e.core.translator.t('en', key, params));
  const html = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

  beforeAll(async () => {
    handled = trackHandled(e2e.bot);
    base = (await e2e.korpu.start()).url;
    ({ user: aysel } = await addStaff(e2e, { name: 'Aysel Quliyeva', firstName: 'Aysel', lang: 'en', langs: ['en'], addedAt: NOW }));
    ({ user: rauf } = await addStaff(e2e, { name: 'Rauf Məmmədov', firstName: 'Rauf', lang: 'en', langs: ['en'], office: 'ganja', addedAt: NOW }));
  });

  const signIn = (user: User) => signInAs(e2e.api, handled, base, user);


  it('opens the case at the worker’s office and takes it through Annex 2, Annex 1, the consent signed on paper and the plan', async () => {
    const web = await signIn(aysel);
    const list = (await web.get('/desk/cases')).text;
    expect(list).toContain(t('web:cases.walk_in.title'));
    const opened = await web.post('/desk/cases/walk-in', { lang: 'ru' });
    expect(opened.status).toBe(303);
    const code = /^\/desk\/cases\/(KP-[A-Z0-9]{4}-[A-Z0-9]{4})\/meeting$/.exec(opened.location ?? '')?.[1];
    expect(code).toBeDefined();
    const meeting = `/desk/cases/${code}/meeting`;

    let page = (await web.get(meeting)).text;
    expect(page).toContain(t('casework:attendance.walk_in', { office: 'Baku office', when: '25/11/2026, 11:00' }));
    expect(page).not.toContain(t('casework:attendance.none'));
    expect(page).toMatch(/name="place"[^>]*value="Baku office"/);

    // Annex 2 at once: the person is at the office, no attendance to record first.
    let r = await web.post(`${meeting}/diagnosis`, { q1: 'yes', q2: 'yes', q3: 'language', q4: 'no', place: 'Baku office' });
    expect(r.status).toBe(303);
    r = await web.post(`${meeting}/assessment`, { assessmentDate: '2026-11-25', beneficiaryName: 'Olena Kovalenko' });
    expect(r.status).toBe(303);
    const plan = { need_text_0: 'Azerbaijani lessons', need_area_0: 'language', goal_text_0: 'Speak Azerbaijani at work', goal_term_0: 'short', goal_agreed_0: 'on', activity_goal_0: '1', activity_text_0: 'Enrol in the course', activity_owner_0: 'Olena', activity_due_0: '2026-12-15', activity_status_0: 'planned' };
    // No plan before the consent form is signed (§3.6 route 4, step 3).
    r = await web.post(`${meeting}/plan`, plan);
    expect(r.status).toBe(400);
    expect(r.text).toContain(t('casework:problem.no_consent'));
    page = (await web.get(meeting)).text;
    expect(page).toContain(t('casework:consent.title'));
    r = await web.post(`${meeting}/consent`, { option: 'B', lang: 'ru' });
    expect(r).toMatchObject({ status: 303, location: `${meeting}?done=consent#consent` });
    page = (await web.get(r.location!)).text;
    expect(page).toContain(t('casework:saved.consent'));
    expect(page).toContain(t('casework:consent.given', { option: 'B' }));
    expect((await web.post(`${meeting}/consent`, { option: 'C', lang: 'ru' })).text).toContain(t('casework:problem.already_consented'));
    r = await web.post(`${meeting}/plan`, plan);
    expect(r.status).toBe(303);
    expect((await web.get(meeting)).text).toContain('data-status="in_plan"');

    // Recorded as a walk-in at Baku, held by Aysel, in her list.
    const { keys } = e2e.core;
    expect(await e2e.redis.hmget(keys.case(code!), 'channel', 'by', 'lang', 'office', 'met_at', 'consent', 'claimed_by')).toEqual(['walk_in', 'walk_in', 'ru', 'baku', NOW.toISOString(), 'B', (await e2e.korpu.roster.get(aysel.id))!.staffId]);
    expect((await e2e.redis.lrange(keys.consents(code!), 0, -1)).map((c) => JSON.parse(c))).toEqual([expect.objectContaining({ agreed: true, option: 'B', lang: 'ru', given: 'signed_on_paper', counsellor: 'Aysel Quliyeva' })]);
    const rows = (p: string) => p.match(/<tbody>[\s\S]*<\/tbody>/g)?.at(-1) ?? '';
    expect(rows((await web.get('/desk/cases?mine=1')).text)).toContain(code!);
    expect(rows((await web.get('/desk/cases?office=baku')).text)).toContain(code!);
    const audit = (await e2e.redis.xrange(redisKeys(e2e.prefix).audit(auditMonth(NOW)), '-', '+')).map(([, f]) => f.join(' '));
    expect(audit.some((e) => e.includes('open_walk_in') && e.includes(code!))).toBe(true);
    expect(audit.some((e) => e.includes('record_consent') && e.includes(code!))).toBe(true);

    // Another office's worker does not see it.
    const other = await signIn(rauf);
    expect((await other.get(`/desk/cases/${code}`)).status).toBe(403);
    expect(rows((await other.get('/desk/cases')).text)).not.toContain(code!);
  });
});
