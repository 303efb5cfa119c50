import { AUDIT_ACTIONS, AuditActionSchema, changeStaff, claimCase, closeCase, endTalk, openCase, readAudit, reassignCase, relayToPerson, releaseCase, removeStaff, viewCase, type DeskDeps } from '../../../src/caseworkers/desk';
import { auditMonth, RedisAuditTrail } from '../../../src/storage/redis-audit-trail';
import { baku, startDesk, type Desk } from './desk-harness';

/**
 * The desk's use cases record into the real audit trail (Redis): who, when, which case, what;
 * never the person's data; staff's names only as who acted (and whom a case went to), as they
 * were called then. Admins read it back with those names (older entries: from the roster).
 */
describe('desk: the audit trail', () => {
  let d: Desk;
  let desk: DeskDeps;
  const code = 'KP-AUDT-0101';
  const conversation = 'conv-pseudonym-audit';
  beforeEach(async () => {
    d = await startDesk();
    const trail = new RedisAuditTrail(d.redis, d.keys, { clock: { now: () => d.desk.clock.now() } });
    desk = { ...d.desk, audit: trail, auditTrail: trail };
  });
  afterEach(() => d.close());

  /** Every field of every entry of the month's stream, as one text. */
  const streamText = async () => JSON.stringify(await d.redis.xrange(d.keys.audit(auditMonth(d.desk.clock.now())), '-', '+'));

  it('the case file folds a run of views into one line of its history: sixty openings do not push the claim out of it', async () => {
    await d.seedCase(code, { lang: 'ru', office: baku });
    d.setNow(new Date('2026-11-24T08:00:00Z'));
    expect(await claimCase(desk, d.staff.aysel, { caseCode: code })).toMatchObject({ ok: true });
    for (let i = 1; i <= 60; i++) {
      d.setNow(new Date(Date.UTC(2026, 10, 24, 9, i)));
      expect(await viewCase(desk, d.staff.aysel, { caseCode: code })).toMatchObject({ ok: true });
    }
    const r = await viewCase(desk, d.staff.leyla, { caseCode: code });
    if (!r.ok) throw new Error(r.reason);
    expect(r.file.history).toEqual([
      { at: new Date('2026-11-24T10:00:00Z'), who: 'Aysel Quliyeva', action: 'open_case', times: 60 },
      { at: new Date('2026-11-24T08:00:00Z'), who: 'Aysel Quliyeva', action: 'claim_case', times: 1 },
    ]);
  });

  it('records opening, claiming, talking, reassigning, releasing and closing, with staff ids and wire values only', async () => {
    await d.seedCase(code, { lang: 'ru', office: baku });
    const at = (minute: number) => d.setNow(new Date(Date.UTC(2026, 10, 24, 8, minute)));
    at(1);
    expect(await claimCase(desk, d.staff.aysel, { caseCode: code })).toMatchObject({ ok: true });
    at(2);
    expect(await openCase(desk, d.staff.aysel, { caseCode: code })).toMatchObject({ ok: true });
    at(3);
    expect(await relayToPerson(desk, d.staff.aysel, { caseCode: code, conversation, message: { kind: 'text', text: 'Olena, call me on +994501234567 about your flat' }, ref: 'tg:1' })).toMatchObject({ ok: true });
    at(4);
    expect(await endTalk(desk, d.staff.aysel, { caseCode: code, conversation, ref: 'tg:2' })).toMatchObject({ ok: true });
    at(5);
    expect(await reassignCase(desk, d.staff.leyla, { caseCode: code, to: d.staff.nigar })).toMatchObject({ ok: true });
    at(6);
    expect(await releaseCase(desk, d.staff.nigar, { caseCode: code })).toMatchObject({ ok: true });
    at(7);
    await claimCase(desk, d.staff.nigar, { caseCode: code });
    at(8);
    expect(await closeCase(desk, d.staff.nigar, { caseCode: code, reason: 'other_body' })).toMatchObject({ ok: true });
    // A refused attempt changes nothing and records nothing.
    await openCase(desk, d.staff.rauf, { caseCode: code });

    const trail = await desk.auditTrail!.forCase(code);
    expect(trail.map((r) => [r.at.getUTCMinutes(), r.staffId, r.action])).toEqual([
      [8, d.staff.nigar.staffId, 'close_case'],
      [7, d.staff.nigar.staffId, 'claim_case'],
      [6, d.staff.nigar.staffId, 'release_case'],
      [5, d.staff.leyla.staffId, 'reassign_case'],
      [4, d.staff.aysel.staffId, 'end_talk'],
      [3, d.staff.aysel.staffId, 'relay_to_person'],
      [2, d.staff.aysel.staffId, 'open_case'],
      [1, d.staff.aysel.staffId, 'claim_case'],
    ]);
    expect(trail[0]!.details).toEqual({ reason: 'other_body', cancelled: 'baku@2026-11-25T10:00' });
    expect(trail[3]!.details).toEqual({ to: d.staff.nigar.staffId, from: d.staff.aysel.staffId });

    // Nothing personal: not the person's name, phone or words, not a Telegram id; staff names
    // only as who acted (and whom a case went to), in their own fields.
    const stored = await streamText();
    expect(stored).toContain(code);
    for (const personal of ['Olena', '+994501234567', '994501234567', 'flat', 'call me', '610000001', '610000002']) expect(stored).not.toContain(personal);
    const entries = (await d.redis.xrange(d.keys.audit(auditMonth(d.desk.clock.now())), '-', '+')).map(([, f]) => f);
    const named = entries.map((f) => [f[f.indexOf('by_name') + 1], f.includes('to_name') ? f[f.indexOf('to_name') + 1] : undefined]);
    expect(named.map(([by]) => by)).toEqual(['Aysel Quliyeva', 'Aysel Quliyeva', 'Aysel Quliyeva', 'Aysel Quliyeva', 'Leyla Əliyeva', 'Nigar Həsənova', 'Nigar Həsənova', 'Nigar Həsənova']);
    expect(named.filter(([, to]) => to)).toEqual([['Leyla Əliyeva', 'Nigar Həsənova']]);
    const elsewhere = JSON.stringify(entries.map((f) => f.filter((_, i) => !['by_name', 'to_name'].includes(f[i - (i % 2)]!))));
    for (const name of ['Aysel', 'Nigar', 'Leyla', 'Quliyeva']) expect(elsewhere).not.toContain(name);
  });

  it('names staff as they were called when they acted: a rename or a removal since changes nothing; older entries without a name go by the roster', async () => {
    await d.seedCase(code, { lang: 'ru', office: baku });
    d.setNow(new Date('2026-11-24T08:01:00Z'));
    expect(await claimCase(desk, d.staff.aysel, { caseCode: code })).toMatchObject({ ok: true });
    d.setNow(new Date('2026-11-24T08:02:00Z'));
    expect(await reassignCase(desk, d.staff.kamran, { caseCode: code, to: d.staff.nigar })).toMatchObject({ ok: true });
    d.setNow(new Date('2026-11-24T08:03:00Z'));
    expect(await openCase(desk, d.staff.nigar, { caseCode: code })).toMatchObject({ ok: true });
    // An entry from before names were kept: the roster names its actor, as it is when read.
    await desk.audit!.record({ at: new Date('2026-11-24T08:04:00Z'), staffId: d.staff.aysel.staffId, action: 'open_case', caseCode: code });

    // Aysel marries and is renamed; Nigar leaves the roster.
    d.setNow(new Date('2026-11-25T09:00:00Z'));
    expect(await changeStaff(desk, d.staff.kamran, { staff: d.staff.aysel, name: 'Aysel Məmmədli' })).toMatchObject({ ok: true });
    expect(await removeStaff(desk, d.staff.kamran, { staff: d.staff.nigar })).toMatchObject({ ok: true });

    const r = await readAudit(desk, d.staff.kamran, { caseCode: code });
    if (!r.ok) throw new Error(r.reason);
    const lines = r.lines.filter((l) => l.at.getTime() < Date.UTC(2026, 10, 25)).map((l) => [l.at.getUTCMinutes(), l.action, l.by.kind === 'staff' ? l.by.name : l.by.kind, l.toName]);
    expect(lines).toEqual([
      [4, 'open_case', 'Aysel Məmmədli', undefined],
      [3, 'open_case', 'Nigar Həsənova', undefined],
      [2, 'reassign_case', 'Kamran Rzayev', 'Nigar Həsənova'],
      [1, 'claim_case', 'Aysel Quliyeva', undefined],
    ]);
    // The case file's history, the same.
    const file = await viewCase(desk, d.staff.leyla, { caseCode: code });
    if (!file.ok) throw new Error(file.reason);
    expect(file.file.history.filter((h) => h.at.getTime() < Date.UTC(2026, 10, 25)).map((h) => [h.action, h.who])).toEqual([
      ['open_case', 'Aysel Məmmədli'],
      ['open_case', 'Nigar Həsənova'],
      ['reassign_case', 'Kamran Rzayev'],
      ['claim_case', 'Aysel Quliyeva'],
    ]);
  });

  it('shows admins the trail newest first with staff by name; supervisors, case workers and strangers are refused', async () => {
    await d.seedCase(code, { lang: 'ru', office: baku });
    d.setNow(new Date('2026-11-24T08:01:00Z'));
    await claimCase(desk, d.staff.aysel, { caseCode: code });
    d.setNow(new Date('2026-11-24T08:02:00Z'));
    await openCase(desk, d.staff.aysel, { caseCode: code });
    d.setNow(new Date('2026-11-24T08:03:00Z'));
    await reassignCase(desk, d.staff.kamran, { caseCode: code, to: d.staff.nigar });
    await desk.audit!.record({ at: new Date('2026-11-24T08:04:00Z'), staffId: 'person', action: 'withdraw_case', caseCode: code });

    const r = await readAudit(desk, d.staff.kamran, { caseCode: code });
    expect(r).toEqual({
      ok: true,
      caseCode: code,
      lang: 'en',
      lines: [
        { at: new Date('2026-11-24T08:04:00Z'), by: { kind: 'person' }, action: 'withdraw_case', details: {} },
        { at: new Date('2026-11-24T08:03:00Z'), by: { kind: 'staff', staffId: d.staff.kamran.staffId, name: 'Kamran Rzayev' }, action: 'reassign_case', toName: 'Nigar Həsənova', details: { to: d.staff.nigar.staffId, from: d.staff.aysel.staffId } },
        { at: new Date('2026-11-24T08:02:00Z'), by: { kind: 'staff', staffId: d.staff.aysel.staffId, name: 'Aysel Quliyeva' }, action: 'open_case', details: {} },
        { at: new Date('2026-11-24T08:01:00Z'), by: { kind: 'staff', staffId: d.staff.aysel.staffId, name: 'Aysel Quliyeva' }, action: 'claim_case', details: {} },
      ],
    });
    expect(await readAudit(desk, d.staff.bootstrap, { caseCode: code })).toMatchObject({ ok: true });
    expect(await readAudit(desk, d.staff.leyla, { caseCode: code })).toEqual({ ok: false, reason: 'forbidden', role: 'supervisor' });
    expect(await readAudit(desk, d.staff.aysel, { caseCode: code })).toEqual({ ok: false, reason: 'forbidden', role: 'caseworker' });
    expect(await readAudit(desk, d.staff.stranger, { caseCode: code })).toEqual({ ok: false, reason: 'not_staff' });
    // A deployment without a trail says so.
    const { auditTrail: _none, ...withoutTrail } = desk;
    expect(await readAudit(withoutTrail, d.staff.kamran, { caseCode: code })).toEqual({ ok: false, reason: 'no_trail' });
  });

  it('records a claim made by answering an unclaimed case, the releases of a removed worker, refused claims, and reads an export back', async () => {
    await d.seedCase(code, { lang: 'ru', office: baku });
    d.setNow(new Date('2026-11-24T08:01:00Z'));
    // Nigar answers the person before anyone claimed: she holds the case now, and the trail says so.
    expect(await relayToPerson(desk, d.staff.nigar, { caseCode: code, conversation, message: { kind: 'text', text: 'Hello' }, ref: 'tg:9' })).toMatchObject({ ok: true });
    d.setNow(new Date('2026-11-24T08:02:00Z'));
    // A worker of another office, and a claim from a chat where no alert is posted, are refused and recorded.
    expect(await claimCase(desk, d.staff.rauf, { caseCode: code })).toEqual({ ok: false, reason: 'other_office' });
    expect(await claimCase(desk, d.staff.aysel, { caseCode: code, place: 'other_chat' })).toEqual({ ok: false, reason: 'wrong_chat' });
    d.setNow(new Date('2026-11-24T08:03:00Z'));
    expect(await removeStaff(desk, d.staff.kamran, { staff: d.staff.nigar })).toMatchObject({ ok: true, released: [code] });
    // The workspace's export records itself through the same trail; admins read it back.
    await desk.audit!.record({ at: new Date('2026-11-24T08:04:00Z'), staffId: d.staff.kamran.staffId, action: AuditActionSchema.parse('export_case'), caseCode: code });

    const trail = await desk.auditTrail!.forCase(code);
    expect(trail.map((r) => [r.at.getUTCMinutes(), r.staffId, r.action, r.details])).toEqual([
      [4, d.staff.kamran.staffId, 'export_case', {}],
      [3, d.staff.kamran.staffId, 'release_case', { from: d.staff.nigar.staffId }],
      [2, d.staff.aysel.staffId, 'refuse_claim', { why: 'wrong_chat' }],
      [2, d.staff.rauf.staffId, 'refuse_claim', { why: 'other_office' }],
      [1, d.staff.nigar.staffId, 'relay_to_person', {}],
      [1, d.staff.nigar.staffId, 'claim_case', { via: 'talk' }],
    ]);
    const read = await readAudit(desk, d.staff.kamran, { caseCode: code });
    expect(read).toMatchObject({ ok: true, lines: expect.arrayContaining([expect.objectContaining({ action: 'export_case', by: { kind: 'staff', staffId: d.staff.kamran.staffId, name: 'Kamran Rzayev' } })]) });
    expect(AUDIT_ACTIONS).toContain('export_case');
  });
});
