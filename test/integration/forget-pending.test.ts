import { redisKeys } from '../../src/storage/keys';
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { RemindersSchema } from '../../src/config/offices';
import type { Output } from '../../src/core/conversation';
import { Worker } from 'bullmq';
import { Outbox, OUTBOX_QUEUE } from '../../src/scheduling/outbox';
import { noticeOutputAad, type NoticeJob } from '../../src/scheduling/outbox/outbox';
import { followUpJobId, nudgeJobId, reminderJobId, ReminderScheduler } from '../../src/scheduling/reminders';
import { FieldCipher } from '../../src/storage/field-cipher';
import { testOffice } from '../helpers/office';
import { dropPrefix, testPrefix, testRedis, testRedisUrl, testRedisWith } from '../helpers/redis';

/**
 * What waits for a person who withdraws or erases their data goes, on a real Redis and BullMQ:
 * the reminders of their meeting, the nudge of their conversation, the follow-up calls of their
 * incidents, and the outbox's messages about their case; nobody else's.
 */

describe('forgetting what waits for a person', () => {
  let redis: Redis;
  let bull: Redis;
  let prefix: string;
  const cipher = new FieldCipher(randomBytes(32));
  const output: Output = { type: 'message', text: [{ plain: 'x' }] };

  beforeEach(() => {
    redis = testRedis();
    bull = testRedisWith({ maxRetriesPerRequest: null });
    prefix = testPrefix();
  });

  afterEach(async () => {
    await dropPrefix(redis, prefix);
    bull.disconnect();
    await redis.quit();
  });

  it('removes the reminders, the nudge and the follow-ups of one person only', async () => {
    const settings = RemindersSchema.parse({ beforeMinutes: [60], quietHours: { from: '03:00', to: '03:01' }, nudgeAfterMinutes: 1440 });
    const reminders = ReminderScheduler.create(bull, prefix, settings, cipher);
    try {
      const now = new Date('2026-12-01T06:00:00Z');
      const office = testOffice();
      for (const [code, slot, conversation, incident] of [['KP-AAAA-AAAA', 'baku@2026-12-02T10:00', 'conv-a', 'inc-a'], ['KP-BBBB-BBBB', 'baku@2026-12-02T11:00', 'conv-b', 'inc-b']] as const) {
        await reminders.schedule({ caseCode: code, slotId: slot, office, start: new Date(`${slot.slice(5)}:00+04:00`) }, now);
        await reminders.armNudge({ conversation, channel: 'telegram', chatId: '42', lang: 'az' });
        await reminders.scheduleFollowUp({ caseCode: code, incident }, new Date(now.getTime() + 3_600_000), now);
      }
      const ids = (code: string, slot: string, conversation: string, incident: string) => [reminderJobId(code, slot, 60), nudgeJobId(conversation), followUpJobId(incident)];
      const a = ids('KP-AAAA-AAAA', 'baku@2026-12-02T10:00', 'conv-a', 'inc-a');
      const b = ids('KP-BBBB-BBBB', 'baku@2026-12-02T11:00', 'conv-b', 'inc-b');
      for (const id of [...a, ...b]) expect(await reminders.queue.getJob(id)).toBeDefined();

      await reminders.forget({ caseCode: 'KP-AAAA-AAAA', conversation: 'conv-a', slot: 'baku@2026-12-02T10:00', incidents: ['inc-a'] });
      for (const id of a) expect(await reminders.queue.getJob(id)).toBeUndefined();
      for (const id of b) expect(await reminders.queue.getJob(id)).toBeDefined();
      // Again: nothing more to remove, nothing fails.
      await reminders.forget({ caseCode: 'KP-AAAA-AAAA', conversation: 'conv-a', slot: 'baku@2026-12-02T10:00', incidents: ['inc-a'] });
    } finally {
      await reminders.close();
    }
  });

  it("removes the outbox's messages about one case, and keeps the others", async () => {
    const outbox = Outbox.create(bull, prefix, cipher);
    try {
      await outbox.notify({ id: 'reminder:a', to: { type: 'case', caseCode: 'KP-AAAA-AAAA' }, lang: 'az', output, kind: 'reminder', caseCode: 'KP-AAAA-AAAA' });
      await outbox.notify({ id: 'alert:a', to: { type: 'caseworkers' }, lang: 'az', output, kind: 'alert', caseCode: 'KP-AAAA-AAAA' });
      await outbox.notify({ id: 'reminder:b', to: { type: 'case', caseCode: 'KP-BBBB-BBBB' }, lang: 'az', output, kind: 'reminder', caseCode: 'KP-BBBB-BBBB' });
      await outbox.notify({ id: 'closed:a', to: { type: 'caseworkers' }, lang: 'az', output, kind: 'notice' });
      expect(await outbox.forgetCase('KP-AAAA-AAAA')).toBe(2);
      const left = (await outbox.queue.getJobs(['waiting', 'prioritized', 'delayed'])).map((j) => j.id).sort();
      expect(left).toEqual(['closed%3Aa', 'reminder%3Ab']);
      expect(await outbox.forgetCase('KP-AAAA-AAAA')).toBe(0);
    } finally {
      await outbox.close();
    }
  });

  it('wipes the text of a message about the case that is being sent (or holds its place in a chat), so nothing of it stays', async () => {
    const outbox = Outbox.create(bull, prefix, cipher);
    const taker = new Worker(OUTBOX_QUEUE, null, { connection: bull, prefix: redisKeys(prefix).bull() });
    try {
      const named: Output = { type: 'message', text: [{ plain: 'Ad: Zorvandiqa Qelmirtaxova' }] };
      await outbox.notify({ id: 'alert:c', to: { type: 'caseworkers' }, lang: 'az', output: named, kind: 'alert', caseCode: 'KP-CCCC-CCCC' });
      // Taken by a worker this moment: locked, it cannot be removed.
      const job = await taker.getNextJob('token-1');
      expect(job?.id).toBe('alert%3Ac');
      expect(await outbox.forgetCase('KP-CCCC-CCCC')).toBe(0);
      const kept = (await outbox.queue.getJob(job!.id!))!.data as NoticeJob;
      expect(kept.forgotten).toBe(true);
      expect(JSON.parse(cipher.decrypt(kept.output, noticeOutputAad(job!.id!)))).toEqual({ type: 'message', text: [] });
    } finally {
      await taker.close(true);
      await outbox.close();
    }
  });
});
