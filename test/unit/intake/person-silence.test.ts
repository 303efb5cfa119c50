import { silenceFrom } from '../../../src/intake/person-silence';

describe('silenceFrom: whether the person behind a case may still be written to on Körpü’s own initiative', () => {
  it('never after an erasure', () => {
    expect(silenceFrom({ status: 'erased' })).toBe('erased');
    expect(silenceFrom({ status: 'erased', withdrawn_at: '2026-12-01T10:00:00.000Z', handoff_at: '2026-12-02T10:00:00.000Z' })).toBe('erased');
  });

  it('not after a withdrawal, unless the person asked for a case worker since', () => {
    expect(silenceFrom({ status: 'withdrawn', withdrawn_at: '2026-12-01T10:00:00.000Z' })).toBe('withdrawn');
    expect(silenceFrom({ status: 'withdrawn', withdrawn_at: '2026-12-01T10:00:00.000Z', handoff_at: '2026-11-30T10:00:00.000Z' })).toBe('withdrawn');
    expect(silenceFrom({ status: 'withdrawn', withdrawn_at: '2026-12-01T10:00:00.000Z', handoff_at: '2026-12-01T10:05:00.000Z' })).toBeUndefined();
  });

  it('always while the case is open, completed or closed (a closing is told to the person)', () => {
    for (const status of ['open', 'consented', 'intake_completed', 'closed', undefined, null]) expect(silenceFrom({ status })).toBeUndefined();
  });
});
