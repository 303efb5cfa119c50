import type { Message, User } from 'grammy/types';
import { OfficesFileSchema } from '../../src/config/offices';
import { choiceButton } from '../helpers/intake';
import { testOffice } from '../helpers/office';
import { trackHandled, signInAs, type WebClient } from '../helpers/workspace';
import { addStaff, useTestKorpu } from '../helpers/use-korpu';

/**
 * A walk-in's meeting booked from the workspace ("book on behalf") is told to the case workers'
 * chat like any other booking: one alert of the meeting (moved: one of the move), in the chat's
 * language (CASEWORKER_CHAT_LANG). A walk-in phoned with /call has a conversation, whose
 * `booking_made` effect alerts the chat already: still one alert, not two.
 */

jest.setTimeout(90_000);

const CASEWORKERS = -1001234500077;
// Tuesday 24 November 2026, 12:00 in Baku (UTC+4); the test office is open on weekdays.
const START = new Date('2026-11-24T08:00:00Z');
const offices = OfficesFileSchema.parse({ offices: [testOffice()] });
const MONDAY_10 = 'baku@2026-11-30T10:00';
const MONDAY_11 = 'baku@2026-11-30T11:00';

describe("walk-in bookings from the workspace alert the case workers' chat", () => {
  const e2e = useTestKorpu({ offices, clock: { now: () => START }, env: { CASEWORKER_CHAT_ID: String(CASEWORKERS), CASEWORKER_CHAT_LANG: 'ru' }, telegramLimits: { groupMax: 1000, chatIntervalMs: 1 } });
  let base: string;
  let handled: (id: number) => Promise<void>;
  let aysel: User;
  const ru = (key: string, params?: Record<string, unknown>) => e2e.core.translator.t('ru', key, params);

  beforeAll(async () => {
    handled = trackHandled(e2e.bot);
    base = (await e2e.korpu.start()).url;
    ({ user: aysel } = await addStaff(e2e, { name: 'Aysel Quliyeva', firstName: 'Aysel', lang: 'en', langs: ['en'], addedAt: START }));
  });

  async function openWalkIn(web: WebClient, phone?: string): Promise<string> {
    await web.get('/desk/cases');
    const opened = await web.post('/desk/cases/walk-in', { lang: 'ru', ...(phone ? { phone } : {}) });
    expect(opened.status).toBe(303);
    return /^\/desk\/cases\/(KP-[A-Z0-9]{4}-[A-Z0-9]{4})\/meeting$/.exec(opened.location ?? '')![1]!;
  }

  /** The group's messages since `mark` that begin with `title` (an alert's first line). */
  const groupSaid = (mark: number, title: string) => e2e.api.callsSince(mark).filter((c) => c.method === 'sendMessage' && String(c.params.chat_id) === String(CASEWORKERS) && String(c.params.text).startsWith(title));
  const waitForGroup = (mark: number, title: string) => e2e.api.waitForCalls((c) => c.method === 'sendMessage' && String(c.params.chat_id) === String(CASEWORKERS) && String(c.params.text).startsWith(title), 1, 15_000, mark);

  /** Books `slot` for the case from its booking page, as a worker does. */
  async function book(web: WebClient, code: string, slot: string): Promise<void> {
    await web.get(`/desk/cases/${code}/booking`);
    const booked = await web.post(`/desk/cases/${code}/booking`, { slot });
    expect(booked.status).toBe(303);
  }

  it('alerts the chat once of a walk-in booked with no conversation, and once more when the meeting is moved', async () => {
    const web = await signIn(aysel);
    const code = await openWalkIn(web);
    const mark = e2e.api.mark();
    await book(web, code, MONDAY_10);
    // The same time booked again (a form sent twice) changes nothing and alerts nobody again.
    await book(web, code, MONDAY_10);
    await waitForGroup(mark, ru('caseworker:alert.title.booking', { code }));
    await book(web, code, MONDAY_11);
    await waitForGroup(mark, ru('caseworker:alert.title.moved', { code }));
    expect(groupSaid(mark, ru('caseworker:alert.title.booking', { code }))).toHaveLength(1);
    expect(groupSaid(mark, ru('caseworker:alert.title.moved', { code }))).toHaveLength(1);
  });

  it('alerts the chat once (not twice) of a walk-in booked after a call gave them a conversation', async () => {
    const web = await signIn(aysel);
    const code = await openWalkIn(web, '+994 55 765 43 21');
    await e2e.bot.handleUpdate(e2e.api.updates.text(aysel, `/call ${code}`));
    const [message, data] = choiceButton(e2e.api, e2e.core.flows, aysel.id, 'language', 'ru') as [Message, string];
    await e2e.bot.handleUpdate(e2e.api.updates.callback(aysel, message, data));
    await e2e.bot.handleUpdate(e2e.api.updates.text(aysel, '/endcall'));
    await e2e.korpu.settled();
    // The call left the case a conversation (its contact): the booking commits a `booking_made` there.
    expect(await e2e.redis.hget(e2e.core.keys.case(code), 'contact')).toBeTruthy();
    const mark = e2e.api.mark();
    await book(web, code, MONDAY_10);
    await e2e.korpu.settled();
    await waitForGroup(mark, ru('caseworker:alert.title.booking', { code }));
    // A later message to the chat (the move's alert) comes after any second alert of the booking would have.
    await book(web, code, MONDAY_11);
    await e2e.korpu.settled();
    await waitForGroup(mark, ru('caseworker:alert.title.moved', { code }));
    expect(groupSaid(mark, ru('caseworker:alert.title.booking', { code }))).toHaveLength(1);
    expect(groupSaid(mark, ru('caseworker:alert.title.moved', { code }))).toHaveLength(1);
  });

  const signIn = (user: User) => signInAs(e2e.api, handled, base, user);
});
