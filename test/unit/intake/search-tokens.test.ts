import { FieldCipher } from '../../../src/storage/field-cipher';
import { fieldTokens, foldWord, nameWords, phoneE164, queryTokens } from '../../../src/intake/search-tokens';

/** Tokens as the words themselves, to read what was made of a name. */
const plain = (w: string) => w;

describe('case search tokens: names', () => {
  it('folds Azerbaijani letters, so a surname typed without them finds the one with them', () => {
    expect(foldWord('Məmmədova')).toBe('mammadova');
    expect(foldWord('Mammadova')).toBe('mammadova');
    expect(foldWord('ŞÜKÜROVA')).toBe('sukurova');
    expect(foldWord('Çingiz')).toBe('cingiz');
    expect(foldWord('Ağa')).toBe('aga');
    expect(foldWord('Gözəl')).toBe('gozal');
  });

  it('treats the dotted and dotless i alike, in either case', () => {
    for (const w of ['İsmayılov', 'ISMAYILOV', 'ismayilov', 'Ismayılov', 'İSMAYİLOV']) expect(foldWord(w)).toBe('ismayilov');
  });

  it('keeps Cyrillic as Cyrillic (no transliteration), case-folded', () => {
    expect(foldWord('Мамедова')).toBe('мамедова');
    expect(foldWord('Мамедова')).not.toBe(foldWord('Mammadova'));
    expect(foldWord('Фёдор')).toBe(foldWord('Федор'));
  });

  it('drops apostrophes and folds Arabic-keyboard Persian letters', () => {
    expect(foldWord("O'g'li")).toBe('ogli');
    expect(foldWord('Oʻgʻli')).toBe('ogli');
    expect(foldWord('علي')).toBe(foldWord('علی'));
  });

  it('splits a name at spaces and hyphens, once per word', () => {
    expect(nameWords('  Leyla   Məmmədova-Əliyeva  leyla')).toEqual(['leyla', 'mammadova', 'aliyeva']);
    expect(nameWords('—')).toEqual([]);
  });

  it('indexes a name with ə under its spelling with e as well ("Memmedova")', () => {
    expect(fieldTokens('last_name', 'Məmmədova', plain)).toEqual(['n:mammadova', 'n:memmedova']);
    expect(fieldTokens('first_name', 'Leyla', plain)).toEqual(['n:leyla']);
    expect(fieldTokens('address', 'Bakı', plain)).toEqual([]);
  });
});

describe('case search tokens: phone numbers', () => {
  it('reads a local Azerbaijani number, and one with its country code, as the same E.164', () => {
    expect(phoneE164('050 123 45 67')).toBe('+994501234567');
    expect(phoneE164('+994 50 123 45 67')).toBe('+994501234567');
    expect(phoneE164('(050) 123-45-67')).toBe('+994501234567');
    expect(phoneE164('۰۵۰ ۱۲۳ ۴۵ ۶۷')).toBe('+994501234567');
    expect(phoneE164('12')).toBeUndefined();
  });

  it('indexes the stored E.164 number under the token a locally typed number gives', () => {
    expect(fieldTokens('phone', '+994501234567', plain)).toEqual(['p:+994501234567']);
    expect(queryTokens('050 123 45 67', plain)).toEqual({ tokens: ['p:+994501234567'], kind: 'phone' });
  });
});

describe('case search tokens: what is typed', () => {
  it('makes every word of a name a token that must match, and runs of digits one number', () => {
    expect(queryTokens('Leyla Mammadova', plain)).toEqual({ tokens: ['n:leyla', 'n:mammadova'], kind: 'name' });
    expect(queryTokens('Mammadova 050 123 45 67', plain)).toEqual({ tokens: ['n:mammadova', 'p:+994501234567'], kind: 'name_phone' });
  });

  it('finds nothing rather than everything for a number that is no phone number, and nothing to search in punctuation', () => {
    const q = queryTokens('12', plain);
    expect(q?.tokens).toHaveLength(1);
    expect(q?.tokens[0]).not.toMatch(/^p:\+/);
    expect(queryTokens(' - , ', plain)).toBeUndefined();
  });

  it('keys tokens with the pseudonym key, not a data key: a rotation (new data key first) leaves them as they are', () => {
    const first = Buffer.alloc(32, 1);
    const next = Buffer.alloc(32, 2);
    const before = new FieldCipher({ dataKeys: [first] });
    const rotating = new FieldCipher({ dataKeys: [next, first] });
    const pinned = new FieldCipher({ dataKeys: [next], pseudonymKey: first });
    expect(rotating.searchToken('n:leyla')).toBe(before.searchToken('n:leyla'));
    expect(pinned.searchToken('n:leyla')).toBe(before.searchToken('n:leyla'));
    expect(before.searchToken('n:leyla')).not.toBe(new FieldCipher(next).searchToken('n:leyla'));
    expect(before.searchToken('n:leyla')).not.toBe(before.pseudonym('n:leyla').slice(0, 16));
    expect(before.searchToken('n:leyla')).toMatch(/^[A-Za-z0-9_-]{16}$/);
  });
});
