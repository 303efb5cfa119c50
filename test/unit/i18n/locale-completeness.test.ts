import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { SUPPORTED_LANGS } from '../../../src/core/lang';
import { ENGINE_KEYS, flowKeys } from '../../../src/flows/loader';
import { evaluateEligibility } from '../../../src/flows/rules/eligibility';
import { createTranslator, LOCALES_DIR, readLocales } from '../../../src/i18n';
import { loadRealFlows } from '../../helpers/engine-env';

/**
 * Every text the bot can show exists in every language (STYLE principle 7): the keys used by
 * the flows, by the engine and by code; each locale has exactly English's keys, with the same
 * {{placeholders}}; and the Azerbaijani files are really written in Azerbaijani.
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
/** Texts kept in plural forms: English has `<key>_one` and `<key>_other` (not `unsupported_other` alone). */
const PLURALS = new Set([...english.keys()].filter((k) => k.endsWith('_one') && english.has(`${k.slice(0, -4)}_other`)).map((k) => k.slice(0, -4)));
/** `common:reprompt.too_long_few` → `common:reprompt.too_long`: one text in its plural forms. */
const pluralBase = (key: string) => {
  const base = key.replace(/_(zero|one|two|few|many|other)$/, '');
  return PLURALS.has(base) ? base : key;
};

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

  it('every key the engine uses exists in every language', () => {
    expect(missingFrom(ENGINE_KEYS, () => 'ENGINE_KEYS')).toEqual([]);
  });

  it('every key written in src/ exists in every language', () => {
    const keys = codeKeys();
    expect(keys.size).toBeGreaterThan(10);
    expect(keys.get('common:content.office')).toBe(join('i18n', 'render.ts'));
    expect(missingFrom(keys.keys(), (k) => keys.get(k)!)).toEqual([]);
  });

  it.each(SUPPORTED_LANGS.filter((l) => l !== 'en'))('%s has exactly the keys English has (plural forms as its own grammar needs)', (lang) => {
    const own = new Set([...(texts.get(lang) ?? new Map<string, string>()).keys()].map(pluralBase));
    const en = new Set([...english.keys()].map(pluralBase));
    expect({ lang, missing: [...en].filter((k) => !own.has(k)) }).toEqual({ lang, missing: [] });
    expect({ lang, extra: [...own].filter((k) => !en.has(k)) }).toEqual({ lang, extra: [] });
  });

  it.each([...SUPPORTED_LANGS])('%s gives every plural text each form its plural rules use (i18next `_one`, `_few`, …)', (lang) => {
    const own = [...(texts.get(lang) ?? new Map<string, string>()).keys()];
    const needed = new Intl.PluralRules(lang).resolvedOptions().pluralCategories;
    expect(PLURALS.size).toBeGreaterThan(0);
    const missing = [...PLURALS].flatMap((base) => needed.filter((c) => !own.includes(`${base}_${c}`)).map((c) => `${base}_${c}`));
    expect(missing).toEqual([]);
  });

  it.each(SUPPORTED_LANGS.filter((l) => l !== 'en'))('%s uses the same {{placeholders}} as English in every text', (lang) => {
    const own = texts.get(lang) ?? new Map<string, string>();
    const wrong = [...english].filter(([k, en]) => own.has(k) && placeholders(own.get(k)!).join() !== placeholders(en).join());
    expect(wrong.map(([k, en]) => `${k}: en {${placeholders(en).join(',')}} vs ${lang} {${placeholders(own.get(k)!).join(',')}}`)).toEqual([]);
  });

  it.each([...SUPPORTED_LANGS])('%s has no empty texts', (lang) => {
    const own = texts.get(lang) ?? new Map<string, string>();
    expect([...own].filter(([, v]) => v.trim() === '').map(([k]) => k)).toEqual([]);
  });

  it('every Azerbaijani file is written with Azerbaijani letters', () => {
    const dir = join(LOCALES_DIR, 'az');
    const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThan(0);
    const withoutLetters = files.filter((f) => !/[əşçğıöüƏŞÇĞİÖÜ]/.test(readFileSync(join(dir, f), 'utf8')));
    expect(withoutLetters).toEqual([]);
  });
});
