import { alertState, CASE_ALERTS_KEPT, CASE_ALERTS_TTL_SECONDS, CaseAlertMessages, redrawCaseAlerts, trackCaseAlerts } from '../../../src/caseworkers/alert-messages';
import { claimCase, releaseCase, type DeskDeps } from '../../../src/caseworkers/desk';
import type { Notice } from '../../../src/core/notifier';
import { baku, startDesk, type Desk } from './desk-harness';

/**
 * The case's alerts in the case workers' group, kept as the outbox sends them and edited in
 * place when the desk changes the case's holder (the e2e test alert-updates.test.ts shows it in
 * the group): what is kept (ids only, the newest few, expiring), the edits the desk queues, an
 * alert sent after the case changed hands (edited at once), and the erasure (nothing personal
 * left, nothing kept).
 */
describe('desk: the group’s alerts of a case, redrawn', () => {
  let d: Desk;
  let alerts: CaseAlertMessages;
  let desk: DeskDeps;
  const CHAT = 'chat-ref-1';
  beforeEach(async () => {
    d = await startDesk();
    alerts = new CaseAlertMessages(d.redis, d.keys);
    desk = { ...d.desk, alertMessages: alerts };
  });
  afterEach(() => d.close());

  const claimButton = (n: Notice) => (n.output.buttons ?? []).flat().some((b) => b.action.type === 'staff' && b.action.verb === 'claim');
  const edits = () => d.notifier.notices.filter((n) => n.kind === 'alert_update');

  it('keeps the message ids of the newest alerts only, expiring, nothing else', async () => {
    for (let i = 1; i <= CASE_ALERTS_KEPT + 2; i++) await alerts.record('KP-KEEP-0001', { messageId: 100 + i, kind: i === 1 ? 'diagnosis' : 'intake', chatRef: CHAT }, new Date(1_000 + i));
    const kept = await alerts.list('KP-KEEP-0001');
    expect(kept.map((m) => m.messageId)).toEqual(Array.from({ length: CASE_ALERTS_KEPT }, (_, i) => 103 + i));
    expect(kept[0]).toEqual({ messageId: 103, kind: 'intake', chatRef: CHAT });
    const ttl = await d.redis.ttl(d.keys.caseAlerts('KP-KEEP-0001'));
    expect(ttl).toBeGreaterThan(CASE_ALERTS_TTL_SECONDS - 60);
    expect(ttl).toBeLessThanOrEqual(CASE_ALERTS_TTL_SECONDS);
  });

  it('edits every alert of a case when it is claimed (holder named, no Claim) and again when released (Claim back), once per change', async () => {
    await d.seedCase('KP-EDIT-0001', { office: baku });
    await alerts.record('KP-EDIT-0001', { messageId: 11, kind: 'diagnosis', chatRef: CHAT }, new Date(1));
    await alerts.record('KP-EDIT-0001', { messageId: 12, kind: 'intake', chatRef: CHAT }, new Date(2));
    expect((await claimCase(desk, d.staff.aysel, { caseCode: 'KP-EDIT-0001' })).ok).toBe(true);
    expect(edits().map((n) => n.replaces)).toEqual([{ messageId: 11, chatRef: CHAT }, { messageId: 12, chatRef: CHAT }]);
    for (const n of edits()) {
      expect(n.to).toEqual({ type: 'caseworkers' });
      expect(claimButton(n)).toBe(false);
      expect(JSON.stringify(n.output)).toContain('Aysel Quliyeva');
      expect(n.track?.state).toBe(alertState({ exists: true, status: 'open', claim: { by: d.staff.aysel.staffId, at: new Date('2026-11-24T08:00:00Z') } }));
    }
    expect(edits().map((n) => n.track?.kind)).toEqual(['diagnosis', 'intake']);

    d.setNow(new Date('2026-11-24T09:00:00Z'));
    expect((await releaseCase(desk, d.staff.aysel, { caseCode: 'KP-EDIT-0001' })).ok).toBe(true);
    const afterRelease = edits().slice(2);
    expect(afterRelease).toHaveLength(2);
    for (const n of afterRelease) expect(claimButton(n)).toBe(true);
    expect(new Set(edits().map((n) => n.id)).size).toBe(4);
  });

  it('edits an alert sent after the case changed hands since it was drawn, and leaves one sent as it is now', async () => {
    await d.seedCase('KP-LATE-0001', { office: baku });
    const track = trackCaseAlerts({ ...desk, alertMessages: alerts });
    const drawnFree = alertState({ exists: true, status: 'intake_completed' });
    // Claimed (no alert kept yet: nothing to edit) while the alert waited for the group's turn.
    expect((await claimCase(desk, d.staff.aysel, { caseCode: 'KP-LATE-0001' })).ok).toBe(true);
    expect(edits()).toEqual([]);
    await track({ id: 'alert:e-1', caseCode: 'KP-LATE-0001', to: 'caseworkers', channel: 'telegram', chatRef: CHAT, messageId: 21, track: { kind: 'intake', state: drawnFree } });
    expect(await alerts.list('KP-LATE-0001')).toEqual([{ messageId: 21, kind: 'intake', chatRef: CHAT }]);
    expect(edits()).toHaveLength(1);
    expect(edits()[0]!.replaces).toEqual({ messageId: 21, chatRef: CHAT });
    expect(claimButton(edits()[0]!)).toBe(false);

    // That edit, sent, is kept again; the case has not changed since: nothing more.
    await track({ id: edits()[0]!.id, caseCode: 'KP-LATE-0001', to: 'caseworkers', channel: 'telegram', chatRef: CHAT, messageId: 21, track: edits()[0]!.track! });
    expect(edits()).toHaveLength(1);
    // Another member's private message is not a group alert: not kept.
    await track({ id: 'x', caseCode: 'KP-LATE-0001', to: 'staff', channel: 'telegram', chatRef: 'other', messageId: 5, track: { kind: 'intake', state: drawnFree } });
    expect(await alerts.list('KP-LATE-0001')).toHaveLength(1);
  });

  it('does not edit an alert for the person’s own progress since it was drawn (consented, intake completed): only a holder or an end counts', async () => {
    await d.seedCase('KP-PROG-0001', { office: baku });
    const track = trackCaseAlerts({ ...desk, alertMessages: alerts });
    // Drawn while the case was still 'open'; sent once the intake was completed.
    await track({ id: 'alert:e-2', caseCode: 'KP-PROG-0001', to: 'caseworkers', channel: 'telegram', chatRef: CHAT, messageId: 41, track: { kind: 'diagnosis', state: alertState({ exists: true, status: 'open' }) } });
    expect(await alerts.list('KP-PROG-0001')).toHaveLength(1);
    expect(edits()).toEqual([]);
  });

  it('leaves nothing of the person on an erased case’s alerts, forgets them, and queues nothing when run again', async () => {
    await d.seedCase('KP-GONE-0001', { office: baku });
    await alerts.record('KP-GONE-0001', { messageId: 31, kind: 'booking', chatRef: CHAT }, new Date(1));
    await d.redis.hset(d.keys.case('KP-GONE-0001'), 'status', 'erased');
    await d.redis.hdel(d.keys.case('KP-GONE-0001'), 'f:first_name');
    expect(await redrawCaseAlerts(desk, 'KP-GONE-0001', 'effect-1')).toBe(1);
    const [n] = edits();
    expect(n!.output).toEqual({ type: 'message', text: [{ plain: desk.translator.t('az', 'rights:notice.erased', { code: 'KP-GONE-0001' }) }] });
    // No case code on it (clearing the case's queued messages must not take it), not kept up to date.
    expect(n!.caseCode).toBeUndefined();
    expect(n!.track).toBeUndefined();
    expect(await d.redis.exists(d.keys.caseAlerts('KP-GONE-0001'))).toBe(0);
    expect(await redrawCaseAlerts(desk, 'KP-GONE-0001', 'effect-1')).toBe(0);
    expect(edits()).toHaveLength(1);
  });
});
