import type { Message, Update, User } from 'grammy/types';
import { RelayStore } from '../../src/caseworkers/relay-store';
import { caseRows } from '../../src/caseworkers/reports/case-export';
import { meetingDetails } from '../../src/intake/booking-desk';
import { OUTBOX_QUEUE, outboxJobId } from '../../src/scheduling/outbox';
import { reminderMessage } from '../../src/scheduling/reminders';
import { escalationJobId, EscalationScheduler, type EscalationPolicy } from '../../src/caseworkers/escalation';
import { redisKeys } from '../../src/storage/keys';
import { person, tapUpdate, type Person } from '../../bench/telegram-updates';
import { toUpdate, type Answer } from '../../bench/workload';
import { firstFreeTime, intakeUntilTimes } from '../helpers/intake';
import { testOfficesFile } from '../helpers/office';
import { testRedisWith } from '../helpers/redis';
import { addStaff, useTestKorpu } from '../helpers/use-korpu';

/**
 * What happens around a case once its person has withdrawn (/withdraw) or erased their data
 * (/delete), end to end through the fake Bot API: nothing Körpü had lined up for the case goes
 * on as if they were still waiting (the supervisors' escalation of an unclaimed intake, a
 * reminder already on its way), a case worker who answers them is told why it does not
 * reach them, and someone who takes part again after /withdraw carries no old withdrawal.
 * (The exact interleaving of a reminder with an erasure is reproduced deterministically in
 * test/integration/outbox-notices.test.ts; here the outbox's own timing makes it likely.)
 */

jest.setTimeout(60_000);

const CASEWORKERS = -1_001_424_000_000;
const SUPERVISOR_ID = 7_424_001;

describe('cases whose person withdrew or erased their data', () => {
  /** How long after its alert an unclaimed intake goes to the supervisors (set per test, at the intake). */
  let escalateAfterMs = 10 * 60_000;
  const escalationPolicy: EscalationPolicy = { dueAt: (at) => new Date(at.getTime() + escalateAfterMs) };
  const offices = testOfficesFile({ reminders: { beforeMinutes: [60], quietHours: { from: '03:00', to: '03:01' }, nudgeAfterMinutes: 1440 } });
  let escalations: EscalationScheduler;
  let bull: ReturnType<typeof testRedisWith>;
  // A person's messages from the outbox at most one each 500 ms: a message queued right behind
  // another waits for its slot inside the outbox worker, already addressed (see the reminder test).
  const e2e = useTestKorpu({
    offices,
    escalationPolicy,
    env: { CASEWORKER_CHAT_ID: String(CASEWORKERS) },
    telegramLimits: { groupMax: 1000, chatIntervalMs: 500 },
    beforeStop: async () => {
      await escalations?.close();
      bull?.disconnect();
    },
  });
  let supervisor: User;
  let worker: User;

  beforeAll(async () => {
    ({ user: worker } = await addStaff(e2e, { id: 7_424_002, name: 'Nigar Həsənova', firstName: 'Nigar', lang: 'en', langs: ['en', 'ru'] }));
    ({ user: supervisor } = await addStaff(e2e, { id: SUPERVISOR_ID, name: 'Leyla Əliyeva', firstName: 'Leyla', lang: 'en', langs: ['en'], role: 'supervisor' }));
    bull = testRedisWith({ maxRetriesPerRequest: null });
    escalations = EscalationScheduler.create(bull, e2e.prefix, escalationPolicy);
  });

  const tap = (node: string, value: string): Answer => ({ kind: 'tap', node, value });
  const send = (p: Person, a: Answer) => e2e.bot.handleUpdate(toUpdate(p, a));
  const caseOf = async (p: Person) => (await e2e.core.runner.peek(e2e.core.runner.conversationId('telegram', String(p.id))))?.caseCode;
  const tr = (lang: string, key: string, params?: Record<string, unknown>) => e2e.core.translator.t(lang as 'en', key, params);
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  /** The intake in English with the first free time booked; returns the case code. */
  async function intake(p: Person): Promise<string> {
    for (const answer of intakeUntilTimes('en', { firstName: p.user.first_name, surname: 'Quliyeva' })) await send(p, answer);
    await e2e.bot.handleUpdate(tapUpdate(p, firstFreeTime(e2e.api, p.id).callback_data));
    await e2e.korpu.settled();
    return (await caseOf(p))!;
  }
  const erase = async (p: Person) => {
    await send(p, { kind: 'command', text: '/delete' });
    await send(p, tap('confirm', 'yes'));
  };
  const withdraw = async (p: Person) => {
    await send(p, { kind: 'command', text: '/withdraw' });
    await send(p, tap('confirm', 'yes'));
    await send(p, { kind: 'text', text: 'I moved to Ganja' });
  };

  describe('the escalation of an unclaimed intake', () => {
    it.each([
      ['erased their data', erase, 0],
      ['withdrew', withdraw, 1],
    ] as const)('goes when the person %s: no supervisor is pushed to take the case up, nothing is written on it', async (_what, end, n) => {
      escalateAfterMs = 4_000;
      const p = person(n, 42);
      const code = await intake(p);
      const completedAt = Date.now();
      escalateAfterMs = 10 * 60_000;
      expect(await escalations.queue.getJob(escalationJobId(code))).toBeDefined();

      await end(p);
      await e2e.korpu.settled();
      expect(await escalations.queue.getJob(escalationJobId(code))).toBeUndefined();

      // Past the time it would have fallen due: the supervisor heard nothing of the case.
      await sleep(Math.max(0, completedAt + 5_000 - Date.now()));
      expect(e2e.api.sentMessages(supervisor.id).filter((m) => m.text?.includes(code))).toEqual([]);
      expect(await e2e.redis.hget(redisKeys(e2e.prefix).case(code), 'escalated_at')).toBeNull();
    });
  });

  describe('a reminder on its way to the person', () => {
    /** The reminder notice of the person's meeting, as the reminder worker queues it once it has checked the meeting. */
    async function reminderNotice(code: string) {
      const booking = (await e2e.core.bookings.get(code))!;
      const office = e2e.core.offices.offices.find((o) => o.id === booking.office)!;
      const output = reminderMessage(meetingDetails)({ lang: 'en', office, start: booking.start, slot: booking.slot });
      const text = tr('en', 'booking:reminder.text', meetingDetails(office, booking.start, 'en')).split('\n')[0]!;
      return { notice: { id: `out_reminder_${code}`, to: { type: 'case' as const, caseCode: code }, lang: 'en' as const, output, kind: 'reminder' as const, caseCode: code }, text };
    }
    const textsTo = (p: Person) => e2e.api.sentMessages(p.id).map((m) => m.text ?? '');

    it.each([
      ['erases their data', erase, 'rights:delete.done', 2],
      ['withdraws', withdraw, 'rights:withdraw.done', 3],
    ] as const)('already addressed and waiting for its slot when the person %s: it does not follow their answer', async (_what, end, doneKey, n) => {
      const p = person(n, 42);
      const code = await intake(p);
      const reminder = await reminderNotice(code);
      // Another message to the person goes first; the reminder, right behind it, is taken up by
      // the outbox (its chat found, its text unsealed) and waits ~500 ms for the chat's next slot.
      const mark = e2e.api.mark();
      await e2e.korpu.outbox!.notify({ id: `before_${code}`, to: { type: 'case', caseCode: code }, lang: 'en', output: { type: 'message', text: [{ plain: 'A message before the reminder' }] }, kind: 'notice', caseCode: code });
      await e2e.korpu.outbox!.notify(reminder.notice);
      await e2e.api.waitForCalls((c) => c.method === 'sendMessage' && c.params.chat_id === p.id && c.params.text === 'A message before the reminder', 1, 10_000, mark);

      // Meanwhile the person ends it, and is answered at once.
      await end(p);
      await e2e.korpu.settled();
      await sleep(2_000);
      const texts = textsTo(p);
      const done = texts.findIndex((x) => x.includes(tr('en', doneKey)));
      expect(done).toBeGreaterThan(-1);
      expect(texts.slice(done).filter((x) => x.includes(reminder.text))).toEqual([]);
    });

    it.each([
      ['erased their data', erase, 4],
      ['withdrew', withdraw, 5],
    ] as const)('queued only after the person %s (its meeting checked just before): not sent, and nothing of it kept', async (_what, end, n) => {
      const p = person(n, 42);
      const code = await intake(p);
      const reminder = await reminderNotice(code);
      await end(p);
      await e2e.korpu.settled();
      const before = textsTo(p).length;

      await e2e.korpu.outbox!.notify(reminder.notice);
      const job = (await e2e.korpu.outbox!.queue.getJob(outboxJobId(reminder.notice.id)))!;
      for (let i = 0; i < 100 && !(await job.isCompleted()) && !(await job.isFailed()); i++) await sleep(50);
      await sleep(300);
      expect(textsTo(p).slice(before)).toEqual([]);
      // What stays of the job (kept a while after it ran) holds no text of theirs.
      const kept = (await e2e.korpu.outbox!.queue.getJob(outboxJobId(reminder.notice.id)))!;
      expect(kept.data).toMatchObject({ forgotten: true });
      expect(kept.queueName).toBe(OUTBOX_QUEUE);
    });
  });

  describe('a case worker answering in a talk', () => {
    const group = () => e2e.api.updates.group({ id: CASEWORKERS, type: 'supergroup' });
    const replyFrom = (user: User, to: Message, text: string): Update => e2e.api.updates.message(user, { text, reply_to_message: to } as Partial<Message>, group());
    /** Someone who asked to talk to a person from the menu and wrote; the message relayed to the case workers' chat. */
    async function talking(p: Person, words: string): Promise<{ code: string; relayed: Message }> {
      await send(p, { kind: 'command', text: '/start' });
      await send(p, tap('language', 'en'));
      await send(p, tap('menu', 'person'));
      const code = (await caseOf(p))!;
      const before = e2e.api.sentMessages(CASEWORKERS).length;
      await send(p, { kind: 'text', text: words });
      const relayed = e2e.api.sentMessages(CASEWORKERS).slice(before).find((m) => m.text?.includes(words));
      expect(relayed).toBeDefined();
      return { code, relayed: relayed! };
    }
    const toGroupSince = (from: number) => e2e.api.sentMessages(CASEWORKERS).slice(from).map((m) => m.text ?? '');

    it('after /delete: the worker is told the person erased their data; nothing reaches the person', async () => {
      const p = person(6, 42);
      const { code, relayed } = await talking(p, 'Where can I learn Azerbaijani?');
      await erase(p);
      await e2e.korpu.settled();
      await sleep(1_000);
      const personBefore = e2e.api.sentMessages(p.id).length;
      const groupBefore = e2e.api.sentMessages(CASEWORKERS).length;

      await e2e.bot.handleUpdate(replyFrom(worker, relayed, 'There is a course on Mondays, shall I book you?'));
      await e2e.korpu.settled();
      await sleep(1_500);
      // Answered in the group, so in the group's language (CASEWORKER_CHAT_LANG, az by default), not the worker's.
      expect(toGroupSince(groupBefore)).toContain(tr('az', 'handoff:talk.staff.erased', { code }));
      expect(e2e.api.sentMessages(p.id).slice(personBefore)).toEqual([]);
      // The mark left in the workers' chat leads to the case code alone, nothing of the person.
      const relay = new RelayStore(e2e.redis, e2e.prefix, e2e.core.cipher);
      expect(await relay.relayedBy(CASEWORKERS, relayed.message_id)).toEqual({ caseCode: code, erased: true });
    });

    it('after /withdraw: the worker is told the person withdrew, the talk is not reopened; once the person asks for a case worker again, answers reach them', async () => {
      const p = person(7, 42);
      const { code, relayed } = await talking(p, 'I need a doctor who speaks Russian');
      await withdraw(p);
      await e2e.korpu.settled();
      await sleep(1_000);
      const personBefore = e2e.api.sentMessages(p.id).length;
      const groupBefore = e2e.api.sentMessages(CASEWORKERS).length;

      await e2e.bot.handleUpdate(replyFrom(worker, relayed, 'Why did you withdraw? Call me'));
      await e2e.korpu.settled();
      await sleep(1_500);
      // Answered in the group, so in the group's language (CASEWORKER_CHAT_LANG, az by default), not the worker's.
      expect(toGroupSince(groupBefore)).toContain(tr('az', 'handoff:talk.staff.withdrawn', { code }));
      expect(e2e.api.sentMessages(p.id).slice(personBefore)).toEqual([]);
      const relay = new RelayStore(e2e.redis, e2e.prefix, e2e.core.cipher);
      expect(await relay.openCase(e2e.core.runner.conversationId('telegram', String(p.id)))).toBeUndefined();
      // What the person writes now goes to the bot, not to the worker.
      const groupNow = e2e.api.sentMessages(CASEWORKERS).length;
      await send(p, { kind: 'text', text: 'hello?' });
      expect(toGroupSince(groupNow).filter((x) => x.includes('hello?'))).toEqual([]);

      // They ask for a case worker themselves: the worker's answer reaches them.
      await send(p, { kind: 'command', text: '/person' });
      const mark = e2e.api.mark();
      await e2e.bot.handleUpdate(replyFrom(worker, relayed, 'Hello again, how can I help?'));
      await e2e.api.waitForCalls((c) => c.method === 'sendMessage' && c.params.chat_id === p.id && c.params.text === tr('en', 'handoff:talk.from_worker', { text: 'Hello again, how can I help?' }), 1, 10_000, mark);
    });
  });

  describe('taking part again after /withdraw', () => {
    it('leaves no withdrawal on the case that is active again: /mydata and the cases export show it as it is now', async () => {
      const p = person(8, 42);
      const code = await intake(p);
      await withdraw(p);
      await e2e.korpu.settled();
      expect(await e2e.redis.hget(redisKeys(e2e.prefix).case(code), 'withdrawn_at')).not.toBeNull();

      // Book a meeting again: the whole path, consent and details again, the same case.
      for (const answer of intakeUntilTimes('en', { firstName: p.user.first_name, surname: 'Quliyeva' })) await send(p, answer);
      await e2e.bot.handleUpdate(tapUpdate(p, firstFreeTime(e2e.api, p.id).callback_data));
      await e2e.korpu.settled();
      expect(await caseOf(p)).toBe(code);

      const from = e2e.api.sentMessages(p.id).length;
      await send(p, { kind: 'command', text: '/mydata' });
      const shown = e2e.api.sentMessages(p.id).slice(from).map((m) => m.text ?? '').join('\n');
      expect(shown).toContain(tr('en', 'rights:mydata.status', { status: tr('en', 'rights:mydata.status_value.intake_completed') }));
      expect(shown).not.toContain(tr('en', 'rights:mydata.label.withdraw_reason'));
      expect(shown).not.toContain('I moved to Ganja');

      const hash = await e2e.redis.hgetall(redisKeys(e2e.prefix).case(code));
      expect(hash.status).toBe('intake_completed');
      expect(hash).not.toHaveProperty('withdrawn_at');
      expect(hash).not.toHaveProperty('f:withdraw_reason');
      const rows: Record<string, string>[] = [];
      for await (const row of caseRows({ redis: e2e.redis, keys: e2e.core.keys, cipher: e2e.core.cipher })) if (row.case_code === code) rows.push(row);
      expect(rows).toHaveLength(1);
      expect(rows[0]!.withdrawn_at).toBe('');
    });
  });
});
