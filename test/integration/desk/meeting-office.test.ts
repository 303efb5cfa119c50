import { CaseAlertMessages } from '../../../src/caseworkers/alert-messages';
import { bookOnBehalf, callStepped, claimCase, followMeetingOffice, startPhoneCall, type DeskDeps } from '../../../src/caseworkers/desk';
import { PERSON } from '../../../src/core/audit';
import type { Notice } from '../../../src/core/notifier';
import { SlotCalendar } from '../../../src/intake/slot-calendar';
import { OfficeClosures } from '../../../src/scheduling/office-closures';
import { slotIdAt } from '../../../src/scheduling/slot-id';
import { baku, ganja, startDesk, type Desk } from './desk-harness';

/**
 * A case whose meeting is booked or moved to another office than its holder's (a person
 * rebooking in the bot at another office, a supervisor moving it from the workspace): a case
 * worker works on their own office's cases only, so the case goes back to the case workers,
 * where those of the new office can claim it, and the old holder is told it moved. A supervisor
 * or admin, or a case worker of the new office, keeps it.
 */
describe('desk: a meeting moved to another office than its holder’s', () => {
  let d: Desk;
  let desk: DeskDeps;
  let alerts: CaseAlertMessages;
  const CHAT = 'chat-ref-1';
  const WED = new Date('2026-11-25T06:00:00Z');
  beforeEach(async () => {
    d = await startDesk();
    alerts = new CaseAlertMessages(d.redis, d.keys);
    desk = { ...d.desk, alertMessages: alerts };
  });
  afterEach(() => d.close());

  const claimButton = (n: Notice) => (n.output.buttons ?? []).flat().some((b) => b.action.type === 'staff' && b.action.verb === 'claim');
  /** Moves (or books) the case's meeting to Wednesday 10:00 at `office`, as the bot's booking does. */
  const bookAt = (code: string, office: typeof baku, start = WED) => d.bookings.book(office, { id: slotIdAt(office, start), office: office.id, start, end: new Date(start.getTime() + 3_600_000) }, code, 'ru', d.desk.clock.now());

  it('gives the case back to the new office’s case workers (alert, escalation there), tells the old holder in her language, once', async () => {
    await d.seedCase('KP-MOFF-0001', { office: baku });
    await alerts.record('KP-MOFF-0001', { messageId: 31, kind: 'intake', chatRef: CHAT }, new Date(1));
    expect((await claimCase(desk, d.staff.aysel, { caseCode: 'KP-MOFF-0001' })).ok).toBe(true);
    d.notifier.notices.length = 0;
    d.audit.length = 0;
    const at = new Date('2026-11-24T10:00:00Z');
    d.setNow(at);

    // The person rebooks at Ganja: Aysel (Baku) may not work on it there.
    await bookAt('KP-MOFF-0001', ganja);
    expect(await followMeetingOffice(desk, PERSON, { caseCode: 'KP-MOFF-0001' })).toEqual({ released: true, caseCode: 'KP-MOFF-0001', from: d.staff.aysel.staffId, office: 'ganja' });
    expect(await desk.claims.get('KP-MOFF-0001')).toBeUndefined();
    // The group: the earlier alert redrawn with Claim, the case posted again naming the new office (the chat's language), armed again.
    expect(d.notifier.notices.filter((n) => n.kind === 'alert_update').map((n) => n.replaces)).toEqual([{ messageId: 31, chatRef: CHAT }]);
    const again = d.notifier.to('caseworkers').filter((n) => n.kind === 'alert');
    expect(again.map((n) => n.output.text[0])).toEqual([{ key: 'caseworker:release.by_meeting_moved', params: { code: 'KP-MOFF-0001', office: 'Gəncə ofisi' } }]);
    expect(claimButton(again[0]!)).toBe(true);
    expect(d.rearmed).toEqual([`KP-MOFF-0001 ${at.toISOString()}`]);
    // Aysel is told privately, in English, where it went.
    expect(d.notifier.to('staff').map((n) => [n.to, n.lang, n.output.text])).toEqual([
      [{ type: 'staff', staffId: d.staff.aysel.staffId }, 'en', [{ key: 'caseworker:moved.meeting_office', params: { code: 'KP-MOFF-0001', office: 'Ganja office' } }]],
    ]);
    expect(d.desk.translator.t('en', 'caseworker:moved.meeting_office', { code: 'KP-MOFF-0001', office: 'Ganja office' })).toContain('Ganja office');
    // The person's step released it: the trail says so.
    expect(d.audit.map((e) => [e.action, e.staffId, e.caseCode, e.from, e.why])).toEqual([['release_case', PERSON, 'KP-MOFF-0001', d.staff.aysel.staffId, 'meeting_moved']]);

    // The effect delivered again: nothing more.
    const told = d.notifier.notices.length;
    expect(await followMeetingOffice(desk, PERSON, { caseCode: 'KP-MOFF-0001' })).toEqual({ released: false, caseCode: 'KP-MOFF-0001' });
    expect(d.notifier.notices).toHaveLength(told);
    // A Ganja case worker claims it; Aysel may not.
    expect(await claimCase(desk, d.staff.aysel, { caseCode: 'KP-MOFF-0001' })).toEqual({ ok: false, reason: 'other_office' });
    expect((await claimCase(desk, d.staff.rauf, { caseCode: 'KP-MOFF-0001' })).ok).toBe(true);
  });

  it('leaves it with a supervisor, a case worker of the new office, or a case whose meeting stays at its holder’s office', async () => {
    await d.seedCase('KP-MOFF-0002', { office: baku });
    await d.seedCase('KP-MOFF-0003');
    await d.seedCase('KP-MOFF-0004', { office: baku, start: new Date('2026-11-25T07:00:00Z') });
    await claimCase(desk, d.staff.leyla, { caseCode: 'KP-MOFF-0002' });
    await claimCase(desk, d.staff.rauf, { caseCode: 'KP-MOFF-0003' });
    await claimCase(desk, d.staff.nigar, { caseCode: 'KP-MOFF-0004' });
    d.notifier.notices.length = 0;
    await bookAt('KP-MOFF-0002', ganja);
    await bookAt('KP-MOFF-0003', ganja);
    await bookAt('KP-MOFF-0004', baku, new Date('2026-11-26T06:00:00Z'));
    for (const code of ['KP-MOFF-0002', 'KP-MOFF-0003', 'KP-MOFF-0004', 'KP-MOFF-0009']) expect(await followMeetingOffice(desk, PERSON, { caseCode: code })).toEqual({ released: false, caseCode: code });
    expect(await desk.claims.get('KP-MOFF-0002')).toMatchObject({ by: d.staff.leyla.staffId });
    expect(await desk.claims.get('KP-MOFF-0003')).toMatchObject({ by: d.staff.rauf.staffId });
    expect(await desk.claims.get('KP-MOFF-0004')).toMatchObject({ by: d.staff.nigar.staffId });
    expect(d.notifier.notices).toEqual([]);
  });

  it('a first meeting booked at another office than the holder’s (a case claimed before it had one) goes back too', async () => {
    await d.seedCase('KP-MOFF-0005');
    await claimCase(desk, d.staff.nigar, { caseCode: 'KP-MOFF-0005' });
    await bookAt('KP-MOFF-0005', ganja);
    expect(await followMeetingOffice(desk, PERSON, { caseCode: 'KP-MOFF-0005' })).toMatchObject({ released: true, from: d.staff.nigar.staffId });
    expect(d.notifier.to('staff')).toEqual([expect.objectContaining({ lang: 'ru', output: { type: 'message', text: [{ key: 'caseworker:moved.meeting_office', params: { code: 'KP-MOFF-0005', office: 'Гянджинский офис' } }] } })]);
  });

  it('closes the old holder’s phone call about the case, as /endcall does, and tells her in the same message; a call about another case goes on', async () => {
    await d.seedCase('KP-MOFF-0007', { office: baku });
    await d.seedCase('KP-MOFF-0008', { office: baku });
    for (const code of ['KP-MOFF-0007', 'KP-MOFF-0008']) await claimCase(desk, d.staff.aysel, { caseCode: code });
    expect(await startPhoneCall(desk, d.staff.aysel)).toMatchObject({ ok: true, n: 1 });
    await callStepped(desk, d.staff.aysel, { n: 1, caseCode: 'KP-MOFF-0007', flowEnded: false });
    d.notifier.notices.length = 0;
    d.audit.length = 0;

    // The person of the other case rebooks at Ganja: her call (about KP-MOFF-0007) goes on.
    await bookAt('KP-MOFF-0008', ganja);
    expect(await followMeetingOffice(desk, PERSON, { caseCode: 'KP-MOFF-0008' })).toMatchObject({ released: true });
    expect(await desk.calls.open(d.staff.aysel.staffId)).toMatchObject({ n: 1, caseCode: 'KP-MOFF-0007' });
    expect(d.notifier.to('staff').map((n) => n.output.text)).toEqual([[{ key: 'caseworker:moved.meeting_office', params: { code: 'KP-MOFF-0008', office: 'Ganja office' } }]]);

    // The person she is on the phone with rebooks at Ganja: the call closes, its answers kept with the case.
    d.notifier.notices.length = 0;
    d.audit.length = 0;
    await bookAt('KP-MOFF-0007', ganja);
    expect(await followMeetingOffice(desk, PERSON, { caseCode: 'KP-MOFF-0007' })).toMatchObject({ released: true });
    expect(await desk.calls.open(d.staff.aysel.staffId)).toBeUndefined();
    expect(d.notifier.to('staff').map((n) => n.output.text)).toEqual([
      [
        { key: 'caseworker:moved.meeting_office', params: { code: 'KP-MOFF-0007', office: 'Ganja office' } },
        { key: 'caseworker:left.call_case', params: { n: 1, code: 'KP-MOFF-0007' } },
      ],
    ]);
    expect(d.audit.map((e) => [e.action, e.staffId, e.of ?? e.from])).toEqual([
      ['end_phone_call', PERSON, d.staff.aysel.staffId],
      ['release_case', PERSON, d.staff.aysel.staffId],
    ]);
    // She can start another call at once.
    expect(await startPhoneCall(desk, d.staff.aysel)).toMatchObject({ ok: true, n: 2 });
  });

  it('a supervisor moving the meeting to Ganja from the workspace gives it back the same way, in her name', async () => {
    await d.seedCase('KP-MOFF-0006', { office: baku });
    await claimCase(desk, d.staff.aysel, { caseCode: 'KP-MOFF-0006' });
    const deps: DeskDeps = {
      ...desk,
      conversationOf: async (code) => `conv-${code}`,
      booking: { store: d.bookings, calendar: new SlotCalendar(), closures: new OfficeClosures(d.redis, d.keys) },
      meetings: { booked: async () => true, cancelled: async () => undefined },
    };
    d.audit.length = 0;
    expect(await bookOnBehalf(deps, d.staff.leyla, { caseCode: 'KP-MOFF-0006', slotId: 'ganja@2026-11-27T10:00' })).toMatchObject({ ok: true, outcome: 'moved', office: 'ganja' });
    expect(await desk.claims.get('KP-MOFF-0006')).toBeUndefined();
    expect(d.audit.filter((e) => e.action === 'release_case').map((e) => [e.staffId, e.from, e.why])).toEqual([[d.staff.leyla.staffId, d.staff.aysel.staffId, 'meeting_moved']]);
    expect(d.notifier.to('staff').map((n) => n.output.text[0])).toEqual([{ key: 'caseworker:moved.meeting_office', params: { code: 'KP-MOFF-0006', office: 'Ganja office' } }]);
  });
});
