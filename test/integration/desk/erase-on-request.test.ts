import { Queue } from 'bullmq';
import pino from 'pino';
import { person, textUpdate } from '../../../bench/telegram-updates';
import { toUpdate, type Answer } from '../../../bench/workload';
import { eraseOnRequest } from '../../../src/caseworkers/desk';
import { OfficesFileSchema } from '../../../src/config/offices';
import { reminderJobId, REMINDER_QUEUE } from '../../../src/scheduling/reminders';
import { slotIdParts } from '../../../src/scheduling/slot-id';
import { redisKeys } from '../../../src/storage/keys';
import { intakeUntilTimes } from '../../helpers/intake';
import { testOffice } from '../../helpers/office';
import { addStaff, useTestKorpu } from '../../helpers/use-korpu';

/**
 * An admin erases a person's data at their request made outside the bot (in writing at the
 * office; again after a backup was restored), through the desk use case on Körpü as createKorpu
 * builds it (real Redis, BullMQ, the fake Bot API): the meeting still to come is cancelled (place
 * freed, reminders removed), the case file keeps no personal field, the case list shows it
 * erased, the person's saved conversation is gone, the trail names the admin; case workers and
 * supervisors are refused, a wrongly typed code changes nothing, and a second erasure says so.
 */

jest.setTimeout(90_000);

// Tuesday 24 November 2026, 12:00 in Baku (UTC+4).
const START = new Date('2026-11-24T08:00:00Z');
const CASEWORKERS = -1_001_777_000_444;
const baku = testOffice();
const offices = OfficesFileSchema.parse({ offices: [baku] });
const FRIDAY_10 = 'baku@2026-11-27T10:00';
const startOf = (slot: string) => new Date(`${slotIdParts(slot).localStart}:00+04:00`);

describe('desk: erasing a person’s data at their request', () => {
  const logs: Record<string, unknown>[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) });
  const e2e = useTestKorpu({ offices, clock: { now: () => START }, logger, env: { CASEWORKER_CHAT_ID: String(CASEWORKERS) }, beforeStop: () => reminders?.close() });
  let reminders: Queue;
  let code: string;
  const staff: Record<'aysel' | 'leyla' | 'kamran', { staffId: string }> = { aysel: { staffId: '' }, leyla: { staffId: '' }, kamran: { staffId: '' } };
  const p = person(1);
  const conversationId = () => e2e.core.runner.conversationId('telegram', String(p.id));
  const keys = () => redisKeys(e2e.prefix);
  const reminderStates = () => Promise.all(offices.reminders.beforeMinutes.map((before) => reminders.getJobState(reminderJobId(code, FRIDAY_10, before))));
  const freePlaces = async () => (await e2e.core.bookings.freePlaces(baku, [{ id: FRIDAY_10, office: 'baku', start: startOf(FRIDAY_10), end: new Date(startOf(FRIDAY_10).getTime() + 3_600_000) }]))[0];
  const erase = (who: { staffId: string }, typedCode = code) => eraseOnRequest(e2e.korpu.desk!, who, { caseCode: code, typedCode });

  beforeAll(async () => {
    reminders = new Queue(REMINDER_QUEUE, { connection: e2e.redis, prefix: keys().bull() });
    staff.aysel = { staffId: (await addStaff(e2e, { name: 'Aysel Quliyeva', firstName: 'Aysel', lang: 'en', langs: ['en'], addedAt: START })).staffId };
    staff.leyla = { staffId: (await addStaff(e2e, { name: 'Leyla Əliyeva', firstName: 'Leyla', lang: 'en', langs: ['en'], role: 'supervisor', addedAt: START })).staffId };
    staff.kamran = { staffId: (await addStaff(e2e, { name: 'Kamran Rzayev', firstName: 'Kamran', lang: 'en', langs: ['en'], role: 'admin', addedAt: START })).staffId };
    const script: Answer[] = [
      ...intakeUntilTimes(p.lang, { consent: 'B', firstName: p.user.first_name, surname: 'Mammadova' }),
      { kind: 'tap', node: 'pick_time', value: 's_202611271000_baku' },
    ];
    for (const answer of script) await e2e.bot.handleUpdate(toUpdate(p, answer));
    code = (await e2e.core.runner.peek(conversationId()))!.caseCode!;
    await e2e.korpu.settled();
  });

  /** What must not change when an erasure is refused. */
  async function untouched(): Promise<void> {
    expect(await e2e.redis.hget(keys().case(code), 'status')).not.toBe('erased');
    expect(await e2e.redis.hget(keys().case(code), 'erased_at')).toBeNull();
    expect(await e2e.redis.hexists(keys().case(code), 'f:first_name')).toBe(1);
    expect(await e2e.core.bookings.get(code)).toMatchObject({ slot: FRIDAY_10, status: 'booked' });
    expect(await freePlaces()).toBe(baku.capacity - 1);
    expect((await reminderStates()).every((s) => s === 'delayed')).toBe(true);
    expect((await e2e.core.runner.peek(conversationId()))?.caseCode).toBe(code);
    expect((await e2e.korpu.desk!.auditTrail!.forCase(code)).filter((e) => e.action === 'erase_data')).toEqual([]);
  }

  it('refuses a case worker and a supervisor, and changes nothing', async () => {
    expect(await erase(staff.aysel)).toEqual({ ok: false, reason: 'forbidden', role: 'caseworker' });
    expect(await erase(staff.leyla)).toEqual({ ok: false, reason: 'forbidden', role: 'supervisor' });
    await untouched();
  });

  it('changes nothing when the admin types another case code', async () => {
    expect(await erase(staff.kamran, 'KP-AAAA-BBBB')).toEqual({ ok: false, reason: 'code_mismatch' });
    expect(await erase(staff.kamran, '')).toEqual({ ok: false, reason: 'code_mismatch' });
    await untouched();
  });

  it('erases the case for an admin: meeting cancelled, place freed, reminders gone, file emptied, listed erased, conversation gone, audited', async () => {
    expect(await freePlaces()).toBe(baku.capacity - 1);
    const mark = e2e.api.mark();
    // Typed as people type it: lower case, a space around.
    expect(await erase(staff.kamran, ` ${code.toLowerCase()} `)).toEqual({ ok: true, caseCode: code, cancelledMeeting: FRIDAY_10 });

    expect(await e2e.core.bookings.get(code)).toMatchObject({ slot: FRIDAY_10, status: 'cancelled' });
    expect(await e2e.redis.hget(keys().booking(code), 'cancel_reason')).toBe('data_erased');
    expect(await freePlaces()).toBe(baku.capacity);
    expect(await e2e.core.bookings.day('baku', '2026-11-27')).toEqual([]);
    await e2e.korpu.settled();
    expect(await reminderStates()).not.toContain('delayed');

    const file = await e2e.redis.hgetall(keys().case(code));
    expect(file.status).toBe('erased');
    expect(file.erased_at).toBe(START.toISOString());
    expect(Object.keys(file).filter((f) => f.startsWith('f:') || f.startsWith('sx:') || f === 'contact')).toEqual([]);
    expect(await e2e.redis.exists(keys().diagnoses(code), keys().consents(code), keys().claim(code))).toBe(0);
    expect((await e2e.korpu.caseIndex.entry(code))?.status).toBe('erased');

    // The group is told as when the person erases with /delete; the person is not messaged.
    const told = e2e.core.translator.t('az', 'rights:notice.erased', { code });
    await e2e.api.waitForCalls((c) => c.method === 'sendMessage' && String(c.params.chat_id) === String(CASEWORKERS) && c.params.text === told, 1, 10_000, mark);
    expect(e2e.api.callsSince(mark).filter((c) => String(c.params.chat_id) === String(p.id))).toEqual([]);

    // Their saved conversation is gone: their next message starts afresh, with no case.
    expect(await e2e.core.runner.peek(conversationId())).toBeUndefined();
    await e2e.bot.handleUpdate(textUpdate(p, '/start'));
    expect((await e2e.core.runner.peek(conversationId()))?.caseCode).toBeUndefined();

    // Named in the log as /delete's erasures are: what an operator lists after restoring a backup.
    expect(logs.filter((l) => l.msg === 'rights: personal data erased').map((l) => l.case)).toEqual([code]);

    const trail = await e2e.korpu.desk!.auditTrail!.forCase(code);
    expect(trail.filter((e) => e.action === 'erase_data')).toEqual([expect.objectContaining({ staffId: staff.kamran.staffId, byName: 'Kamran Rzayev', details: expect.objectContaining({ via: 'request', cancelled: FRIDAY_10 }) })]);

  });

  it('says already_erased the second time, and records nothing more', async () => {
    expect(await erase(staff.kamran)).toEqual({ ok: false, reason: 'already_erased' });
    expect((await e2e.korpu.desk!.auditTrail!.forCase(code)).filter((e) => e.action === 'erase_data')).toHaveLength(1);
  });

  it('finishes an erasure that died half-way when run again', async () => {
    const p2 = person(2);
    const conversation2 = e2e.core.runner.conversationId('telegram', String(p2.id));
    for (const answer of intakeUntilTimes(p2.lang, { consent: 'A', firstName: p2.user.first_name, surname: 'Huseynova' })) await e2e.bot.handleUpdate(toUpdate(p2, answer));
    await e2e.korpu.settled();
    const code2 = (await e2e.core.runner.peek(conversation2))!.caseCode!;
    const mark = e2e.api.mark();
    // The process dies as the erasure begins: after the trail and the group's notice, before anything is erased.
    const dying = { ...e2e.korpu.desk!, erasure: { erase: () => Promise.reject(new Error('killed')) } };
    await expect(eraseOnRequest(dying, staff.kamran, { caseCode: code2, typedCode: code2 })).rejects.toThrow('killed');
    expect(await e2e.redis.hget(keys().case(code2), 'status')).not.toBe('erased');

    expect(await eraseOnRequest(e2e.korpu.desk!, staff.kamran, { caseCode: code2, typedCode: code2 })).toEqual({ ok: true, caseCode: code2 });
    expect(await e2e.redis.hget(keys().case(code2), 'status')).toBe('erased');
    expect(await e2e.redis.hexists(keys().case(code2), 'f:first_name')).toBe(0);
    expect(await e2e.core.runner.peek(conversation2)).toBeUndefined();
    expect((await e2e.korpu.caseIndex.entry(code2))?.status).toBe('erased');
    // The group is told once (the notice's id is the case's), however many runs it took.
    const told = e2e.core.translator.t('az', 'rights:notice.erased', { code: code2 });
    await e2e.api.waitForCalls((c) => c.method === 'sendMessage' && c.params.text === told, 1, 10_000, mark);
    await e2e.korpu.settled();
    await new Promise((r) => setTimeout(r, 500));
    expect(e2e.api.callsSince(mark).filter((c) => c.method === 'sendMessage' && c.params.text === told)).toHaveLength(1);
    // And the audit trail has the one erasure, by the admin, however many runs it took.
    const entries = (await e2e.korpu.desk!.auditTrail!.forCase(code2)).filter((r) => r.action === 'erase_data');
    expect(entries.map((r) => r.staffId)).toEqual([staff.kamran.staffId]);
  });

  it('reports the meeting a run that died half-way cancelled, when run again', async () => {
    const p3 = person(3);
    const conversation3 = e2e.core.runner.conversationId('telegram', String(p3.id));
    const script: Answer[] = [
      ...intakeUntilTimes(p3.lang, { consent: 'A', firstName: p3.user.first_name, surname: 'Rzayeva' }),
      { kind: 'tap', node: 'pick_time', value: 's_202611271000_baku' },
    ];
    for (const answer of script) await e2e.bot.handleUpdate(toUpdate(p3, answer));
    await e2e.korpu.settled();
    const code3 = (await e2e.core.runner.peek(conversation3))!.caseCode!;
    expect(await e2e.core.bookings.get(code3)).toMatchObject({ slot: FRIDAY_10, status: 'booked' });
    // Dies after the meeting was cancelled and the trail written, before anything is erased.
    const dying = { ...e2e.korpu.desk!, erasure: { erase: () => Promise.reject(new Error('killed')) } };
    await expect(eraseOnRequest(dying, staff.kamran, { caseCode: code3, typedCode: code3 })).rejects.toThrow('killed');
    expect(await e2e.core.bookings.get(code3)).toMatchObject({ status: 'cancelled', cancelReason: 'data_erased' });
    // The admin's second try is told the meeting went with the erasure, not that there was none.
    expect(await eraseOnRequest(e2e.korpu.desk!, staff.kamran, { caseCode: code3, typedCode: code3 })).toEqual({ ok: true, caseCode: code3, cancelledMeeting: FRIDAY_10 });
    expect(await e2e.redis.hget(keys().case(code3), 'status')).toBe('erased');
  });
});
