import { Writable } from 'node:stream';
import type { Update, User } from 'grammy/types';
import pino from 'pino';
import { staffRef } from '../../src/caseworkers/guard';
import type { RosterStore } from '../../src/caseworkers/roster';
import { OfficesFileSchema, type Office } from '../../src/config/offices';
import { SUPPORTED_LANGS, type Lang } from '../../src/core/lang';
import type { BookingStore } from '../../src/scheduling/booking-store';
import { slotIdAt } from '../../src/scheduling/slot-id';
import type { Slot } from '../../src/scheduling/slots';
import { cancelAsConversation } from '../helpers/bookings';
import { testOffice } from '../helpers/office';
import { languageNameIn } from '../../src/i18n/language-names';
import { useTestKorpu } from '../helpers/use-korpu';
import { trackHandled } from '../helpers/workspace';

/**
 * The case workers' commands through the whole bot, against the fake Bot API: an admin from
 * ADMIN_TELEGRAM_IDS adds a worker, the worker's /today lists the office's bookings of the
 * office's local day, a stranger gets the migrants' unknown-command answer, and a case worker
 * cannot change the roster. Texts are compared with the translator's.
 */

jest.setTimeout(30_000);

const baku = testOffice();
const ganja = testOffice({ id: 'ganja', name: { az: 'Gəncə ofisi', ru: 'Гянджинский офис', en: 'Ganja office' } });
const offices: readonly Office[] = [baku, ganja];
/** 01:00 on Wednesday 25 November in Baku (UTC+4), still the 24th in UTC. */
const NOW = new Date('2026-11-24T21:00:00Z');
const ADMIN_ID = 610_000_001;
const WORKER_NAME = 'Анна Иванова';

function slotAt(office: Office, isoUtc: string): Slot {
  const start = new Date(isoUtc);
  return { id: slotIdAt(office, start), office: office.id, start, end: new Date(start.getTime() + office.slotMinutes * 60_000) };
}

describe('case-worker commands end to end', () => {
  let handled: (id: number) => Promise<void>;
  let roster: RosterStore;
  let bookings: BookingStore;
  /** Log lines since the last `logs.length = 0`; `allLogs` keeps every line. */
  const logs: string[] = [];
  const allLogs: string[] = [];
  const logger = pino({ level: 'info' }, new Writable({ write: (chunk, _enc, cb) => (logs.push(String(chunk)), allLogs.push(String(chunk)), cb()) }));
  // Körpü as main.ts builds it (createKorpu), with the admin in ADMIN_TELEGRAM_IDS, the two
  // test offices and the clock stopped at NOW; updates arrive by long polling.
  const e2e = useTestKorpu({ env: { ADMIN_TELEGRAM_IDS: String(ADMIN_ID) }, offices: OfficesFileSchema.parse({ offices }), clock: { now: () => NOW }, logger });

  beforeAll(async () => {
    ({ roster } = e2e.korpu);
    bookings = e2e.core.bookings;
    handled = trackHandled(e2e.bot);
    await e2e.korpu.start();

    // Baku, booked out of time order: 14:00 (not confirmed) and 10:00 (confirmed) on the 25th.
    await bookings.book(baku, slotAt(baku, '2026-11-25T10:00:00Z'), 'KP-LATE-0002', 'az', NOW);
    await bookings.book(baku, slotAt(baku, '2026-11-25T06:00:00Z'), 'KP-ERLY-0001', 'ru', NOW);
    await bookings.confirm('KP-ERLY-0001');
    // Not today at the worker's office: the UTC "today" (24th) in Baku, tomorrow, Ganja, cancelled.
    await bookings.book(baku, slotAt(baku, '2026-11-24T13:00:00Z'), 'KP-UTCD-0003', 'en', NOW);
    await bookings.book(baku, slotAt(baku, '2026-11-26T06:00:00Z'), 'KP-TMRW-0004', 'en', NOW);
    await bookings.book(ganja, slotAt(ganja, '2026-11-25T07:00:00Z'), 'KP-GNJA-0005', 'en', NOW);
    await bookings.book(baku, slotAt(baku, '2026-11-25T07:00:00Z'), 'KP-CNCL-0006', 'en', NOW);
    await cancelAsConversation(e2e.redis, e2e.prefix, { caseCode: 'KP-CNCL-0006', slot: slotAt(baku, '2026-11-25T07:00:00Z').id }, NOW);
  });

  /** Sends `text` as `user` in their private chat; returns the texts the bot sent there in answer. */
  async function send(user: User, text: string): Promise<string[]> {
    const mark = e2e.api.mark();
    const update: Update = e2e.api.updates.command(user, text);
    e2e.api.pushUpdate(update);
    await handled(update.update_id);
    return e2e.api
      .callsSince(mark, 'sendMessage')
      .filter((c) => String(c.params.chat_id) === String(user.id) && !c.failedWith)
      .map((c) => String(c.params.text));
  }
  const t = (lang: Lang, key: string, params?: Record<string, unknown>) => e2e.core.translator.t(lang, key, params);

  const admin = () => e2e.api.updates.user({ id: ADMIN_ID, language_code: 'en' });
  let worker: User;

  it('lets an admin from ADMIN_TELEGRAM_IDS add a case worker, and explains bad arguments', async () => {
    worker = e2e.api.updates.user({ language_code: 'en', first_name: 'Anna' });
    expect(await send(admin(), '/roster')).toEqual([[t('en', 'caseworker:roster.title', { n: 1 }), t('en', 'caseworker:roster.bootstrap_line', { id: ADMIN_ID })].join('\n')]);

    const [bad] = await send(admin(), '/roster_add abc boss nowhere xx');
    for (const key of ['problems', 'invalid.telegramId', 'invalid.role', 'invalid.office', 'invalid.langs', 'invalid.name']) {
      expect(bad).toContain(t('en', `caseworker:roster_add.${key}`, { offices: 'baku, ganja', langs: SUPPORTED_LANGS.join(', ') }));
    }
    expect(await roster.list()).toEqual([]);

    const said = await send(admin(), `/roster_add ${worker.id} caseworker baku ru,az ${WORKER_NAME}`);
    expect(said).toEqual([t('en', 'caseworker:roster.added', { name: WORKER_NAME, id: worker.id, role: t('en', 'caseworker:role.caseworker'), office: 'baku', langs: 'ru, az' })]);
    expect(await roster.get(worker.id)).toEqual({ staffId: expect.stringMatching(/^s-/), telegramId: worker.id, name: WORKER_NAME, langs: ['ru', 'az'], office: 'baku', role: 'caseworker', addedAt: NOW, addedBy: ADMIN_ID });
    // The bootstrap admin has no roster entry, hence no office of their own.
    expect(await send(admin(), '/today')).toEqual([t('en', 'caseworker:today.no_office')]);
    const [list] = await send(admin(), '/roster');
    expect(list).toContain(WORKER_NAME);
    expect(list).toContain(t('en', 'caseworker:roster.bootstrap_line', { id: ADMIN_ID }));
  });

  it('refuses to add an account on the roster already, changes nothing, and gives the /roster_change line that changes them', async () => {
    const before = await roster.get(worker.id);
    logs.length = 0;
    const said = await send(admin(), `/roster_add ${worker.id} admin ganja en Someone Else`);
    const command = `/roster_change ${worker.id} caseworker baku ru,az ${WORKER_NAME}`;
    expect(said).toEqual([t('en', 'caseworker:roster.already_on_roster', { name: WORKER_NAME, id: worker.id, role: t('en', 'caseworker:role.caseworker'), office: 'baku', langs: 'ru, az', command })]);
    expect(said[0]).toContain(command);
    expect(await roster.get(worker.id)).toEqual(before);
    // The desk's refusal (as the workspace's "Add"), not a change, and nothing in the audit trail.
    expect(logs.join('\n')).toContain('caseworkers: not added: on the roster already');
    expect(logs.join('\n')).not.toContain('caseworkers: roster entry saved');

    // The line given, with a field changed, changes them; they keep their staff id.
    expect(await send(admin(), `/roster_change ${worker.id} supervisor ganja ru,az ${WORKER_NAME}`)).toEqual([
      t('en', 'caseworker:roster.updated', { name: WORKER_NAME, id: worker.id, role: t('en', 'caseworker:role.supervisor'), office: 'ganja', langs: 'ru, az' }),
    ]);
    expect(await roster.get(worker.id)).toMatchObject({ staffId: before!.staffId, role: 'supervisor', office: 'ganja', name: WORKER_NAME });
    expect(await send(admin(), command)).toEqual([t('en', 'caseworker:roster.updated', { name: WORKER_NAME, id: worker.id, role: t('en', 'caseworker:role.caseworker'), office: 'baku', langs: 'ru, az' })]);
    expect(await roster.get(worker.id)).toMatchObject({ staffId: before!.staffId, role: 'caseworker', office: 'baku' });

    // Someone not on the roster is not changed into it.
    expect(await send(admin(), '/roster_change 620000999 caseworker baku az Nobody Yet')).toEqual([t('en', 'caseworker:roster_change.not_found', { id: 620_000_999 })]);
    expect(await roster.get(620_000_999)).toBeUndefined();
    const [bad] = await send(admin(), `/roster_change ${worker.id} boss baku ru`);
    expect(bad).toContain(t('en', 'caseworker:roster_change.problems'));
    expect(bad).toContain(t('en', 'caseworker:roster_add.invalid.role'));
    expect(await roster.get(worker.id)).toMatchObject({ role: 'caseworker', name: WORKER_NAME });
  });

  it("lists today's appointments at the worker's office, in time order, in local time, in the worker's language", async () => {
    const said = await send(worker, '/today');
    const line = (time: string, code: string, lang: Lang, state: string) =>
      t('ru', 'caseworker:today.line', { time, code, language: languageNameIn('ru', lang), state: t('ru', `caseworker:today.state.${state}`) });
    expect(said).toEqual([
      [
        t('ru', 'caseworker:today.title', { office: baku.name.ru, date: '25.11.2026', n: 2 }),
        line('10:00', 'KP-ERLY-0001', 'ru', 'confirmed'),
        line('14:00', 'KP-LATE-0002', 'az', 'not_confirmed'),
      ].join('\n'),
    ]);
    expect(said[0]).toContain('✅');
    for (const other of ['KP-UTCD-0003', 'KP-TMRW-0004', 'KP-GNJA-0005', 'KP-CNCL-0006']) expect(said[0]).not.toContain(other);
  });

  it("answers a stranger's /today exactly like any unknown command, with nothing about appointments, and logs the attempt", async () => {
    const stranger = e2e.api.updates.user({ language_code: 'ru' });
    await send(stranger, '/start');
    logs.length = 0;
    const today = await send(stranger, '/today');
    const weather = await send(stranger, '/weather');
    expect(today.join('\n')).toContain(t('ru', 'common:notice.unknown_command', { command: 'today' }));
    expect(today.map((s) => s.replaceAll('/today', '/weather'))).toEqual(weather);
    expect(today.join('\n')).not.toMatch(/KP-|10:00|14:00/);
    expect(today.join('\n')).not.toContain(t('ru', 'caseworker:today.empty', { office: baku.name.ru, date: '25.11.2026' }).slice(0, 5));

    const refusals = logs.map((l) => JSON.parse(l)).filter((l) => /refused/.test(l.msg));
    expect(refusals).toEqual([expect.objectContaining({ who: staffRef(e2e.core.cipher, stranger.id), command: 'today', action: 'view_today', role: 'none' })]);
    expect(logs.join('\n')).not.toContain(String(stranger.id));
  });

  it('/help tells a member of staff their own commands, as their role allows; a stranger gets the people\'s help', async () => {
    const [mine] = await send(worker, '/help');
    expect(mine!.split('\n')[0]).toBe(t('ru', 'caseworker:help.title'));
    for (const key of ['today', 'talk', 'release', 'call', 'dashboard', 'person']) expect(mine).toContain(t('ru', `caseworker:help.${key}`));
    for (const key of ['reassign', 'roster', 'audit']) expect(mine).not.toContain(t('ru', `caseworker:help.${key}`));
    const [admins] = await send(admin(), '/help');
    for (const key of ['reassign', 'roster', 'audit']) expect(admins).toContain(t('en', `caseworker:help.${key}`));
    expect(admins).toContain('/roster_change');
    const stranger = await send(e2e.api.updates.user({ language_code: 'en' }), '/help');
    expect(stranger.join('\n')).not.toContain(t('en', 'caseworker:help.title'));
    expect(stranger.join('\n')).not.toContain('/roster');
  });

  it('does not let a case worker change the roster', async () => {
    logs.length = 0;
    const someone = 620_000_123;
    const said = await send(worker, `/roster_add ${someone} admin baku az Someone Else`);
    expect(said).toEqual([t('ru', 'caseworker:refused.not_allowed', { role: t('ru', 'caseworker:role.caseworker'), command: 'roster_add' })]);
    expect(await roster.get(someone)).toBeUndefined();
    expect(await send(worker, `/roster_change ${worker.id} admin baku ru,az ${WORKER_NAME}`)).toEqual([t('ru', 'caseworker:refused.not_allowed', { role: t('ru', 'caseworker:role.caseworker'), command: 'roster_change' })]);
    expect(await roster.get(worker.id)).toMatchObject({ role: 'caseworker' });
    expect(await send(worker, `/roster_remove ${ADMIN_ID}`)).toEqual([t('ru', 'caseworker:refused.not_allowed', { role: t('ru', 'caseworker:role.caseworker'), command: 'roster_remove' })]);
    const refusals = logs.map((l) => JSON.parse(l)).filter((l) => /refused/.test(l.msg));
    expect(refusals.map((r) => [r.who, r.command, r.role])).toEqual([
      [staffRef(e2e.core.cipher, worker.id), 'roster_add', 'caseworker'],
      [staffRef(e2e.core.cipher, worker.id), 'roster_change', 'caseworker'],
      [staffRef(e2e.core.cipher, worker.id), 'roster_remove', 'caseworker'],
    ]);
  });

  it('lets the admin remove the worker, who is then a stranger again', async () => {
    expect(await send(admin(), `/roster_remove ${worker.id}`)).toEqual([t('en', 'caseworker:roster.removed', { id: worker.id, name: 'Анна Иванова' })]);
    // Told once, in the first language of their entry, that they left the roster.
    expect(await send(worker, '/today')).toEqual([[t('ru', 'caseworker:left.removed'), t('ru', 'caseworker:left.from_now')].join('\n\n')]);
    const said = await send(worker, '/today');
    expect(said.join('\n')).toContain(t('en', 'common:notice.unknown_command', { command: 'today' }));
    expect(said.join('\n')).not.toContain('KP-');
  });

  it('never logs a staff name or a Telegram id', () => {
    const all = allLogs.join('\n');
    expect(all).toContain('caseworkers: roster entry saved');
    expect(all).not.toContain(WORKER_NAME);
    expect(all).not.toContain(String(worker.id));
    expect(all).not.toContain(String(ADMIN_ID));
  });
});
