import { CALLBACK_DATA_MAX_BYTES, callbackLookup, decodeCallbackData, encodeCallbackData, nodeDigest, STALE_INPUT, type ButtonAction } from '../../../../src/channels/telegram/callback-data';

describe('callback data', () => {
  const roundTrips: ButtonAction[] = [
    { type: 'choice', node: 'q1', value: 'yes' },
    { type: 'choice', node: 'q3', value: '__done' },
    { type: 'choice', node: 'address', value: '__skip' },
    { type: 'choice', node: '__language', value: 'ru' },
    { type: 'choice', node: 'option', value: 'A' },
    { type: 'command', name: 'back' },
    { type: 'command', name: 'menu' },
  ];

  it.each(roundTrips)('round-trips %j', (action) => {
    const data = encodeCallbackData(action);
    expect(Buffer.byteLength(data)).toBeLessThanOrEqual(CALLBACK_DATA_MAX_BYTES);
    expect(decodeCallbackData(data)).toEqual(action);
  });

  it('is short and readable for ordinary buttons', () => {
    expect(encodeCallbackData({ type: 'choice', node: 'q1', value: 'yes' })).toBe('c:q1:yes');
    expect(encodeCallbackData({ type: 'command', name: 'back' })).toBe('k:back');
  });

  it('keeps long node ids under 64 bytes with a digest, and reads them back through the lookup', () => {
    const node = 'a_very_long_node_identifier_written_by_programme_staff_for_clarity_q7';
    const action: ButtonAction = { type: 'choice', node, value: 'employment_education' };
    const data = encodeCallbackData(action);
    expect(Buffer.byteLength(data)).toBeLessThanOrEqual(64);
    expect(data).toBe(`h:${nodeDigest(node)}:employment_education`);
    expect(decodeCallbackData(data, callbackLookup(['q1', node]))).toEqual(action);
    // Without the node in the lookup (flow changed since), the button is stale, not a crash.
    expect(decodeCallbackData(data, callbackLookup(['q1']))).toEqual(STALE_INPUT);
    expect(decodeCallbackData(data)).toEqual(STALE_INPUT);
  });

  it('uses the plain form up to exactly 64 bytes', () => {
    const node = 'n'.repeat(64 - 'c::yes'.length);
    const data = encodeCallbackData({ type: 'choice', node, value: 'yes' });
    expect(data.startsWith('c:')).toBe(true);
    expect(Buffer.byteLength(data)).toBe(64);
    expect(encodeCallbackData({ type: 'choice', node: `${node}x`, value: 'yes' }).startsWith('h:')).toBe(true);
  });

  it('refuses a value too long to fit even with a digest', () => {
    expect(() => encodeCallbackData({ type: 'choice', node: 'q', value: 'v'.repeat(62) })).toThrow(RangeError);
  });

  it.each([
    undefined,
    '',
    'x',
    'garbage',
    'c:q1',
    'c:q1:yes:extra',
    'c::yes',
    'c:q1:',
    'c:q 1:yes',
    'c:q1:ye$',
    'k:',
    'k:delete_everything',
    'k:back:now',
    'h:short:yes',
    'z:q1:yes',
    '{"type":"choice"}',
    'c:' + 'x'.repeat(70) + ':yes',
    'c:q1:да',
  ])('answers unreadable data %p with the stale input, never a throw', (data) => {
    expect(decodeCallbackData(data)).toEqual(STALE_INPUT);
  });

  it('the stale input names no real node (ids start with a letter)', () => {
    expect(STALE_INPUT).toEqual({ type: 'choice', node: '__stale', value: 'x' });
  });
});
