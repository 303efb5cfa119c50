import { typedTexts } from '../../../src/web/typed-back';

/** What a refused form's page shows back: the free text typed, none of the form's machinery. */
describe('typedTexts', () => {
  it('keeps what was typed, in any script, and leaves out choices, ids, dates and the CSRF token', () => {
    expect(
      typedTexts({
        _csrf: 'aGVsbG8td29ybGQtdG9rZW4tdGhhdC1pcy1sb25nLWVub3VnaA',
        ref: 'r4nd0m-ref-0123456789',
        status: 'attended',
        meeting: '2026-12-07T05:00:00.000Z',
        q3: ['language', 'employment_education'],
        currentSituation: 'Lives with her sister; no income since October.',
        beneficiaryName: 'زهرا رحیمی',
        gender: 'qadın',
        skills: ['', '  '],
        note: ['Швея, 10 лет опыта', 'ok'],
      }),
    ).toEqual(['Lives with her sister; no income since October.', 'زهرا رحیمی', 'qadın', 'Швея, 10 лет опыта']);
  });

  it('gives nothing for a body that is no form', () => {
    expect(typedTexts(undefined)).toEqual([]);
    expect(typedTexts('text=hello')).toEqual([]);
  });
});
