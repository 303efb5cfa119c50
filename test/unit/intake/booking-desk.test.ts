import type { Output } from '../../../src/core/conversation';
import { BookingDesk, encodeSlotValue, SLOTS_PER_PAGE } from '../../../src/intake/booking-desk';
import { createTranslator } from '../../../src/i18n';
import type { BookingStore } from '../../../src/scheduling/booking-store';
import { upcomingSlots, type Slot } from '../../../src/scheduling/slots';
import { testOffice } from '../../helpers/office';

/**
 * The desk's free times: it looks at as few slots' places as it takes, but must show exactly the
 * page that looking at every upcoming slot would (the reference below), with the same paging.
 */
describe('BookingDesk free times', () => {
  const office = testOffice({ horizonDays: 30 });
  const now = new Date('2026-11-23T05:00:00.000Z');
  const all = upcomingSlots(office, now);
  const translator = createTranslator();

  function desk(free: (s: Slot, i: number) => boolean) {
    const looked: number[] = [];
    const index = new Map(all.map((s, i) => [s.id, i]));
    const store = {
      freePlaces: async (_o: unknown, slots: readonly Slot[]) => {
        looked.push(slots.length);
        return slots.map((s) => (free(s, index.get(s.id)!) ? 1 : 0));
      },
    } as unknown as BookingStore;
    return { desk: new BookingDesk({ offices: [office], store, translator }), looked };
  }

  /** What the page should be: every upcoming slot looked at. */
  function reference(free: (s: Slot, i: number) => boolean, want: number): { values: string[]; paging: string[]; empty: boolean } {
    const open = all.filter((s, i) => free(s, i));
    const pages = Math.max(1, Math.ceil(open.length / SLOTS_PER_PAGE));
    const page = Math.min(want, pages - 1);
    return {
      values: open.slice(page * SLOTS_PER_PAGE, (page + 1) * SLOTS_PER_PAGE).map(encodeSlotValue),
      paging: [...(page > 0 ? [`p_${page - 1}`] : []), ...(page < pages - 1 ? [`p_${page + 1}`] : [])],
      empty: open.length === 0,
    };
  }

  async function shown(d: BookingDesk, page: number) {
    const out: Output = { type: 'message', text: [{ key: 'booking:pick.prompt' }], slots: { node: 'pick_time', page } };
    const [o] = await d.hydrate([out], 'en', now);
    const values = o!.buttons!.flat().map((b) => (b.action.type === 'choice' ? b.action.value : ''));
    return {
      values: values.filter((v) => v.startsWith('s_')),
      paging: values.filter((v) => v.startsWith('p_')),
      empty: o!.text.some((t) => 'key' in t && t.key === 'booking:no_slots'),
    };
  }

  const patterns: [string, (s: Slot, i: number) => boolean][] = [
    ['all free', () => true],
    ['every tenth free', (_s, i) => i % 10 === 0],
    ['only the last three free', (_s, i) => i >= all.length - 3],
    ['the first 13 full', (_s, i) => i >= 13],
    ['all full', () => false],
  ];

  it.each(patterns)('%s: every page as if every slot had been looked at', async (_name, free) => {
    for (const page of [0, 1, 2, 3, 5, 40]) {
      const { desk: d } = desk(free);
      expect(await shown(d, page)).toEqual(reference(free, page));
    }
  });

  it('looks at the first two pages of slots only, in one round trip, when they have free places', async () => {
    const { desk: d, looked } = desk(() => true);
    await shown(d, 0);
    expect(looked).toEqual([2 * SLOTS_PER_PAGE]);
  });
});

/** Issue 11, item 2: the booking confirmation says where the office is, as far as it is known. */
describe('BookingDesk meeting confirmation', () => {
  const translator = createTranslator();
  const now = new Date('2026-11-23T05:00:00.000Z');
  const booked = (office: ReturnType<typeof testOffice>): Output => ({
    type: 'message',
    text: [{ key: 'booking:booked' }],
    appointment: { slot: 'baku@2026-11-24T10:00', office: office.id, start: '2026-11-24T06:00:00.000Z', end: '2026-11-24T07:00:00.000Z', attach: true },
  });
  const confirm = async (office: ReturnType<typeof testOffice>) => {
    const d = new BookingDesk({ offices: [office], store: {} as BookingStore, translator });
    return (await d.hydrate([booked(office)], 'en', now))[0]!;
  };

  it('gives the address with its landmark, the office on the map and the calendar file', async () => {
    const o = await confirm(testOffice());
    const details = o.text.find((t) => 'key' in t && t.key === 'booking:details') as { params: Record<string, string> };
    expect(details.params.address).toBe('Baku, 1 Test street (next to Test metro station)');
    expect(o.text).toContainEqual({ key: 'booking:details_hint' });
    expect(o.attachments!.map((a) => a.type)).toEqual(['venue', 'file']);
  });

  it('sends no map point for a location marked unknown (a stand-in), and the hint does not promise one', async () => {
    const o = await confirm(testOffice({ landmark: undefined, unknown: ['landmark', 'location'] }));
    expect(o.text).toContainEqual({ key: 'booking:details_hint_no_map' });
    expect(o.attachments!.map((a) => a.type)).toEqual(['file']);
  });
});
