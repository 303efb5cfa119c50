import { acknowledgeIncident, fillIncident, listIncidents, startIncident, urgentIncidents } from '../../../src/caseworkers/desk';
import { IncidentStore } from '../../../src/safeguarding';
import { baku, ganja, startDesk, type Desk } from './desk-harness';

/** Incident reports (Annex 3) at the desk: the bot's drafts completed, reports started by staff, urgent ones acknowledged. */
describe('desk: incident reports', () => {
  let d: Desk;
  let bot: IncidentStore;
  beforeEach(async () => {
    d = await startDesk();
    bot = new IncidentStore(d.redis, d.prefix, d.cipher, { followUpAfterMinutes: 1440, urgentCategories: ['suicide'] });
    await d.seedCase('KP-INCI-0001', { office: baku });
    await d.seedCase('KP-INCI-0002', { office: ganja });
  });
  afterEach(() => d.close());

  const draft = (id: string, caseCode: string, category: 'suicide' | 'medical') => bot.createDraft({ id, caseCode, channel: 'telegram', lang: 'ru', category, cue: 'ru.suicide.want_to_die', at: new Date('2026-11-24T07:00:00Z') });
  const complete = { occurredOn: '2026-11-23', types: ['suicidal', 'psychological_stress'], whatHappened: 'wrote that she wants to die', howHandled: 'called her within the hour', adviceGiven: 'yes', advice: 'the hotline', referredTo: 'psychologist at the centre', nextCallMade: 'yes', nextCallOn: '2026-11-25' };

  it('keeps an urgent draft at the top of every list in its office until someone acknowledges it, once', async () => {
    await draft('crisis-1', 'KP-INCI-0001', 'suicide');
    await draft('crisis-2', 'KP-INCI-0001', 'medical');
    const ids = (rs: { id: string }[]) => rs.map((r) => r.id);
    expect(ids(await urgentIncidents(d.desk, d.staff.aysel))).toEqual(['crisis-1']);
    expect(ids(await urgentIncidents(d.desk, d.staff.leyla))).toEqual(['crisis-1']);
    // Not a case of Ganja's.
    expect(await urgentIncidents(d.desk, d.staff.rauf)).toEqual([]);
    expect(await acknowledgeIncident(d.desk, d.staff.rauf, { id: 'crisis-1' })).toEqual({ ok: false, reason: 'other_office' });
    expect(await acknowledgeIncident(d.desk, d.staff.aysel, { id: 'crisis-2' })).toEqual({ ok: false, reason: 'not_urgent' });

    const ack = await acknowledgeIncident(d.desk, d.staff.nigar, { id: 'crisis-1' });
    expect(ack).toMatchObject({ ok: true, report: { id: 'crisis-1', urgent: true, acknowledgedBy: d.staff.nigar.staffId, acknowledgedAt: new Date('2026-11-24T08:00:00Z') } });
    expect(await acknowledgeIncident(d.desk, d.staff.aysel, { id: 'crisis-1' })).toEqual({ ok: false, reason: 'already_acknowledged', by: d.staff.nigar.staffId });
    expect(await urgentIncidents(d.desk, d.staff.aysel)).toEqual([]);
    // The case leaves the case list's urgent block (its `crisis_ack_at`).
    expect(await d.redis.hmget(d.keys.case('KP-INCI-0001'), 'crisis_ack_at', 'crisis_ack_by')).toEqual(['2026-11-24T08:00:00.000Z', d.staff.nigar.staffId]);
    expect(d.audit.filter((e) => e.action === 'acknowledge_incident')).toEqual([expect.objectContaining({ caseCode: 'KP-INCI-0001', incident: 'crisis-1', staffId: d.staff.nigar.staffId })]);
    // Both stay drafts until completed.
    const list = await listIncidents(d.desk, d.staff.aysel);
    expect(list.ok && ids(list.reports)).toEqual(['crisis-1', 'crisis-2']);
  });

  it('completes the bot’s draft with every Annex 3 field, and then never changes it', async () => {
    await draft('crisis-3', 'KP-INCI-0001', 'suicide');
    expect(await fillIncident(d.desk, d.staff.aysel, { id: 'crisis-3', form: { types: 'other' }, complete: true })).toEqual({
      ok: false,
      reason: 'incomplete',
      missing: ['otherDescription', 'whatHappened', 'howHandled', 'adviceGiven', 'referredTo', 'nextCallMade'],
    });
    expect(await fillIncident(d.desk, d.staff.aysel, { id: 'crisis-3', form: { howHandled: 'called her', adviceGiven: 'maybe' }, complete: false })).toMatchObject({ ok: false, reason: 'invalid', issues: [{ path: 'adviceGiven' }] });
    expect(await fillIncident(d.desk, d.staff.aysel, { id: 'crisis-3', form: { howHandled: 'called her' }, complete: false })).toMatchObject({ ok: true, completed: false, report: { status: 'draft', howHandled: 'called her' } });
    const done = await fillIncident(d.desk, d.staff.aysel, { id: 'crisis-3', form: complete, complete: true });
    expect(done).toMatchObject({
      ok: true,
      completed: true,
      report: { status: 'complete', types: ['suicidal', 'psychological_stress'], occurredAt: new Date('2026-11-23T12:00:00Z'), adviceGiven: true, nextCallMade: true, referredTo: 'psychologist at the centre', workerId: d.staff.aysel.staffId },
    });
    expect(await fillIncident(d.desk, d.staff.leyla, { id: 'crisis-3', form: { howHandled: 'rewritten' }, complete: false })).toEqual({ ok: false, reason: 'already_complete' });
    expect(await fillIncident(d.desk, d.staff.rauf, { id: 'crisis-3', form: {}, complete: false })).toEqual({ ok: false, reason: 'other_office' });
    expect(await fillIncident(d.desk, d.staff.aysel, { id: 'nope', form: {}, complete: false })).toEqual({ ok: false, reason: 'not_found' });
    // No report text is readable in Redis, nor in the audit trail.
    const raw = JSON.stringify(await d.redis.hgetall(d.keys.incident('crisis-3')));
    expect(raw).not.toContain('psychologist');
    expect(JSON.stringify(d.audit)).not.toContain('psychologist');
  });

  it('keeps the case urgent while another urgent report of it waits', async () => {
    await draft('crisis-a', 'KP-INCI-0001', 'suicide');
    await draft('crisis-b', 'KP-INCI-0001', 'suicide');
    await acknowledgeIncident(d.desk, d.staff.aysel, { id: 'crisis-a' });
    expect(await d.redis.hget(d.keys.case('KP-INCI-0001'), 'crisis_ack_at')).toBeNull();
    await acknowledgeIncident(d.desk, d.staff.aysel, { id: 'crisis-b' });
    expect(await d.redis.hget(d.keys.case('KP-INCI-0001'), 'crisis_ack_at')).toBe('2026-11-24T08:00:00.000Z');
  });

  it('lets a worker start a report on a case of their office, urgent or not', async () => {
    const r = await startIncident(d.desk, d.staff.aysel, { caseCode: 'KP-INCI-0001', urgent: true, form: { types: ['partner_violence'], whatHappened: 'bruises, says her husband' } });
    expect(r).toMatchObject({ ok: true, report: { caseCode: 'KP-INCI-0001', origin: 'staff', urgent: true, status: 'draft', types: ['partner_violence'], whatHappened: 'bruises, says her husband', lang: 'ru' } });
    if (!r.ok) throw new Error('unreachable');
    expect(r.report.category).toBeUndefined();
    expect((await urgentIncidents(d.desk, d.staff.nigar)).map((x) => x.id)).toEqual([r.report.id]);
    const quiet = await startIncident(d.desk, d.staff.aysel, { caseCode: 'KP-INCI-0001', urgent: false });
    expect(quiet).toMatchObject({ ok: true, report: { urgent: false, types: [] } });
    expect((await urgentIncidents(d.desk, d.staff.nigar))).toHaveLength(1);
    expect(await startIncident(d.desk, d.staff.aysel, { caseCode: 'KP-INCI-0002', urgent: true })).toEqual({ ok: false, reason: 'other_office' });
    expect(await startIncident(d.desk, d.staff.aysel, { caseCode: 'KP-NONE-0000', urgent: true })).toEqual({ ok: false, reason: 'not_found' });
    expect(await startIncident(d.desk, d.staff.stranger, { caseCode: 'KP-INCI-0001', urgent: true })).toEqual({ ok: false, reason: 'not_staff' });
    const forCase = await listIncidents(d.desk, d.staff.leyla, { caseCode: 'KP-INCI-0001' });
    expect(forCase.ok && forCase.reports).toHaveLength(2);
    expect(d.audit.filter((e) => e.action === 'start_incident').map((e) => e.urgent)).toEqual(['true', 'false']);
  });
});
