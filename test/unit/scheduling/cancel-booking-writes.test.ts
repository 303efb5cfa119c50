import { randomBytes } from 'node:crypto';
import { planRecordWrites } from '../../../src/intake/record-writes';
import { cancelBookingWrites } from '../../../src/scheduling/cancel-booking-writes';
import { SlotIdError } from '../../../src/scheduling/slot-id';
import { FieldCipher } from '../../../src/storage/field-cipher';
import { redisKeys } from '../../../src/storage/keys';

const keys = redisKeys('k:');
const now = new Date('2026-11-24T06:30:00Z');

describe('cancelling a booking', () => {
  it('marks the booking and clears the case field, touching only the case’s keys (the place is the effect’s)', () => {
    const writes = cancelBookingWrites(keys, { caseCode: 'KP-AAAA-0001', slot: 'baku_2@2026-11-25T09:00' }, now);
    expect(writes).toEqual([
      { op: 'hsetIf', key: keys.booking('KP-AAAA-0001'), field: 'status', equals: 'booked', fields: { status: 'cancelled', cancelled_at: now.toISOString() } },
      { op: 'hset', key: keys.case('KP-AAAA-0001'), fields: { booking: '', updated_at: now.toISOString() } },
    ]);
    expect(writes.map((w) => w.key)).not.toContain(keys.slot('baku_2@2026-11-25T09:00'));
  });

  it('is what a conversation commits for the engine’s booking_cancelled', () => {
    const booking = { caseCode: 'KP-AAAA-0001', slot: 'baku@2026-11-25T09:00' };
    const ctx = { now, timeZone: 'Asia/Baku', place: 'Telegram', channel: 'telegram', chatId: '1', cipher: new FieldCipher(randomBytes(32)), keys, consentVersion: () => 'annex4-000000000000' };
    expect(planRecordWrites([{ type: 'booking_cancelled', ...booking, lang: 'en' }], ctx)).toEqual(cancelBookingWrites(keys, booking, now));
  });

  it('refuses a slot that is not a slot id rather than leave a place its effect could never free', () => {
    expect(() => cancelBookingWrites(keys, { caseCode: 'KP-AAAA-0001', slot: 'garbage' }, now)).toThrow(SlotIdError);
  });
});
