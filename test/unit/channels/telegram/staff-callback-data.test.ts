import { alertKeyboard } from '../../../../src/channels/telegram/alert-message';
import { decodeCallbackData, STALE_INPUT } from '../../../../src/channels/telegram/callback-data';
import { decodeStaffData, encodeStaffData, isStaffData, sameMeeting, type StaffAction } from '../../../../src/channels/telegram/staff-callback-data';
import type { CaseSummary } from '../../../../src/caseworkers/case-file';
import { createTranslator } from '../../../../src/i18n';

const tr = createTranslator();
const start = new Date('2026-11-25T06:00:00Z');

describe('staff callback data', () => {
  it.each<StaffAction>([
    { verb: 'claim', kind: 'intake', caseCode: 'KP-7G4Q-M2XD' },
    { verb: 'open', kind: 'escalation', caseCode: 'KP-7G4Q-M2XD' },
    { verb: 'came', kind: 'booking', caseCode: 'KP-7G4Q-M2XD', start },
    { verb: 'noshow', kind: 'moved', caseCode: 'KP-ZZZZ-ZZZZ-ZZZZ-ZZZZ-Z', start },
  ])('round-trips %j within 64 bytes', (a) => {
    const data = encodeStaffData(a);
    expect(Buffer.byteLength(data)).toBeLessThanOrEqual(64);
    expect(isStaffData(data)).toBe(true);
    expect(decodeStaffData(data)).toEqual(a);
  });

  it('never collides with the engine: a person’s conversation reads staff data as a stale button', () => {
    expect(encodeStaffData({ verb: 'claim', kind: 'intake', caseCode: 'KP-7G4Q-M2XD' })).toBe('w:claim:i:KP-7G4Q-M2XD');
    expect(decodeCallbackData('w:claim:i:KP-7G4Q-M2XD')).toEqual(STALE_INPUT);
    for (const engine of ['c:q1:yes', 'h:abcdefgh:yes', 'k:start']) expect(isStaffData(engine)).toBe(false);
  });

  it('refuses to encode what it could not read back', () => {
    expect(() => encodeStaffData({ verb: 'claim', kind: 'intake', caseCode: 'kp:1' })).toThrow(RangeError);
    expect(() => encodeStaffData({ verb: 'came', kind: 'booking', caseCode: 'KP-1234-5678' })).toThrow(RangeError);
  });

  it('refuses data it did not make, without throwing', () => {
    for (const bad of ['w:claim', 'w:burn:i:KP-1234-5678', 'w:claim:q:KP-1234-5678', 'w:claim:i:kp-lower', 'w:came:b:KP-1234-5678', `w:open:i:KP-${'X'.repeat(70)}`, 'w:claim:i:KP-1234-5678:extra']) {
      expect(decodeStaffData(bad)).toBeUndefined();
    }
  });

  it('tells whether an attendance button is for the meeting as it is now', () => {
    const a = decodeStaffData(encodeStaffData({ verb: 'came', kind: 'booking', caseCode: 'KP-1234-5678', start }))!;
    expect(sameMeeting(a.start, start)).toBe(true);
    expect(sameMeeting(a.start, new Date(start.getTime() + 3_600_000))).toBe(false);
    expect(sameMeeting(undefined, start)).toBe(false);
  });
});

describe('alertKeyboard', () => {
  const s = (over: Partial<CaseSummary> = {}): CaseSummary => ({ code: 'KP-7G4Q-M2XD', exists: true, vulnerability: [], ...over });
  const booking = { caseCode: 'KP-7G4Q-M2XD', slot: 'baku@2026-11-25T10:00', office: 'baku', start, end: start, status: 'booked' as const, lang: 'ru', confirmed: false, bookedAt: start };
  const labels = (kb: ReturnType<typeof alertKeyboard>) => kb.inline_keyboard.map((row) => row.map((b) => b.text));
  const l = (key: string) => tr.t('az', `caseworker:alert.button.${key}`);

  it('offers Claim and Open until someone claims, then Open only', () => {
    expect(labels(alertKeyboard(tr, 'az', 'intake', s()))).toEqual([[l('claim'), l('open')]]);
    expect(labels(alertKeyboard(tr, 'az', 'intake', s({ claim: { by: 's-1', at: start } })))).toEqual([[l('open')]]);
  });

  it('adds Came / Did not come to booking alerts while the meeting is booked', () => {
    expect(labels(alertKeyboard(tr, 'az', 'booking', s({ booking })))).toEqual([[l('claim'), l('open')], [l('came'), l('no_show')]]);
    expect(labels(alertKeyboard(tr, 'az', 'booking', s({ booking: { ...booking, status: 'no_show' } })))).toEqual([[l('claim'), l('open')]]);
    expect(labels(alertKeyboard(tr, 'az', 'intake', s({ booking })))).toEqual([[l('claim'), l('open')]]);
  });
});
