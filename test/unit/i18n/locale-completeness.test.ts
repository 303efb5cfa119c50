import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { SUPPORTED_LANGS } from '../../../src/core/lang';
import { ENGINE_KEYS, flowKeys } from '../../../src/flows/loader';
import { evaluateEligibility } from '../../../src/flows/rules/eligibility';
import { createTranslator, LOCALES_DIR, readLocales } from '../../../src/i18n';
import { loadRealFlows } from '../../helpers/engine-env';

/**
 * Every text the bot can show exists in every language (STYLE principle 7): the keys used by
 * the flows, by the engine and by code; each locale has exactly English's keys (a key may be
 * split into the language's own i18next plural forms), with the same {{placeholders}}, none
 * empty, none left in English; and each locale is really written in its language and script.
 */

const SRC = join(__dirname, '..', '..', '..', 'src');

type Tree = { [k: string]: string | Tree };
/** `{ a: { b: 'x' } }` → `[['a.b', 'x']]` */
function flatten(tree: Tree, prefix = ''): [string, string][] {
  return Object.entries(tree).flatMap(([k, v]) => (typeof v === 'string' ? [[`${prefix}${k}`, v] as [string, string]] : flatten(v, `${prefix}${k}.`)));
}

const resources = readLocales();
/** The namespaces are English's files; every other language must have the same ones. */
const NAMESPACES = Object.keys(resources.en ?? {});
const CODE_KEY = new RegExp(`'((?:${NAMESPACES.join('|')}):[a-z0-9_.]+)'`, 'g');
/** lang → `namespace:path` → text */
const texts = new Map(
  Object.entries(resources).map(([lang, nss]) => [lang, new Map(Object.entries(nss).flatMap(([ns, tree]) => flatten(tree as Tree).map(([k, v]) => [`${ns}:${k}`, v] as const)))]),
);
const english = texts.get('en') ?? new Map<string, string>();

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sourceFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Keys written as whole string literals in src/ (template-literal prefixes are skipped). */
function codeKeys(): Map<string, string> {
  const where = new Map<string, string>();
  for (const file of sourceFiles(SRC)) {
    for (const m of readFileSync(file, 'utf8').matchAll(CODE_KEY)) {
      const key = m[1]!;
      if (key.endsWith('.') || key.endsWith('_')) continue;
      if (!where.has(key)) where.set(key, relative(SRC, file));
    }
  }
  return where;
}

/** Keys built from a message node's `list.prefix` and the reasons the eligibility rule can give. */
function listKeys(): string[] {
  const allReasons = evaluateEligibility({ q1: 'no', q2: 'no', q3: [], q4: 'yes' }).reasons;
  return loadRealFlows().flatMap((f) =>
    f.def.nodes.flatMap((n) => (n.type === 'message' && n.list && n.list.var.endsWith('.reasons') ? allReasons.map((r) => `${n.list!.prefix}${r}`) : [])),
  );
}

/**
 * Texts another language may leave exactly as English has them, each with the reason. Anything
 * else identical to English is an untranslated text. A text with no word of its own (only
 * {{variables}}, emoji and punctuation, such as "📍 {{name}}") has nothing to translate and
 * needs no entry.
 */
const SAME_AS_ENGLISH: Readonly<Record<string, string>> = {
  ...Object.fromEntries(SUPPORTED_LANGS.map((l) => [`common:language_name.${l}`, 'each language is named in itself on the language buttons, the same in every locale'])),
  'reports:export.channel.telegram': 'the messenger’s own name, written so in Latin and Cyrillic texts alike (Persian writes it تلگرام)',
};
const hasOwnWords = (text: string) => /\p{L}/u.test(text.replace(/\{\{[^}]*\}\}/g, ''));

/** Texts that are deliberately in several languages (shown before the language is known). */
const MULTILINGUAL = new Set(['common:prompt.language', 'welcome:choose_language', ...SUPPORTED_LANGS.map((l) => `common:language_name.${l}`)]);

/**
 * i18next plural suffixes (CLDR categories): `key_one`, `key_few`… are forms of `key`. A key
 * counts as a plural form only when its language has at least two forms of the same base
 * (`notice.unsupported_other` alone is an ordinary key named "other").
 */
const PLURAL = /_(zero|one|two|few|many|other)$/;
/** The plural categories i18next needs in `lang` (from CLDR, like i18next itself). */
const categoriesOf = (lang: string) => [...new Intl.PluralRules(lang).resolvedOptions().pluralCategories].sort();

/** A language's keys → base key and plural category (none for an ordinary key). */
function pluralForms(own: Map<string, string>): Map<string, { base: string; category?: string }> {
  const count = new Map<string, number>();
  for (const k of own.keys()) {
    const m = PLURAL.exec(k);
    if (m) count.set(k.slice(0, m.index), (count.get(k.slice(0, m.index)) ?? 0) + 1);
  }
  return new Map(
    [...own.keys()].map((k) => {
      const m = PLURAL.exec(k);
      const base = m ? k.slice(0, m.index) : k;
      return [k, m && (count.get(base) ?? 0) >= 2 ? { base, category: m[1]! } : { base: k }];
    }),
  );
}

/** Keys of a language by base: plain keys map to themselves, plural forms to their base. */
function byBase(own: Map<string, string>): Map<string, string[]> {
  const bases = new Map<string, string[]>();
  for (const { base, category } of pluralForms(own).values()) bases.set(base, [...(bases.get(base) ?? []), ...(category ? [category] : [])]);
  return bases;
}

const placeholders = (text: string) => [...new Set([...text.matchAll(/\{\{\s*([\w.]+)\s*\}\}/g)].map((m) => m[1]))].sort();

describe('locale completeness', () => {
  const tr = createTranslator();
  const missingFrom = (keys: Iterable<string>, source: (k: string) => string) =>
    [...new Set(keys)].flatMap((k) => tr.missing(k).map((lang) => `${lang}: ${k} (${source(k)})`)).sort();

  it('every supported language has a locale folder with every namespace', () => {
    for (const lang of SUPPORTED_LANGS) expect({ lang, namespaces: Object.keys(resources[lang] ?? {}).sort() }).toEqual({ lang, namespaces: [...NAMESPACES].sort() });
  });

  it('every key used by a flow exists in every language', () => {
    const used = loadRealFlows().flatMap((f) => flowKeys(f).map((k) => [k, `flow ${f.def.id}`] as const));
    const from = new Map(used);
    expect(missingFrom(from.keys(), (k) => from.get(k)!)).toEqual([]);
  });

  it('every reason a flow lists (diagnosis:reason.*) exists in every language', () => {
    const keys = listKeys();
    expect(keys).toContain('diagnosis:reason.q4_yes');
    expect(missingFrom(keys, () => 'list prefix')).toEqual([]);
  });

  it('the items of a listed reason carry no list punctuation of their own: any of them may come last', () => {
    const t = createTranslator();
    const ending = listKeys().flatMap((key) => SUPPORTED_LANGS.map((lang) => ({ lang, key, text: t.t(lang, key) }))).filter((r) => /[;؛.,،]$/.test(r.text));
    expect(ending).toEqual([]);
  });

  it('every key the engine uses exists in every language', () => {
    expect(missingFrom(ENGINE_KEYS, () => 'ENGINE_KEYS')).toEqual([]);
  });

  it('every key written in src/ exists in every language', () => {
    const keys = codeKeys();
    expect(keys.size).toBeGreaterThan(10);
    expect(keys.get('common:content.office')).toBe(join('i18n', 'render.ts'));
    expect(missingFrom(keys.keys(), (k) => keys.get(k)!)).toEqual([]);
  });

  it.each(SUPPORTED_LANGS.filter((l) => l !== 'en'))('%s has exactly the keys English has (plural forms counted as their key)', (lang) => {
    const own = byBase(texts.get(lang) ?? new Map<string, string>());
    const en = byBase(english);
    expect({ lang, missing: [...en.keys()].filter((k) => !own.has(k)) }).toEqual({ lang, missing: [] });
    expect({ lang, extra: [...own.keys()].filter((k) => !en.has(k)) }).toEqual({ lang, extra: [] });
    // A text split into plural forms has every form the language needs (uk: one, few, many, other).
    const incomplete = [...own].filter(([, cats]) => cats.length > 0 && cats.sort().join() !== categoriesOf(lang).join()).map(([k, cats]) => `${k}: has ${cats.join(',')}, needs ${categoriesOf(lang).join(',')}`);
    expect(incomplete).toEqual([]);
  });

  it.each(SUPPORTED_LANGS.filter((l) => l !== 'en'))('%s uses the same {{placeholders}} as English in every text', (lang) => {
    const own = texts.get(lang) ?? new Map<string, string>();
    const forms = pluralForms(own);
    const pluralOf = (k: string) => forms.get(k) ?? { base: k };
    const englishOf = (k: string) => english.get(k) ?? english.get(`${pluralOf(k).base}_other`) ?? english.get(pluralOf(k).base);
    // {{count}} is what chooses a plural form: a form may leave it out ("one day" / "один день").
    const wanted = (k: string) => placeholders(englishOf(k) ?? '').filter((p) => !(pluralOf(k).category && p === 'count'));
    const got = (k: string) => placeholders(own.get(k)!).filter((p) => !(pluralOf(k).category && p === 'count'));
    const wrong = [...own.keys()].filter((k) => englishOf(k) !== undefined && got(k).join() !== wanted(k).join());
    expect(wrong.map((k) => `${k}: en {${wanted(k).join(',')}} vs ${lang} {${got(k).join(',')}}`)).toEqual([]);
  });

  it.each(SUPPORTED_LANGS.filter((l) => l !== 'en'))('%s has no text left in English (except the explained allow list)', (lang) => {
    const own = texts.get(lang) ?? new Map<string, string>();
    const untranslated = [...own].filter(([k, v]) => english.get(k) === v && hasOwnWords(v) && !(k in SAME_AS_ENGLISH)).map(([k]) => k);
    expect(untranslated).toEqual([]);
  });

  it('the allow list of texts identical to English names only real keys', () => {
    expect(Object.keys(SAME_AS_ENGLISH).filter((k) => !english.has(k))).toEqual([]);
  });

  it.each([...SUPPORTED_LANGS])('%s has no empty texts', (lang) => {
    const own = texts.get(lang) ?? new Map<string, string>();
    expect([...own].filter(([, v]) => v.trim() === '').map(([k]) => k)).toEqual([]);
  });

  /**
   * Each locale is written in its own language and script (texts deliberately in several
   * languages, such as the language question, are left out): Persian with the Persian ی and
   * ک (not the Arabic ي and ك, which a Persian keyboard does not type and search does not
   * match); Ukrainian with і/ї/є/ґ and without the Russian-only ы, э, ё, ъ; Uzbek with the
   * modifier letter ʻ (U+02BB) in oʻ and gʻ, never an ASCII apostrophe or a quotation mark.
   */
  /** The files whose texts a person (not a case worker) reads in the chat. */
  const PERSON_NAMESPACES = new Set(['welcome', 'diagnosis', 'consent', 'interview', 'booking', 'handoff', 'rights', 'common', 'safeguarding']);
  const ownTexts = (lang: string) => [...(texts.get(lang) ?? new Map<string, string>())].filter(([k]) => !MULTILINGUAL.has(k));

  it('Persian texts are in Persian script, with Persian ی and ک', () => {
    const fa = ownTexts('fa');
    expect(fa.filter(([, v]) => hasOwnWords(v) && !/[\u0600-\u06FF]/.test(v.replace(/\{\{[^}]*\}\}/g, ''))).map(([k]) => k).filter((k) => !k.startsWith('common:simulator.title'))).toEqual([]);
    expect(fa.filter(([, v]) => /[\u064A\u0643]/.test(v)).map(([k]) => k)).toEqual([]);
  });

  // "از برنامه بیرون رفتن و انصراف دهید" put an infinitive where a verb form is needed: the
  // withdrawal is said with the verb alone, "از شرکت در برنامه انصراف دهید".
  it('Persian withdrawal texts use a verb form, not an infinitive joined to the verb', () => {
    const fa = texts.get('fa')!;
    expect(ownTexts('fa').filter(([, v]) => /(رفتن|کردن|شدن) و (انصراف|خارج)/.test(v)).map(([k]) => k)).toEqual([]);
    expect(fa.get('rights:withdraw.confirm')).toContain('آیا می\u200cخواهید اکنون از شرکت در برنامه انصراف دهید؟');
  });

  /**
   * Telegram and the simulator (dir="auto") set a message's direction from its first strong
   * letter: a Persian line that starts with a Latin letter ("A. ناشناس", "ℹ️", "Körpü") or only
   * with a variable (isolated, so skipped) would be laid out left to right. Such lines start
   * with RLM (U+200F). Persian digits and the Arabic comma are not strong letters (bidi classes
   * EN and CS): "۱.۱. ICMPD …" starts left to right just as "ICMPD …" does.
   */
  it('every line of a Persian text starts right to left', () => {
    const firstStrong = (line: string) =>
      /[\u0600-\u06FF\u200F]|[\p{L}]/u.exec(
        line
          .replace(/\{\{[^}]*\}\}/g, '')
          .replace(/\u2066[^\u2069]*\u2069/g, '')
          .replace(/[\u0660-\u0669\u06F0-\u06F9\u060C\u066B\u066C]/g, ''),
      )?.[0];
    const ltr = ownTexts('fa').flatMap(([k, v]) => v.split('\n').filter((l) => l.trim() && !/[\u0600-\u06FF\u200F]/.test(firstStrong(l) ?? '')).map((l) => `${k}: ${l}`));
    expect(ltr).toEqual([]);
  });

  /**
   * The texts a person reads name one thing with one word (locales/glossary.md): withdrawing is
   * "انصراف (از شرکت در برنامه)", as the /withdraw question says, never also "بیرون رفتن از
   * برنامه" on the buttons beside it; the person's data is "اطلاعات", not "داده‌ها".
   */
  it('Persian texts name withdrawing and the person\'s data one way', () => {
    const twoWords = ownTexts('fa').filter(([k, v]) => !k.includes(':typed.') && (/بیرون رفتن از برنامه|از (?:شرکت در )?برنامه(?: ادغام)? بیرون/.test(v) || (PERSON_NAMESPACES.has(k.split(':')[0]!) && /داده\u200cها/.test(v))));
    expect(twoWords.map(([k]) => k)).toEqual([]);
  });

  it('Ukrainian texts write the apostrophe one way (\')', () => {
    expect(ownTexts('uk').filter(([, v]) => /\p{L}[’ʼ]\p{L}/u.test(v)).map(([k]) => k)).toEqual([]);
  });

  it.each(['uz', 'tr'])('%s texts a person reads quote button names with "…", like the rest of them', (lang) => {
    expect(ownTexts(lang).filter(([k, v]) => PERSON_NAMESPACES.has(k.split(':')[0]!) && /[«»“”]/.test(v)).map(([k]) => k)).toEqual([]);
  });

  it('Ukrainian texts use Ukrainian letters, not Russian-only ones', () => {
    const uk = ownTexts('uk');
    expect(uk.filter(([, v]) => /[ыэёъЫЭЁЪ]/.test(v)).map(([k]) => k)).toEqual([]);
    expect(uk.filter(([, v]) => /[іїєґІЇЄҐ]/.test(v)).length).toBeGreaterThan(uk.length / 2);
  });

  it('Uzbek texts write oʻ and gʻ with the modifier letter ʻ', () => {
    const uz = ownTexts('uz');
    expect(uz.filter(([, v]) => /[og](?:['`‘’]|ʼ)/i.test(v)).map(([k]) => k)).toEqual([]);
    expect(uz.filter(([, v]) => /[OoGg]ʻ/.test(v)).length).toBeGreaterThan(uz.length / 4);
  });

  it('Turkish texts use Turkish letters', () => {
    const tr = ownTexts('tr');
    expect(tr.filter(([, v]) => /[şğıİçöü]/.test(v)).length).toBeGreaterThan(tr.length / 2);
  });

  /**
   * A suffix written straight after a variable ("{{date}}'de", "{{office}}da") takes the wrong
   * form half the time: Turkish, Uzbek and Azerbaijani suffixes follow the vowel of the word
   * they end (vowel harmony), which the text cannot know. Texts put the variable after a label
   * instead ("Tarih: {{date}}").
   */
  it.each(['tr', 'uz'])('%s glues no suffix to a {{variable}}', (lang) => {
    const glued = [...(texts.get(lang) ?? new Map<string, string>())].filter(([, v]) => /\}\}['’ʼ-]?\p{L}/u.test(v)).map(([k, v]) => `${k}: ${v}`);
    expect(glued).toEqual([]);
  });

  it('every Azerbaijani file is written with Azerbaijani letters', () => {
    const dir = join(LOCALES_DIR, 'az');
    const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThan(0);
    const withoutLetters = files.filter((f) => !/[əşçğıöüƏŞÇĞİÖÜ]/.test(readFileSync(join(dir, f), 'utf8')));
    expect(withoutLetters).toEqual([]);
  });
});
