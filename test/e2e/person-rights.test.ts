import { redisKeys } from '../../src/storage/keys';
import { DateTime } from 'luxon';
import { Queue } from 'bullmq';
import { SUPPORTED_LANGS, type Lang } from '../../src/core/lang';
import { nudgeJobId, REMINDER_QUEUE } from '../../src/scheduling/reminders';
import { person, tapUpdate, type Person } from '../../bench/telegram-updates';
import { toUpdate, type Answer } from '../../bench/workload';
import { firstFreeTime, intakeUntilTimes } from '../helpers/intake';
import { testOfficesFile } from '../helpers/office';
import { useTestKorpu } from '../helpers/use-korpu';

/**
 * The person's rights end to end through the fake Bot API, in Azerbaijani, Russian and English:
 * /mydata shows what is kept (their name); /delete, confirmed, erases it (the same command then
 * shows none of it) and the case workers are told the case is closed; /withdraw, with the reason
 * written, frees the meeting's place, removes its reminders and the nudge, and tells the case
 * workers (without the reason).
 */

const CASEWORKERS = -1001234500000;
const LANGS: readonly Lang[] = SUPPORTED_LANGS;

describe("the person's rights through Telegram", () => {
  let queue: Queue;

  // Reminders an hour before (never in these quiet hours: the office opens 09:00–18:00); the nudge a day after the start.
  const offices = testOfficesFile({ reminders: { beforeMinutes: [60], quietHours: { from: '03:00', to: '03:01' }, nudgeAfterMinutes: 1440 } });
  // Every intake alerts the case workers' chat several times: its send limits lifted, so the notices under test are not held back.
  // The queue (on the fixture's client) is closed before Körpü stops and the client quits.
  const e2e = useTestKorpu({ offices, env: { CASEWORKER_CHAT_ID: String(CASEWORKERS) }, telegramLimits: { groupMax: 1000, chatIntervalMs: 1 }, beforeStop: () => queue?.close() });

  beforeAll(() => {
    queue = new Queue(REMINDER_QUEUE, { connection: e2e.redis, prefix: redisKeys(e2e.prefix).bull() });
  });

  /** A synthetic person who speaks `lang` (their Telegram app says so, and they choose it). */
  const speaking = (p: Person, lang: Lang): Person => ({ ...p, lang: lang as Person['lang'], user: { ...p.user, language_code: lang } });
  const tap = (node: string, value: string): Answer => ({ kind: 'tap', node, value });
  const text = (t: string): Answer => ({ kind: 'text', text: t });
  const send = (p: Person, a: Answer) => e2e.bot.handleUpdate(toUpdate(p, a));
  const caseOf = async (p: Person) => (await e2e.core.runner.peek(e2e.core.runner.conversationId('telegram', String(p.id))))?.caseCode;
  /** What the bot said to the person since `from` messages. */
  const saidSince = (p: Person, from: number) => e2e.api.sentMessages(p.id).slice(from).map((m) => m.text ?? '').join('\n');
  const toCaseworkers = (needle: string) =>
    e2e.api.waitForCalls((c) => c.method === 'sendMessage' && String(c.params.chat_id) === String(CASEWORKERS) && String(c.params.text).includes(needle), 1, 20_000);
  const reminderJobs = async (code: string) => (await queue.getJobs(['delayed', 'waiting'])).filter((j) => j?.name === 'reminder' && j.data.caseCode === code);

  /** The intake with the first free time booked; returns the case code and the slot. */
  async function intake(p: Person, surname: string): Promise<{ code: string; slot: string }> {
    for (const answer of intakeUntilTimes(p.lang, { firstName: p.user.first_name, surname })) await send(p, answer);
    await e2e.bot.handleUpdate(tapUpdate(p, firstFreeTime(e2e.api, p.id).callback_data));
    const code = (await caseOf(p))!;
    const booking = await e2e.core.bookings.get(code);
    expect(booking?.status).toBe('booked');
    await e2e.korpu.settled();
    return { code, slot: booking!.slot };
  }

  it.each(LANGS.map((lang, n) => [lang, n] as const))('in %s: /mydata shows the name; after /delete it shows none of it and the case workers are told', async (lang, n) => {
    const p = speaking(person(n, 31), lang);
    const t = (key: string, params?: Record<string, unknown>) => e2e.core.translator.t(lang, key, params);
    const { code, slot } = await intake(p, 'Quliyeva');

    let from = e2e.api.sentMessages(p.id).length;
    await send(p, { kind: 'command', text: '/mydata' });
    const shown = saidSince(p, from);
    expect(shown).toContain(p.user.first_name);
    expect(shown).toContain('Quliyeva');
    expect(shown).toContain(code);
    // The date of birth as the person's language writes it (14.02.1995 was typed; 1995-02-14 is how it is kept).
    const spaced = (text: string) => text.replace(/[\s\u202f]+/g, ' ');
    expect(spaced(shown)).toContain(spaced(DateTime.fromISO('1995-02-14').setLocale(lang).toLocaleString(DateTime.DATE_MED)));
    expect(shown).not.toContain('1995-02-14');
    // Each answer of the diagnosis on its own line, as the details.
    expect(shown).toContain(t('rights:mydata.field', { label: t('rights:mydata.q.q1'), value: t('common:button.yes') }));
    // Everything kept is said (the right of access): the Telegram chat Körpü keeps to write to them,
    // and what the consent record holds besides the choice (the form's language, its version, whether its full text was opened).
    expect(shown).toContain(t('rights:mydata.contact'));
    const consent = JSON.parse((await e2e.redis.lrange(redisKeys(e2e.prefix).consents(code), -1, -1))[0]!) as { lang: string; text_version: string; full_text_opened: boolean };
    const record = consent.full_text_opened ? 'rights:mydata.consent_record_opened' : 'rights:mydata.consent_record_not_opened';
    expect(shown).toContain(t(record, { language: t(`common:language_name.${consent.lang}`), version: consent.text_version }));

    from = e2e.api.sentMessages(p.id).length;
    await send(p, { kind: 'command', text: '/delete' });
    expect(saidSince(p, from)).toContain(t('rights:delete.confirm'));
    await send(p, tap('confirm', 'yes'));
    await e2e.korpu.settled();
    expect(e2e.api.lastMessage(p.id)!.text).toContain(t('rights:delete.done'));

    from = e2e.api.sentMessages(p.id).length;
    await send(p, { kind: 'command', text: '/mydata' });
    const after = saidSince(p, from);
    expect(after).toContain(t('rights:mydata.erased'));
    for (const gone of [p.user.first_name, 'Quliyeva', code]) expect(after).not.toContain(gone);

    // The case workers are told the case is closed (in the programme's language), and the place is free.
    await toCaseworkers(e2e.core.translator.t('az', 'rights:notice.erased', { code }));
    expect(await e2e.redis.sismember(redisKeys(e2e.prefix).slot(slot), code)).toBe(0);
    expect(await reminderJobs(code)).toEqual([]);
  }, 60_000);

  it.each(LANGS.map((lang, n) => [lang, n + LANGS.length] as const))('in %s: /withdraw frees the booking and removes the reminders and the nudge', async (lang, n) => {
    const p = speaking(person(n, 31), lang);
    const t = (key: string, params?: Record<string, unknown>) => e2e.core.translator.t(lang, key, params);
    const { code, slot } = await intake(p, 'Həsənova');
    const conversation = e2e.core.runner.conversationId('telegram', String(p.id));
    expect((await reminderJobs(code)).length).toBeGreaterThan(0);
    expect(await queue.getJob(nudgeJobId(conversation))).toBeDefined();

    await send(p, { kind: 'command', text: '/withdraw' });
    expect(e2e.api.lastMessage(p.id)!.text).toContain(t('rights:withdraw.confirm'));
    await send(p, tap('confirm', 'yes'));
    expect(e2e.api.lastMessage(p.id)!.text).toContain(t('rights:withdraw.reason'));
    await send(p, text('I moved to another city'));
    await e2e.korpu.settled();
    expect(e2e.api.lastMessage(p.id)!.text).toContain(t('rights:withdraw.done'));

    expect((await e2e.core.bookings.get(code))?.status).toBe('cancelled');
    expect(await e2e.redis.sismember(redisKeys(e2e.prefix).slot(slot), code)).toBe(0);
    expect(await reminderJobs(code)).toEqual([]);
    expect(await queue.getJob(nudgeJobId(conversation))).toBeUndefined();
    expect(await e2e.redis.hget(redisKeys(e2e.prefix).case(code), 'status')).toBe('withdrawn');

    // The case workers are told, without the reason (it stays encrypted with the case).
    const [notice] = await toCaseworkers(e2e.core.translator.t('az', 'rights:notice.withdrawn', { code }));
    expect(String(notice!.params.text)).not.toContain('another city');

    // The details are kept for a time: they may still be corrected (Annex 4 §3), and /mydata says how.
    let from = e2e.api.sentMessages(p.id).length;
    await send(p, { kind: 'command', text: '/mydata' });
    expect(saidSince(p, from)).toContain(t('rights:mydata.footer.correct'));
    from = e2e.api.sentMessages(p.id).length;
    await send(p, { kind: 'command', text: '/correct' });
    expect(saidSince(p, from)).toContain(t('rights:correct.pick'));
    await send(p, tap('pick', 'last_name'));
    await send(p, text('Həsənli'));
    expect(e2e.api.lastMessage(p.id)!.text).toContain(t('rights:correct.saved'));
    await e2e.korpu.settled();
    expect(e2e.core.cipher.decrypt((await e2e.redis.hget(redisKeys(e2e.prefix).case(code), 'f:last_name'))!, `${code}:last_name`)).toBe('Həsənli');
    expect(await e2e.redis.hget(redisKeys(e2e.prefix).case(code), 'status')).toBe('withdrawn');
  }, 60_000);

  it('keeps the reason for coming sealed ("asylum" says the person seeks asylum), out of the conversation state, and /mydata shows it', async () => {
    const p = speaking(person(40, 31), 'en');
    for (const answer of intakeUntilTimes('en', { firstName: p.user.first_name, surname: 'Rahimi', reason: 'asylum' })) await send(p, answer);
    await e2e.bot.handleUpdate(tapUpdate(p, firstFreeTime(e2e.api, p.id).callback_data));
    await e2e.korpu.settled();
    const code = (await caseOf(p))!;
    const stored = (await e2e.redis.hget(redisKeys(e2e.prefix).case(code), 'f:reason'))!;
    expect(stored).not.toBe('asylum');
    expect(e2e.core.cipher.decrypt(stored, `${code}:reason`)).toBe('asylum');
    const state = await e2e.core.runner.peek(e2e.core.runner.conversationId('telegram', String(p.id)));
    expect(JSON.stringify(state)).not.toContain('asylum');

    const from = e2e.api.sentMessages(p.id).length;
    await send(p, { kind: 'command', text: '/mydata' });
    const t = (key: string, params?: Record<string, unknown>) => e2e.core.translator.t('en', key, params);
    expect(saidSince(p, from)).toContain(t('rights:mydata.field', { label: t('rights:mydata.label.reason'), value: t('interview:reason.asylum') }));
  }, 60_000);
});
