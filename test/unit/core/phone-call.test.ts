import { callerOf, phoneChatId, walkInCallChat } from '../../../src/core/phone-call';
import { personCell } from '../../../src/storage/keys';

describe('phone call chat ids', () => {
  it('name the worker and the call, and give the worker back', () => {
    expect(phoneChatId(123456789, 2)).toBe('123456789:2');
    expect(callerOf(phoneChatId(123456789, 2))).toBe(123456789);
  });

  it('are not read out of anything else', () => {
    for (const other of ['123456789', 'telegram:1', '12:ab', ':1', '1:2:3:4', '1:2:x', '']) expect(callerOf(other)).toBeUndefined();
  });

  it('of a call with a walk-in land in the cell asked for, the same each time, and still name the worker', () => {
    const cellOf = (chat: string) => personCell(`conv:${chat}`);
    for (let cell = 0; cell < 16; cell++) {
      const chat = walkInCallChat(123456789, 4, cell, cellOf);
      expect(chat).toMatch(/^123456789:4:\d+$/);
      expect(cellOf(chat)).toBe(cell);
      expect(walkInCallChat(123456789, 4, cell, cellOf)).toBe(chat);
      expect(callerOf(chat)).toBe(123456789);
    }
  });
});
