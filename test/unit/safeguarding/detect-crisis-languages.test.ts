import { detectCrisis, foldPersian, normaliseForMatching, russianToLatin } from '../../../src/safeguarding/detect-crisis';
import { CRISIS_AZ_PLAIN, CRISIS_MORE_LANGS, CRISIS_RU_TRANSLIT } from './crisis-sentences';

/**
 * Crisis detection the way people really type in the seven languages: Azerbaijani on a phone
 * without its letters, Russian in Latin letters, Uzbek with any apostrophe, Persian on an
 * Arabic or Persian keyboard; and hyperbole that is not a crisis (review of December 2026).
 */
describe('detectCrisis as people type', () => {
  it.each([
    // each Azerbaijani letter replaced by the one people type instead
    ['a for ə', 'yaşamaq istəmirəm', 'yaşamaq istamiram'],
    ['s for ş', 'yaşamaq istəmirəm', 'yasamaq istəmirəm'],
    ['c for ç', 'təcili yardım çağırın', 'təcili yardım cağırın'],
    ['g for ğ', 'təcili yardım çağırın', 'təcili yardım çagırın'],
    ['i for ı', 'pasportumu əlimdən alıblar', 'pasportumu əlimdən aliblar'],
    ['o for ö', 'ərim məni döyür', 'ərim məni doyür'],
    ['u for ü', 'ərim məni döyür', 'ərim məni döyur'],
    ['all at once', 'özümü öldürəcəm', 'ozumu olduracam'],
  ])('reads Azerbaijani with %s', (_, proper, typed) => {
    expect(detectCrisis(typed)).toEqual(detectCrisis(proper));
    expect(detectCrisis(typed)).toBeDefined();
  });

  it.each(CRISIS_AZ_PLAIN)('Azerbaijani without its letters: %j is %s', (text, category) => {
    expect(detectCrisis(text)?.category).toBe(category);
  });

  it.each(CRISIS_RU_TRANSLIT)('Russian in Latin letters: %j is %s, reported as a Russian cue', (text, category) => {
    expect(detectCrisis(text)).toEqual({ category, cue: expect.stringMatching(new RegExp(`^${category}\\.ru\\.`)) });
  });

  it('spells a Russian pattern in the Latin letters people use', () => {
    expect(russianToLatin('жить')).toBe('(?:zh|j|z)it(?:y|j)?');
    expect(new RegExp(`^${russianToLatin('хочу')}$`).test('hochu')).toBe(true);
    expect(new RegExp(`^${russianToLatin('хочу')}$`).test('khochu')).toBe(true);
  });

  it.each([
    // hyperbole and figures of speech, in every language that has them
    'bu iş məni öldürəcək',
    'bu is meni olduracek',
    'Bu iş beni öldürecek',
    'this job is killing me',
    'The heat is going to kill me',
    'эта работа меня убьёт',
    'eta rabota menya ubyot',
    'Ця робота мене вбє',
    'Bu ish meni oʻldiradi',
    'این کار منو میکشه',
  ])('hyperbole is not a crisis: %j', (text) => {
    expect(detectCrisis(text)).toBeUndefined();
  });

  it('the same subject and verb with a person who threatens is a crisis', () => {
    expect(detectCrisis('ərim məni öldürəcək')?.category).toBe('violence');
    expect(detectCrisis('Kocam beni öldürecek')?.category).toBe('violence');
    expect(detectCrisis('муж меня убьёт')?.category).toBe('violence');
    expect(detectCrisis('muzh menya ubyet')?.category).toBe('violence');
    expect(detectCrisis('شوهرم منو میکشه')?.category).toBe('violence');
  });

  it('reads Uzbek oʻ and gʻ however the mark is typed, and keeps oʻl- (die) apart from ol- (take)', () => {
    for (const text of ["o'lgim kelyapti", 'oʻlgim kelyapti', 'o‘lgim kelyapti', 'o`lgim kelyapti', 'O’LGIM KELYAPTI']) expect(detectCrisis(text)?.cue).toBe('suicide.uz.want_die');
    expect(detectCrisis('olgim kelyapti')).toBeUndefined();
    expect(normaliseForMatching("o'zimni O‘ldiraman")).toBe('ŏzimni ŏldiraman');
  });

  it('reads Persian typed with Arabic letters, a half-space, a space or nothing after می', () => {
    expect(foldPersian(normaliseForMatching('نمي خواهم زندگي كنم'))).toBe('نمیخواهم زندگی کنم');
    for (const text of ['نمی‌خواهم زندگی کنم', 'نمی خواهم زندگی کنم', 'نمیخواهم زندگی کنم', 'نمي‌خواهم زندگي كنم', 'نمی‌خواهم زِندگی کُنم']) {
      expect(detectCrisis(text)?.cue).toBe('suicide.fa.not_live');
    }
  });

  it('every new language has each of the four categories', () => {
    const seen = new Set(CRISIS_MORE_LANGS.map(([text]) => detectCrisis(text)?.cue.split('.').slice(0, 2).join('.')));
    for (const lang of ['fa', 'uz', 'tr', 'uk']) for (const category of ['suicide', 'violence', 'exploitation', 'medical']) expect(seen).toContain(`${category}.${lang}`);
  });
});
