import { parseSlotId, slotId, SlotIdError, slotIdAt, slotIdParts } from '../../../src/scheduling/slot-id';

describe('slot ids', () => {
  it('are built from an office and a local start, and split back into them', () => {
    const id = slotId('baku_2', '2026-11-25T09:00');
    expect(id).toBe('baku_2@2026-11-25T09:00');
    expect(parseSlotId(id)).toEqual({ ok: true, value: { office: 'baku_2', localStart: '2026-11-25T09:00', localDate: '2026-11-25' } });
  });

  it('use the office-local time of a start, whatever the machine zone', () => {
    // 05:00 UTC is 09:00 in Baku (UTC+4) and 06:00 in Berlin (UTC+1 in November).
    const start = new Date('2026-11-25T05:00:00Z');
    expect(slotIdAt({ id: 'baku', timeZone: 'Asia/Baku' }, start)).toBe('baku@2026-11-25T09:00');
    expect(slotIdAt({ id: 'berlin', timeZone: 'Europe/Berlin' }, start)).toBe('berlin@2026-11-25T06:00');
  });

  it('refuse anything that is not one, as a value when parsing and a typed error when building', () => {
    for (const bad of ['nonsense', 'baku@2026-11-25', 'Baku@2026-11-25T09:00', 'baku@2026-11-25T09:00:00', '@2026-11-25T09:00', 'ba-ku@2026-11-25T09:00']) {
      expect(parseSlotId(bad)).toEqual({ ok: false, error: 'not_a_slot_id' });
      expect(() => slotIdParts(bad)).toThrow(SlotIdError);
    }
    expect(() => slotId('baku@x', '2026-11-25T09:00')).toThrow(SlotIdError);
    expect(() => slotId('baku', '25.11.2026 09:00')).toThrow(SlotIdError);
  });
});
