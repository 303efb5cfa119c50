import { CaseAlertMessages } from '../../../src/caseworkers/alert-messages';
import { callStepped, changeStaff, claimCase, endTalk, relayFromPerson, startPhoneCall, type DeliverToStaff, type DeskDeps } from '../../../src/caseworkers/desk';
import { RelayStore } from '../../../src/caseworkers/relay-store';
import type { Notice } from '../../../src/core/notifier';
import { slotIdAt } from '../../../src/scheduling/slot-id';
import { baku, ganja, startDesk, type Desk } from './desk-harness';

/**
 * A case worker moved to another office (/roster_change, the roster page's Save) may no longer
 * work on the cases of the office they left: those they held go back to the case workers as when
 * a member is taken off the roster, so that the people behind them are not left writing to
 * someone who may not answer them.
 */
describe('desk: a case worker moved to another office', () => {
  let d: Desk;
  let desk: DeskDeps;
  let relay: RelayStore;
  let alerts: CaseAlertMessages;
  const conversation = 'conv-pseudonym-move';
  const CHAT = 'chat-ref-1';
  beforeEach(async () => {
    d = await startDesk();
    alerts = new CaseAlertMessages(d.redis, d.keys);
    desk = { ...d.desk, alertMessages: alerts };
    relay = new RelayStore(d.redis, d.prefix, d.cipher);
  });
  afterEach(() => d.close());

  const claimButton = (n: Notice) => (n.output.buttons ?? []).flat().some((b) => b.action.type === 'staff' && b.action.verb === 'claim');
  function delivery() {
    const delivered: Parameters<DeliverToStaff>[] = [];
    const deliver: DeliverToStaff = async (...args) => (delivered.push(args), true);
    return { delivered, deliver };
  }
  const say = (text: string, deliver: DeliverToStaff) => relayFromPerson(desk, { conversation, message: { kind: 'text', text }, deliver });

  it('gives back the cases of the office they left (claim, talk, phone call, alerts), tells them which, and keeps those of the office they move to', async () => {
    // Aysel (Baku) holds two Baku cases, one with a talk open and one in her phone call, and a case booked at Ganja.
    await d.seedCase('KP-MOVE-0001', { office: baku });
    await d.seedCase('KP-MOVE-0002', { office: baku });
    await d.seedCase('KP-MOVE-0003');
    await d.seedCase('KP-MOVE-0004', { office: baku });
    await alerts.record('KP-MOVE-0001', { messageId: 11, kind: 'intake', chatRef: CHAT }, new Date(1));
    for (const code of ['KP-MOVE-0001', 'KP-MOVE-0002', 'KP-MOVE-0003']) expect((await claimCase(desk, d.staff.aysel, { caseCode: code })).ok).toBe(true);
    const start = new Date('2026-11-26T07:00:00Z');
    await d.bookings.book(ganja, { id: slotIdAt(ganja, start), office: 'ganja', start, end: new Date(start.getTime() + 3_600_000) }, 'KP-MOVE-0003', 'ru', d.desk.clock.now());
    await claimCase(desk, d.staff.nigar, { caseCode: 'KP-MOVE-0004' });
    await relay.open(conversation, 'KP-MOVE-0001');
    const before = delivery();
    expect(await say('Когда мне прийти?', before.deliver)).toMatchObject({ ok: true, to: { type: 'staff', staffId: d.staff.aysel.staffId } });
    expect(await startPhoneCall(desk, d.staff.aysel)).toMatchObject({ ok: true, n: 1 });
    await callStepped(desk, d.staff.aysel, { n: 1, caseCode: 'KP-MOVE-0002', flowEnded: false });
    d.notifier.notices.length = 0;
    d.audit.length = 0;

    d.setNow(new Date('2026-11-24T09:00:00Z'));
    const r = await changeStaff(desk, d.staff.kamran, { staff: d.staff.aysel, office: 'ganja' });
    expect(r).toMatchObject({ ok: true, worker: { office: 'ganja' }, call: { n: 1, caseCode: 'KP-MOVE-0002' } });
    if (!r.ok) throw new Error(r.reason);
    expect([...r.released].sort()).toEqual(['KP-MOVE-0001', 'KP-MOVE-0002']);

    // Free again; the Ganja case stays hers, Nigar's stays Nigar's.
    expect(await desk.claims.get('KP-MOVE-0001')).toBeUndefined();
    expect(await desk.claims.get('KP-MOVE-0002')).toBeUndefined();
    expect(await desk.claims.get('KP-MOVE-0003')).toMatchObject({ by: d.staff.aysel.staffId });
    expect(await desk.claims.get('KP-MOVE-0004')).toMatchObject({ by: d.staff.nigar.staffId });
    expect(await desk.claims.heldBy(d.staff.aysel.staffId)).toEqual(['KP-MOVE-0003']);
    // Her call about a Baku case is closed, as /endcall closes it.
    expect(await desk.calls.open(d.staff.aysel.staffId)).toBeUndefined();

    // The person's next message reaches the case workers' chat, where a Baku colleague can answer it.
    const after = delivery();
    expect(await say('Вы здесь?', after.deliver)).toMatchObject({ ok: true, to: { type: 'caseworkers' } });
    expect(after.delivered.map(([to]) => to)).toEqual([{ type: 'caseworkers' }]);

    // The group: the earlier alert redrawn with Claim, and each case posted again, saying why.
    const edits = d.notifier.notices.filter((n) => n.kind === 'alert_update' && n.caseCode === 'KP-MOVE-0001');
    expect(edits.map((n) => n.replaces)).toEqual([{ messageId: 11, chatRef: CHAT }]);
    expect(claimButton(edits[0]!)).toBe(true);
    for (const code of ['KP-MOVE-0001', 'KP-MOVE-0002']) {
      const again = d.notifier.to('caseworkers').filter((n) => n.kind === 'alert' && n.caseCode === code);
      expect(again).toHaveLength(1);
      expect(again[0]!.output.text[0]).toEqual({ key: 'caseworker:release.by_office_change', params: { code } });
      expect(claimButton(again[0]!)).toBe(true);
    }
    expect(d.notifier.to('caseworkers').some((n) => n.caseCode === 'KP-MOVE-0003' || n.caseCode === 'KP-MOVE-0004')).toBe(false);

    // Aysel is told privately, in her language, which cases went back and which call was closed.
    const told = d.notifier.to('staff');
    expect(told).toHaveLength(1);
    expect(told[0]).toMatchObject({ to: { type: 'staff', staffId: d.staff.aysel.staffId }, lang: 'en', kind: 'notice' });
    expect(told[0]!.output.text).toEqual([
      { key: 'caseworker:moved.released', params: { office: 'Ganja office', codes: r.released.join(', '), count: 2 } },
      { key: 'caseworker:left.call_case', params: { n: 1, code: 'KP-MOVE-0002' } },
    ]);
    const text = d.desk.translator.t('en', 'caseworker:moved.released', { office: 'Ganja office', codes: r.released.join(', '), count: 2 });
    expect(text).toContain('KP-MOVE-0001');
    expect(text).toContain('Ganja office');

    // Audited: the change, the call ended, each release by whom, from whom and why.
    expect(d.audit.map((e) => [e.action, e.staffId, e.caseCode, e.from ?? e.of, e.why])).toEqual([
      ['change_staff', d.staff.kamran.staffId, undefined, undefined, undefined],
      ['end_phone_call', d.staff.kamran.staffId, 'KP-MOVE-0002', d.staff.aysel.staffId, undefined],
      ...r.released.map((code) => ['release_case', d.staff.kamran.staffId, code, d.staff.aysel.staffId, 'office_change']),
    ]);

    // Aysel may not answer the person any more; a Baku colleague who answers takes the case.
    expect(await endTalk(desk, d.staff.aysel, { caseCode: 'KP-MOVE-0001', conversation, ref: 'tg:1' })).toEqual({ ok: false, reason: 'other_office' });
    expect((await claimCase(desk, d.staff.nigar, { caseCode: 'KP-MOVE-0001' })).ok).toBe(true);
    const colleague = delivery();
    expect(await say('Спасибо', colleague.deliver)).toMatchObject({ ok: true, to: { type: 'staff', staffId: d.staff.nigar.staffId } });
  });

  it('moving back gives nothing back: the cases stay free, and the office she leaves then gives its own back', async () => {
    await d.seedCase('KP-BACK-0001', { office: baku });
    await claimCase(desk, d.staff.aysel, { caseCode: 'KP-BACK-0001' });
    expect(await changeStaff(desk, d.staff.kamran, { staff: d.staff.aysel, office: 'ganja' })).toMatchObject({ ok: true, released: ['KP-BACK-0001'] });
    await d.seedCase('KP-BACK-0002', { office: ganja });
    await claimCase(desk, d.staff.aysel, { caseCode: 'KP-BACK-0002' });
    d.setNow(new Date('2026-11-24T10:00:00Z'));
    expect(await changeStaff(desk, d.staff.kamran, { staff: d.staff.aysel, office: 'baku' })).toMatchObject({ ok: true, released: ['KP-BACK-0002'] });
    expect(await desk.claims.get('KP-BACK-0001')).toBeUndefined();
    expect(await desk.claims.heldBy(d.staff.aysel.staffId)).toEqual([]);
  });

  it('a supervisor made a case worker gives back the cases of the other offices (alert, escalation), tells her, and keeps those of her office', async () => {
    // Leyla, supervisor at Baku, holds a Ganja case (with an alert in the group) and a Baku case.
    await d.seedCase('KP-ROLE-0001', { office: ganja });
    await d.seedCase('KP-ROLE-0002', { office: baku });
    await alerts.record('KP-ROLE-0001', { messageId: 21, kind: 'intake', chatRef: CHAT }, new Date(1));
    for (const code of ['KP-ROLE-0001', 'KP-ROLE-0002']) expect((await claimCase(desk, d.staff.leyla, { caseCode: code })).ok).toBe(true);
    d.notifier.notices.length = 0;
    d.audit.length = 0;
    const at = new Date('2026-11-24T09:30:00Z');
    d.setNow(at);

    // The admin changes her role only: the result says why, for the admin's answer.
    const r = await changeStaff(desk, d.staff.kamran, { staff: d.staff.leyla, role: 'caseworker' });
    expect(r).toMatchObject({ ok: true, worker: { role: 'caseworker', office: 'baku' }, released: ['KP-ROLE-0001'], why: 'role_change' });
    expect(await desk.claims.get('KP-ROLE-0001')).toBeUndefined();
    expect(await desk.claims.get('KP-ROLE-0002')).toMatchObject({ by: d.staff.leyla.staffId });
    // Back in the group as any release: the alert redrawn with Claim, posted again saying why, the escalation armed again.
    const edits = d.notifier.notices.filter((n) => n.kind === 'alert_update' && n.caseCode === 'KP-ROLE-0001');
    expect(edits.map((n) => n.replaces)).toEqual([{ messageId: 21, chatRef: CHAT }]);
    const again = d.notifier.to('caseworkers').filter((n) => n.kind === 'alert' && n.caseCode === 'KP-ROLE-0001');
    expect(again.map((n) => n.output.text[0])).toEqual([{ key: 'caseworker:release.by_role_change', params: { code: 'KP-ROLE-0001' } }]);
    expect(claimButton(again[0]!)).toBe(true);
    expect(d.rearmed).toEqual([`KP-ROLE-0001 ${at.toISOString()}`]);
    // She is told privately, in her language; the release is audited with why.
    expect(d.notifier.to('staff').map((n) => [n.to, n.output.text])).toEqual([
      [{ type: 'staff', staffId: d.staff.leyla.staffId }, [{ key: 'caseworker:moved.released_role', params: { office: 'Bakı ofisi', codes: 'KP-ROLE-0001', count: 1 } }]],
    ]);
    expect(d.audit.filter((e) => e.action === 'release_case').map((e) => [e.caseCode, e.from, e.why])).toEqual([['KP-ROLE-0001', d.staff.leyla.staffId, 'role_change']]);

    // An admin made a case worker at another office at once: every case but those of the new office goes back, as a role change.
    await d.seedCase('KP-ROLE-0003', { office: baku, start: new Date('2026-11-25T07:00:00Z') });
    await d.seedCase('KP-ROLE-0004', { office: ganja, start: new Date('2026-11-25T07:00:00Z') });
    for (const code of ['KP-ROLE-0003', 'KP-ROLE-0004']) expect((await claimCase(desk, d.staff.kamran, { caseCode: code })).ok).toBe(true);
    const admin2 = await changeStaff(desk, d.staff.kamran, { staff: d.staff.leyla, role: 'admin' });
    expect(admin2).toMatchObject({ ok: true, released: [] });
    expect(await changeStaff(desk, d.staff.leyla, { staff: d.staff.kamran, role: 'caseworker', office: 'ganja' })).toMatchObject({ ok: true, released: ['KP-ROLE-0003'], why: 'role_change' });
    expect(await desk.claims.heldBy(d.staff.kamran.staffId)).toEqual(['KP-ROLE-0004']);
  });

  it('touches nothing when the office stays (a new name or languages), nor for a supervisor, who works every office', async () => {
    await d.seedCase('KP-STAY-0001', { office: baku });
    await d.seedCase('KP-STAY-0002', { office: baku });
    await claimCase(desk, d.staff.aysel, { caseCode: 'KP-STAY-0001' });
    await claimCase(desk, d.staff.leyla, { caseCode: 'KP-STAY-0002' });
    d.notifier.notices.length = 0;
    expect(await changeStaff(desk, d.staff.kamran, { staff: d.staff.aysel, name: 'Aysel Məmmədli', langs: ['az'] })).toMatchObject({ ok: true, released: [] });
    expect(await changeStaff(desk, d.staff.kamran, { staff: d.staff.leyla, office: 'ganja' })).toMatchObject({ ok: true, released: [] });
    expect(await desk.claims.get('KP-STAY-0001')).toMatchObject({ by: d.staff.aysel.staffId });
    expect(await desk.claims.get('KP-STAY-0002')).toMatchObject({ by: d.staff.leyla.staffId });
    expect(d.notifier.notices).toEqual([]);
  });
});
