import type { User } from 'grammy/types';
import { meetingDetails } from '../../src/intake/booking-desk';
import { slotIdParts } from '../../src/scheduling/slot-id';
import { FieldCipher } from '../../src/storage/field-cipher';
import { testOfficesFile } from '../helpers/office';
import { seedCase } from '../helpers/seed-cases';
import { trackHandled, signInAs } from '../helpers/workspace';
import { addStaff, useTestKorpu } from '../helpers/use-korpu';

/**
 * A person interviewed on the phone (`/call`) has no chat with the bot: their case's contact
 * names the call, and nothing the bot sends reaches them. The workspace must not pretend it
 * does: no "Message the person" (a message sent anyway is refused and not kept as sent), and a
 * meeting booked on their behalf tells the worker to phone them with its date, time and
 * address, not that the bot told them; without a phone number no meeting is offered at all.
 */

jest.setTimeout(60_000);

// Tuesday 24 November 2026, 12:00 in Baku (UTC+4); the test office is open on weekdays.
const START = new Date('2026-11-24T08:00:00Z');
const offices = testOfficesFile();
const baku = offices.offices[0]!;
const MONDAY_10 = 'baku@2026-11-30T10:00';
const startOf = (slot: string) => new Date(`${slotIdParts(slot).localStart}:00+04:00`);

describe('workspace: a case interviewed on the phone', () => {
  const e2e = useTestKorpu({ offices, clock: { now: () => START } });
  let base: string;
  let handled: (id: number) => Promise<void>;
  let aysel: User;
  const t = (key: string, params?: Record<string, unknown>) => e2e.core.translator.t('en', key, params);

  beforeAll(async () => {
    handled = trackHandled(e2e.bot);
    base = (await e2e.korpu.start()).url;
    ({ user: aysel } = await addStaff(e2e, { name: 'Aysel Quliyeva', firstName: 'Aysel', lang: 'en', langs: ['en'], office: 'baku', role: 'caseworker', addedAt: START }));
    const d = { redis: e2e.redis, keys: e2e.core.keys, cipher: new FieldCipher(Buffer.from(e2e.korpu.dataKey, 'hex')), bookings: e2e.core.bookings, index: e2e.korpu.caseIndex };
    // "No time suits" on the phone: a number taken, no meeting. And a call cut off before the number.
    await seedCase(d, { code: 'KP-PHON-0001', lang: 'ru', createdAt: new Date('2026-11-24T07:00:00Z'), phoneCall: `${aysel.id}:1`, firstName: 'Olena', phone: '+994501234567' });
    await seedCase(d, { code: 'KP-PHON-0002', lang: 'ru', createdAt: new Date('2026-11-24T07:30:00Z'), phoneCall: `${aysel.id}:2`, firstName: 'Anna' });
  });

  const signIn = (user: User) => signInAs(e2e.api, handled, base, user);

  const sent = (mark: number) => e2e.api.callsSince(mark).filter((c) => c.method === 'sendMessage');

  it('offers no message form but the number to phone, and refuses a message sent anyway without keeping it as sent', async () => {
    const web = await signIn(aysel);
    await web.get('/desk/cases/KP-PHON-0001');
    expect((await web.post('/desk/cases/KP-PHON-0001/claim')).status).toBe(303);
    const file = (await web.get('/desk/cases/KP-PHON-0001')).text;
    expect(file).not.toContain('/desk/cases/KP-PHON-0001/message"');
    expect(file).toContain(`${t('web:case.phone_only.call')} <bdi dir="ltr">+994501234567</bdi>`);

    const mark = e2e.api.mark();
    const r = await web.post('/desk/cases/KP-PHON-0001/message', { text: 'Hello from the desk', ref: 'ref-from-an-old-page-0001' });
    expect(r.location).toBe('/desk/cases/KP-PHON-0001?notice=phone_only#talk');
    const after = (await web.get(r.location!)).text;
    expect(after).toContain(t('web:case.notice.phone_only'));
    expect(after).not.toContain(t('web:case.done.message_sent'));
    expect(after).not.toContain('Hello from the desk');
    await e2e.korpu.settled();
    expect(sent(mark)).toEqual([]);
  });

  it('books a meeting and tells the worker to phone the person with its date, time and address, not that the bot told them', async () => {
    const web = await signIn(aysel);
    const page = (await web.get('/desk/cases/KP-PHON-0001/booking')).text;
    expect(page).toContain(t('behalf:phone.pick', { office: 'Baku office', days: 14 }));
    expect(page).not.toContain(t('behalf:pick', { office: 'Baku office', days: 14 }));
    expect(page).toContain(t('behalf:phone.submit'));
    const mark = e2e.api.mark();
    const booked = await web.post('/desk/cases/KP-PHON-0001/booking', { slot: MONDAY_10 });
    expect(booked.status).toBe(303);
    expect(await e2e.core.bookings.get('KP-PHON-0001')).toMatchObject({ slot: MONDAY_10, status: 'booked' });
    const done = (await web.get(booked.location!)).text;
    expect(done).toContain(t('behalf:phone.done_booked'));
    expect(done).not.toContain(t('behalf:done.booked'));
    expect(done).toContain(t('behalf:phone.tell', meetingDetails(baku, startOf(MONDAY_10), 'en')).replace(/"/g, '&quot;'));
    await e2e.korpu.settled();
    expect(sent(mark)).toEqual([]);
  });

  it('offers no booking for a person with no chat and no phone number, and refuses one sent anyway', async () => {
    const web = await signIn(aysel);
    await web.get('/desk/cases/KP-PHON-0002');
    expect((await web.post('/desk/cases/KP-PHON-0002/claim')).status).toBe(303);
    const file = (await web.get('/desk/cases/KP-PHON-0002')).text;
    expect(file).not.toContain('/desk/cases/KP-PHON-0002/booking"');
    expect(file).toContain(t('behalf:problem.no_phone'));
    expect(file).toContain(t('web:case.phone_only.no_number'));
    const page = await web.get('/desk/cases/KP-PHON-0002/booking');
    expect(page.status).toBe(400);
    expect(page.text).toContain(t('behalf:problem.no_phone'));
    expect(page.text).not.toContain(`value="${MONDAY_10}"`);
    const r = await web.post('/desk/cases/KP-PHON-0002/booking', { slot: MONDAY_10 });
    expect(r.status).toBe(400);
    expect(await e2e.core.bookings.get('KP-PHON-0002')).toBeUndefined();
  });
});
