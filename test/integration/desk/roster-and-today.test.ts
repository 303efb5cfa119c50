import { addStaff, changeStaff, listRoster, removeStaff, todaysMeetings } from '../../../src/caseworkers/desk';
import { BOOTSTRAP_ADMIN, baku, ganja, startDesk, type Desk } from './desk-harness';

/** Roster changes and the day's meetings through the desk. */
describe('desk: roster and today', () => {
  let d: Desk;
  beforeEach(async () => {
    d = await startDesk();
  });
  afterEach(() => d.close());

  describe('roster changes', () => {
    it('are for admins only', async () => {
      const anna = { telegramId: 620_000_001, role: 'caseworker' as const, office: 'baku', langs: ['ru' as const], name: 'Anna' };
      expect(await addStaff(d.desk, d.staff.aysel, anna)).toEqual({ ok: false, reason: 'forbidden', role: 'caseworker' });
      expect(await addStaff(d.desk, d.staff.leyla, anna)).toEqual({ ok: false, reason: 'forbidden', role: 'supervisor' });
      expect(await changeStaff(d.desk, d.staff.leyla, { staff: d.staff.aysel, role: 'admin' })).toEqual({ ok: false, reason: 'forbidden', role: 'supervisor' });
      expect(await removeStaff(d.desk, d.staff.nigar, { staff: d.staff.aysel })).toEqual({ ok: false, reason: 'forbidden', role: 'caseworker' });
      expect(await listRoster(d.desk, d.staff.leyla)).toEqual({ ok: false, reason: 'forbidden', role: 'supervisor' });
      expect(await listRoster(d.desk, d.staff.stranger)).toEqual({ ok: false, reason: 'not_staff' });
      expect(await d.roster.byTelegram(620_000_001)).toBeUndefined();
      expect(d.audit).toEqual([]);
    });

    it('add someone with a new staff id; adding an account on the roster again is refused and changes nothing', async () => {
      d.setNow(new Date('2026-11-24T10:00:00Z'));
      const r = await addStaff(d.desk, d.staff.kamran, { telegramId: 620_000_002, role: 'caseworker', office: 'ganja', langs: ['az', 'ru'], name: 'Zaur Əliyev' });
      if (!r.ok) throw new Error(r.reason);
      expect(r).toMatchObject({ created: true, worker: { telegramId: 620_000_002, role: 'caseworker', office: 'ganja', langs: ['az', 'ru'], name: 'Zaur Əliyev', addedAt: new Date('2026-11-24T10:00:00Z'), addedBy: 610_000_005 } });
      expect(r.worker.staffId).toMatch(/^s-[0-9a-f]{16}$/);
      const again = await addStaff(d.desk, d.staff.kamran, { telegramId: 620_000_002, role: 'supervisor', office: 'baku', langs: ['az'], name: 'Someone Else' });
      expect(again).toEqual({ ok: false, reason: 'already_on_roster', existing: r.worker });
      expect((await d.roster.byTelegram(620_000_002))!.worker).toEqual(r.worker);
      expect(await addStaff(d.desk, d.staff.kamran, { telegramId: 620_000_003, role: 'caseworker', office: 'sumqayit', langs: ['az'], name: 'X' })).toEqual({ ok: false, reason: 'invalid', fields: ['office'] });
      // Every wrong field is named, in the order the command takes them; nothing is written.
      expect(await addStaff(d.desk, d.staff.kamran, { telegramId: -1, role: 'boss', office: 'Ganja', langs: ['xx'], name: ' ' })).toEqual({ ok: false, reason: 'invalid', fields: ['telegramId', 'role', 'langs', 'name'] });
      expect(await d.roster.byTelegram(620_000_003)).toBeUndefined();
      expect(d.audit.map((e) => [e.action, e.target])).toEqual([['add_staff', r.worker.staffId]]);
      // Someone already on the roster from the start: Aysel keeps her name, role, office and languages.
      const aysel = (await d.roster.byStaff(d.staff.aysel.staffId))!.worker!;
      expect(await addStaff(d.desk, d.staff.kamran, { telegramId: aysel.telegramId, role: 'admin', office: 'ganja', langs: ['ru'], name: 'Not Aysel' })).toEqual({ ok: false, reason: 'already_on_roster', existing: aysel });
      expect((await d.roster.byStaff(d.staff.aysel.staffId))!.worker).toEqual(aysel);
      // Logged with pseudonyms: no name, no Telegram id, no staff id.
      const logs = d.logs.join('');
      expect(logs).toContain('caseworkers: roster entry saved');
      for (const secret of ['Zaur', '620000002', r.worker.staffId]) expect(logs).not.toContain(secret);
    });

    it('change an entry by staff id, but an admin cannot take away their own admin role', async () => {
      expect(await changeStaff(d.desk, d.staff.kamran, { staff: d.staff.aysel, office: 'ganja', langs: ['az'] })).toMatchObject({ ok: true, worker: { staffId: d.staff.aysel.staffId, office: 'ganja', langs: ['az'], role: 'caseworker', name: 'Aysel Quliyeva' } });
      expect(await changeStaff(d.desk, d.staff.kamran, { staff: d.staff.kamran, role: 'supervisor' })).toEqual({ ok: false, reason: 'self_demotion' });
      expect(await changeStaff(d.desk, d.staff.kamran, { staff: d.staff.stranger, role: 'supervisor' })).toEqual({ ok: false, reason: 'not_found' });
      expect(await changeStaff(d.desk, d.staff.kamran, { staff: d.staff.aysel, office: 'nowhere' })).toEqual({ ok: false, reason: 'invalid', fields: ['office'] });
      expect((await d.roster.byStaff(d.staff.kamran.staffId))!.role).toBe('admin');
    });

    it('remove someone (not oneself); an ADMIN_TELEGRAM_IDS admin stays an admin', async () => {
      expect(await removeStaff(d.desk, d.staff.kamran, { staff: d.staff.kamran })).toEqual({ ok: false, reason: 'self_removal' });
      expect(await removeStaff(d.desk, d.staff.kamran, { staff: d.staff.nigar })).toEqual({ ok: true, removed: true, stillAdmin: false, released: [] });
      expect(await d.roster.byStaff(d.staff.nigar.staffId)).toBeUndefined();
      expect(await removeStaff(d.desk, d.staff.kamran, { staff: d.staff.nigar })).toEqual({ ok: false, reason: 'not_found' });
      expect(await removeStaff(d.desk, d.staff.kamran, { staff: d.staff.bootstrap })).toEqual({ ok: true, removed: false, stillAdmin: true, released: [] });
      // The bootstrap admin may remove themselves from the roster: they stay an admin.
      await addStaff(d.desk, d.staff.bootstrap, { telegramId: BOOTSTRAP_ADMIN, role: 'admin', office: 'baku', langs: ['az'], name: 'Root' });
      expect(await removeStaff(d.desk, d.staff.bootstrap, { staff: d.staff.bootstrap })).toEqual({ ok: true, removed: true, stillAdmin: true, released: [] });
      expect((await d.roster.byStaff(d.staff.bootstrap.staffId))!.role).toBe('admin');
    });

    it('list everyone by office and name, and the admins without an entry', async () => {
      const r = await listRoster(d.desk, d.staff.bootstrap);
      if (!r.ok) throw new Error(r.reason);
      expect(r.workers.map((w) => w.name)).toEqual(['Aysel Quliyeva', 'Kamran Rzayev', 'Leyla Əliyeva', 'Nigar Həsənova', 'Rauf Məmmədov']);
      expect(r.admins).toEqual([{ staffId: d.staff.bootstrap.staffId, telegramId: BOOTSTRAP_ADMIN, role: 'admin', bootstrapAdmin: true }]);
    });
  });

  describe('todaysMeetings', () => {
    it('lists the day’s meetings at the worker’s office in local time and order, with their state', async () => {
      d.setNow(new Date('2026-11-25T04:00:00Z')); // 08:00 in Baku
      await d.seedCase('KP-TDAY-0002', { office: baku, start: new Date('2026-11-25T10:00:00Z'), lang: 'az' });
      await d.seedCase('KP-TDAY-0001', { office: baku, start: new Date('2026-11-25T06:00:00Z'), lang: 'ru' });
      await d.seedCase('KP-TDAY-0003', { office: ganja, start: new Date('2026-11-25T07:00:00Z') });
      await d.seedCase('KP-TDAY-0004', { office: baku, start: new Date('2026-11-27T06:00:00Z') });
      await d.bookings.confirm('KP-TDAY-0001');
      const r = await todaysMeetings(d.desk, d.staff.aysel);
      expect(r).toEqual({
        ok: true,
        office: baku,
        date: '25.11.2026',
        meetings: [
          { time: '10:00', caseCode: 'KP-TDAY-0001', lang: 'ru', state: 'confirmed' },
          { time: '14:00', caseCode: 'KP-TDAY-0002', lang: 'az', state: 'not_confirmed' },
        ],
      });
      expect(await todaysMeetings(d.desk, d.staff.rauf)).toMatchObject({ ok: true, office: ganja, meetings: [{ caseCode: 'KP-TDAY-0003' }] });
    });

    it('has nothing for an admin without an entry (no office), nor for someone off the roster', async () => {
      expect(await todaysMeetings(d.desk, d.staff.bootstrap)).toEqual({ ok: false, reason: 'no_office' });
      expect(await todaysMeetings(d.desk, d.staff.stranger)).toEqual({ ok: false, reason: 'not_staff' });
    });
  });
});
