import { cleanText } from '../../../src/core/clean-text';

describe('cleanText', () => {
  it('removes bidi overrides, isolates and marks, so a name cannot flip a case worker’s alert', () => {
    expect(cleanText('Ali\u202Evəlinaz\u202C Məmmədov')).toBe('Alivəlinaz Məmmədov');
    expect(cleanText('\u2066KP\u2069\u200E\u200F\u061C')).toBe('KP');
  });

  it('removes control characters but keeps line breaks, tabs, and what a reader sees', () => {
    expect(cleanText('a\u0000b\u0007c\u001Bd\u007F\u0085e')).toBe('abcde');
    expect(cleanText('line 1\nline 2\r\n\tend')).toBe('line 1\nline 2\r\n\tend');
    // Persian needs the zero-width non-joiner; emoji sequences need the joiner.
    expect(cleanText('می\u200Cخواهم 👩\u200D⚕️')).toBe('می\u200Cخواهم 👩\u200D⚕️');
  });
});
