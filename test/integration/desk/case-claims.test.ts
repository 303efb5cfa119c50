import { changeStaff, claimCase, openCase, reassignCase, releaseCase, removeStaff, viewCase } from '../../../src/caseworkers/desk';
import { baku, ganja, startDesk, type Desk } from './desk-harness';

/**
 * Claiming, releasing, reassigning and opening a case through the desk, on a real Redis: who
 * may, what is written, which escalation is cancelled, and who is told.
 */
describe('desk: claim, release, reassign, open', () => {
  let d: Desk;
  beforeEach(async () => {
    d = await startDesk();
  });
  afterEach(() => d.close());

  describe('claimCase', () => {
    it('gives the case to the first worker, records it by staff id, cancels the escalation; a second claim learns who has it', async () => {
      await d.seedCase('KP-CLAM-0001', { office: baku });
      expect(await claimCase(d.desk, d.staff.aysel, { caseCode: 'KP-CLAM-0001' })).toEqual({ ok: true, caseCode: 'KP-CLAM-0001' });
      expect(await d.redis.hget(d.keys.case('KP-CLAM-0001'), 'claimed_by')).toBe(d.staff.aysel.staffId);
      expect(d.cancelled).toEqual(['KP-CLAM-0001']);
      expect(d.audit).toEqual([expect.objectContaining({ staffId: d.staff.aysel.staffId, action: 'claim_case', caseCode: 'KP-CLAM-0001' })]);

      expect(await claimCase(d.desk, d.staff.nigar, { caseCode: 'KP-CLAM-0001' })).toEqual({ ok: false, reason: 'already_claimed', by: d.staff.aysel.staffId, byMe: false });
      expect(await claimCase(d.desk, d.staff.aysel, { caseCode: 'KP-CLAM-0001' })).toEqual({ ok: false, reason: 'already_claimed', by: d.staff.aysel.staffId, byMe: true });
      expect(d.cancelled).toHaveLength(1);
    });

    it('lets exactly one of two simultaneous claims win', async () => {
      await d.seedCase('KP-CLAM-0002');
      const [a, b] = await Promise.all([claimCase(d.desk, d.staff.aysel, { caseCode: 'KP-CLAM-0002' }), claimCase(d.desk, d.staff.nigar, { caseCode: 'KP-CLAM-0002' })]);
      expect([a, b].filter((r) => r.ok)).toHaveLength(1);
      expect([a, b].filter((r) => !r.ok && r.reason === 'already_claimed')).toHaveLength(1);
    });

    it('refuses a case worker of another office, someone not on the roster, and a case that does not exist', async () => {
      await d.seedCase('KP-CLAM-0003', { office: baku });
      expect(await claimCase(d.desk, d.staff.rauf, { caseCode: 'KP-CLAM-0003' })).toEqual({ ok: false, reason: 'other_office' });
      expect(await claimCase(d.desk, d.staff.stranger, { caseCode: 'KP-CLAM-0003' })).toEqual({ ok: false, reason: 'not_staff' });
      expect(await d.redis.exists(d.keys.claim('KP-CLAM-0003'))).toBe(0);
      expect(await claimCase(d.desk, d.staff.aysel, { caseCode: 'KP-NONE-0000' })).toEqual({ ok: false, reason: 'not_found' });
      // A supervisor works every office; a case without a meeting has no office yet.
      expect((await claimCase(d.desk, d.staff.leyla, { caseCode: 'KP-CLAM-0003' })).ok).toBe(true);
      await d.seedCase('KP-CLAM-0004');
      expect((await claimCase(d.desk, d.staff.rauf, { caseCode: 'KP-CLAM-0004' })).ok).toBe(true);
      // Refusals are logged with a pseudonym, never the staff id.
      expect(d.logs.join('')).toContain('desk: not permitted');
      expect(d.logs.join('')).not.toContain(d.staff.rauf.staffId);
    });

    it('refuses a member removed from the roster', async () => {
      await d.seedCase('KP-CLAM-0005');
      await d.roster.removeStaff(d.staff.nigar.staffId);
      expect(await claimCase(d.desk, d.staff.nigar, { caseCode: 'KP-CLAM-0005' })).toEqual({ ok: false, reason: 'not_staff' });
    });
  });

  describe('releaseCase', () => {
    it('frees the holder’s case and tells the group; anyone else cannot', async () => {
      await d.seedCase('KP-RELS-0001');
      expect(await releaseCase(d.desk, d.staff.aysel, { caseCode: 'KP-RELS-0001' })).toEqual({ ok: false, reason: 'not_claimed' });
      await claimCase(d.desk, d.staff.aysel, { caseCode: 'KP-RELS-0001' });
      expect(await releaseCase(d.desk, d.staff.nigar, { caseCode: 'KP-RELS-0001' })).toEqual({ ok: false, reason: 'not_holder', by: d.staff.aysel.staffId });
      expect(await releaseCase(d.desk, d.staff.aysel, { caseCode: 'KP-RELS-0001' })).toEqual({ ok: true, caseCode: 'KP-RELS-0001' });
      expect(await d.redis.exists(d.keys.claim('KP-RELS-0001'))).toBe(0);
      expect(await d.redis.hget(d.keys.case('KP-RELS-0001'), 'claimed_by')).toBeNull();
      // The group gets the case's alert again, free, with Claim, in the group's language (Aysel's is English).
      const [again, ...more] = d.notifier.to('caseworkers');
      expect(more).toEqual([]);
      expect(again).toMatchObject({ kind: 'alert', lang: 'az', caseCode: 'KP-RELS-0001' });
      expect(again!.output.text[0]).toEqual({ key: 'caseworker:release.notice', params: { code: 'KP-RELS-0001' } });
      expect((again!.output.text[1] as { plain: string }).plain.split('\n')[0]).toBe(d.desk.translator.t('az', 'caseworker:alert.title.intake', { code: 'KP-RELS-0001' }));
      expect((again!.output.text[1] as { plain: string }).plain).not.toContain('Aysel');
      expect(again!.output.buttons!.flat().map((b) => b.action)).toEqual([
        { type: 'staff', verb: 'claim', kind: 'intake', caseCode: 'KP-RELS-0001' },
        { type: 'staff', verb: 'open', kind: 'intake', caseCode: 'KP-RELS-0001' },
      ]);
      // Free again: someone else may take it.
      expect((await claimCase(d.desk, d.staff.nigar, { caseCode: 'KP-RELS-0001' })).ok).toBe(true);
    });

    it('lets a supervisor release a case someone else holds (/release)', async () => {
      await d.seedCase('KP-RELS-0002', { office: baku });
      await claimCase(d.desk, d.staff.aysel, { caseCode: 'KP-RELS-0002' });
      expect(await releaseCase(d.desk, d.staff.leyla, { caseCode: 'KP-RELS-0002' })).toEqual({ ok: true, caseCode: 'KP-RELS-0002' });
      expect(await d.redis.exists(d.keys.claim('KP-RELS-0002'))).toBe(0);
      expect(await d.redis.smembers(d.keys.heldCases(d.staff.aysel.staffId))).toEqual([]);
    });
  });

  describe('removing a worker from the roster', () => {
    it('gives every case they held back to the group as a fresh alert marked released', async () => {
      await d.seedCase('KP-GONE-0001', { office: baku });
      await d.seedCase('KP-GONE-0002', { office: baku });
      await d.seedCase('KP-KEPT-0003', { office: baku });
      await claimCase(d.desk, d.staff.nigar, { caseCode: 'KP-GONE-0001' });
      await claimCase(d.desk, d.staff.nigar, { caseCode: 'KP-GONE-0002' });
      await claimCase(d.desk, d.staff.aysel, { caseCode: 'KP-KEPT-0003' });
      // A case moved to someone else no longer counts as theirs.
      await reassignCase(d.desk, d.staff.leyla, { caseCode: 'KP-GONE-0002', to: d.staff.aysel });
      await claimCase(d.desk, d.staff.nigar, { caseCode: 'KP-GONE-0001' });
      const r = await removeStaff(d.desk, d.staff.kamran, { staff: d.staff.nigar });
      expect(r).toMatchObject({ ok: true, removed: true, released: ['KP-GONE-0001'] });
      expect(await d.redis.exists(d.keys.claim('KP-GONE-0001'))).toBe(0);
      expect((await d.redis.get(d.keys.claim('KP-GONE-0002')))).toBe(d.staff.aysel.staffId);
      expect((await d.redis.get(d.keys.claim('KP-KEPT-0003')))).toBe(d.staff.aysel.staffId);
      const released = d.notifier.to('caseworkers').filter((n) => n.caseCode === 'KP-GONE-0001' && n.kind === 'alert');
      expect(released).toHaveLength(1);
      expect(released[0]!.output.text[0]).toEqual({ key: 'caseworker:release.by_removal', params: { code: 'KP-GONE-0001' } });
      expect(released[0]!.output.buttons!.flat().map((b) => b.action)).toContainEqual({ type: 'staff', verb: 'claim', kind: 'intake', caseCode: 'KP-GONE-0001' });
      // Whoever claims it now holds it.
      expect((await claimCase(d.desk, d.staff.aysel, { caseCode: 'KP-GONE-0001' })).ok).toBe(true);
    });

    it('gives a request to talk back as a request to talk, not as a completed intake', async () => {
      const t = (key: string, params?: Record<string, unknown>) => d.desk.translator.t('az', key, params);
      // A person who only asked to talk: no intake completed, no eligibility checked.
      await d.redis.hset(d.keys.case('KP-TALK-0001'), { code: 'KP-TALK-0001', lang: 'ru', status: 'open', handoff: 'asked', handoff_at: '2026-11-24T07:50:00Z' });
      // One who completed the intake and asked to talk afterwards, and one who asked before completing it.
      await d.seedCase('KP-TALK-0002', { office: baku });
      await d.redis.hset(d.keys.case('KP-TALK-0002'), { intake_completed_at: '2026-11-24T07:00:00Z', handoff: 'asked', handoff_at: '2026-11-24T07:30:00Z' });
      await d.seedCase('KP-TALK-0003', { office: baku });
      await d.redis.hset(d.keys.case('KP-TALK-0003'), { intake_completed_at: '2026-11-24T07:30:00Z', handoff: 'asked', handoff_at: '2026-11-24T07:00:00Z' });
      for (const code of ['KP-TALK-0001', 'KP-TALK-0002', 'KP-TALK-0003']) await claimCase(d.desk, d.staff.nigar, { caseCode: code });
      expect(await removeStaff(d.desk, d.staff.kamran, { staff: d.staff.nigar })).toMatchObject({ ok: true, released: expect.arrayContaining(['KP-TALK-0001', 'KP-TALK-0002', 'KP-TALK-0003']) });
      const alertOf = (code: string) => d.notifier.to('caseworkers').find((n) => n.caseCode === code && n.kind === 'alert')!;
      for (const [code, kind] of [['KP-TALK-0001', 'handoff'], ['KP-TALK-0002', 'handoff'], ['KP-TALK-0003', 'intake']] as const) {
        const text = alertOf(code).output.text[1] as { plain: string };
        expect(text.plain.split('\n')[0]).toBe(t(`caseworker:alert.title.${kind}`, { code }));
        expect(alertOf(code).output.buttons!.flat().map((b) => b.action)).toContainEqual({ type: 'staff', verb: 'claim', kind, caseCode: code });
      }
      // The request's alert says why they asked and that their eligibility was never checked, as the original did.
      const request = (alertOf('KP-TALK-0001').output.text[1] as { plain: string }).plain;
      expect(request).toContain(t('caseworker:alert.handoff', { reason: t('common:alert.reason.asked') }));
      expect(request).toContain(t('caseworker:alert.eligibility', { result: t('caseworker:alert.result.none') }));
    });
  });

  describe('reassignCase', () => {
    it('is for supervisors and admins only', async () => {
      await d.seedCase('KP-RASN-0001', { office: baku });
      await claimCase(d.desk, d.staff.aysel, { caseCode: 'KP-RASN-0001' });
      expect(await reassignCase(d.desk, d.staff.nigar, { caseCode: 'KP-RASN-0001', to: d.staff.nigar })).toEqual({ ok: false, reason: 'forbidden', role: 'caseworker' });
      expect(await d.redis.hget(d.keys.case('KP-RASN-0001'), 'claimed_by')).toBe(d.staff.aysel.staffId);
    });

    it('gives the case to the new holder, who is told in their language; the previous holder is told too', async () => {
      await d.seedCase('KP-RASN-0002', { office: baku });
      await claimCase(d.desk, d.staff.aysel, { caseCode: 'KP-RASN-0002' });
      d.setNow(new Date('2026-11-24T09:00:00Z'));
      expect(await reassignCase(d.desk, d.staff.leyla, { caseCode: 'KP-RASN-0002', to: d.staff.nigar })).toEqual({ ok: true, caseCode: 'KP-RASN-0002', to: d.staff.nigar.staffId, from: d.staff.aysel.staffId });
      expect(await d.redis.hmget(d.keys.case('KP-RASN-0002'), 'claimed_by', 'claimed_at')).toEqual([d.staff.nigar.staffId, '2026-11-24T09:00:00.000Z']);
      expect(await d.redis.get(d.keys.claim('KP-RASN-0002'))).toBe(d.staff.nigar.staffId);
      const told = d.notifier.to('staff');
      // The new holder gets Open with the news: the alert is in the group, where they may not be.
      expect(told).toEqual([
        expect.objectContaining({
          to: { type: 'staff', staffId: d.staff.nigar.staffId },
          lang: 'ru',
          output: { type: 'message', text: [{ key: 'caseworker:reassign.to_you', params: { code: 'KP-RASN-0002' } }], buttons: [[{ label: { key: 'caseworker:alert.button.open' }, action: { type: 'staff', verb: 'open', kind: 'intake', caseCode: 'KP-RASN-0002' } }]] },
        }),
        expect.objectContaining({ to: { type: 'staff', staffId: d.staff.aysel.staffId }, lang: 'en', output: { type: 'message', text: [{ key: 'caseworker:reassign.from_you', params: { code: 'KP-RASN-0002' } }] } }),
      ]);
      // The group's alert is posted again naming the new holder, in the group's language, without Claim.
      const [again, ...more] = d.notifier.to('caseworkers');
      expect(more).toEqual([]);
      expect(again).toMatchObject({ kind: 'alert', lang: 'az', caseCode: 'KP-RASN-0002' });
      expect(again!.output.text[0]).toEqual({ key: 'caseworker:reassign.alert', params: { code: 'KP-RASN-0002', worker: 'Nigar Həsənova' } });
      const body = (again!.output.text[1] as { plain: string }).plain;
      expect(body).toContain(d.desk.translator.t('az', 'caseworker:alert.claimed', { worker: 'Nigar Həsənova', time: '24.11.2026 13:00' }));
      expect(body).not.toContain('Aysel');
      expect(again!.output.buttons!.flat().map((b) => b.action)).toEqual([{ type: 'staff', verb: 'open', kind: 'intake', caseCode: 'KP-RASN-0002' }]);
      expect(d.audit.at(-1)).toMatchObject({ staffId: d.staff.leyla.staffId, action: 'reassign_case', to: d.staff.nigar.staffId, from: d.staff.aysel.staffId });
      // The new holder can open it now, the old one cannot.
      expect((await openCase(d.desk, d.staff.nigar, { caseCode: 'KP-RASN-0002' })).ok).toBe(true);
      expect(await openCase(d.desk, d.staff.aysel, { caseCode: 'KP-RASN-0002' })).toMatchObject({ ok: false, reason: 'not_holder', name: 'Nigar Həsənova' });
    });

    it('gives an unclaimed case, and refuses a target off the roster or of another office', async () => {
      await d.seedCase('KP-RASN-0003', { office: baku });
      expect(await reassignCase(d.desk, d.staff.kamran, { caseCode: 'KP-RASN-0003', to: d.staff.stranger })).toEqual({ ok: false, reason: 'invalid_target' });
      expect(await reassignCase(d.desk, d.staff.kamran, { caseCode: 'KP-RASN-0003', to: d.staff.rauf })).toEqual({ ok: false, reason: 'target_other_office' });
      expect(await reassignCase(d.desk, d.staff.kamran, { caseCode: 'KP-NONE-0000', to: d.staff.aysel })).toEqual({ ok: false, reason: 'not_found' });
      expect(await reassignCase(d.desk, d.staff.kamran, { caseCode: 'KP-RASN-0003', to: d.staff.aysel })).toEqual({ ok: true, caseCode: 'KP-RASN-0003', to: d.staff.aysel.staffId });
      expect(d.notifier.to('staff')).toHaveLength(1);
      expect(d.cancelled).toContain('KP-RASN-0003');
      await d.seedCase('KP-RASN-0004', { office: ganja });
      expect((await reassignCase(d.desk, d.staff.leyla, { caseCode: 'KP-RASN-0004', to: d.staff.rauf })).ok).toBe(true);
    });
  });

  describe('a case that has ended', () => {
    it('is claimed by nobody once closed, withdrawn or erased, and a closed one is not released or reassigned', async () => {
      await d.seedCase('KP-ENDS-0001', { office: baku });
      await claimCase(d.desk, d.staff.aysel, { caseCode: 'KP-ENDS-0001' });
      await d.redis.hset(d.keys.case('KP-ENDS-0001'), { status: 'closed', close_reason: 'other_body' });
      expect(await releaseCase(d.desk, d.staff.aysel, { caseCode: 'KP-ENDS-0001' })).toEqual({ ok: false, reason: 'case_closed', status: 'closed' });
      expect(await releaseCase(d.desk, d.staff.leyla, { caseCode: 'KP-ENDS-0001' })).toEqual({ ok: false, reason: 'case_closed', status: 'closed' });
      expect(await reassignCase(d.desk, d.staff.leyla, { caseCode: 'KP-ENDS-0001', to: d.staff.nigar })).toEqual({ ok: false, reason: 'case_closed', status: 'closed' });
      expect(await d.redis.hget(d.keys.case('KP-ENDS-0001'), 'claimed_by')).toBe(d.staff.aysel.staffId);

      for (const [code, status] of [['KP-ENDS-0002', 'closed'], ['KP-ENDS-0003', 'withdrawn'], ['KP-ENDS-0004', 'erased']] as const) {
        await d.seedCase(code, { office: baku });
        await d.redis.hset(d.keys.case(code), 'status', status);
        expect(await claimCase(d.desk, d.staff.aysel, { caseCode: code })).toEqual({ ok: false, reason: 'case_closed', status });
        expect(await claimCase(d.desk, d.staff.leyla, { caseCode: code })).toEqual({ ok: false, reason: 'case_closed', status });
        expect(await d.redis.hget(d.keys.case(code), 'claimed_by')).toBeNull();
      }
      expect(d.audit.filter((e) => e.action === 'refuse_claim').map((e) => e['why'])).toEqual(Array(6).fill('case_closed'));
      expect(d.notifier.to('caseworkers')).toEqual([]);
    });

    it('lets the holder of a withdrawn case still release it (it waits for its closing)', async () => {
      await d.seedCase('KP-ENDS-0005', { office: baku });
      await claimCase(d.desk, d.staff.aysel, { caseCode: 'KP-ENDS-0005' });
      await d.redis.hset(d.keys.case('KP-ENDS-0005'), 'status', 'withdrawn');
      expect(await releaseCase(d.desk, d.staff.aysel, { caseCode: 'KP-ENDS-0005' })).toEqual({ ok: true, caseCode: 'KP-ENDS-0005' });
    });
  });

  describe('openCase', () => {
    it('gives the holder the case file, decrypted, in their language; nobody else', async () => {
      await d.seedCase('KP-OPEN-0001');
      expect(await openCase(d.desk, d.staff.aysel, { caseCode: 'KP-OPEN-0001' })).toEqual({ ok: false, reason: 'not_claimed' });
      await claimCase(d.desk, d.staff.aysel, { caseCode: 'KP-OPEN-0001' });
      const r = await openCase(d.desk, d.staff.aysel, { caseCode: 'KP-OPEN-0001' });
      if (!r.ok) throw new Error(r.reason);
      expect(r.lang).toBe('en');
      expect(r.details.fields.first_name).toBe('Olena');
      expect(r.text).toContain(d.desk.translator.t('en', 'caseworker:open.field.first_name', { value: 'Olena' }));
      expect(await openCase(d.desk, d.staff.nigar, { caseCode: 'KP-OPEN-0001' })).toEqual({ ok: false, reason: 'not_holder', by: d.staff.aysel.staffId, name: 'Aysel Quliyeva' });
      expect(await openCase(d.desk, d.staff.stranger, { caseCode: 'KP-OPEN-0001' })).toEqual({ ok: false, reason: 'not_staff' });
      // The holder's opening is recorded (who saw the person's data); the refused ones are not.
      expect(d.audit.map((e) => [e.action, e.staffId])).toEqual([['claim_case', d.staff.aysel.staffId], ['open_case', d.staff.aysel.staffId]]);
    });

    it('refuses a holder moved to another office, as the workspace does: the file of a case of their old office is not theirs to read', async () => {
      await d.seedCase('KP-OPEN-0002', { office: baku });
      await claimCase(d.desk, d.staff.aysel, { caseCode: 'KP-OPEN-0002' });
      expect((await openCase(d.desk, d.staff.aysel, { caseCode: 'KP-OPEN-0002' })).ok).toBe(true);
      // The move gives the case back to the group (office-move.test.ts): she holds it no more.
      expect(await changeStaff(d.desk, d.staff.kamran, { staff: d.staff.aysel, office: 'ganja' })).toMatchObject({ ok: true, released: ['KP-OPEN-0002'] });
      expect(await openCase(d.desk, d.staff.aysel, { caseCode: 'KP-OPEN-0002' })).toEqual({ ok: false, reason: 'not_claimed' });
      // A claim of hers left on it all the same (written by a process that missed the move):
      // the workspace's case file refuses her; Open in Telegram sent her the whole file decrypted.
      await d.desk.claims.claim('KP-OPEN-0002', d.staff.aysel.staffId, new Date());
      expect(await viewCase(d.desk, d.staff.aysel, { caseCode: 'KP-OPEN-0002' })).toEqual({ ok: false, reason: 'other_office' });
      expect(await openCase(d.desk, d.staff.aysel, { caseCode: 'KP-OPEN-0002' })).toEqual({ ok: false, reason: 'other_office' });
      expect(d.audit.filter((e) => e.action === 'open_case')).toHaveLength(1);
    });
  });
});
