import { callerOf, phoneChatId } from '../../../src/core/phone-call';

describe('phone call chat ids', () => {
  it('name the worker and the call, and give the worker back', () => {
    expect(phoneChatId(123456789, 2)).toBe('123456789:2');
    expect(callerOf(phoneChatId(123456789, 2))).toBe(123456789);
  });

  it('are not read out of anything else', () => {
    for (const other of ['123456789', 'telegram:1', '12:ab', ':1', '1:2:3', '']) expect(callerOf(other)).toBeUndefined();
  });
});
