import { readLocales } from '../../../src/i18n';

/**
 * The programme's glossary (spec §10; locales/glossary.md) calls Annex 3's adverse incident
 * «неблагоприятный инцидент» in Russian, and Ukrainian follows it with «несприятливий
 * інцидент». The report form and the bot's alerts said so; the workspace's links, titles and
 * history said «происшествие» / «подія», so one report had two names on one page («Отчёты о
 * происшествиях» beside «Инциденты (Приложение 3)»). No text names it otherwise.
 */

type Tree = { [k: string]: string | Tree };
const flatten = (tree: Tree, prefix = ''): [string, string][] =>
  Object.entries(tree).flatMap(([k, v]) => (typeof v === 'string' ? [[`${prefix}${k}`, v] as [string, string]] : flatten(v, `${prefix}${k}.`)));

const resources = readLocales();
const textsOf = (lang: string) => Object.entries(resources[lang] ?? {}).flatMap(([ns, tree]) => flatten(tree as Tree).map(([k, v]): [string, string] => [`${ns}:${k}`, v]));

/** Every case form of the other word, as a whole word («подія» and not «розподіл», «подіяти»). */
const OTHER_WORD: Record<string, RegExp> = {
  ru: /(?<!\p{L})происшестви(?:е|я|ю|ем|и|й|ям|ями|ях)(?!\p{L})/iu,
  uk: /(?<!\p{L})поді(?:я|ї|ю|єю|й|ям|ями|ях)(?!\p{L})/iu,
};

describe('the adverse incident is «инцидент» / «інцидент», as the glossary says', () => {
  it.each(['ru', 'uk'])('no %s text calls it «происшествие» / «подія»', (lang) => {
    const texts = textsOf(lang);
    expect(texts.length).toBeGreaterThan(100);
    expect(texts.filter(([, v]) => OTHER_WORD[lang]!.test(v)).map(([k, v]) => `${k}: ${v}`)).toEqual([]);
  });

  it('the workspace and the report form name it with the glossary word', () => {
    const t = (lang: string, key: string) => new Map(textsOf(lang)).get(key) ?? '';
    const keys = ['web:nav.incidents', 'web:case.incidents', 'casework:links.incidents', 'casework:links.new_incident', 'casework:incidents.report_title', 'safeguarding:incident.title', 'caseworker:audit.action.start_incident'];
    for (const key of keys) expect([key, t('ru', key)]).toEqual([key, expect.stringMatching(/(?<!\p{L})[Ии]нцидент/u)]);
    for (const key of keys) expect([key, t('uk', key)]).toEqual([key, expect.stringMatching(/(?<!\p{L})[Іі]нцидент/u)]);
  });
});
