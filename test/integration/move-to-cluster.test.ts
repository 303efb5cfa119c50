import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { person, useUpdateIds } from '../../bench/telegram-updates';
import { intakeScript, toUpdate } from '../../bench/workload';
import { REMINDER_QUEUE } from '../../src/scheduling/reminders';
import { createRedisClient } from '../../src/storage/redis-client';
import { startRedisCluster, type RedisClusterProcess } from '../../src/storage/redis-cluster-process';
import { redisKeys } from '../../src/storage/keys';
import { startRedisServer, type RedisServerProcess } from '../../src/storage/redis-server-process';
import { FakeBotApi } from '../helpers/fake-bot-api';
import { startTestKorpu, type TestKorpu } from '../helpers/korpu';
import { onCluster, testPrefix } from '../helpers/redis';

/**
 * Moving a deployment from one Redis to a Redis Cluster, as the README tells the operator: every
 * key is named alike on both (hash tags included), so Redis's own
 * `redis-cli --cluster import <a cluster node> --cluster-from <the Redis> --cluster-copy` moves
 * them, and Körpü started on the cluster carries on where it stopped. A person half-way through
 * the intake finishes it there; what they typed before the move is theirs still (/mydata); the
 * effects run (the case workers are alerted); the nudge armed before the move is in its queue.
 *
 * It starts a Redis and a cluster of its own (whichever the suite runs on), so it runs in
 * `npm test` only.
 */
const CASEWORKERS = 6_300_000_001;
const run = promisify(execFile);
jest.setTimeout(120_000);

(onCluster() ? describe.skip : describe)('moving from one Redis to a Redis Cluster', () => {
  let dir: string;
  let single: RedisServerProcess;
  let cluster: RedisClusterProcess;
  let api: FakeBotApi;
  let before: TestKorpu | undefined;
  let after: TestKorpu | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'korpu-move-'));
    single = await startRedisServer({ dir: join(dir, 'single'), persist: false });
    cluster = await startRedisCluster({ dir: join(dir, 'cluster'), masters: 3 });
    api = await FakeBotApi.start();
  });

  afterAll(async () => {
    await before?.stop();
    await after?.stop();
    await api.close();
    await cluster.stop();
    await single.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('carries a person half-way through the intake over, with their answers, their queued jobs and the effects that follow', async () => {
    const prefix = testPrefix();
    const env = { CASEWORKER_CHAT_ID: String(CASEWORKERS) };
    // Person 24 books days ahead: a meeting early tomorrow booked in the evening has no reminder left to carry over.
    const p = person(24, 63);
    const script = intakeScript(p);
    const half = script.findIndex((a) => a.kind === 'text' && a.text === p.user.first_name) + 1;
    useUpdateIds(630_000_000);

    // On one Redis: the start of the intake, up to the first name; every effect performed. Then stopped.
    before = await startTestKorpu({ api, prefix, env: { ...env, REDIS_URL: single.url } });
    const dataKey = before.dataKey;
    for (const answer of script.slice(0, half)) await before.bot!.handleUpdate(toUpdate(p, answer));
    await before.settled();
    const code = (await before.core.runner.peek(before.core.runner.conversationId('telegram', String(p.id))))!.caseCode!;
    await before.stop();
    before = undefined;

    // The operator's move, with Redis's own tool.
    const from = new URL(single.url);
    const to = new URL(cluster.url.split(',')[0]!);
    await run('redis-cli', ['--cluster', 'import', `${to.hostname}:${to.port}`, '--cluster-from', `${from.hostname}:${from.port}`, '--cluster-copy']).catch((err: NodeJS.ErrnoException) => {
      throw err.code === 'ENOENT' ? new Error('redis-cli is not on PATH: it comes with redis-server (Debian: apt-get install redis-tools)') : err;
    });
    const source = new Redis(single.url);
    const moved = createRedisClient(cluster.url, {}, true);
    try {
      const keys = (await source.keys(`${prefix}*`)).sort();
      const there = (await Promise.all(keys.map((k) => moved.exists(k)))).filter((n) => n === 1).length;
      expect(keys.length).toBeGreaterThan(10);
      expect(there).toBe(keys.length);
    } finally {
      source.disconnect();
      moved.disconnect();
    }

    // On the cluster, with the same prefix and data key: the rest of the intake.
    after = await startTestKorpu({ api, prefix, dataKey, env: { ...env, REDIS_URL: cluster.url } });
    const mark = api.calls.length;
    for (const answer of script.slice(half)) await after.bot!.handleUpdate(toUpdate(p, answer));
    await after.settled();
    const calls = api.calls.slice(mark);
    // Every answer was taken as the next one (no fresh start, no "I did not understand"): the
    // booking at the end was confirmed with its calendar file.
    expect(calls.some((c) => c.method === 'sendDocument' && String(c.params.chat_id) === String(p.id))).toBe(true);
    expect((await after.core.runner.peek(after.core.runner.conversationId('telegram', String(p.id))))!.caseCode).toBe(code);
    // The effects of the finished intake run on the cluster: the case workers hear of the case.
    await api.waitForCalls((c) => c.method === 'sendMessage' && String(c.params.chat_id) === String(CASEWORKERS) && String(c.params.text).includes(code), 1, 20_000);
    // What was typed before the move is readable after it (the same data key).
    const shownFrom = api.sentMessages(p.id).length;
    await after.bot!.handleUpdate(toUpdate(p, { kind: 'command', text: '/mydata' }));
    const shown = api.sentMessages(p.id).slice(shownFrom).map((m) => m.text ?? '').join('\n');
    expect(shown).toContain(p.user.first_name);
    expect(shown).toContain(code);
    // The nudge armed when the conversation began, on the one Redis, waits in the cluster's queue.
    // BullMQ does not close a connection it was given: this test's own, closed here (left open,
    // it kept asking the stopped cluster for its slots after the test, in every later test's log).
    const connection = createRedisClient(cluster.url, { maxRetriesPerRequest: null }, true);
    const queue = new Queue(REMINDER_QUEUE, { connection, prefix: redisKeys(prefix).bull() });
    try {
      const jobs = await queue.getJobs(['delayed', 'waiting']);
      expect(jobs.some((j) => j?.name === 'nudge')).toBe(true);
      expect(jobs.some((j) => j?.name === 'reminder' && j.data.caseCode === code)).toBe(true);
    } finally {
      await queue.close();
      connection.disconnect();
    }
  });
});
