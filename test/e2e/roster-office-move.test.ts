import type { Message, User } from 'grammy/types';
import { ClaimStore } from '../../src/caseworkers/claims';
import { OfficesFileSchema, type Office } from '../../src/config/offices';
import type { Lang } from '../../src/core/lang';
import { languageNameIn } from '../../src/i18n/language-names';
import { slotIdAt } from '../../src/scheduling/slot-id';
import { testOffice } from '../helpers/office';
import { addStaff, useTestKorpu } from '../helpers/use-korpu';
import { signInAs, trackHandled } from '../helpers/workspace';

/**
 * An admin moves a case worker to another office with /roster_change while a person is talking
 * with them about a case of the office they leave: the case goes back to the case workers' chat
 * (the worker may no longer answer it), the worker is told which cases went back, and the
 * person's next message reaches the group, where a colleague of that office answers it. The
 * workspace's roster page (Save) does the same, and says how many cases went back.
 */

const CASEWORKERS = -1009876543377;
const ADMIN_ID = 610_000_901;
const baku = testOffice();
const ganja = testOffice({ id: 'ganja', name: { az: 'Gəncə ofisi', ru: 'Гянджинский офис', en: 'Ganja office' } });
const offices: readonly Office[] = [baku, ganja];

describe('/roster_change to another office', () => {
  const e2e = useTestKorpu({ env: { CASEWORKER_CHAT_ID: String(CASEWORKERS), ADMIN_TELEGRAM_IDS: String(ADMIN_ID) }, offices: OfficesFileSchema.parse({ offices }), telegramLimits: { groupMax: 1000 } });
  let nigar: User;
  let nigarId: string;
  let aysel: User;
  let base: string;
  let handled: (id: number) => Promise<void>;
  const t = (lang: Lang, key: string, params?: Record<string, unknown>) => e2e.core.translator.t(lang, key, params);

  beforeAll(async () => {
    handled = trackHandled(e2e.bot);
    base = (await e2e.korpu.start()).url;
    ({ user: nigar, staffId: nigarId } = await addStaff(e2e, { name: 'Nigar', firstName: 'Nigar', lang: 'az', langs: ['az', 'ru'] }));
    ({ user: aysel } = await addStaff(e2e, { name: 'Aysel', firstName: 'Aysel', lang: 'ru', langs: ['ru'] }));
  });

  /** A person who asked to talk, their case with a meeting at `office` (Baku), held by `staffId`. */
  async function caseHeldBy(staffId: string, office: Office = baku): Promise<{ person: User; code: string }> {
    const person = e2e.api.updates.user({ language_code: 'ru' });
    await e2e.bot.handleUpdate(e2e.api.updates.command(person, '/start'));
    await e2e.bot.handleUpdate(e2e.api.updates.callback(person, e2e.api.lastMessage(person.id)!, 'c:language:ru'));
    await e2e.bot.handleUpdate(e2e.api.updates.callback(person, e2e.api.lastMessage(person.id)!, 'c:menu:person'));
    const code = (await e2e.core.runner.peek(e2e.core.runner.conversationId('telegram', String(person.id))))!.caseCode!;
    const start = new Date(Date.UTC(2027, 0, 12, 6));
    await e2e.core.bookings.book(office, { id: slotIdAt(office, start), office: office.id, start, end: new Date(start.getTime() + office.slotMinutes * 60_000) }, code, 'ru', new Date());
    expect(await new ClaimStore(e2e.redis, e2e.core.keys).claim(code, staffId, new Date())).toMatchObject({ outcome: 'claimed' });
    return { person, code };
  }

  it('gives the cases of the office left back to the group: the worker is told, and the person talking with them reaches a colleague there', async () => {
    // A person asks to talk; their case has a meeting at Baku and Nigar (Baku) holds it.
    const { person, code } = await caseHeldBy(nigarId);
    await e2e.bot.handleUpdate(e2e.api.updates.text(person, 'Когда мне прийти?'));
    expect(e2e.api.lastMessage(nigar.id)!.text).toContain('Когда мне прийти?');
    await e2e.korpu.settled();

    // The admin moves her to Ganja: the answer names the case that went back.
    const admin = e2e.api.updates.user({ id: ADMIN_ID, language_code: 'en' });
    const mark = e2e.api.mark();
    await e2e.bot.handleUpdate(e2e.api.updates.command(admin, `/roster_change ${nigar.id} caseworker ganja az,ru Nigar`));
    const said = e2e.api.callsSince(mark, 'sendMessage').filter((c) => c.params.chat_id === admin.id).map((c) => String(c.params.text));
    expect(said).toEqual([
      [
        t('en', 'caseworker:roster.updated', { name: 'Nigar', id: nigar.id, role: t('en', 'caseworker:role.caseworker'), office: 'ganja', langs: 'az, ru' }),
        t('en', 'caseworker:roster.released_moved', { codes: code, count: 1 }),
      ].join('\n'),
    ]);

    // Nigar is told privately, in her language; the group gets the case again, free, saying why.
    await e2e.api.waitForCalls((c) => c.method === 'sendMessage' && c.params.chat_id === nigar.id && c.params.text === t('az', 'caseworker:moved.released', { office: ganja.name.az, codes: code, count: 1 }), 1, 15_000, mark);
    const heading = t('az', 'caseworker:release.by_office_change', { code });
    const [again] = await e2e.api.waitForCalls((c) => c.method === 'sendMessage' && c.params.chat_id === CASEWORKERS && String(c.params.text).startsWith(heading), 1, 15_000, mark);
    expect(JSON.stringify(again!.params.reply_markup)).toContain(code);
    expect(await new ClaimStore(e2e.redis, e2e.core.keys).get(code)).toBeUndefined();

    // The person's next message goes to the case workers' chat, not to Nigar.
    const nigarBefore = e2e.api.sentMessages(nigar.id).length;
    await e2e.bot.handleUpdate(e2e.api.updates.text(person, 'Вы меня слышите?'));
    const header = t('az', 'handoff:talk.staff.from_person', { code, language: languageNameIn('az', 'ru') });
    const inGroup = e2e.api.sentMessages(CASEWORKERS).find((m) => m.text === `${header}\n\nВы меня слышите?`);
    expect(inGroup).toBeDefined();
    expect(e2e.api.sentMessages(nigar.id).slice(nigarBefore).map((m) => m.text)).not.toContainEqual(expect.stringContaining('Вы меня слышите?'));

    // Aysel, of Baku, answers it there, and the person gets her answer.
    const groupChat = e2e.api.updates.group({ id: CASEWORKERS, type: 'supergroup' });
    const answered = e2e.api.mark();
    await e2e.bot.handleUpdate(e2e.api.updates.message(aysel, { text: 'Да, приходите в среду в 10:00', reply_to_message: inGroup } as Partial<Message>, groupChat));
    await e2e.api.waitForCalls((c) => c.method === 'sendMessage' && c.params.chat_id === person.id && c.params.text === t('ru', 'handoff:talk.from_worker', { text: 'Да, приходите в среду в 10:00' }), 1, 15_000, answered);
  });

  it('does the same when an admin moves them with Save on the roster page, which says how many cases went back', async () => {
    const { user: rauf, staffId: raufId } = await addStaff(e2e, { name: 'Rauf', firstName: 'Rauf', lang: 'az', langs: ['az'] });
    const { code } = await caseHeldBy(raufId);
    const web = await signInAs(e2e.api, handled, base, e2e.api.updates.user({ id: ADMIN_ID, language_code: 'en' }));
    await web.get('/desk/admin/roster');
    const mark = e2e.api.mark();
    const saved = await web.post(`/desk/admin/roster/${raufId}`, { role: 'caseworker', office: 'ganja', langs: 'az', name: 'Rauf' });
    expect(saved.location).toBe('/desk/admin/roster?ok=changed_released&count=1');
    // The admin of ADMIN_TELEGRAM_IDS has no roster entry: the page is in the default language.
    expect((await web.get(saved.location!)).text).toContain(t('az', 'reports:admin.changed_released', { count: 1 }));
    expect(await new ClaimStore(e2e.redis, e2e.core.keys).get(code)).toBeUndefined();
    await e2e.api.waitForCalls((c) => c.method === 'sendMessage' && c.params.chat_id === rauf.id && c.params.text === t('az', 'caseworker:moved.released', { office: ganja.name.az, codes: code, count: 1 }), 1, 15_000, mark);
  });

  it('a supervisor made a case worker with /roster_change: the cases of other offices go back, the admin is told how many, the group gets them with Claim', async () => {
    const { user: samir, staffId: samirId } = await addStaff(e2e, { name: 'Samir', firstName: 'Samir', lang: 'en', langs: ['en'], role: 'supervisor' });
    const { code } = await caseHeldBy(samirId, ganja);
    const { code: own } = await caseHeldBy(samirId);
    await e2e.korpu.settled();
    const admin = e2e.api.updates.user({ id: ADMIN_ID, language_code: 'en' });
    const mark = e2e.api.mark();
    await e2e.bot.handleUpdate(e2e.api.updates.command(admin, `/roster_change ${samir.id} caseworker baku en Samir`));
    const said = e2e.api.callsSince(mark, 'sendMessage').filter((c) => c.params.chat_id === admin.id).map((c) => String(c.params.text));
    expect(said).toEqual([
      [
        t('en', 'caseworker:roster.updated', { name: 'Samir', id: samir.id, role: t('en', 'caseworker:role.caseworker'), office: 'baku', langs: 'en' }),
        t('en', 'caseworker:roster.released_role', { codes: code, count: 1 }),
      ].join('\n'),
    ]);
    expect(said[0]).toContain('1 case(s)');
    // Samir is told in his language; the group gets the Ganja case again, free, saying why; he keeps the Baku one.
    await e2e.api.waitForCalls((c) => c.method === 'sendMessage' && c.params.chat_id === samir.id && c.params.text === t('en', 'caseworker:moved.released_role', { office: baku.name.en, codes: code, count: 1 }), 1, 15_000, mark);
    const heading = t('az', 'caseworker:release.by_role_change', { code });
    const [again] = await e2e.api.waitForCalls((c) => c.method === 'sendMessage' && c.params.chat_id === CASEWORKERS && String(c.params.text).startsWith(heading), 1, 15_000, mark);
    expect(JSON.stringify(again!.params.reply_markup)).toContain(code);
    const claims = new ClaimStore(e2e.redis, e2e.core.keys);
    expect(await claims.get(code)).toBeUndefined();
    expect(await claims.get(own)).toMatchObject({ by: samirId });
  });

  it('Save on the roster page making a supervisor a case worker says how many cases went back', async () => {
    const { staffId: zaurId } = await addStaff(e2e, { name: 'Zaur', firstName: 'Zaur', lang: 'az', langs: ['az'], role: 'supervisor' });
    const { code } = await caseHeldBy(zaurId, ganja);
    const web = await signInAs(e2e.api, handled, base, e2e.api.updates.user({ id: ADMIN_ID, language_code: 'en' }));
    await web.get('/desk/admin/roster');
    const saved = await web.post(`/desk/admin/roster/${zaurId}`, { role: 'caseworker', office: 'baku', langs: 'az', name: 'Zaur' });
    expect(saved.location).toBe('/desk/admin/roster?ok=changed_released_role&count=1');
    expect((await web.get(saved.location!)).text).toContain(t('az', 'reports:admin.changed_released_role', { count: 1 }));
    expect(await new ClaimStore(e2e.redis, e2e.core.keys).get(code)).toBeUndefined();
  });
});
