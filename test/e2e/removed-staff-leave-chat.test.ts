import type { User } from 'grammy/types';
import { OfficesFileSchema } from '../../src/config/offices';
import { testOffice } from '../helpers/office';
import { addStaff, useTestKorpu } from '../helpers/use-korpu';
import { sendPrivate, signInAs, trackHandled } from '../helpers/workspace';

/**
 * Someone taken off the roster is taken out of the case workers' chat too. Every alert (a name
 * under consent C, a crisis by its kind), a person's words in a talk and the notices are posted
 * there: a worker who left, still in the group, went on reading them though the roster, the
 * buttons and the workspace all refused them. The bot bans them from the group (an invite link
 * they kept does not bring them back); when it may not, the admin is told to do it by hand, in
 * the bot and in the workspace.
 */

jest.setTimeout(30_000);

const CASEWORKERS = -1_001_234_567_890;
const ADMIN_ID = 610_000_001;
const NO_RIGHTS = { code: 400 as const, description: 'Bad Request: not enough rights to restrict/unrestrict chat member' };

describe("a member taken off the roster leaves the case workers' chat", () => {
  const e2e = useTestKorpu({ env: { CASEWORKER_CHAT_ID: String(CASEWORKERS), ADMIN_TELEGRAM_IDS: String(ADMIN_ID) }, offices: OfficesFileSchema.parse({ offices: [testOffice()] }) });
  let handled: (id: number) => Promise<void>;
  let base: string;
  let admin: User;

  beforeAll(async () => {
    handled = trackHandled(e2e.bot);
    base = (await e2e.korpu.start()).url;
    admin = e2e.api.updates.user({ id: ADMIN_ID, first_name: 'Kamran', language_code: 'en' });
  });

  const t = (key: string, params?: Record<string, unknown>) => e2e.core.translator.t('en', key, params);
  /** The bans asked of Telegram since `mark`: [chat, user]. */
  const bansSince = (mark: number) => e2e.api.callsSince(mark, 'banChatMember').map((c) => [String(c.params.chat_id), Number(c.params.user_id)]);

  it('bans them from the chat when an admin removes them with /roster_remove', async () => {
    const { user: worker } = await addStaff(e2e, { name: 'Aysel Məmmədova', firstName: 'Aysel', lang: 'az', langs: ['az'] });
    const mark = e2e.api.mark();
    const said = await sendPrivate(e2e.api, handled, admin, `/roster_remove ${worker.id}`);
    expect(said).toEqual([t('caseworker:roster.removed', { id: worker.id, name: 'Aysel Məmmədova' })]);
    expect(bansSince(mark)).toEqual([[String(CASEWORKERS), worker.id]]);
  });

  it('tells the admin to remove them from the chat by hand when the bot may not ban', async () => {
    const { user: worker } = await addStaff(e2e, { name: 'Rauf Həsənov', firstName: 'Rauf', lang: 'az', langs: ['az'] });
    e2e.api.failNext('banChatMember', NO_RIGHTS);
    const said = await sendPrivate(e2e.api, handled, admin, `/roster_remove ${worker.id}`);
    expect(said).toEqual([[t('caseworker:roster.removed', { id: worker.id, name: 'Rauf Həsənov' }), t('caseworker:roster.chat_not_left')].join('\n')]);
    expect(await e2e.korpu.roster.byTelegram(worker.id)).toBeUndefined();
  });

  it('does the same when an admin removes them in the workspace', async () => {
    const { user: leyla, staffId: leylaId } = await addStaff(e2e, { name: 'Leyla Quliyeva', firstName: 'Leyla', lang: 'az', langs: ['az'] });
    const { user: nigar, staffId: nigarId } = await addStaff(e2e, { name: 'Nigar Əliyeva', firstName: 'Nigar', lang: 'az', langs: ['az'] });
    const web = await signInAs(e2e.api, handled, base, admin);
    await web.get('/desk/admin/roster');
    const mark = e2e.api.mark();
    const removed = await web.post(`/desk/admin/roster/${leylaId}/remove`);
    expect(removed.location).toBe('/desk/admin/roster?ok=removed&count=0');
    expect(bansSince(mark)).toEqual([[String(CASEWORKERS), leyla.id]]);

    e2e.api.failNext('banChatMember', NO_RIGHTS);
    const failed = await web.post(`/desk/admin/roster/${nigarId}/remove`);
    expect(failed.location).toBe('/desk/admin/roster?ok=removed&count=0&err=chat_not_left');
    const page = await web.get(failed.location!);
    // The admin of ADMIN_TELEGRAM_IDS has no roster entry yet: the page is in the default language.
    expect(page.text).toContain(e2e.core.translator.t('az', 'reports:admin.error.chat_not_left'));
    expect(await e2e.korpu.roster.byTelegram(nigar.id)).toBeUndefined();
  });

  it('leaves an ADMIN_TELEGRAM_IDS admin, who stays an admin, in the chat', async () => {
    await addStaff(e2e, { id: ADMIN_ID, name: 'Kamran Rzayev', firstName: 'Kamran', lang: 'en', langs: ['en'], role: 'admin' });
    const mark = e2e.api.mark();
    const said = await sendPrivate(e2e.api, handled, admin, `/roster_remove ${ADMIN_ID}`);
    expect(said.join('\n')).toContain(t('caseworker:roster.still_admin', { id: ADMIN_ID }));
    expect(bansSince(mark)).toEqual([]);
  });
});
