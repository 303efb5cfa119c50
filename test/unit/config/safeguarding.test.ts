import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CRISIS_CATEGORIES, loadSafeguardingConfig, SAFEGUARDING_FILE } from '../../../src/config/safeguarding';
import { ConfigError } from '../../../src/core/errors';

describe('safeguarding config', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'korpu-sg-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const write = (text: string) => {
    const file = join(dir, 'safeguarding.yaml');
    writeFileSync(file, text);
    return file;
  };
  const contact = (id: string, number: string) =>
    `  - id: ${id}\n    number: "${number}"\n    name: {az: Ad, ru: Имя, en: Name}\n    what: {az: Nə üçün, ru: Для чего, en: What for}\n`;

  it('loads the shipped file: 112 first, then 102 and 103; 24 h follow-up; every category urgent', () => {
    const sg = loadSafeguardingConfig(SAFEGUARDING_FILE);
    expect(sg.emergencyContacts.map((c) => c.number)).toEqual(['112', '102', '103']);
    expect(sg.followUpAfterMinutes).toBe(1440);
    expect(sg.urgentCategories).toEqual([...CRISIS_CATEGORIES]);
    for (const c of sg.emergencyContacts) for (const lang of ['az', 'ru', 'en'] as const) expect(c.name[lang] && c.what[lang]).toBeTruthy();
  });

  it('defaults the follow-up delay and the urgent categories', () => {
    const sg = loadSafeguardingConfig(write(`emergencyContacts:\n${contact('emergency_112', '112')}`));
    expect(sg.followUpAfterMinutes).toBe(1440);
    expect(sg.urgentCategories).toEqual(['suicide', 'violence', 'exploitation', 'medical']);
  });

  it('stops start-up naming the file and every bad field', () => {
    const file = write(`emergencyContacts:\n${contact('a', 'call me')}${contact('a', '+994 12 000 00 00')}urgentCategories: [suicide, fire]\n`);
    let error: unknown;
    try {
      loadSafeguardingConfig(file);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const lines = (error as Error).message.split('\n');
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: emergencyContacts\\.0\\.number: must be a phone number`)),
        expect.stringContaining('emergencyContacts.1.id: duplicate id "a"'),
        expect.stringContaining('urgentCategories.1:'),
      ]),
    );
  });

  it('refuses an empty contact list, a missing language and an unreadable file', () => {
    expect(() => loadSafeguardingConfig(write('emergencyContacts: []\n'))).toThrow(/emergencyContacts: must list at least one number/);
    expect(() => loadSafeguardingConfig(write('emergencyContacts:\n  - id: x\n    number: "112"\n    name: {az: A, en: B}\n    what: {az: A, ru: Б, en: B}\n'))).toThrow(
      /emergencyContacts\.0\.name\.ru/,
    );
    expect(() => loadSafeguardingConfig(join(dir, 'missing.yaml'))).toThrow(/missing\.yaml: cannot read/);
  });
});
