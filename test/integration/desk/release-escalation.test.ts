import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { EscalationScheduler, workingHoursPolicy, type EscalationJob } from '../../../src/caseworkers/escalation';
import { changeStaff, claimCase, releaseCase, removeStaff, type DeskDeps } from '../../../src/caseworkers/desk';
import { testRedisWith } from '../../helpers/redis';
import { baku, ganja, startDesk, type Desk } from './desk-harness';

/**
 * A claimed case that goes back to the case workers' group (its holder's release, a supervisor's,
 * its holder taken off the roster or moved to another office) waits there for someone to claim
 * it again, as a new intake does: unless someone claims it within the working time of the
 * escalation policy, counted from the release, the supervisors are pushed. On a real Redis, with
 * the real escalation queue and the programme's working-hours policy.
 */
describe('desk: a case given back to the group escalates again', () => {
  let d: Desk;
  let bull: Redis;
  let escalations: EscalationScheduler;
  let desk: DeskDeps;
  const policy = workingHoursPolicy(240, [baku, ganja]);
  beforeEach(async () => {
    d = await startDesk();
    bull = testRedisWith({ maxRetriesPerRequest: null });
    escalations = EscalationScheduler.create(bull, d.prefix, policy);
    desk = { ...d.desk, escalations };
  });
  afterEach(async () => {
    await escalations.close();
    bull.disconnect();
    await d.close();
  });

  /** The case's escalation jobs that have not run yet, whatever their ids. */
  async function pending(code: string): Promise<Job[]> {
    const jobs = await escalations.queue.getJobs(['delayed', 'waiting']);
    return jobs.filter((j) => (j.data as EscalationJob).caseCode === code);
  }
  /** The case's one pending escalation: waiting since `releasedAt`, due by the policy in the case's office. */
  async function expectArmedFrom(code: string, releasedAt: Date): Promise<void> {
    const jobs = await pending(code);
    expect(jobs).toHaveLength(1);
    const job = jobs[0]!;
    expect(job.data).toMatchObject({ caseCode: code, since: releasedAt.toISOString() });
    expect(await job.isDelayed()).toBe(true);
    expect(job.delay).toBe(policy.dueAt(releasedAt, baku).getTime() - releasedAt.getTime());
  }

  it('arms the escalation again at a release, counted from it; the next claim cancels it; a release repeated schedules no second one', async () => {
    const code = 'KP-RARM-0001';
    await d.seedCase(code, { office: baku });
    // The intake's escalation, as its alert scheduled it: cancelled by the claim.
    await escalations.schedule(code, new Date('2026-11-24T07:00:00Z'), baku);
    expect(await claimCase(desk, d.staff.aysel, { caseCode: code })).toMatchObject({ ok: true });
    expect(await pending(code)).toEqual([]);

    const released = new Date('2026-11-24T12:00:00Z');
    d.setNow(released);
    expect(await releaseCase(desk, d.staff.aysel, { caseCode: code })).toEqual({ ok: true, caseCode: code });
    await expectArmedFrom(code, released);
    // The same release again (a second tap, a redelivered command): nothing more is scheduled.
    d.setNow(new Date('2026-11-24T12:00:05Z'));
    expect(await releaseCase(desk, d.staff.aysel, { caseCode: code })).toEqual({ ok: false, reason: 'not_claimed' });
    await expectArmedFrom(code, released);

    // Claimed again: the escalation goes.
    d.setNow(new Date('2026-11-24T12:30:00Z'));
    expect(await claimCase(desk, d.staff.nigar, { caseCode: code })).toMatchObject({ ok: true });
    expect(await pending(code)).toEqual([]);

    // Released again: armed again, from this release.
    const again = new Date('2026-11-25T10:00:00Z');
    d.setNow(again);
    expect(await releaseCase(desk, d.staff.leyla, { caseCode: code })).toMatchObject({ ok: true });
    await expectArmedFrom(code, again);
  });

  it('keeps one escalation when a claim’s cancel was lost before the next release: the one of the last release', async () => {
    const code = 'KP-RARM-0002';
    await d.seedCase(code, { office: baku });
    await claimCase(desk, d.staff.aysel, { caseCode: code });
    d.setNow(new Date('2026-11-24T09:00:00Z'));
    await releaseCase(desk, d.staff.aysel, { caseCode: code });
    // Claimed without the desk (as if its cancel had been lost), then released again.
    expect(await claimCase(d.desk, d.staff.nigar, { caseCode: code })).toMatchObject({ ok: true });
    const last = new Date('2026-11-24T10:00:00Z');
    d.setNow(last);
    await releaseCase(desk, d.staff.nigar, { caseCode: code });
    await expectArmedFrom(code, last);
  });

  it('arms it for each waiting case given back when its holder leaves the roster or moves to another office; not for a closed or withdrawn one', async () => {
    for (const [i, code] of ['KP-RARM-0003', 'KP-RARM-0004', 'KP-RARM-0005', 'KP-RARM-0006'].entries()) {
      // Each in a meeting of its own at Baku (a slot holds two).
      await d.seedCase(code, { office: baku, start: new Date(Date.parse('2026-11-25T06:00:00Z') + i * 3_600_000) });
      expect(await claimCase(desk, code === 'KP-RARM-0006' ? d.staff.nigar : d.staff.aysel, { caseCode: code })).toMatchObject({ ok: true });
    }
    await d.redis.hset(d.keys.case('KP-RARM-0004'), 'status', 'closed');
    await d.redis.hset(d.keys.case('KP-RARM-0005'), 'status', 'withdrawn');

    const removedAt = new Date('2026-11-24T11:00:00Z');
    d.setNow(removedAt);
    const removed = await removeStaff(desk, d.staff.kamran, { staff: d.staff.aysel });
    expect(removed).toMatchObject({ ok: true, removed: true });
    if (!removed.ok) throw new Error(removed.reason);
    expect([...removed.released].sort()).toEqual(['KP-RARM-0003', 'KP-RARM-0004', 'KP-RARM-0005']);
    await expectArmedFrom('KP-RARM-0003', removedAt);
    expect(await pending('KP-RARM-0004')).toEqual([]);
    expect(await pending('KP-RARM-0005')).toEqual([]);

    const movedAt = new Date('2026-11-24T11:30:00Z');
    d.setNow(movedAt);
    expect(await changeStaff(desk, d.staff.kamran, { staff: d.staff.nigar, office: 'ganja' })).toMatchObject({ ok: true, released: ['KP-RARM-0006'] });
    await expectArmedFrom('KP-RARM-0006', movedAt);
  });
});
