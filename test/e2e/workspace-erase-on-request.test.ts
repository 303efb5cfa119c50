import type { User } from 'grammy/types';
import { person } from '../../bench/telegram-updates';
import { toUpdate, type Answer } from '../../bench/workload';
import { OfficesFileSchema } from '../../src/config/offices';
import { redisKeys } from '../../src/storage/keys';
import { intakeUntilTimes } from '../helpers/intake';
import { testOffice } from '../helpers/office';
import { signInAs, trackHandled } from '../helpers/workspace';
import { addStaff, useTestKorpu } from '../helpers/use-korpu';

/**
 * Erasing a person's data at their written request from the workspace, through the whole of
 * Körpü (createKorpu, HTTP, the fake Bot API): only an admin sees the section on the case page;
 * a case worker's or a supervisor's forged POST is refused with 403 and changes nothing; an
 * admin who types another code is told and nothing is erased; with the code typed, the case is
 * erased and the page says its meeting still to come was cancelled.
 */

jest.setTimeout(90_000);

// Tuesday 24 November 2026, 12:00 in Baku (UTC+4).
const START = new Date('2026-11-24T08:00:00Z');
const baku = testOffice();
const offices = OfficesFileSchema.parse({ offices: [baku] });
const FRIDAY_10 = 'baku@2026-11-27T10:00';
const html = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;').replace(/'/g, '&#39;');

describe('workspace: erasing a person’s data at their request', () => {
  const e2e = useTestKorpu({ offices, clock: { now: () => START } });
  let base: string;
  let handled: (id: number) => Promise<void>;
  let code: string;
  let aysel: { user: User; staffId: string };
  let leyla: { user: User; staffId: string };
  let kamran: User;
  const p = person(1);
  const t = (key: string, params?: Record<string, unknown>) => e2e.core.translator.t('en', key, params);
  const status = () => e2e.redis.hget(redisKeys(e2e.prefix).case(code), 'status');

  beforeAll(async () => {
    handled = trackHandled(e2e.bot);
    base = (await e2e.korpu.start()).url;
    aysel = await addStaff(e2e, { name: 'Aysel Quliyeva', firstName: 'Aysel', lang: 'en', langs: ['en'], addedAt: START });
    leyla = await addStaff(e2e, { name: 'Leyla Əliyeva', firstName: 'Leyla', lang: 'en', langs: ['en'], role: 'supervisor', addedAt: START });
    kamran = (await addStaff(e2e, { name: 'Kamran Rzayev', firstName: 'Kamran', lang: 'en', langs: ['en'], role: 'admin', addedAt: START })).user;
    const script: Answer[] = [
      ...intakeUntilTimes(p.lang, { consent: 'B', firstName: p.user.first_name, surname: 'Mammadova' }),
      { kind: 'tap', node: 'pick_time', value: 's_202611271000_baku' },
    ];
    for (const answer of script) await e2e.bot.handleUpdate(toUpdate(p, answer));
    code = (await e2e.core.runner.peek(e2e.core.runner.conversationId('telegram', String(p.id))))!.caseCode!;
    await e2e.korpu.settled();
  });

  const signIn = (user: User) => signInAs(e2e.api, handled, base, user);

  it.each([['a case worker', () => aysel], ['a supervisor', () => leyla]])('shows %s no erase section, and refuses their forged POST with 403', async (_who, who) => {
    const web = await signIn(who().user);
    const page = await web.get(`/desk/cases/${code}`);
    expect(page.status).toBe(200);
    expect(page.text).not.toContain(`/desk/cases/${code}/erase`);
    expect(page.text).not.toContain(html(t('web:case.erase.title')));
    const r = await web.post(`/desk/cases/${code}/erase`, { typedCode: code });
    expect(r.status).toBe(403);
    // Refused by the desk for their role (audited as every refused page is), not by a missing token.
    const trail = await e2e.korpu.desk!.auditTrail!.forCase(code);
    expect(trail.filter((e) => e.action === 'web_refused' && e.staffId === who().staffId).map((e) => e.details.reason)).toEqual(['role']);
    expect(trail.filter((e) => e.action === 'erase_data')).toEqual([]);
    expect(await status()).not.toBe('erased');
    expect(await e2e.core.bookings.get(code)).toMatchObject({ slot: FRIDAY_10, status: 'booked' });
  });

  it('erases nothing when the admin types another code, and says so', async () => {
    const web = await signIn(kamran);
    const page = await web.get(`/desk/cases/${code}`);
    expect(page.text).toContain(html(t('web:case.erase.title')));
    expect(page.text).toContain(html(t('web:case.erase.no_message')));
    const r = await web.post(`/desk/cases/${code}/erase`, { typedCode: 'KP-AAAA-BBBB' });
    expect(r).toMatchObject({ status: 303, location: `/desk/cases/${code}?notice=erase_code_mismatch#erase` });
    expect((await web.get(r.location!)).text).toContain(html(t('web:case.notice.erase_code_mismatch')));
    expect(await status()).not.toBe('erased');
    expect(await e2e.core.bookings.get(code)).toMatchObject({ slot: FRIDAY_10, status: 'booked' });
  });

  it('erases the case for an admin who types its code, and says the meeting was cancelled', async () => {
    const web = await signIn(kamran);
    await web.get(`/desk/cases/${code}`);
    const r = await web.post(`/desk/cases/${code}/erase`, { typedCode: code });
    expect(r).toMatchObject({ status: 303, location: `/desk/cases/${code}?done=erased_meeting_cancelled` });
    const after = await web.get(r.location!);
    expect(after.text).toContain(html(t('web:case.done.erased_meeting_cancelled')));
    expect(after.text).toContain(html(t('web:status.erased')));
    // Nothing more to erase: the section is gone.
    expect(after.text).not.toContain(`/desk/cases/${code}/erase`);
    expect(await status()).toBe('erased');
    expect(await e2e.core.bookings.get(code)).toMatchObject({ slot: FRIDAY_10, status: 'cancelled' });
    expect(await e2e.redis.hexists(redisKeys(e2e.prefix).case(code), 'f:first_name')).toBe(0);

    // Sent again (a second tab, a reload): already erased, said so.
    const again = await web.post(`/desk/cases/${code}/erase`, { typedCode: code });
    expect(again).toMatchObject({ status: 303, location: `/desk/cases/${code}?notice=already_erased` });
  });
});
