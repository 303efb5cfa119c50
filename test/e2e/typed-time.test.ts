import type { Update } from 'grammy/types';
import { person, textUpdate, type Person } from '../../bench/telegram-updates';
import { toUpdate } from '../../bench/workload';
import { RelayStore } from '../../src/caseworkers/relay-store';
import { decodeSlotValue } from '../../src/intake/booking-desk';
import { slotIdParts } from '../../src/scheduling/slot-id';
import { intakeUntilTimes } from '../helpers/intake';
import { addStaff, useTestKorpu } from '../helpers/use-korpu';

/**
 * A time typed at the free times ("11:00") on Telegram books as its button would — also while a
 * case worker's talk is open, where other typed words go to the case worker: the place is taken
 * in the same step that is saved, never for a message that is then passed on instead.
 */

const CASEWORKERS = -1009876543288;

describe('a time typed at the free times, on Telegram', () => {
  const e2e = useTestKorpu({ env: { CASEWORKER_CHAT_ID: String(CASEWORKERS) } });
  beforeAll(async () => {
    await addStaff(e2e, { id: 7_000_088, name: 'Nigar', firstName: 'Nigar', lang: 'az', langs: ['az', 'en'] });
  });

  const send = (u: Update) => e2e.bot.handleUpdate(u);
  const say = (p: Person, text: string) => send(textUpdate(p, text));

  /** Through the intake to the free times; the times on screen, as the office's clock reads them. */
  async function toTimes(p: Person): Promise<{ code: string; conversation: string; times: { slot: string; hhmm: string }[] }> {
    for (const answer of intakeUntilTimes('en')) await send(toUpdate(p, answer));
    const buttons = (e2e.api.lastMessage(p.id)!.reply_markup?.inline_keyboard ?? []).flat();
    const times = buttons.flatMap((b) => {
      const data = 'callback_data' in b ? b.callback_data : '';
      const slot = data?.startsWith('c:pick_time:') ? decodeSlotValue(data.slice('c:pick_time:'.length))?.slot : undefined;
      return slot ? [{ slot, hhmm: slotIdParts(slot).localStart.slice(11) }] : [];
    });
    const conversation = e2e.core.runner.conversationId('telegram', String(p.id));
    return { code: (await e2e.core.runner.peek(conversation))!.caseCode!, conversation, times };
  }

  /** A time on screen that no other time on screen shares (typed, it can mean only that one). */
  const unique = (times: { slot: string; hhmm: string }[]) => times.find((t) => times.filter((o) => o.hhmm === t.hhmm).length === 1)!;

  it('books the time on screen at that hour; a time not on screen is asked for the buttons', async () => {
    const p = person(2, 88); // an English speaker
    const t = (key: string) => e2e.core.translator.t('en', key);
    const { code, times } = await toTimes(p);
    expect(times.length).toBeGreaterThan(1);
    await say(p, '03:17');
    expect(e2e.api.lastMessage(p.id)!.text).toContain(t('booking:notice.use_buttons'));
    expect(await e2e.core.bookings.get(code)).toBeUndefined();
    const chosen = unique(times);
    await say(p, chosen.hhmm);
    expect(e2e.api.sentMessages(p.id).map((m) => m.text).join('\n')).toContain(t('booking:booked'));
    expect((await e2e.core.bookings.get(code))?.slot).toBe(chosen.slot);
  });

  it('while a case worker talks with them, other words go to the case worker and the typed time books, leaving the talk', async () => {
    const p = person(5, 88); // an English speaker
    const t = (key: string, params?: Record<string, unknown>) => e2e.core.translator.t('en', key, params);
    const { code, conversation, times } = await toTimes(p);
    const relay = new RelayStore(e2e.redis, e2e.prefix, e2e.core.cipher);
    // A case worker wrote to them from the workspace while the times were on screen.
    await relay.open(conversation, code);

    await say(p, '03:17 or later, please');
    expect(e2e.api.sentMessages(CASEWORKERS).filter((m) => m.text?.includes('03:17 or later, please'))).toHaveLength(1);
    expect(e2e.api.lastMessage(p.id)!.text).toBe(t('handoff:talk.passed_on'));
    expect(await e2e.core.bookings.get(code)).toBeUndefined();

    const chosen = unique(times);
    await say(p, chosen.hhmm);
    // Booked in the step that was saved, and not passed on as a message.
    expect((await e2e.core.bookings.get(code))?.slot).toBe(chosen.slot);
    expect((await e2e.core.runner.peek(conversation))!.booking?.slot).toBe(chosen.slot);
    expect(e2e.api.sentMessages(CASEWORKERS).filter((m) => m.text?.includes(chosen.hhmm) && m.text.includes(code) && !m.text.startsWith('📅'))).toEqual([]);
    expect(e2e.api.lastMessage(p.id)!.text).not.toBe(t('handoff:talk.passed_on'));
    // As a tap would: the talk is left and the case workers are told.
    expect(await relay.openCase(conversation)).toBeUndefined();
    await e2e.api.waitForCalls((c) => c.method === 'sendMessage' && c.params.chat_id === CASEWORKERS && c.params.text === e2e.core.translator.t('az', 'handoff:talk.staff.person_left', { code }));
  });
});
