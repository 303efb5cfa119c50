import { readLocales } from '../../../src/i18n';

/**
 * The editorial rules of the Azerbaijani, Russian and English texts (locales/glossary.md) that
 * a reader notices when they are broken: one word for one thing across the chat, the calls and
 * the workspace; one style of quotation marks per language; Azerbaijani vowel harmony in the
 * particle da/də; the person told who books their meeting with the word they know ("case
 * worker"), not the forms' "counsellor"; the Annex 2 Q2 reasons naming the same permission
 * as Q2 itself. Each rule failed on the texts before the edit that introduced it.
 */

type Tree = { [k: string]: string | Tree };
const flatten = (tree: Tree, prefix = ''): [string, string][] =>
  Object.entries(tree).flatMap(([k, v]) => (typeof v === 'string' ? [[`${prefix}${k}`, v] as [string, string]] : flatten(v, `${prefix}${k}.`)));

const resources = readLocales();
const textsOf = (lang: string): [string, string][] =>
  Object.entries(resources[lang] ?? {}).flatMap(([ns, tree]) => flatten(tree as Tree).map(([k, v]): [string, string] => [`${ns}:${k}`, v]));
const textMap = (lang: string) => new Map(textsOf(lang));
/** Texts deliberately in several languages (shown before the language is known). */
const MULTILINGUAL = /^(?:common:prompt\.language|welcome:choose_language|common:language_name\.)/;
/** The words a person may type, matched by the bot, not read by anyone. */
const TYPED = /:typed\./;
const own = (lang: string) => textsOf(lang).filter(([k]) => !MULTILINGUAL.test(k) && !TYPED.test(k));
/** The files whose texts a person (not a case worker) reads in the chat. */
const PERSON_NAMESPACES = new Set(['welcome', 'diagnosis', 'consent', 'interview', 'booking', 'handoff', 'rights', 'common', 'safeguarding']);
const isPersonText = (key: string) => PERSON_NAMESPACES.has(key.split(':')[0]!) && !/^(?:common:alert\.|safeguarding:(?:alert|incident)\.|handoff:talk\.staff\.|rights:notice\.)/.test(key);
const keysWhere = (texts: [string, string][], test: (v: string, k: string) => boolean) => texts.filter(([k, v]) => test(v, k)).map(([k, v]) => `${k}: ${v}`);

describe('Azerbaijani, Russian and English texts follow the glossary and one style each', () => {
  it.each(['az', 'ru', 'en'])('%s has its texts', (lang) => {
    expect(textsOf(lang).length).toBeGreaterThan(500);
  });

  it('Azerbaijani quotes with "…" (the glossary\'s style), never «…»', () => {
    expect(keysWhere(own('az'), (v) => /[«»“”]/.test(v))).toEqual([]);
  });

  /** In the chat, that is; the workspace's pages (HTML) keep the typographic “…” and ’ some of them have. */
  it('English chat texts quote with straight "…" and write the apostrophe as \', never “…” or ’', () => {
    expect(keysWhere(own('en'), (v, k) => isPersonText(k) && /[“”‘’«»]/.test(v))).toEqual([]);
  });

  /** The particle "da/də" (also, too) takes the vowel of the word before it: "nümayəndənin də", "ailə də", "o da". */
  it('the Azerbaijani particle da/də follows the vowel of the word before it', () => {
    const BACK = 'aıou';
    const FRONT = 'eəiöü';
    const lastVowel = (word: string) => [...word.toLocaleLowerCase('az')].reverse().find((c) => BACK.includes(c) || FRONT.includes(c));
    const wrong = own('az').flatMap(([k, v]) =>
      [...v.replace(/\{\{[^}]*\}\}/g, ' ').matchAll(/([\p{L}]+) (da|də)(?!\p{L})/gu)]
        .filter(([, word, particle]) => {
          const vowel = lastVowel(word!);
          return vowel !== undefined && BACK.includes(vowel) !== (particle === 'da');
        })
        .map((m) => `${k}: …${m[0]}…`),
    );
    expect(wrong).toEqual([]);
  });

  it('Azerbaijani says a button is pressed one way: "… düyməsinə basın"', () => {
    expect(keysWhere(own('az'), (v) => /toxun|düyməsini bas/iu.test(v))).toEqual([]);
  });

  it('withdrawing from the programme is named one way: az "iştirakdan imtina", ru «отказаться от участия»', () => {
    expect(keysWhere(own('az'), (v) => /proqramdan (?:çıx|imtina)/iu.test(v))).toEqual([]);
    expect(keysWhere(own('ru'), (v) => /(?<!\p{L})(?:вы(?:йти|шел|шла|ход)) из программы/iu.test(v))).toEqual([]);
  });

  it('the reason for coming is "gəliş səbəbi" in Azerbaijani, as the phone script (Annex 5 line 11) says', () => {
    expect(keysWhere(own('az'), (v) => /gəlmə səbəb/iu.test(v))).toEqual([]);
  });

  /**
   * The person knows the one who helps them as the case worker; the forms' "counsellor" is left
   * for Annex 2 Q4, the counsellor's own judgement. (A meeting booked in the workspace was
   * announced as booked by "a counsellor", a person nobody had mentioned.)
   */
  it('a person reads "case worker", not "counsellor", except for the Q4 judgement', () => {
    const COUNSELLOR: Record<string, RegExp> = { en: /counsellor/i, az: /məsləhətçi/iu, ru: /консультант(?!ац)/iu };
    for (const lang of ['en', 'az', 'ru']) {
      expect([lang, keysWhere(own(lang), (v, k) => isPersonText(k) && k !== 'diagnosis:reason.q4_yes' && COUNSELLOR[lang]!.test(v))]).toEqual([lang, []]);
    }
  });

  /** Where the English names the case worker, az and ru do too, with the glossary's word (not «сотрудник», «специалист», "əməkdaş"). */
  it('"case worker" is «социальный работник» and "keys işçisi" wherever English says it', () => {
    const en = own('en').filter(([, v]) => /case worker/i.test(v));
    expect(en.length).toBeGreaterThan(50);
    const az = textMap('az');
    const ru = textMap('ru');
    expect(en.filter(([k]) => !/keys işçi/iu.test(az.get(k) ?? '')).map(([k]) => `${k}: ${az.get(k)}`)).toEqual([]);
    expect(en.filter(([k]) => !/социальн\p{L}* работник/iu.test(ru.get(k) ?? '')).map(([k]) => `${k}: ${ru.get(k)}`)).toEqual([]);
  });

  /** The first meeting page calls it «Явка»; the case file, the alerts and the calendar said «посещение» for the same record. */
  it('Russian staff texts call attendance at a meeting «явка»', () => {
    expect(keysWhere(own('ru'), (v, k) => !isPersonText(k) && /посещени/iu.test(v))).toEqual([]);
  });

  /** The Annex 2 questions are S1–S4 in Azerbaijani and В1–В4 in Russian (glossary); the export still said "Q4". */
  it('az and ru name the Annex 2 questions in their own letters, not Q1–Q4', () => {
    expect(keysWhere([...own('az'), ...own('ru')], (v) => /(?<![\p{L}\p{N}])Q[1-4](?!\p{N})/u.test(v))).toEqual([]);
  });

  it('the supervisor role has one name: az "supervayzer", ru «супервайзер»', () => {
    expect(keysWhere(own('az'), (v) => /nəzarətçi|(?<!\p{L})rəhbər/iu.test(v))).toEqual([]);
    expect(keysWhere(own('ru'), (v) => /руководител/iu.test(v))).toEqual([]);
  });

  /** /mydata names the consent option as the buttons the person tapped did ("Partly anonymised"), not by another word. */
  it.each(['en', 'az', 'ru'])('%s: /mydata names the consent options A, B, C as the consent buttons do', (lang) => {
    const t = textMap(lang);
    for (const option of ['a', 'b', 'c']) {
      const label = (t.get(`consent:option.${option}`) ?? '').replace(/^[ABC]\. /, '').toLocaleLowerCase(lang);
      expect(label.length).toBeGreaterThan(3);
      expect((t.get(`rights:mydata.choice.${option.toUpperCase()}`) ?? '').toLocaleLowerCase(lang)).toContain(label);
    }
  });

  /** Annex 2 Q2 asks about permission "to stay and live"; a reason that names only "stay" speaks of another permission. */
  it('the Q2 reasons name the permission as Q2 does ("to stay and live")', () => {
    const PERMISSION: Record<string, RegExp> = { en: /stay and live/, az: /olma və yaşama üçün icazə/u, ru: /пребывание и проживание/u };
    const keys = ['diagnosis:reason.q2_no', 'call:result.reason.q2_no', 'common:alert.diagnosis_reason.q2_no', 'casework:diagnosis.reason.q2_no'];
    for (const lang of ['en', 'az', 'ru']) {
      const t = textMap(lang);
      expect(PERMISSION[lang]!.test(t.get('diagnosis:q2.prompt') ?? '')).toBe(true);
      expect([lang, keys.filter((k) => !PERMISSION[lang]!.test(t.get(k) ?? ''))]).toEqual([lang, []]);
    }
  });

  /**
   * A consent set aside (a date of birth under 18) "does not apply" / «не действует» /
   * "qüvvədə deyil": «отложено» (postponed) and "kənara qoyuldu" were word-for-word renderings
   * of "set aside" that say something else, and "set aside" itself is not plain English.
   */
  it('a consent that no longer counts is said plainly, without a calque of "set aside"', () => {
    expect(keysWhere(own('ru'), (v) => /согласие[^.]*отлож|отклад/iu.test(v))).toEqual([]);
    expect(keysWhere(own('az'), (v) => /kənara qoy/iu.test(v))).toEqual([]);
    expect(keysWhere(own('en'), (v, k) => isPersonText(k) && /set aside/i.test(v))).toEqual([]);
  });

  /** The bot speaks of itself without a gender (glossary: impersonal forms); «Сам я…», «писать вам первым» were masculine. */
  it('the Russian bot speaks of itself without a gender', () => {
    const BOT_SPEAKS = /^(?:common:(?:notice|reprompt|channel)\.|handoff:talk\.only_text)/;
    const GENDERED = /(?<!\p{L})(?:сам|первым|рад|готов|должен|смог|понял|увидел|сохранил|прочитал)(?!\p{L})/iu;
    expect(keysWhere(own('ru'), (v, k) => BOT_SPEAKS.test(k) && GENDERED.test(v))).toEqual([]);
  });
});
