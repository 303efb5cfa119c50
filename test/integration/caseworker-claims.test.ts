import { randomBytes } from 'node:crypto';
import { QueueEvents, type Job, type Worker } from 'bullmq';
import { Redis as IORedis, type Redis } from 'ioredis';
import { CaseFiles } from '../../src/caseworkers/case-file';
import { ClaimStore } from '../../src/caseworkers/claims';
import { createEscalationWorker, ESCALATION_QUEUE, EscalationScheduler, escalationJobId, workingHoursPolicy, type EscalationPolicy } from '../../src/caseworkers/escalation';
import { RosterStore, type NewCaseWorker } from '../../src/caseworkers/roster';
import { alertId, createCaseworkerAlerts } from '../../src/caseworkers/alert-notices';
import type { Notice, Notifier } from '../../src/core/notifier';
import type { Effect } from '../../src/core/conversation';
import { silentLogger } from '../../src/core/logger';
import { createTranslator } from '../../src/i18n';
import type { EffectContext } from '../../src/intake/conversation-runner';
import { BookingStore } from '../../src/scheduling/booking-store';
import type { OutboxMessage } from '../../src/scheduling/outbox';
import { slotIdAt } from '../../src/scheduling/slot-id';
import { FieldCipher } from '../../src/storage/field-cipher';
import { redisKeys, type RedisKeys } from '../../src/storage/keys';
import { testOffice } from '../helpers/office';
import { dropPrefix, readablePrefix, testPrefix, testRedis, testRedisUrl, testRedisWith } from '../helpers/redis';

/**
 * The pieces behind the case workers' alerts on a real Redis and BullMQ: claims (first tap
 * wins across connections), case files (what the group may see, what the claimer sees),
 * attendance marking, the alerts listener's once-per-effect guarantee, and escalations
 * (delayed job with a deterministic id, cancelled or ignored once the case is claimed).
 */

const tr = createTranslator();
const baku = testOffice();
const tg: EffectContext = { channel: 'telegram', conversationId: 'conv-555' };

describe('case workers: claims, case files, alerts, escalation', () => {
  let redis: Redis;
  let other: Redis;
  let prefix: string;
  let keys: RedisKeys;
  let cipher: FieldCipher;
  const closers: (() => Promise<unknown>)[] = [];

  beforeEach(() => {
    redis = testRedisWith({ maxRetriesPerRequest: null });
    other = testRedisWith({ maxRetriesPerRequest: null });
    prefix = testPrefix();
    keys = redisKeys(prefix);
    cipher = new FieldCipher(randomBytes(32));
  });

  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
    await dropPrefix(redis, prefix);
    redis.disconnect();
    other.disconnect();
  });

  /** A case as the intake leaves it: consent, interview answers (encrypted), a diagnosis. */
  async function seedCase(code: string, o: { consent?: string; birth?: string; crisis?: string } = {}): Promise<void> {
    const seal = (field: string, value: string) => cipher.encrypt(value, `${code}:${field}`);
    await redis.hset(keys.case(code), {
      code,
      lang: 'ru',
      status: 'intake_completed',
      intake_completed_at: '2026-11-24T05:30:00.000Z',
      consent: o.consent ?? 'A',
      contact: seal('contact', 'telegram:555'),
      'f:first_name': seal('first_name', 'Aysel'),
      'f:last_name': seal('last_name', 'Məmmədova'),
      'f:birth_date': seal('birth_date', o.birth ?? '1995-02-14'),
      'f:phone': seal('phone', '+994501234567'),
      'f:reason': 'study',
      ...(o.crisis ? { crisis: o.crisis } : {}),
    });
    await redis.rpush(keys.diagnoses(code), JSON.stringify({ outcome: 'likely_eligible', provisional: true, reasons: [], answers: { q1: 'yes', q2: 'yes', q3: ['planning', 'language'], q4: 'pending' } }));
    await redis.rpush(keys.questions(code), JSON.stringify({ at: '2026-11-24T05:29:00.000Z', text: cipher.encrypt('Can my husband come?', `${code}:question`) }));
  }

  describe('ClaimStore', () => {
    it('lets exactly one of many simultaneous claims win, across connections, and records it on the case', async () => {
      await seedCase('KP-AAAA-0001');
      const stores = [new ClaimStore(redis, keys), new ClaimStore(other, keys)];
      const workers = Array.from({ length: 12 }, (_, i) => `s-${900 + i}`);
      const now = new Date('2026-11-24T08:00:00Z');
      const results = await Promise.all(workers.map((w, i) => stores[i % 2]!.claim('KP-AAAA-0001', w, now)));
      const winners = results.filter((r) => r.outcome === 'claimed');
      expect(winners).toHaveLength(1);
      const owner = (winners[0] as { by: string }).by;
      expect(results.filter((r) => r.outcome === 'taken').every((r) => (r as { by: string }).by === owner)).toBe(true);
      expect(await redis.hmget(keys.case('KP-AAAA-0001'), 'claimed_by', 'claimed_at')).toEqual([owner, now.toISOString()]);
      expect(await stores[0]!.get('KP-AAAA-0001')).toEqual({ by: owner, at: now });
      // Claiming again, even by the owner, changes nothing.
      expect(await stores[1]!.claim('KP-AAAA-0001', owner, new Date())).toEqual({ outcome: 'taken', by: owner });
      expect(await redis.hget(keys.case('KP-AAAA-0001'), 'claimed_at')).toBe(now.toISOString());
    });

    it('claims no case that does not exist (a forged button)', async () => {
      const claims = new ClaimStore(redis, keys);
      expect(await claims.claim('KP-NONE-0000', 's-1', new Date())).toEqual({ outcome: 'missing' });
      expect(await redis.exists(keys.claim('KP-NONE-0000'), keys.case('KP-NONE-0000'))).toBe(0);
    });
  });

  describe('CaseFiles', () => {
    it('shows the group no name unless consent is C, and never the phone number', async () => {
      const files = new CaseFiles({ redis, keys, cipher });
      for (const [code, consent] of [['KP-CONS-000A', 'A'], ['KP-CONS-000B', 'B'], ['KP-CONS-000C', 'C']] as const) {
        await seedCase(code, { consent });
        const s = await files.summary(code, new Date('2026-11-24T08:00:00Z'), { names: 'if_consented' });
        expect(s).toMatchObject({ code, exists: true, lang: 'ru', consent, diagnosis: { outcome: 'likely_eligible', areas: ['planning', 'language'] }, vulnerability: [] });
        if (consent === 'C') expect(s.name).toBe('Aysel Məmmədova');
        else expect(s.name).toBeUndefined();
        expect(JSON.stringify(s)).not.toContain('994501234567');
      }
      expect((await files.summary('KP-CONS-000C', new Date(), { names: 'never' })).name).toBeUndefined();
    });

    it('gives the claimer everything, decrypted, with the questions', async () => {
      await seedCase('KP-DETL-0001');
      const d = await new CaseFiles({ redis, keys, cipher }).details('KP-DETL-0001', new Date('2026-11-24T08:00:00Z'));
      expect(d.fields).toEqual({ first_name: 'Aysel', last_name: 'Məmmədova', birth_date: '1995-02-14', phone: '+994501234567', reason: 'study' });
      expect(d.questions).toEqual(['Can my husband come?']);
      expect(d.name).toBe('Aysel Məmmədova');
    });

    it('reads vulnerability signs: under 18, 60 and over, crisis', async () => {
      const files = new CaseFiles({ redis, keys, cipher });
      const now = new Date('2026-11-24T08:00:00Z');
      await seedCase('KP-VULN-0001', { birth: '2010-05-01' });
      await seedCase('KP-VULN-0002', { birth: '1950-05-01', crisis: 'violence' });
      expect((await files.summary('KP-VULN-0001', now)).vulnerability).toEqual([{ kind: 'minor' }]);
      expect((await files.summary('KP-VULN-0002', now)).vulnerability).toEqual([{ kind: 'older' }, { kind: 'crisis', category: 'violence' }]);
      // Without the cipher the age group is unknown; nothing fails.
      expect((await new CaseFiles({ redis, keys }).summary('KP-VULN-0002', now)).vulnerability).toEqual([{ kind: 'crisis', category: 'violence' }]);
    });
  });

  describe('BookingStore.mark', () => {
    it('records one attendance when Came and Did not come are tapped at once', async () => {
      const bookings = [new BookingStore(redis, prefix), new BookingStore(other, prefix)];
      const start = new Date('2026-11-25T06:00:00Z');
      const slot = { id: slotIdAt(baku, start), office: 'baku', start, end: new Date(start.getTime() + 3_600_000) };
      await bookings[0]!.book(baku, slot, 'KP-MARK-0001', 'ru', new Date());
      const [a, b] = await Promise.all([bookings[0]!.mark('KP-MARK-0001', 'attended'), bookings[1]!.mark('KP-MARK-0001', 'no_show')]);
      expect([a, b].filter(Boolean)).toHaveLength(1);
      expect((await bookings[0]!.get('KP-MARK-0001'))!.status).toBe(a ? 'attended' : 'no_show');
      // A mark for another slot (the meeting was moved) changes nothing.
      await bookings[0]!.book(baku, { ...slot, id: slotIdAt(baku, new Date(start.getTime() + 7_200_000)) }, 'KP-MARK-0002', 'ru', new Date());
      expect(await bookings[0]!.mark('KP-MARK-0002', 'no_show', { slot: slot.id })).toBe(false);
    });
  });

  describe('createCaseworkerAlerts', () => {
    function setup(o: { failFirst?: boolean; escalations?: { schedule: jest.Mock } } = {}) {
      const sent: Notice[] = [];
      let fail = o.failFirst === true;
      const notifier: Notifier = {
        notify: async (notice) => {
          if (fail) {
            fail = false;
            throw new Error('queue unavailable');
          }
          sent.push(notice);
        },
      };
      const alerts = createCaseworkerAlerts({
        notifier, translator: tr, logger: silentLogger(), channels: ['telegram', 'phone'],
        files: new CaseFiles({ redis, keys, cipher }), offices: [baku], buttons: true,
        ...(o.escalations ? { escalations: o.escalations } : {}),
      });
      return { alerts, sent };
    }
    const completed: Effect & { id: string } = { type: 'intake_completed', caseCode: 'KP-ALRT-0001', lang: 'ru', id: 'tg:1:3' };

    it('queues the alert under one outbox id per effect, however often it is told, with Claim and Open', async () => {
      await seedCase('KP-ALRT-0001');
      const { alerts, sent } = setup();
      await alerts(completed, tg);
      await alerts(completed, tg);
      // The outbox queues an id once (test/integration/outbox.test.ts): two tries, one alert.
      expect(new Set(sent.map((m) => m.id))).toEqual(new Set([alertId('tg:1:3')]));
      expect(sent[0]).toMatchObject({ id: alertId('tg:1:3'), to: { type: 'caseworkers' }, lang: 'az', kind: 'alert', caseCode: 'KP-ALRT-0001' });
      const text = sent[0]!.output.text.map((t) => ('plain' in t ? t.plain : '')).join('\n');
      expect(text).toContain(tr.t('az', 'caseworker:alert.title.intake', { code: 'KP-ALRT-0001' }));
      expect(sent[0]!.output.buttons!.flat().map((b) => b.action)).toEqual([
        { type: 'staff', verb: 'claim', kind: 'intake', caseCode: 'KP-ALRT-0001' },
        { type: 'staff', verb: 'open', kind: 'intake', caseCode: 'KP-ALRT-0001' },
      ]);
    });

    it('alerts an intake taken on the phone (/call) too', async () => {
      await seedCase('KP-ALRT-0001');
      const { alerts, sent } = setup();
      await alerts({ ...completed, id: 'phone:1:1' }, { ...tg, channel: 'phone' });
      expect(sent.map((m) => m.caseCode)).toEqual(['KP-ALRT-0001']);
    });

    it('stays quiet for the simulator and ordinary effects', async () => {
      await seedCase('KP-ALRT-0001');
      const { alerts, sent } = setup();
      await alerts(completed, { ...tg, channel: 'simulator' });
      await alerts({ type: 'case_opened', caseCode: 'KP-ALRT-0001', lang: 'az', id: 'x' }, tg);
      expect(sent).toEqual([]);
    });

    it('fails when the alert cannot be queued, so that the effect stream tries it again, and queues it then', async () => {
      await seedCase('KP-ALRT-0001');
      const { alerts, sent } = setup({ failFirst: true });
      await expect(Promise.resolve(alerts(completed, tg))).rejects.toThrow('queue unavailable');
      expect(sent).toHaveLength(0);
      await alerts(completed, tg);
      expect(sent).toHaveLength(1);
    });

    it('schedules the escalation of a completed intake, and of nothing else', async () => {
      await seedCase('KP-ALRT-0001');
      const schedule = jest.fn(async () => new Date());
      const { alerts } = setup({ escalations: { schedule } });
      await alerts({ type: 'handoff_requested', caseCode: 'KP-ALRT-0001', reason: 'asked', lang: 'ru', id: 'tg:1:1' }, tg);
      await alerts(completed, tg);
      expect(schedule).toHaveBeenCalledTimes(1);
      expect(schedule.mock.calls[0]).toEqual(['KP-ALRT-0001', expect.any(Date), undefined]);
    });
  });

  describe('escalation', () => {
    const supervisor: NewCaseWorker = { telegramId: 610_000_777, name: 'Leyla', langs: ['en'], office: 'baku', role: 'supervisor', addedAt: new Date(0), addedBy: 1 };
    const caseworker: NewCaseWorker = { ...supervisor, telegramId: 610_000_778, name: 'Rauf', role: 'caseworker' };
    /** Falls due half a second after the alert: short, and counted in plain time. */
    const soon: EscalationPolicy = { dueAt: (at) => new Date(at.getTime() + 500) };

    /** The supervisor's staff id, as the roster gave it: escalations are notified to it. */
    let supervisorId: string;

    async function start(policy: EscalationPolicy = soon) {
      const roster = new RosterStore(redis, prefix);
      supervisorId = (await roster.save(supervisor)).worker.staffId;
      await roster.put(caseworker);
      const claims = new ClaimStore(redis, keys);
      const scheduler = EscalationScheduler.create(redis, prefix, policy);
      const eventsConnection = testRedisWith({ maxRetriesPerRequest: null });
      // From the stream's start (a fresh prefix: empty), not '$': a job that finishes before the
      // first read of the events is not missed (on a cluster that first read can come late).
      const events = new QueueEvents(ESCALATION_QUEUE, { connection: eventsConnection, prefix: redisKeys(prefix).bull(), lastEventId: '0-0' });
      await events.waitUntilReady();
      const sent: Notice[] = [];
      const worker: Worker = createEscalationWorker({
        connection: redis, prefix, claims, roster, cipher, clock: { now: () => new Date() }, logger: silentLogger(),
        caseStatus: async (code) => (await redis.hget(keys.case(code), 'status')) ?? undefined,
        output: async (code, s) => ({ type: 'message', text: [{ plain: `${code} for ${s.name}` }] }),
        notifier: { notify: async (n) => void sent.push(n) },
        markEscalated: async (code, at) => void (await redis.hset(keys.case(code), 'escalated_at', at.toISOString())),
      });
      closers.push(() => scheduler.close(), () => worker.close(), async () => {
        await events.close();
        eventsConnection.disconnect();
      });
      return { claims, scheduler, events, sent, worker };
    }

    it('tells every supervisor, privately, about an intake nobody claimed; once per case', async () => {
      await seedCase('KP-ESCL-0001');
      const { scheduler, events, sent } = await start();
      await scheduler.schedule('KP-ESCL-0001', new Date());
      await scheduler.schedule('KP-ESCL-0001', new Date()); // a retried alert: still one job
      const job = (await scheduler.queue.getJob(escalationJobId('KP-ESCL-0001')))!;
      expect(await job.isDelayed()).toBe(true);
      expect(await job.waitUntilFinished(events, 10_000)).toBe('escalated');
      expect(sent).toEqual([
        { id: `escalation:KP-ESCL-0001:${supervisorId}`, to: { type: 'staff', staffId: supervisorId }, lang: 'en', output: { type: 'message', text: [{ plain: 'KP-ESCL-0001 for Leyla' }] }, kind: 'escalation', caseCode: 'KP-ESCL-0001' },
      ]);
      expect(await redis.hget(keys.case('KP-ESCL-0001'), 'escalated_at')).toEqual(expect.any(String));
      expect(await scheduler.queue.getJobCounts('delayed', 'waiting')).toEqual({ delayed: 0, waiting: 0 });
    });

    it('is cancelled when the case is claimed in time', async () => {
      await seedCase('KP-ESCL-0002');
      const { claims, scheduler } = await start({ dueAt: (at) => new Date(at.getTime() + 3_600_000) });
      await scheduler.schedule('KP-ESCL-0002', new Date());
      expect(await scheduler.queue.getJob(escalationJobId('KP-ESCL-0002'))).toBeDefined();
      await claims.claim('KP-ESCL-0002', 's-rauf', new Date());
      expect(await scheduler.cancel('KP-ESCL-0002')).toBe(true);
      expect(await scheduler.queue.getJob(escalationJobId('KP-ESCL-0002'))).toBeUndefined();
    });

    it('is ignored when it fires for a case claimed meanwhile (a cancel lost in a race)', async () => {
      await seedCase('KP-ESCL-0003');
      const { claims, scheduler, events, sent } = await start();
      await scheduler.schedule('KP-ESCL-0003', new Date());
      await claims.claim('KP-ESCL-0003', 's-rauf', new Date());
      const job = (await scheduler.queue.getJob(escalationJobId('KP-ESCL-0003')))!;
      expect(await job.waitUntilFinished(events, 10_000)).toBe('claimed');
      expect(sent).toEqual([]);
    });

    it.each(['withdrawn', 'erased', 'closed'])('is ignored when it fires for a case %s meanwhile: no supervisor is told, the case is not marked escalated', async (status) => {
      const code = `KP-ESC${status.slice(0, 1).toUpperCase()}-0004`;
      await seedCase(code);
      const { scheduler, events, sent } = await start();
      await scheduler.schedule(code, new Date());
      await redis.hset(keys.case(code), 'status', status);
      const job = (await scheduler.queue.getJob(escalationJobId(code)))!;
      expect(await job.waitUntilFinished(events, 10_000)).toBe('not_waiting');
      expect(sent).toEqual([]);
      expect(await redis.hget(keys.case(code), 'escalated_at')).toBeNull();
    });

    it('fails a malformed or unknown job once, for good, instead of retrying or skipping it', async () => {
      const { scheduler, events, sent, worker } = await start();
      const failed: Job[] = [];
      worker.on('failed', (job) => void (job && failed.push(job)));
      const bad = await scheduler.queue.add('escalate_unclaimed', { caseCode: '' }, { jobId: 'esc_bad', attempts: 5 });
      const unknown = await scheduler.queue.add('escalate_everything', { caseCode: 'KP-ESCL-0009', since: new Date().toISOString() }, { jobId: 'esc_unknown', attempts: 5 });
      await expect(bad.waitUntilFinished(events, 10_000)).rejects.toThrow(/malformed escalate_unclaimed job: caseCode/);
      await expect(unknown.waitUntilFinished(events, 10_000)).rejects.toThrow(/unknown job "escalate_everything"/);
      for (const id of ['esc_bad', 'esc_unknown']) {
        const job = (await scheduler.queue.getJob(id))!;
        expect(await job.getState()).toBe('failed');
        expect(job.attemptsMade).toBe(1);
      }
      expect(sent).toEqual([]);
    });

    it('counts 4 working hours of the office by default', () => {
      const policy = workingHoursPolicy(undefined, [baku]);
      // Friday 16:00 in Baku → Monday 11:00 (2 h on Friday, 2 h on Monday morning).
      expect(policy.dueAt(new Date('2026-11-27T12:00:00Z'), undefined).toISOString()).toBe('2026-11-30T07:00:00.000Z');
    });
  });

  it('leaves nothing personal readable under the prefix', async () => {
    await seedCase('KP-READ-0001', { consent: 'C' });
    await new ClaimStore(redis, keys).claim('KP-READ-0001', 's-42', new Date());
    const everything = await readablePrefix(redis, prefix);
    for (const plain of ['Aysel', 'Məmmədova', '994501234567', 'husband']) expect(everything).not.toContain(plain);
  });
});
