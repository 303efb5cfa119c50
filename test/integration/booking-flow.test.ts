import type { Redis } from 'ioredis';
import type { KorpuCore } from '../../src/app';
import type { Input, Output } from '../../src/core/conversation';
import { SUPPORTED_LANGS, type Lang } from '../../src/core/lang';
import { renderOutput } from '../../src/i18n/render';
import { decodeSlotValue } from '../../src/intake/booking-desk';
import { slotIdParts } from '../../src/scheduling/slot-id';
import { testOfficesFile } from '../helpers/office';
import { startTestKorpu, type TestKorpu } from '../helpers/korpu';
import { dropPrefix, testRedis } from '../helpers/redis';

/**
 * Booking through the real runner, booking desk and Redis (the simulator channel, so no
 * Telegram): two people tapping the last place of a slot at the same moment, and booking,
 * rescheduling and cancelling in each language with the places counted right.
 */

/** One place per slot, so that two people can race for it. */
const offices = testOfficesFile({ office: { slotMinutes: 60, capacity: 1, minLeadMinutes: 60, horizonDays: 10 } });

describe('booking through the conversation', () => {
  let redis: Redis;
  let prefix: string;
  let korpu: TestKorpu;
  let core: KorpuCore;

  beforeAll(async () => {
    redis = testRedis();
    // Körpü as main.ts builds it (createKorpu) without a bot token: the core that serves the simulator.
    korpu = await startTestKorpu({ offices });
    ({ core, prefix } = korpu);
  });

  afterAll(async () => {
    await korpu.stop();
    await dropPrefix(redis, prefix);
    await redis.quit();
  });

  const send = (chatId: string, input: Input) => core.runner.handle({ channel: 'simulator', chatId, input });
  const tap = (node: string, value: string): Input => ({ type: 'choice', node, value });
  const say = (text: string): Input => ({ type: 'text', text });
  const buttons = (outs: Output[]) => outs.flatMap((o) => (o.buttons ?? []).flat()).flatMap((b) => (b.action.type === 'choice' ? [b.action.value] : []));
  const slotsOffered = (outs: Output[]) => buttons(outs).filter((v) => v.startsWith('s_'));
  const keys = (outs: Output[]) => outs.flatMap((o) => o.text.flatMap((t) => ('key' in t ? [t.key] : [])));

  /** Runs the intake up to the booking question; returns what was said there. */
  async function toBooking(chatId: string, lang: Lang): Promise<Output[]> {
    const script: Input[] = [
      { type: 'command', name: 'start' }, tap('language', lang), tap('menu', 'book'), tap('age', 'adult'), tap('q1', 'yes'), tap('q2', 'yes'),
      tap('q3', 'planning'), tap('q3', '__done'), tap('agree', 'A'), say('25.03.1990'), say('Aysel'), say('Mammadova'), say('Afghanistan'),
      tap('reason', 'work'),
    ];
    for (const input of script) await send(chatId, input);
    return (await send(chatId, say('050 123 45 67'))).outputs;
  }

  const caseOf = async (chatId: string) => (await core.runner.peek(core.runner.conversationId('simulator', chatId)))!.caseCode!;

  it('two people tapping the last place at once: one booking, one "just taken" with the next free times', async () => {
    const [a, b] = ['race-a-000000000001', 'race-b-000000000001'];
    const offerA = await toBooking(a, 'en');
    await toBooking(b, 'ru');
    const slot = slotsOffered(offerA)[0]!;
    const [ra, rb] = await Promise.all([send(a, tap('pick_time', slot)), send(b, tap('pick_time', slot))]);
    const results = [ra, rb].map((r) => keys(r.outputs));
    const won = results.filter((k) => k.includes('booking:booked'));
    const lost = results.filter((k) => k.includes('booking:notice.taken'));
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    const loser = ra.outputs.some((o) => keys([o]).includes('booking:notice.taken')) ? ra : rb;
    // The next free times are offered again, without the one just taken.
    expect(slotsOffered(loser.outputs).length).toBeGreaterThan(0);
    expect(slotsOffered(loser.outputs)).not.toContain(slot);
    const booked = await Promise.all([a, b].map(async (c) => core.bookings.get(await caseOf(c))));
    expect(booked.filter((x) => x?.status === 'booked')).toHaveLength(1);
  });

  it('a time typed instead of tapped ("11:00", "۱۱:۰۰", "saat 11:00\'da") books the one time on screen at that hour; another is asked for the buttons', async () => {
    const persian = (t: string) => t.replace(/\d/g, (d) => '۰۱۲۳۴۵۶۷۸۹'[Number(d)]!);
    for (const [chat, typed] of [
      ['typed-time-000000001', (t: string) => t],
      ['typed-time-000000002', persian],
      // with the words people put around it
      ['typed-time-000000003', (t: string) => `saat ${t}'da`],
      ['typed-time-000000004', (t: string) => `в ${t}`],
      ['typed-time-000000005', (t: string) => `ساعت ${persian(t)}`],
      ['typed-time-000000006', (t: string) => (t.endsWith(':00') ? `${Number(t.slice(0, 2))} am` : t)],
    ] as const) {
      const offer = await toBooking(chat, 'fa');
      // The second time on screen, as the office's clock reads it (its button says the same).
      const second = decodeSlotValue(slotsOffered(offer)[1]!)!;
      const hhmm = slotIdParts(second.slot).localStart.slice(11);
      const none = await send(chat, say('03:17'));
      expect(keys(none.outputs)).toContain('booking:notice.use_buttons');
      // An hour alone may be a day ("12" December) or a button's number: no booking without minutes or "at".
      const hourAlone = await send(chat, say(String(Number(hhmm.slice(0, 2)))));
      expect(keys(hourAlone.outputs)).toContain('booking:notice.use_buttons');
      const booked = await send(chat, say(typed(hhmm)));
      expect(keys(booked.outputs)).toContain('booking:booked');
      expect((await core.bookings.get(await caseOf(chat)))?.slot).toBe(second.slot);
    }
  });

  it('"Later" typed at the last page of times keeps that page: "Earlier" then goes back one, and a time typed from it books', async () => {
    const chat = 'typed-later-00000001';
    let out = await toBooking(chat, 'en');
    const later = core.translator.t('en', 'booking:button.later');
    const earlier = core.translator.t('en', 'booking:button.earlier');
    // Typed "Later" until the last page (no Later button under it).
    const pages: string[][] = [slotsOffered(out)];
    while (buttons(out).some((v) => v === `p_${pages.length}`)) {
      out = (await send(chat, say(later))).outputs;
      pages.push(slotsOffered(out));
      expect(pages.length).toBeLessThan(40);
    }
    const last = pages.at(-1)!;
    expect(pages.length).toBeGreaterThan(1);
    // Once more at the last page: the same times.
    out = (await send(chat, say(later))).outputs;
    expect(slotsOffered(out)).toEqual(last);
    // "Earlier" from there goes to the page before the last, not to the last page again; "Later" back to the last.
    out = (await send(chat, say(earlier))).outputs;
    expect(slotsOffered(out)).toEqual(pages.at(-2));
    out = (await send(chat, say(later))).outputs;
    expect(slotsOffered(out)).toEqual(last);
    // A time typed from it is the one on screen (one whose hour no other time of the page has).
    const hhmmOf = (v: string) => slotIdParts(decodeSlotValue(v)!.slot).localStart.slice(11);
    const wanted = last.find((v) => last.filter((w) => hhmmOf(w) === hhmmOf(v)).length === 1)!;
    out = (await send(chat, say(hhmmOf(wanted)))).outputs;
    expect(keys(out)).toContain('booking:booked');
    expect((await core.bookings.get(await caseOf(chat)))?.slot).toBe(decodeSlotValue(wanted)!.slot);
  });

  it.each(SUPPORTED_LANGS)('in %s: books, reschedules and cancels; places and the record follow', async (lang) => {
    const chat = `resched-${lang}-0000000001`;
    const offer = await toBooking(chat, lang);
    const [first, second] = slotsOffered(offer);
    let out = (await send(chat, tap('pick_time', first!))).outputs;
    const rendered = out.map((o) => renderOutput(core.translator, core.content, lang, o).text).join('\n');
    expect(rendered).toContain(core.translator.t(lang, 'booking:booked'));
    expect(rendered).toContain(offices.offices[0]!.address[lang]);
    const code = await caseOf(chat);
    const one = await core.bookings.get(code);
    expect(one).toMatchObject({ status: 'booked', lang });

    out = (await send(chat, { type: 'command', name: 'appointment' })).outputs;
    expect(buttons(out)).toEqual(['reschedule', 'cancel', 'keep']);
    out = (await send(chat, tap('show', 'reschedule'))).outputs;
    expect(slotsOffered(out)).not.toContain(first);
    out = (await send(chat, tap('pick', second!))).outputs;
    expect(keys(out)).toContain('booking:booked');
    const two = await core.bookings.get(code);
    expect(two!.slot).not.toBe(one!.slot);
    // The first time is free again.
    const office = offices.offices[0]!;
    const slotOf = (id: string) => ({ id, office: 'baku', start: new Date(), end: new Date() });
    expect(await core.bookings.freePlaces(office, [slotOf(one!.slot), slotOf(two!.slot)])).toEqual([1, 0]);

    await send(chat, { type: 'command', name: 'appointment' });
    await send(chat, tap('show', 'cancel'));
    out = (await send(chat, tap('cancel_confirm', 'yes'))).outputs;
    expect(keys(out)).toContain('booking:cancel.done');
    expect(await core.bookings.get(code)).toMatchObject({ status: 'cancelled' });
    // The place is freed by the step's effect, after the commit.
    await korpu.settled();
    expect(await core.bookings.freePlaces(office, [slotOf(two!.slot)])).toEqual([1]);
    expect(await redis.hget(core.keys.case(code), 'booking')).toBe('');
    // /appointment now offers to book again.
    out = (await send(chat, { type: 'command', name: 'appointment' })).outputs;
    expect(buttons(out)).toEqual(expect.arrayContaining(['book', 'menu']));
  });

  it('a tap on a time that is no longer offered is answered, not booked', async () => {
    const chat = 'gone-00000000000001';
    await toBooking(chat, 'en');
    const out = (await send(chat, tap('pick_time', 's_202001011000_baku'))).outputs;
    expect(keys(out)).toContain('booking:notice.gone');
    expect(await core.bookings.get(await caseOf(chat))).toBeUndefined();
  });

  // Last: it stops this process's effect consumer.
  it('frees a cancelled meeting’s place even when the process stops right after the cancelling step is saved', async () => {
    const chat = 'crash-cancel-00000001';
    const offer = await toBooking(chat, 'en');
    await send(chat, tap('pick_time', slotsOffered(offer)[0]!));
    const code = await caseOf(chat);
    const { slot } = (await core.bookings.get(code))!;
    const { office, localDate } = slotIdParts(slot);
    await korpu.settled();
    // From here this process commits its steps and performs none of their effects, as one
    // killed right after each commit.
    await core.effects.stop();
    await send(chat, { type: 'command', name: 'appointment' });
    await send(chat, tap('show', 'cancel'));
    expect(keys((await send(chat, tap('cancel_confirm', 'yes'))).outputs)).toContain('booking:cancel.done');
    expect(await core.bookings.get(code)).toMatchObject({ status: 'cancelled' });
    // The commit wrote only the person's keys: the place is still taken.
    expect(await core.bookings.placesIn(slot)).toEqual([code]);

    // A process started again performs the step's effects from the stream.
    const restarted = await startTestKorpu({ offices, prefix, dataKey: korpu.dataKey });
    try {
      await restarted.settled();
      expect(await core.bookings.placesIn(slot)).toEqual([]);
      expect((await core.bookings.day(office, localDate)).map((b) => b.caseCode)).not.toContain(code);
    } finally {
      await restarted.stop();
    }
  });
});
