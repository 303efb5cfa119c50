import { claimCase, reassignCase, releaseCase, removeStaff } from '../../../src/caseworkers/desk';
import { ClaimStore } from '../../../src/caseworkers/claims';
import { redisScripts } from '../../../src/storage/lua/scripts';
import { baku, startDesk, type Desk } from './desk-harness';

/**
 * The members of staff's sets of held cases, written beside the claim scripts rather than in
 * them (the set and the claim live on different hash slots on Redis Cluster): what each write
 * leaves in them, and what a crash or race between the script and the set leaves behind, which
 * the readers must neither show nor act on wrongly.
 */
describe('desk: held cases beside the claim key', () => {
  let d: Desk;
  afterEach(() => d.close());

  const held = (staffId: string) => d.redis.smembers(d.keys.heldCases(staffId)).then((m) => m.sort());

  it('keeps each holder’s set in step through claim, lost claim, reassignment and release', async () => {
    d = await startDesk();
    await d.seedCase('KP-HELD-0001', { office: baku });
    await claimCase(d.desk, d.staff.aysel, { caseCode: 'KP-HELD-0001' });
    // Nigar's claim loses: the case she put in her set first is taken out again.
    expect(await claimCase(d.desk, d.staff.nigar, { caseCode: 'KP-HELD-0001' })).toMatchObject({ ok: false, reason: 'already_claimed' });
    expect(await held(d.staff.aysel.staffId)).toEqual(['KP-HELD-0001']);
    expect(await held(d.staff.nigar.staffId)).toEqual([]);

    await reassignCase(d.desk, d.staff.leyla, { caseCode: 'KP-HELD-0001', to: d.staff.nigar });
    expect(await held(d.staff.aysel.staffId)).toEqual([]);
    expect(await held(d.staff.nigar.staffId)).toEqual(['KP-HELD-0001']);

    await releaseCase(d.desk, d.staff.nigar, { caseCode: 'KP-HELD-0001' });
    expect(await held(d.staff.nigar.staffId)).toEqual([]);
    // A claim of a case that does not exist leaves nothing behind either.
    await claimCase(d.desk, d.staff.aysel, { caseCode: 'KP-NONE-0000' });
    expect(await held(d.staff.aysel.staffId)).toEqual([]);
  });

  it('a crash after a claim’s first write to the set (the script never ran) leaves a stale member: not listed, not released, and taken out', async () => {
    d = await startDesk();
    await d.seedCase('KP-HELD-0002', { office: baku });
    await d.seedCase('KP-HELD-0003', { office: baku });
    await claimCase(d.desk, d.staff.nigar, { caseCode: 'KP-HELD-0002' });
    // What ClaimStore.claim writes before its script, and nothing after.
    await d.redis.sadd(d.keys.heldCases(d.staff.nigar.staffId), 'KP-HELD-0003');

    expect(await new ClaimStore(d.redis, d.keys).heldBy(d.staff.nigar.staffId)).toEqual(['KP-HELD-0002']);
    expect(await held(d.staff.nigar.staffId)).toEqual(['KP-HELD-0002']);

    await d.redis.sadd(d.keys.heldCases(d.staff.nigar.staffId), 'KP-HELD-0003');
    expect(await removeStaff(d.desk, d.staff.kamran, { staff: d.staff.nigar })).toMatchObject({ ok: true, released: ['KP-HELD-0002'] });
    expect(d.notifier.to('caseworkers').filter((n) => n.caseCode === 'KP-HELD-0003')).toEqual([]);
  });

  it('a case claimed by the script alone (its holder’s set never written) is still released when the holder leaves, found through the list’s holder facet', async () => {
    d = await startDesk({ index: true });
    await d.seedCase('KP-HELD-0004', { office: baku });
    // The claim script without the writes to the set around it: the window a race between a
    // claim and a removal (or a crash of a writer that wrote the set only after) leaves.
    const [outcome] = await redisScripts(d.redis).claimCase({ claim: d.keys.claim('KP-HELD-0004'), case: d.keys.case('KP-HELD-0004') }, { worker: d.staff.nigar.staffId, now: new Date().toISOString() });
    expect(outcome).toBe('claimed');
    await d.index!.reindex('KP-HELD-0004');
    expect(await held(d.staff.nigar.staffId)).toEqual([]);

    expect(await removeStaff(d.desk, d.staff.kamran, { staff: d.staff.nigar })).toMatchObject({ ok: true, removed: true, released: ['KP-HELD-0004'] });
    expect(await d.redis.exists(d.keys.claim('KP-HELD-0004'))).toBe(0);
    expect(d.notifier.to('caseworkers').filter((n) => n.caseCode === 'KP-HELD-0004' && n.kind === 'alert')).toHaveLength(1);
  });

  it('a held case the set lacks is put back when the holder’s cases are listed', async () => {
    d = await startDesk({ index: true });
    await d.seedCase('KP-HELD-0005', { office: baku });
    await claimCase(d.desk, d.staff.aysel, { caseCode: 'KP-HELD-0005' });
    await d.redis.srem(d.keys.heldCases(d.staff.aysel.staffId), 'KP-HELD-0005');
    expect(await d.desk.claims.heldBy(d.staff.aysel.staffId)).toEqual(['KP-HELD-0005']);
    expect(await held(d.staff.aysel.staffId)).toEqual(['KP-HELD-0005']);
  });
});
