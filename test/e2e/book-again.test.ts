import { person, textUpdate, type Person } from '../../bench/telegram-updates';
import { toUpdate, type Answer } from '../../bench/workload';
import { closeCase, recordAttendance } from '../../src/caseworkers/desk';
import { OfficesFileSchema } from '../../src/config/offices';
import { SUPPORTED_LANGS, type Lang } from '../../src/core/lang';
import { meetingDetails } from '../../src/intake/booking-desk';
import { redisKeys } from '../../src/storage/keys';
import { intakeUntilTimes } from '../helpers/intake';
import { testOffice } from '../helpers/office';
import { addStaff, useTestKorpu } from '../helpers/use-korpu';

/**
 * A person who completed the intake and has a meeting booked taps "Book a meeting" in the menu
 * again (as an operator did in the simulator): they are told their details are kept and see
 * their meeting with the buttons to keep, move or cancel it. Consent and the personal details
 * are not asked again, and answering the old intake's questions anyway books no second meeting:
 * one person, one intake, one meeting.
 */

jest.setTimeout(90_000);

// Tuesday 24 November 2026, 12:00 in Baku (UTC+4).
const START = new Date('2026-11-24T08:00:00Z');
const offices = OfficesFileSchema.parse({ offices: [testOffice()] });
const FRIDAY_10 = 'baku@2026-11-27T10:00';
const MONDAY_11 = 'baku@2026-11-30T11:00';

describe('"Book a meeting" again after a completed intake', () => {
  const e2e = useTestKorpu({ offices, clock: { now: () => START } });
  const p = person(1); // writes in Russian
  const t = (key: string) => e2e.core.translator.t(p.lang, key);
  const conversation = () => e2e.core.runner.peek(e2e.core.runner.conversationId('telegram', String(p.id)));
  const send = async (answer: Answer) => e2e.bot.handleUpdate(toUpdate(p, answer));
  const repliesSince = (mark: number) => e2e.api.callsSince(mark).filter((c) => c.method === 'sendMessage' && String(c.params.chat_id) === String(p.id)).map((c) => String(c.params.text)).join('\n');

  it('shows the meeting booked (keep, move, cancel) instead of consent and the interview, and books no second meeting', async () => {
    const intake = intakeUntilTimes(p.lang, { consent: 'B', firstName: p.user.first_name, surname: 'Mammadova', reason: 'study' });
    for (const answer of [...intake, { kind: 'tap', node: 'pick_time', value: 's_202611271000_baku' } as const]) await send(answer);
    const code = (await conversation())!.caseCode!;
    await e2e.korpu.settled();
    expect(await e2e.core.bookings.get(code)).toMatchObject({ slot: FRIDAY_10, status: 'booked' });

    await e2e.bot.handleUpdate(textUpdate(p, '/menu'));
    const mark = e2e.api.mark();
    await send({ kind: 'tap', node: 'menu', value: 'book' });
    const said = repliesSince(mark);
    expect(said).toContain(t('welcome:returning'));
    expect(said).toContain(t('booking:current.prompt'));
    expect(said).not.toContain(t('consent:agree.prompt'));
    const buttons = (e2e.api.lastMessage(p.id)?.reply_markup?.inline_keyboard.flat() ?? []).map((b) => b.text);
    expect(buttons).toEqual(expect.arrayContaining([t('booking:button.reschedule'), t('booking:button.cancel'), t('booking:button.keep')]));

    // Whatever the person does with the old intake's questions, no second intake or meeting follows.
    for (const answer of [...intake.slice(8), { kind: 'tap', node: 'pick_time', value: 's_202611301100_baku' } as const]) await send(answer);
    await e2e.korpu.settled();
    expect((await conversation())!.caseCode).toBe(code);
    expect(await e2e.core.bookings.get(code)).toMatchObject({ slot: FRIDAY_10, status: 'booked' });
    expect(await e2e.core.bookings.day('baku', '2026-11-30')).toEqual([]);
    expect(await e2e.redis.scard(redisKeys(e2e.prefix).slot(MONDAY_11))).toBe(0);
  });
});

describe('coming back after a case worker closed the case', () => {
  const CASEWORKERS = -1009876543288;
  // A clock that runs (from START): the case workers' chat is sent to at Telegram's pace.
  const t0 = Date.now();
  const e2e = useTestKorpu({ offices, clock: { now: () => new Date(START.getTime() + Date.now() - t0) }, env: { CASEWORKER_CHAT_ID: String(CASEWORKERS) }, telegramLimits: { groupMax: 1000 } });
  const p = person(2, 0);
  const t = (key: string) => e2e.core.translator.t(p.lang, key);
  const conversation = () => e2e.core.runner.peek(e2e.core.runner.conversationId('telegram', String(p.id)));
  const send = async (answer: Answer) => e2e.bot.handleUpdate(toUpdate(p, answer));

  it('asks whether they want to take part again; the case workers get the request on the same case, marked as someone coming back', async () => {
    const { staffId: supervisor } = await addStaff(e2e, { name: 'Leyla Əliyeva', firstName: 'Leyla', lang: 'en', langs: ['en'], office: 'baku', role: 'supervisor', addedAt: START });
    for (const answer of [...intakeUntilTimes(p.lang, { consent: 'A', firstName: p.user.first_name, surname: 'Həsənova' }), { kind: 'tap', node: 'pick_time', value: 's_202611271100_baku' } as const]) await send(answer);
    const code = (await conversation())!.caseCode!;
    await e2e.korpu.settled();
    expect(await closeCase(e2e.korpu.desk!, { staffId: supervisor }, { caseCode: code, reason: 'no_longer_eligible' })).toMatchObject({ ok: true });
    await e2e.korpu.settled();

    await e2e.bot.handleUpdate(textUpdate(p, '/menu'));
    const mark = e2e.api.mark();
    await send({ kind: 'tap', node: 'menu', value: 'book' });
    const said = e2e.api.callsSince(mark).filter((c) => c.method === 'sendMessage' && String(c.params.chat_id) === String(p.id)).map((c) => String(c.params.text)).join('\n');
    expect(said).toContain(t('booking:case_closed.no_booking'));
    expect(said).toContain(t('booking:case_closed.again.prompt'));
    expect(said).not.toContain(t('consent:agree.prompt'));

    await send({ kind: 'tap', node: 'closed_again', value: 'again' });
    expect(e2e.api.lastMessage(p.id)!.text).toContain(t('handoff:message.prompt'));
    // The group's alerts are in Azerbaijani (the default language of the case workers' chat).
    const reason = e2e.core.translator.t('az', 'common:alert.reason.returning');
    await e2e.api.waitForCalls((c) => c.method === 'sendMessage' && String(c.params.chat_id) === String(CASEWORKERS) && String(c.params.text).includes(code) && String(c.params.text).includes(reason));
    expect((await conversation())!.caseCode).toBe(code);
  });
});

describe('"Book a meeting" after the first meeting took place', () => {
  // A clock that runs, moved past the meeting (Friday 27 November, 10:00 in Baku) once it is booked.
  const t0 = Date.now();
  let shift = 0;
  // Everyone here meets on Friday at 10:00: room for all of them.
  const roomy = OfficesFileSchema.parse({ offices: [testOffice({ capacity: 20 })] });
  const e2e = useTestKorpu({ offices: roomy, clock: { now: () => new Date(START.getTime() + shift + Date.now() - t0) } });
  const FRIDAY_10_START = new Date('2026-11-27T06:00:00Z');
  const AFTER_MEETING = FRIDAY_10_START.getTime() + 2 * 3_600_000 - START.getTime();
  // Free times are the buttons whose value names a slot (`s_…`), whichever question offers them.
  const offered = (p: Person) => (e2e.api.lastMessage(p.id)?.reply_markup?.inline_keyboard.flat() ?? []).filter((b) => 'callback_data' in b && /^c:[^:]+:s_/.test(b.callback_data!));

  /** A person of `lang` with the intake done and Friday 10:00 booked, the clock moved past it; their case code. */
  async function metOnFriday(lang: Lang, n: number): Promise<{ p: Person; code: string }> {
    const base = person(n, 53);
    const p = { ...base, lang, user: { ...base.user, language_code: lang } } as Person;
    shift = 0;
    for (const answer of [...intakeUntilTimes(lang, { consent: 'A', surname: 'Rzayeva' }), { kind: 'tap', node: 'pick_time', value: 's_202611271000_baku' } as const]) await e2e.bot.handleUpdate(toUpdate(p, answer));
    await e2e.korpu.settled();
    const code = (await e2e.core.runner.peek(e2e.core.runner.conversationId('telegram', String(p.id))))!.caseCode!;
    shift = AFTER_MEETING;
    return { p, code };
  }

  let worker: string;
  beforeAll(async () => ({ staffId: worker } = await addStaff(e2e, { name: 'Aynur Məmmədova', firstName: 'Aynur', lang: 'az', langs: ['az'], office: 'baku', role: 'caseworker', addedAt: START })));

  it.each(SUPPORTED_LANGS.map((lang, n) => [lang, n] as const))('in %s: someone marked "came" is told they met their case worker on that day, who arranges the next meetings; no times, a person to write to', async (lang, n) => {
    const { p, code } = await metOnFriday(lang, n);
    const t = (key: string, params?: Record<string, string>) => e2e.core.translator.t(lang, key, params);
    expect(await recordAttendance(e2e.korpu.desk!, { staffId: worker }, { caseCode: code, status: 'attended', meeting: FRIDAY_10_START })).toMatchObject({ ok: true });

    await e2e.bot.handleUpdate(textUpdate(p, '/menu'));
    const mark = e2e.api.mark();
    await e2e.bot.handleUpdate(toUpdate(p, { kind: 'tap', node: 'menu', value: 'book' }));
    const said = e2e.api.callsSince(mark).filter((c) => c.method === 'sendMessage' && String(c.params.chat_id) === String(p.id)).map((c) => String(c.params.text)).join('\n');
    expect(said).toContain(t('booking:met.when', { date: meetingDetails(roomy.offices[0]!, FRIDAY_10_START, lang).date! }));
    expect(said).toContain(t('booking:met.next'));
    expect(said).not.toContain(t('booking:past.prompt'));
    expect(offered(p)).toEqual([]);
    const buttons = (e2e.api.lastMessage(p.id)?.reply_markup?.inline_keyboard.flat() ?? []).map((b) => b.text);
    expect(buttons).toEqual(expect.arrayContaining([t('welcome:menu.person'), t('booking:none.menu')]));
    expect(buttons).not.toContain(t('booking:past.book'));

    await e2e.bot.handleUpdate(toUpdate(p, { kind: 'tap', node: 'met_next', value: 'person' }));
    expect(e2e.api.lastMessage(p.id)!.text).toContain(t('handoff:message.prompt'));
    await e2e.korpu.settled();
    expect(await e2e.core.bookings.get(code)).toMatchObject({ slot: FRIDAY_10, status: 'attended' });
  });

  it('someone marked "did not come" chooses another time as before; a "came" put right to "did not come" offers times again', async () => {
    const t = (key: string) => e2e.core.translator.t('en', key);
    // What the bot answered to "Book a meeting" (read from what it sent since, not the chat's last
    // message: the no-show's offer of a new time goes through the outbox, and on a loaded machine
    // it may go out after the answer, whatever the test waits for).
    const bookAgain = async (p: Person) => {
      await e2e.bot.handleUpdate(textUpdate(p, '/menu'));
      const mark = e2e.api.mark();
      await e2e.bot.handleUpdate(toUpdate(p, { kind: 'tap', node: 'menu', value: 'book' }));
      return { text: e2e.api.callsSince(mark).filter((c) => c.method === 'sendMessage' && String(c.params.chat_id) === String(p.id)).map((c) => String(c.params.text)).join('\n') };
    };

    const missed = await metOnFriday('en', 20);
    expect(await recordAttendance(e2e.korpu.desk!, { staffId: worker }, { caseCode: missed.code, status: 'no_show', meeting: FRIDAY_10_START })).toMatchObject({ ok: true, offered: true });
    // The offer of a new time out first, so that the times offered below are the last message.
    const noShow = t('booking:no_show.text').split('{{')[0]!;
    await e2e.api.waitForCalls((c) => c.method === 'sendMessage' && String(c.params.chat_id) === String(missed.p.id) && String(c.params.text).startsWith(noShow));
    expect((await bookAgain(missed.p)).text).toContain(t('booking:past.prompt'));
    await e2e.bot.handleUpdate(toUpdate(missed.p, { kind: 'tap', node: 'past', value: 'book' }));
    expect(offered(missed.p).length).toBeGreaterThan(0);

    const mistaken = await metOnFriday('en', 21);
    expect(await recordAttendance(e2e.korpu.desk!, { staffId: worker }, { caseCode: mistaken.code, status: 'attended', meeting: FRIDAY_10_START })).toMatchObject({ ok: true });
    expect((await bookAgain(mistaken.p)).text).toContain(t('booking:met.prompt'));
    expect(await recordAttendance(e2e.korpu.desk!, { staffId: worker }, { caseCode: mistaken.code, status: 'no_show', meeting: FRIDAY_10_START, correct: true })).toMatchObject({ ok: true, corrected: true });
    await e2e.korpu.settled();
    expect((await bookAgain(mistaken.p)).text).toContain(t('booking:past.prompt'));
  });
});
