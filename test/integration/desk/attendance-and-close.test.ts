import { CaseAlertMessages } from '../../../src/caseworkers/alert-messages';
import { claimCase, CLOSE_REASONS, closeCase, closeReasonKey, recordAttendance } from '../../../src/caseworkers/desk';
import { APPOINTMENT_BUTTONS } from '../../../src/flows/engine/meeting-buttons';
import { meetingDetails } from '../../../src/intake/booking-desk';
import { baku, ganja, startDesk, type Desk } from './desk-harness';

/** Recording attendance (and the offer of a new time after a missed meeting) and closing a case. */
describe('desk: attendance and closing', () => {
  let d: Desk;
  const start = new Date('2026-11-25T06:00:00Z');
  const after = new Date('2026-11-25T07:00:00Z');
  beforeEach(async () => {
    d = await startDesk();
  });
  afterEach(() => d.close());

  describe('recordAttendance', () => {
    it('refuses before the meeting, and a meeting moved since the button was drawn', async () => {
      await d.seedCase('KP-ATTD-0001', { office: baku, start });
      expect(await recordAttendance(d.desk, d.staff.aysel, { caseCode: 'KP-ATTD-0001', status: 'attended', meeting: start })).toEqual({ ok: false, reason: 'too_early', start, office: 'baku' });
      d.setNow(after);
      expect(await recordAttendance(d.desk, d.staff.aysel, { caseCode: 'KP-ATTD-0001', status: 'attended', meeting: new Date(start.getTime() + 3_600_000) })).toEqual({ ok: false, reason: 'moved' });
      expect(await recordAttendance(d.desk, d.staff.aysel, { caseCode: 'KP-NONE-0000', status: 'attended', meeting: start })).toEqual({ ok: false, reason: 'moved' });
      expect((await d.bookings.get('KP-ATTD-0001'))!.status).toBe('booked');
    });

    it('records a missed meeting once, by staff id, and offers the person a new time in their language', async () => {
      await d.seedCase('KP-ATTD-0002', { office: baku, start, lang: 'ru' });
      d.setNow(after);
      // Nobody held the case: Nigar, who recorded it, holds it now (see below).
      expect(await recordAttendance(d.desk, d.staff.nigar, { caseCode: 'KP-ATTD-0002', status: 'no_show', meeting: start })).toEqual({ ok: true, caseCode: 'KP-ATTD-0002', status: 'no_show', offered: true, corrected: false, claimed: true });
      expect((await d.bookings.get('KP-ATTD-0002'))!.status).toBe('no_show');
      expect(await d.redis.hmget(d.keys.case('KP-ATTD-0002'), 'attendance_by', 'attendance_at')).toEqual([d.staff.nigar.staffId, after.toISOString()]);
      const slot = (await d.bookings.get('KP-ATTD-0002'))!.slot;
      expect(d.notifier.notices).toEqual([
        {
          id: `noshow:KP-ATTD-0002:${slot}`,
          to: { type: 'case', caseCode: 'KP-ATTD-0002' },
          lang: 'ru',
          kind: 'offer',
          caseCode: 'KP-ATTD-0002',
          output: {
            type: 'message',
            text: [{ key: 'booking:no_show.text', params: meetingDetails(baku, start, 'ru') }],
            buttons: [[{ label: { key: 'booking:no_show.rebook' }, action: { type: 'choice', node: APPOINTMENT_BUTTONS, value: 'rebook' } }]],
          },
        },
      ]);
      expect(d.audit.at(-1)).toMatchObject({ action: 'record_attendance', caseCode: 'KP-ATTD-0002', status: 'no_show' });
      // The other button, tapped later (or at once): nothing changes, nobody is told again.
      expect(await recordAttendance(d.desk, d.staff.aysel, { caseCode: 'KP-ATTD-0002', status: 'attended', meeting: start })).toEqual({ ok: false, reason: 'already_recorded' });
      expect(d.notifier.notices).toHaveLength(1);
    });

    it('records one of Came and Did not come tapped at once', async () => {
      await d.seedCase('KP-ATTD-0003', { office: baku, start });
      d.setNow(after);
      const both = await Promise.all([
        recordAttendance(d.desk, d.staff.aysel, { caseCode: 'KP-ATTD-0003', status: 'attended', meeting: start }),
        recordAttendance(d.desk, d.staff.nigar, { caseCode: 'KP-ATTD-0003', status: 'no_show', meeting: start }),
      ]);
      expect(both.filter((r) => r.ok)).toHaveLength(1);
      const won = both.find((r) => r.ok)!;
      expect((await d.bookings.get('KP-ATTD-0003'))!.status).toBe(won.ok && won.status);
      expect(d.notifier.notices).toHaveLength(won.ok && won.status === 'no_show' ? 1 : 0);
    });

    it('makes the recorder the holder of a case nobody holds (escalation cancelled, alerts redrawn, audited); a held case keeps its holder; a closed one is not claimed', async () => {
      const alerts = new CaseAlertMessages(d.redis, d.keys);
      const desk = { ...d.desk, alertMessages: alerts };
      await d.seedCase('KP-HOLD-0001', { office: baku, start });
      await d.seedCase('KP-HOLD-0002', { office: baku, start: new Date('2026-11-25T07:00:00Z') });
      await d.seedCase('KP-HOLD-0003', { office: baku, start: new Date('2026-11-25T08:00:00Z') });
      await alerts.record('KP-HOLD-0001', { messageId: 41, kind: 'booking', chatRef: 'chat-ref-1' }, new Date(1));
      expect((await claimCase(desk, d.staff.aysel, { caseCode: 'KP-HOLD-0002' })).ok).toBe(true);
      await d.redis.hset(d.keys.case('KP-HOLD-0003'), 'status', 'closed');
      d.setNow(new Date('2026-11-25T09:00:00Z'));
      d.cancelled.length = 0;
      d.audit.length = 0;

      // Came, on a case nobody holds: recorded, and Nigar holds it now, as if she had tapped Claim.
      expect(await recordAttendance(desk, d.staff.nigar, { caseCode: 'KP-HOLD-0001', status: 'attended', meeting: start })).toEqual({ ok: true, caseCode: 'KP-HOLD-0001', status: 'attended', offered: false, corrected: false, claimed: true });
      expect(await desk.claims.get('KP-HOLD-0001')).toMatchObject({ by: d.staff.nigar.staffId });
      expect(d.cancelled).toEqual(['KP-HOLD-0001']);
      expect(d.audit.map((e) => [e.action, e.staffId, e.caseCode, e.via])).toEqual([
        ['claim_case', d.staff.nigar.staffId, 'KP-HOLD-0001', 'attendance'],
        ['record_attendance', d.staff.nigar.staffId, 'KP-HOLD-0001', undefined],
      ]);
      // The group's alert offered Claim: it is redrawn naming her, without it.
      const edits = d.notifier.notices.filter((n) => n.kind === 'alert_update' && n.caseCode === 'KP-HOLD-0001');
      expect(edits.map((n) => n.replaces)).toEqual([{ messageId: 41, chatRef: 'chat-ref-1' }]);
      expect((edits[0]!.output.buttons ?? []).flat().some((b) => b.action.type === 'staff' && b.action.verb === 'claim')).toBe(false);

      // A case Aysel holds: Nigar records it for her colleague, who keeps it.
      expect(await recordAttendance(desk, d.staff.nigar, { caseCode: 'KP-HOLD-0002', status: 'attended', meeting: new Date('2026-11-25T07:00:00Z') })).toEqual({ ok: true, caseCode: 'KP-HOLD-0002', status: 'attended', offered: false, corrected: false });
      expect(await desk.claims.get('KP-HOLD-0002')).toMatchObject({ by: d.staff.aysel.staffId });
      // A closed case's meeting marked after the closing: recorded, claimed by nobody.
      expect(await recordAttendance(desk, d.staff.nigar, { caseCode: 'KP-HOLD-0003', status: 'no_show', meeting: new Date('2026-11-25T08:00:00Z') })).toEqual({ ok: true, caseCode: 'KP-HOLD-0003', status: 'no_show', offered: false, corrected: false });
      expect(await desk.claims.get('KP-HOLD-0003')).toBeUndefined();
    });

    it('refuses a case worker of another office and someone not on the roster; tells nobody after Came', async () => {
      await d.seedCase('KP-ATTD-0004', { office: ganja, start });
      d.setNow(after);
      expect(await recordAttendance(d.desk, d.staff.aysel, { caseCode: 'KP-ATTD-0004', status: 'attended', meeting: start })).toEqual({ ok: false, reason: 'other_office' });
      expect(await recordAttendance(d.desk, d.staff.stranger, { caseCode: 'KP-ATTD-0004', status: 'attended', meeting: start })).toEqual({ ok: false, reason: 'not_staff' });
      expect(await recordAttendance(d.desk, d.staff.rauf, { caseCode: 'KP-ATTD-0004', status: 'attended', meeting: start })).toMatchObject({ ok: true, offered: false });
      expect(d.notifier.notices).toEqual([]);
    });
  });

  describe('the first meeting (met_at)', () => {
    const met = (code: string) => d.redis.hmget(d.keys.case(code), 'met_at', 'attendance_by');
    const later = new Date('2026-11-26T06:00:00Z');

    it('"came" sets when the person came to their first meeting (its start), "did not come" sets nothing; a later meeting leaves it', async () => {
      await d.seedCase('KP-MET0-0001', { office: baku, start });
      await d.seedCase('KP-MET0-0002', { office: baku, start });
      // Recorded late in the evening: the person came at the meeting's time, not at the tap's.
      d.setNow(new Date('2026-11-25T15:00:00Z'));
      expect(await recordAttendance(d.desk, d.staff.aysel, { caseCode: 'KP-MET0-0001', status: 'attended', meeting: start })).toMatchObject({ ok: true, corrected: false });
      expect(await recordAttendance(d.desk, d.staff.aysel, { caseCode: 'KP-MET0-0002', status: 'no_show', meeting: start })).toMatchObject({ ok: true });
      expect(await met('KP-MET0-0001')).toEqual([start.toISOString(), d.staff.aysel.staffId]);
      expect(await met('KP-MET0-0002')).toEqual([null, d.staff.aysel.staffId]);
      // A second meeting booked and attended: the first meeting stays the first.
      await d.seedCase('KP-MET0-0001', { office: baku, start: later });
      d.setNow(new Date('2026-11-26T07:00:00Z'));
      expect(await recordAttendance(d.desk, d.staff.nigar, { caseCode: 'KP-MET0-0001', status: 'attended', meeting: later })).toMatchObject({ ok: true });
      expect(await met('KP-MET0-0001')).toEqual([start.toISOString(), d.staff.nigar.staffId]);
    });

    it('a correction keeps it consistent: "came" after "did not come" sets it, back to "did not come" takes it away; the same status again is refused', async () => {
      await d.seedCase('KP-MET0-0003', { office: baku, start, lang: 'ru' });
      d.setNow(after);
      expect(await recordAttendance(d.desk, d.staff.aysel, { caseCode: 'KP-MET0-0003', status: 'no_show', meeting: start })).toMatchObject({ ok: true, offered: true });
      // Without saying it is a correction: refused, as before.
      expect(await recordAttendance(d.desk, d.staff.aysel, { caseCode: 'KP-MET0-0003', status: 'attended', meeting: start })).toEqual({ ok: false, reason: 'already_recorded' });
      expect(await recordAttendance(d.desk, d.staff.aysel, { caseCode: 'KP-MET0-0003', status: 'attended', meeting: start, correct: true })).toEqual({ ok: true, caseCode: 'KP-MET0-0003', status: 'attended', offered: false, corrected: true });
      expect((await d.bookings.get('KP-MET0-0003'))!.status).toBe('attended');
      expect((await met('KP-MET0-0003'))[0]).toBe(start.toISOString());
      expect(d.audit.at(-1)).toMatchObject({ action: 'record_attendance', caseCode: 'KP-MET0-0003', status: 'attended', corrected: 'true' });
      expect(await recordAttendance(d.desk, d.staff.aysel, { caseCode: 'KP-MET0-0003', status: 'attended', meeting: start, correct: true })).toEqual({ ok: false, reason: 'already_recorded' });
      expect(await recordAttendance(d.desk, d.staff.aysel, { caseCode: 'KP-MET0-0003', status: 'no_show', meeting: start, correct: true })).toMatchObject({ ok: true, corrected: true });
      expect((await met('KP-MET0-0003'))[0]).toBeNull();
      // The offer of a new time for this meeting was sent once, whatever the corrections.
      expect(d.notifier.notices.filter((n) => n.caseCode === 'KP-MET0-0003')).toHaveLength(1);
    });

    it('a correction of a later meeting to "did not come" leaves the first meeting’s time', async () => {
      await d.seedCase('KP-MET0-0004', { office: baku, start });
      d.setNow(after);
      await recordAttendance(d.desk, d.staff.aysel, { caseCode: 'KP-MET0-0004', status: 'attended', meeting: start });
      await d.seedCase('KP-MET0-0004', { office: baku, start: later });
      d.setNow(new Date('2026-11-26T07:00:00Z'));
      await recordAttendance(d.desk, d.staff.aysel, { caseCode: 'KP-MET0-0004', status: 'attended', meeting: later });
      expect(await recordAttendance(d.desk, d.staff.aysel, { caseCode: 'KP-MET0-0004', status: 'no_show', meeting: later, correct: true })).toMatchObject({ ok: true, corrected: true });
      expect((await met('KP-MET0-0004'))[0]).toBe(start.toISOString());
    });
  });

  describe('closeCase', () => {
    it('lets the holder close their case with a reason, once', async () => {
      await d.seedCase('KP-CLOS-0001');
      await claimCase(d.desk, d.staff.aysel, { caseCode: 'KP-CLOS-0001' });
      d.cancelled.length = 0;
      expect(await closeCase(d.desk, d.staff.nigar, { caseCode: 'KP-CLOS-0001', reason: 'goals_achieved' })).toEqual({ ok: false, reason: 'not_holder' });
      expect(await closeCase(d.desk, d.staff.aysel, { caseCode: 'KP-CLOS-0001', reason: 'finished' })).toEqual({ ok: false, reason: 'invalid_reason' });
      expect(await closeCase(d.desk, d.staff.aysel, { caseCode: 'KP-CLOS-0001', reason: 'other_body' })).toEqual({ ok: true, caseCode: 'KP-CLOS-0001', reason: 'other_body' });
      expect(await d.redis.hmget(d.keys.case('KP-CLOS-0001'), 'status', 'close_reason', 'closed_by', 'closed_at')).toEqual(['closed', 'other_body', d.staff.aysel.staffId, '2026-11-24T08:00:00.000Z']);
      expect(d.cancelled).toEqual(['KP-CLOS-0001']);
      expect(d.audit.at(-1)).toMatchObject({ action: 'close_case', caseCode: 'KP-CLOS-0001', reason: 'other_body', staffId: d.staff.aysel.staffId });
      expect(await closeCase(d.desk, d.staff.aysel, { caseCode: 'KP-CLOS-0001', reason: 'no_longer_eligible' })).toEqual({ ok: false, reason: 'already_closed' });
      expect(await d.redis.hget(d.keys.case('KP-CLOS-0001'), 'close_reason')).toBe('other_body');
    });

    it('closes for "all the plan’s goals are achieved" only a case with a saved plan', async () => {
      await d.seedCase('KP-CLOS-0005');
      // No plan, no meeting, no holder: a supervisor is told a plan is needed, and nothing is written.
      expect(await closeCase(d.desk, d.staff.leyla, { caseCode: 'KP-CLOS-0005', reason: 'goals_achieved' })).toEqual({ ok: false, reason: 'no_plan' });
      expect(await d.redis.hget(d.keys.case('KP-CLOS-0005'), 'status')).toBe('intake_completed');
      expect(d.audit.filter((e) => e.action === 'close_case')).toEqual([]);
      await d.desk.meeting.plans.save('KP-CLOS-0005', { needs: [{ text: 'Azerbaijani lessons' }], goals: [{ text: 'Hold a conversation', term: 'short', agreedWithPerson: true }], activities: [], reviews: [] }, d.staff.leyla.staffId, new Date());
      expect(await closeCase(d.desk, d.staff.leyla, { caseCode: 'KP-CLOS-0005', reason: 'goals_achieved' })).toEqual({ ok: true, caseCode: 'KP-CLOS-0005', reason: 'goals_achieved' });
    });

    it('cancels a meeting still to come: place freed, reminders removed, the person told without the reason or a new time', async () => {
      const code = 'KP-CLOS-0003';
      await d.seedCase(code, { office: baku, start, lang: 'ru' });
      const slot = (await d.bookings.get(code))!.slot;
      await claimCase(d.desk, d.staff.aysel, { caseCode: code });
      expect(await closeCase(d.desk, d.staff.aysel, { caseCode: code, reason: 'other_body' })).toEqual({ ok: true, caseCode: code, reason: 'other_body', cancelledMeeting: slot });
      expect(await d.redis.hmget(d.keys.booking(code), 'status', 'cancel_reason')).toEqual(['cancelled', 'case_closed']);
      expect(await d.redis.hget(d.keys.case(code), 'booking')).toBe('');
      expect(await d.redis.scard(d.keys.slot(slot))).toBe(0);
      expect(await d.bookings.day('baku', '2026-11-25')).toEqual([]);
      expect(d.unscheduled).toEqual([`${code} ${slot}`]);
      expect(d.notifier.notices).toEqual([
        {
          id: `caseclosed:${code}:${slot}`, to: { type: 'case', caseCode: code }, lang: 'ru', kind: 'notice', caseCode: code,
          output: { type: 'message', text: [{ key: 'booking:case_closed.text', params: meetingDetails(baku, start, 'ru') }] },
        },
      ]);
      expect(d.audit.at(-1)).toMatchObject({ action: 'close_case', caseCode: code, reason: 'other_body', cancelled: slot });

      // A Did not come tapped on an old alert afterwards: the meeting is gone, nobody offers a new time.
      d.setNow(after);
      expect(await recordAttendance(d.desk, d.staff.aysel, { caseCode: code, status: 'no_show', meeting: start })).toEqual({ ok: false, reason: 'already_recorded' });
      expect(d.notifier.notices).toHaveLength(1);
    });

    it('leaves a meeting already past as it is, and offers a closed case’s person no new time after a missed one', async () => {
      const code = 'KP-CLOS-0004';
      await d.seedCase(code, { office: baku, start, lang: 'ru' });
      d.setNow(after);
      expect(await closeCase(d.desk, d.staff.leyla, { caseCode: code, reason: 'rules_not_followed' })).toEqual({ ok: true, caseCode: code, reason: 'rules_not_followed' });
      expect((await d.bookings.get(code))!.status).toBe('booked');
      expect(d.unscheduled).toEqual([]);
      expect(await recordAttendance(d.desk, d.staff.aysel, { caseCode: code, status: 'no_show', meeting: start })).toEqual({ ok: true, caseCode: code, status: 'no_show', offered: false, corrected: false });
      expect(d.notifier.notices).toEqual([]);
    });

    it('lets a supervisor close any case; not a case that does not exist; nobody off the roster', async () => {
      await d.seedCase('KP-CLOS-0002', { office: ganja });
      expect(await closeCase(d.desk, d.staff.stranger, { caseCode: 'KP-CLOS-0002', reason: 'other_body' })).toEqual({ ok: false, reason: 'not_staff' });
      expect(await closeCase(d.desk, d.staff.rauf, { caseCode: 'KP-CLOS-0002', reason: 'other_body' })).toEqual({ ok: false, reason: 'not_holder' });
      expect(await closeCase(d.desk, d.staff.leyla, { caseCode: 'KP-CLOS-0002', reason: 'other_body' })).toMatchObject({ ok: true });
      expect(await d.redis.hget(d.keys.case('KP-CLOS-0002'), 'status')).toBe('closed');
      expect(await closeCase(d.desk, d.staff.leyla, { caseCode: 'KP-NONE-0000', reason: 'other_body' })).toEqual({ ok: false, reason: 'not_found' });
      expect(await d.redis.exists(d.keys.case('KP-NONE-0000'))).toBe(0);
    });
  });
});

describe('desk: closing for the five reasons of the guidelines', () => {
  let d: Desk;
  beforeEach(async () => {
    d = await startDesk();
  });
  afterEach(() => d.close());

  it('closes for withdrawal only with the person’s reason in writing: from /withdraw, or typed in from their letter', async () => {
    await d.seedCase('KP-WDRW-0001', { office: baku });
    await claimCase(d.desk, d.staff.aysel, { caseCode: 'KP-WDRW-0001' });
    expect(await closeCase(d.desk, d.staff.aysel, { caseCode: 'KP-WDRW-0001', reason: 'withdrew' })).toEqual({ ok: false, reason: 'written_reason_needed' });
    expect(await closeCase(d.desk, d.staff.aysel, { caseCode: 'KP-WDRW-0001', reason: 'withdrew', writtenReason: '   ' })).toEqual({ ok: false, reason: 'written_reason_needed' });
    expect(await closeCase(d.desk, d.staff.aysel, { caseCode: 'KP-WDRW-0001', reason: 'withdrew', writtenReason: 'I am moving to Georgia' })).toMatchObject({ ok: true, reason: 'withdrew' });
    const sealed = (await d.redis.hget(d.keys.case('KP-WDRW-0001'), 'f:close_withdraw_reason'))!;
    expect(sealed).not.toContain('Georgia');
    expect(d.cipher.decrypt(sealed, 'KP-WDRW-0001:close_withdraw_reason')).toBe('I am moving to Georgia');
    expect(JSON.stringify(d.audit)).not.toContain('Georgia');

    // The person withdrew with /withdraw and gave their reason there: that is the reason in writing.
    await d.seedCase('KP-WDRW-0002', { office: baku });
    await d.redis.hset(d.keys.case('KP-WDRW-0002'), { status: 'withdrawn', 'f:withdraw_reason': d.cipher.encrypt('found work elsewhere', 'KP-WDRW-0002:withdraw_reason') });
    expect(await closeCase(d.desk, d.staff.leyla, { caseCode: 'KP-WDRW-0002', reason: 'withdrew' })).toMatchObject({ ok: true });
    expect(await d.redis.hmget(d.keys.case('KP-WDRW-0002'), 'status', 'close_reason')).toEqual(['closed', 'withdrew']);
  });

  it('offers the five reasons of spec §3.8 and still reads the ones stored before', async () => {
    expect(CLOSE_REASONS).toEqual(['withdrew', 'goals_achieved', 'no_longer_eligible', 'other_body', 'rules_not_followed']);
    expect(closeReasonKey('other_body')).toBe('casework:close.reason.other_body');
    expect(closeReasonKey('referred')).toBe('casework:close.legacy.referred');
    expect(closeReasonKey('duplicate')).toBe('casework:close.intake.duplicate');
    await d.seedCase('KP-WDRW-0003', { office: baku });
    await claimCase(d.desk, d.staff.aysel, { caseCode: 'KP-WDRW-0003' });
    expect(await closeCase(d.desk, d.staff.aysel, { caseCode: 'KP-WDRW-0003', reason: 'referred' })).toEqual({ ok: false, reason: 'invalid_reason' });
  });

  it('closes a case whose support never began with a reason that says so, each checked against the records', async () => {
    const diagnosis = (outcome: string) => JSON.stringify({ at: '2026-11-20T10:00:00.000Z', by: 'phone', answers: { q1: 'no', q2: 'yes', q3: [], q4: 'no' }, outcome, reasons: outcome === 'not_eligible' ? ['q1_no'] : [], provisional: false });
    const start = async (code: string, o: { consent?: string; outcome?: string; meeting?: boolean } = {}) => {
      await d.seedCase(code, o.meeting ? { office: baku, start: new Date('2026-11-27T06:00:00Z') } : {});
      if (o.consent) await d.redis.hset(d.keys.case(code), 'consent', o.consent);
      if (o.outcome) await d.redis.rpush(d.keys.diagnoses(code), diagnosis(o.outcome));
      await claimCase(d.desk, d.staff.aysel, { caseCode: code });
    };
    // Not eligible at the diagnosis: only when the newest diagnosis says so.
    await start('KP-NSTA-0001', { outcome: 'eligible' });
    expect(await closeCase(d.desk, d.staff.aysel, { caseCode: 'KP-NSTA-0001', reason: 'not_eligible' })).toEqual({ ok: false, reason: 'diagnosis_not_ineligible' });
    await start('KP-NSTA-0002', { outcome: 'not_eligible' });
    expect(await closeCase(d.desk, d.staff.aysel, { caseCode: 'KP-NSTA-0002', reason: 'not_eligible' })).toMatchObject({ ok: true, reason: 'not_eligible' });
    expect(await d.redis.hmget(d.keys.case('KP-NSTA-0002'), 'status', 'close_reason')).toEqual(['closed', 'not_eligible']);
    // No consent: not when the person gave it.
    await start('KP-NSTA-0003', { consent: 'B' });
    expect(await closeCase(d.desk, d.staff.aysel, { caseCode: 'KP-NSTA-0003', reason: 'no_consent' })).toEqual({ ok: false, reason: 'consent_given' });
    await start('KP-NSTA-0004', { consent: 'declined' });
    expect(await closeCase(d.desk, d.staff.aysel, { caseCode: 'KP-NSTA-0004', reason: 'no_consent' })).toMatchObject({ ok: true });
    // A duplicate with a meeting still to come would tell the person their support ended: refused.
    await start('KP-NSTA-0005', { meeting: true });
    expect(await closeCase(d.desk, d.staff.aysel, { caseCode: 'KP-NSTA-0005', reason: 'duplicate' })).toEqual({ ok: false, reason: 'duplicate_has_meeting' });
    expect(await closeCase(d.desk, d.staff.aysel, { caseCode: 'KP-NSTA-0005', reason: 'unreachable' })).toMatchObject({ ok: true, reason: 'unreachable' });
    await start('KP-NSTA-0006');
    expect(await closeCase(d.desk, d.staff.aysel, { caseCode: 'KP-NSTA-0006', reason: 'duplicate' })).toMatchObject({ ok: true });
    // Once an initial assessment is saved, support began: §3.8's reasons only.
    await start('KP-NSTA-0007', { consent: 'declined' });
    await d.desk.meeting.assessments.save('KP-NSTA-0007', { assessmentDate: '2026-11-24', services: [] }, d.staff.aysel.staffId, d.desk.clock.now());
    expect(await closeCase(d.desk, d.staff.aysel, { caseCode: 'KP-NSTA-0007', reason: 'no_consent' })).toEqual({ ok: false, reason: 'support_began' });
  });
});
