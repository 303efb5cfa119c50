import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { localizedText, REQUIRED_CONFIG_LANGS } from '../../../src/config/localized';
import { loadOffices } from '../../../src/config/offices';
import { loadProgrammeContent } from '../../../src/config/programme';
import { loadSafeguardingConfig } from '../../../src/config/safeguarding';
import { SUPPORTED_LANGS } from '../../../src/core/lang';

/**
 * Configured texts (office names and addresses, referrals, emergency numbers) reach people in
 * their language: the shipped files give every supported language, and a deployment that adds
 * an entry in az, ru and en only shows English to fa/uz/tr/uk readers instead of failing.
 */
const ROOT = join(__dirname, '..', '..', '..');
const FILES = ['config/offices.yaml', 'config/programme.yaml', 'config/safeguarding.yaml'];

/** Every object in a parsed YAML tree that is a localised text (it has an `en` string). */
function localizedTexts(node: unknown, path = ''): [string, Record<string, unknown>][] {
  if (Array.isArray(node)) return node.flatMap((n, i) => localizedTexts(n, `${path}[${i}]`));
  if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    if (typeof o.en === 'string') return [[path, o]];
    return Object.entries(o).flatMap(([k, v]) => localizedTexts(v, path ? `${path}.${k}` : k));
  }
  return [];
}

describe('configured texts in every language', () => {
  it.each(FILES)('%s gives every localised text in all seven languages', (file) => {
    const texts = localizedTexts(parse(readFileSync(join(ROOT, file), 'utf8')));
    expect(texts.length).toBeGreaterThan(0);
    const incomplete = texts.flatMap(([path, t]) => SUPPORTED_LANGS.filter((l) => typeof t[l] !== 'string' || !(t[l] as string).trim()).map((l) => `${path}.${l}`));
    expect(incomplete).toEqual([]);
  });

  it('the shipped files load with a Persian, Uzbek, Turkish and Ukrainian text for each entry', () => {
    const office = loadOffices(join(ROOT, 'config/offices.yaml')).offices[0]!;
    expect(office.name.fa).toMatch(/[\u0600-\u06FF]/);
    expect(office.address.uk).toBe('місто Баку');
    const referrals = loadProgrammeContent(join(ROOT, 'config/programme.yaml')).referrals;
    expect(referrals.every((r) => r.name.tr !== r.name.en && r.what.uz !== r.what.en)).toBe(true);
    const contacts = loadSafeguardingConfig(join(ROOT, 'config/safeguarding.yaml')).emergencyContacts;
    expect(contacts.map((c) => c.name.fa).every((n) => /[\u0600-\u06FF]/.test(n))).toBe(true);
  });

  it('az, ru and en are required; a missing fa, uz, tr or uk text is the English one', () => {
    const schema = localizedText();
    expect(REQUIRED_CONFIG_LANGS).toEqual(['az', 'ru', 'en']);
    expect(schema.parse({ az: 'Bakı ofisi', ru: 'Бакинский офис', en: 'Baku office', tr: 'Bakü ofisi' })).toEqual({
      az: 'Bakı ofisi',
      ru: 'Бакинский офис',
      en: 'Baku office',
      fa: 'Baku office',
      uz: 'Baku office',
      tr: 'Bakü ofisi',
      uk: 'Baku office',
    });
    expect(schema.safeParse({ az: 'Bakı ofisi', en: 'Baku office' }).success).toBe(false);
    expect(schema.safeParse({ az: 'a', ru: 'b', en: 'c', fa: '' }).success).toBe(false);
  });
});
