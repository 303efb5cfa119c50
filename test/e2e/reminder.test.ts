import { SUPPORTED_LANGS } from '../../src/core/lang';
import { DateTime } from 'luxon';
import type { OfficesFile } from '../../src/config/offices';
import { meetingDetails } from '../../src/intake/booking-desk';
import { person, tapUpdate, textUpdate } from '../../bench/telegram-updates';
import { toUpdate } from '../../bench/workload';
import { firstFreeTime, intakeUntilTimes } from '../helpers/intake';
import { testOfficesFile } from '../helpers/office';
import { useTestKorpu } from '../helpers/use-korpu';

/**
 * A person books through the bot and gets the reminder through the fake Bot API, in their
 * language, with Confirm / Reschedule / Cancel; tapping Confirm marks the booking confirmed.
 * Time is controlled: the core's clock starts 5 minutes and 2 seconds before the first free
 * slot, and reminders are set to 5 minutes before, so the reminder falls due ~2 s into the test.
 */

describe('reminder end to end (Telegram, outbox, BullMQ)', () => {
  // The first slot: tomorrow, at the next ten-minute mark of the office's day (never in quiet hours).
  const slotLocal = DateTime.now().setZone('Asia/Baku').plus({ days: 1 }).set({ hour: 12, minute: 0, second: 0, millisecond: 0 });
  // The clock runs at real speed from a chosen moment; `setClock` moves that moment.
  let base = { fake: slotLocal.toMillis() - 10 * 60_000, real: Date.now() };
  const setClock = (fake: number) => (base = { fake, real: Date.now() });
  const clock = { now: () => new Date(base.fake + (Date.now() - base.real)) };

  const offices: OfficesFile = testOfficesFile({ hours: '12:00-18:00', office: { slotMinutes: 10, capacity: 8, minLeadMinutes: 0, horizonDays: 3 }, reminders: { beforeMinutes: [5], quietHours: { from: '22:00', to: '08:00' }, nudgeAfterMinutes: 1440 } });

  // Registered before the fixture: the clock is set as Körpü starts.
  beforeAll(() => void setClock(slotLocal.toMillis() - 10 * 60_000));
  // Körpü as main.ts builds it (createKorpu): the reminder worker hands messages to the outbox worker.
  const e2e = useTestKorpu({ offices, clock });

  it('books the first free time in Russian and receives the reminder with working buttons', async () => {
    const p = person(1); // language ru
    // The intake up to the booking question, as flows/*.yaml run it now.
    for (const answer of intakeUntilTimes(p.lang, { consent: 'B', firstName: p.user.first_name, surname: 'Mammadova', reason: 'study' })) await e2e.bot.handleUpdate(toUpdate(p, answer));
    const slotButton = firstFreeTime(e2e.api, p.id);
    expect(slotButton.text).toContain('12:00');
    // Booked 5 minutes and 1.5 seconds before the meeting: its 5-minute reminder is due at once.
    setClock(slotLocal.toMillis() - 5 * 60_000 - 1_500);
    await e2e.bot.handleUpdate(tapUpdate(p, slotButton.callback_data));

    const code = (await e2e.core.runner.peek(e2e.core.runner.conversationId('telegram', String(p.id))))!.caseCode!;
    expect(await e2e.core.bookings.get(code)).toMatchObject({ status: 'booked', confirmed: false, lang: 'ru' });

    const t = (key: string, params?: Record<string, unknown>) => e2e.core.translator.t('ru', key, params);
    const [reminder] = await e2e.api.waitForCalls((c) => c.method === 'sendMessage' && String(c.params.chat_id) === String(p.id) && String(c.params.text).startsWith('🔔'));
    expect(String(reminder!.params.text)).toBe(t('booking:reminder.text', meetingDetails(offices.offices[0]!, slotLocal.toJSDate(), 'ru')));
    const markup = reminder!.params.reply_markup as { inline_keyboard: { text: string; callback_data: string }[][] };
    expect(markup.inline_keyboard.flat().map((b) => b.text)).toEqual([t('booking:button.confirm'), t('booking:button.reschedule'), t('booking:button.cancel')]);

    // Confirm, from wherever the conversation is now.
    const confirm = markup.inline_keyboard.flat().find((b) => /:confirm_\w+$/.test(b.callback_data))!;
    await e2e.bot.handleUpdate(tapUpdate(p, confirm.callback_data));
    expect(await e2e.core.bookings.get(code)).toMatchObject({ status: 'booked', confirmed: true });
    expect(e2e.api.lastMessage(p.id)!.text).toContain(t('booking:notice.confirmed'));
    // Exactly one reminder was sent.
    expect(e2e.api.calls.filter((c) => c.method === 'sendMessage' && String(c.params.chat_id) === String(p.id) && String(c.params.text).startsWith('🔔'))).toHaveLength(1);
  }, 30_000);

  it('a button of a reminder about a meeting since moved changes nothing: the person sees the meeting they have now', async () => {
    const p = person(41); // language en
    setClock(slotLocal.toMillis() - 10 * 60_000);
    for (const answer of intakeUntilTimes(p.lang, { consent: 'B', firstName: p.user.first_name, surname: 'Ivanova', reason: 'study' })) await e2e.bot.handleUpdate(toUpdate(p, answer));
    setClock(slotLocal.toMillis() - 5 * 60_000 - 1_500);
    await e2e.bot.handleUpdate(tapUpdate(p, firstFreeTime(e2e.api, p.id).callback_data));
    const code = (await e2e.core.runner.peek(e2e.core.runner.conversationId('telegram', String(p.id))))!.caseCode!;
    const t = (key: string, params?: Record<string, unknown>) => e2e.core.translator.t(p.lang, key, params);
    const [reminder] = await e2e.api.waitForCalls((c) => c.method === 'sendMessage' && String(c.params.chat_id) === String(p.id) && String(c.params.text).startsWith('🔔'), 1, 15_000);
    const old = (reminder!.params.reply_markup as { inline_keyboard: { text: string; callback_data: string }[][] }).inline_keyboard.flat();
    const oldButton = (action: string) => old.find((b) => new RegExp(`:${action}_\\w+$`).test(b.callback_data))!.callback_data;

    // The person moves the meeting to a later time with /appointment.
    await e2e.bot.handleUpdate(textUpdate(p, '/appointment'));
    const reschedule = e2e.api.lastMessage(p.id)!.reply_markup!.inline_keyboard.flat().find((b) => 'callback_data' in b && b.callback_data === 'c:show:reschedule')!;
    await e2e.bot.handleUpdate(tapUpdate(p, (reschedule as { callback_data: string }).callback_data));
    const later = e2e.api.lastMessage(p.id)!.reply_markup!.inline_keyboard.flat().filter((b) => 'callback_data' in b && b.callback_data!.startsWith('c:pick:s_')).at(-1) as { text: string; callback_data: string };
    await e2e.bot.handleUpdate(tapUpdate(p, later.callback_data));
    const moved = await e2e.core.bookings.get(code);
    expect(moved).toMatchObject({ status: 'booked', confirmed: false });
    expect(moved!.start.getTime()).toBeGreaterThan(slotLocal.toMillis());

    // Cancel, then Yes, on the old reminder: the new meeting stays booked.
    await e2e.bot.handleUpdate(tapUpdate(p, oldButton('cancel')));
    const answer = e2e.api.lastMessage(p.id)!;
    expect(answer.text).toContain(t('booking:notice.old_meeting'));
    expect(answer.text).toContain(t('booking:current.prompt'));
    expect(answer.text).toContain(meetingDetails(offices.offices[0]!, moved!.start, p.lang).time);
    await e2e.bot.handleUpdate(textUpdate(p, 'yes'));
    await e2e.bot.handleUpdate(tapUpdate(p, oldButton('confirm')));
    expect(e2e.api.lastMessage(p.id)!.text).toContain(t('booking:notice.old_meeting'));
    expect(await e2e.core.bookings.get(code)).toMatchObject({ status: 'booked', slot: moved!.slot, confirmed: false });
  }, 30_000);

  it.each(SUPPORTED_LANGS.filter((l) => l !== 'ru'))('in %s too: the booking’s reminder comes in the person’s language, with its buttons', async (lang) => {
    const base = person(20 + SUPPORTED_LANGS.indexOf(lang));
    const p = { ...base, lang: lang as typeof base.lang, user: { ...base.user, language_code: lang } };
    setClock(slotLocal.toMillis() - 10 * 60_000);
    for (const answer of intakeUntilTimes(lang, { consent: 'B', firstName: p.user.first_name, surname: 'Mammadova', reason: 'study' })) await e2e.bot.handleUpdate(toUpdate(p, answer));
    const slotButton = firstFreeTime(e2e.api, p.id);
    setClock(slotLocal.toMillis() - 5 * 60_000 - 1_500);
    await e2e.bot.handleUpdate(tapUpdate(p, slotButton.callback_data));
    const t = (key: string, params?: Record<string, unknown>) => e2e.core.translator.t(lang, key, params);
    const [reminder] = await e2e.api.waitForCalls((c) => c.method === 'sendMessage' && String(c.params.chat_id) === String(p.id) && String(c.params.text).startsWith('🔔'), 1, 15_000);
    expect(String(reminder!.params.text)).toBe(t('booking:reminder.text', meetingDetails(offices.offices[0]!, slotLocal.toJSDate(), lang)));
    const markup = reminder!.params.reply_markup as { inline_keyboard: { text: string; callback_data: string }[][] };
    expect(markup.inline_keyboard.flat().map((b) => b.text)).toEqual([t('booking:button.confirm'), t('booking:button.reschedule'), t('booking:button.cancel')]);
  }, 30_000);
});
