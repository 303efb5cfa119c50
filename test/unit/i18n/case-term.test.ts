import { readLocales } from '../../../src/i18n';

/**
 * The programme's glossary (spec §10; locales/glossary.md) calls a case «случай» in Russian
 * («номер случая», «социальный работник, ведущий случай») and Ukrainian follows it with
 * «випадок». The bot's staff texts say so; the workspace said «дело» / «справа» (a court or
 * office file), so a case worker read two words for one thing. No Russian or Ukrainian text
 * names a case otherwise, and words that agree with the case agree with a masculine noun.
 */

type Tree = { [k: string]: string | Tree };
const flatten = (tree: Tree, prefix = ''): [string, string][] =>
  Object.entries(tree).flatMap(([k, v]) => (typeof v === 'string' ? [[`${prefix}${k}`, v] as [string, string]] : flatten(v, `${prefix}${k}.`)));

const resources = readLocales();
const textsOf = (lang: string) => Object.entries(resources[lang] ?? {}).flatMap(([ns, tree]) => flatten(tree as Tree).map(([k, v]): [string, string] => [`${ns}:${k}`, v]));

/** Every case form of «дело» / «справа» as a whole word (not «сделать», «справді», «справжній»). */
const FILE_WORD: Record<string, RegExp> = {
  ru: /(?<!\p{L})дел(?:о|а|у|ом|е|ам|ами|ах)?(?!\p{L})/iu,
  uk: /(?<!\p{L})справ(?:а|и|у|і|ою|ам|ами|ах)?(?!\p{L})/iu,
};
/** Set phrases where the word is not a case (e.g. the UN refugee agency «по делам беженцев»); none in the locales today. */
const SET_PHRASES = [/по делам беженцев/giu, /у справах біженців/giu];

describe('the case is «случай» / «випадок», as the glossary says', () => {
  it.each(['ru', 'uk'])('no %s text calls a case «дело» / «справа»', (lang) => {
    const texts = textsOf(lang);
    expect(texts.length).toBeGreaterThan(100);
    const wrong = texts.filter(([, v]) => FILE_WORD[lang]!.test(SET_PHRASES.reduce((s, p) => s.replace(p, ''), v))).map(([k, v]) => `${k}: ${v}`);
    expect(wrong).toEqual([]);
  });

  it('the workspace names cases with the glossary word', () => {
    const t = (lang: string, key: string) => new Map(textsOf(lang)).get(key);
    expect(['web:nav.cases', 'web:case.title', 'web:cases.filter.code', 'casework:assessment.field.caseNumber', 'casework:close.submit'].map((k) => t('ru', k))).toEqual([
      'Случаи',
      'Случай',
      'Код случая',
      'Номер случая',
      'Закрыть случай',
    ]);
    expect(['web:nav.cases', 'web:case.title', 'web:cases.filter.code'].map((k) => t('uk', k))).toEqual(['Випадки', 'Випадок', 'Код випадку']);
  });

  /** A case's status is shown as the case's adjective («Случай KP-… Закрыт»): masculine, not the neuter that agreed with «дело». */
  it.each([
    ['ru', /(?:ое|[нт]о)$/u],
    ['uk', /(?:а)$/u],
  ])('%s case statuses agree with a masculine noun', (lang, wrongEnding) => {
    const statuses = textsOf(lang).filter(([k]) => /^(?:web|casework):status\./.test(k) && !/(?:met|in_plan|withdrawn)$/.test(k));
    expect(statuses.length).toBeGreaterThanOrEqual(10);
    expect(statuses.filter(([, v]) => wrongEnding.test(v)).map(([k, v]) => `${k}: ${v}`)).toEqual([]);
  });
});
