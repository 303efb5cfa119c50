import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cluster } from 'ioredis';
import { seededIds } from '../../src/core/clock';
import { idInCell, personCell, redisKeys } from '../../src/storage/keys';
import { startRedisCluster, type RedisClusterProcess } from '../../src/storage/redis-cluster-process';

/**
 * The key layout on a real three-master Redis Cluster (redis-server's own cluster mode, local
 * ports): the keys one commit touches for a person — the conversation, its kept reply and open
 * talk, the case opened in it with its records and booking, the cell's effect stream — are
 * accepted by one script; keys of two families are refused as the cluster refuses them.
 */
describe('the hash-tagged key layout on a Redis Cluster', () => {
  let cluster: RedisClusterProcess;
  let client: Cluster;
  let dir: string;
  const keys = redisKeys('t:');
  // Touches every key it is given (a script must name each key in KEYS).
  const touchAll = "for i = 1, #KEYS do redis.call('SET', KEYS[i], '1') end return #KEYS";

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'korpu-cluster-'));
    cluster = await startRedisCluster({ dir, masters: 3 });
    client = new Cluster(cluster.nodes.map((n) => ({ host: '127.0.0.1', port: n.port })));
  }, 30_000);
  afterAll(async () => {
    client.disconnect();
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('spreads the hash slots over three masters', async () => {
    const slots = (await client.cluster('SLOTS')) as [number, number, ...unknown[]][];
    expect(slots).toHaveLength(3);
    expect(slots.reduce((n, [from, to]) => n + to - from + 1, 0)).toBe(16384);
  });

  it('lets one script write a conversation, the case opened in it and the cell\'s effect stream', async () => {
    const ids = seededIds(3);
    for (const conversation of ['Qw3_rT-yU8iO9pA1sD2fG4', 'Zx5cV6bN7mL8kJ9hG0fD1s', 'a', 'bb']) {
      const code = idInCell(() => ids.caseCode(), personCell(conversation));
      const person = [
        keys.conversation(conversation), keys.pendingReply(conversation), keys.talk(conversation), keys.effects(personCell(conversation)),
        keys.case(code), keys.diagnoses(code), keys.consents(code), keys.questions(code), keys.booking(code), keys.claim(code),
      ];
      await expect(client.eval(touchAll, person.length, ...person)).resolves.toBe(person.length);
    }
  });

  it('lets one script write an office\'s slots and days, and the shared families each on their own', async () => {
    const office = [keys.slot('baku@2026-12-07T10:00'), keys.slot('baku@2026-12-08T11:00'), keys.dayBookings('baku', '2026-12-07'), keys.officeClosures('baku')];
    const staff = [keys.heldCases('s1'), keys.callCounter('s1'), keys.openCall('s1'), keys.callsByCase('s1')];
    const index = [keys.cases(), keys.caseIndex('all'), keys.caseIndexEntry('KP-1'), keys.caseIndexBuilt()];
    const limits = [keys.limitGlobal(), keys.limitChat('r'), keys.limitChatLine('r'), keys.limitChatLineDue('r'), keys.limitGroup('g'), keys.limitPause()];
    const incidents = [keys.incident('i1'), keys.incidents(), keys.incidentDrafts(), keys.incidentFollowUps(), keys.caseIncidents('KP-1'), keys.incidentsUnacknowledged()];
    const audit = [keys.audit('2026-12'), keys.auditOnce('e1'), keys.auditOfCase('KP-1')];
    for (const family of [office, staff, index, limits, incidents, audit]) await expect(client.eval(touchAll, family.length, ...family)).resolves.toBe(family.length);
  });

  it('refuses a script over two families, as every cross-family call must be split', async () => {
    const ids = seededIds(9);
    const code = idInCell(() => ids.caseCode(), 0);
    const mixed = [keys.case(code), keys.cases()];
    await expect(client.eval(touchAll, mixed.length, ...mixed)).rejects.toThrow(/CROSSSLOT/);
  });
});
