import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOffices } from '../../../src/config/offices';
import { loadProgrammeContent } from '../../../src/config/programme';
import { SUPPORTED_LANGS, type Lang } from '../../../src/core/lang';
import { createTranslator } from '../../../src/i18n';
import { renderText } from '../../../src/i18n/render';
import { meetingDetails } from '../../../src/intake/booking-desk';
import { pageFormat, pageTranslate } from '../../../src/web/format';

/** config/offices.yaml: the shipped file loads; a wrong one stops start-up naming file and field. */
describe('offices config', () => {
  const write = (text: string) => {
    const file = join(mkdtempSync(join(tmpdir(), 'korpu-offices-')), 'offices.yaml');
    writeFileSync(file, text);
    return file;
  };

  it('loads the shipped file with its defaults', () => {
    const o = loadOffices('config/offices.yaml');
    expect(o.offices.map((x) => x.id)).toEqual(['baku']);
    expect(o.offices[0]!.timeZone).toBe('Asia/Baku');
    expect(o.reminders).toEqual({ beforeMinutes: [1440, 120], quietHours: { from: '21:00', to: '09:00' }, nudgeAfterMinutes: 1440 });
  });

  it('the shipped pilot office marks what the programme documents do not give, rather than inventing it', () => {
    const baku = loadOffices('config/offices.yaml').offices[0]!;
    expect(baku.unknown).toEqual(['street', 'building', 'landmark', 'location']);
    expect(baku.address.en).toBe('Baku');
  });

  /**
   * Every office is named to people and staff in their own language and script: a Persian page,
   * alert or booking says the office's Persian name, not the English one a deployment's file
   * falls back to when a language is left out (localized.ts). The same for the office the
   * programme's texts name (programme.yaml) and for the addresses.
   */
  const SCRIPT: Record<Lang, RegExp> = {
    az: /^[\p{Script=Latin}\s.,()'’-]+$/u,
    en: /^[\p{Script=Latin}\s.,()'’-]+$/u,
    tr: /^[\p{Script=Latin}\s.,()'’-]+$/u,
    // Uzbek Latin: oʻ and gʻ with the modifier letter ʻ, never an ASCII apostrophe.
    uz: /^(?:[\p{Script=Latin}\s.,()-]|ʻ|ʼ)+$/u,
    ru: /^[\p{Script=Cyrillic}\s.,()«»-]+$/u,
    // Ukrainian: Cyrillic without the Russian-only letters.
    uk: /^(?![^]*[ыэёъЫЭЁЪ])[\p{Script=Cyrillic}\s.,()«»'’-]+$/u,
    // Persian: Arabic script with the Persian ی and ک (not ي ك), ZWNJ, «،».
    fa: /^(?![^]*[\u064A\u0643])[\u0600-\u06FF\u200C\s()«»-]+$/u,
  };
  const inEveryLanguage = (where: string, text: Record<Lang, string>) =>
    SUPPORTED_LANGS.flatMap((lang) => {
      const own = text[lang];
      if (!own?.trim()) return [`${where}.${lang}: missing`];
      if (lang !== 'en' && own === text.en) return [`${where}.${lang}: the English text`];
      return SCRIPT[lang].test(own) ? [] : [`${where}.${lang}: not in ${lang}'s script: ${own}`];
    });

  it('names every shipped office, and gives its address, in all seven languages, each in its own script', () => {
    const { offices } = loadOffices('config/offices.yaml');
    expect(offices.length).toBeGreaterThan(0);
    const wrong = offices.flatMap((o) => [...inEveryLanguage(`${o.id}.name`, o.name), ...inEveryLanguage(`${o.id}.address`, o.address), ...(o.landmark ? inEveryLanguage(`${o.id}.landmark`, o.landmark) : [])]);
    const programme = loadProgrammeContent('config/programme.yaml').office;
    wrong.push(...inEveryLanguage('programme.office.name', programme.name), ...(programme.address ? inEveryLanguage('programme.office.address', programme.address) : []));
    expect(wrong).toEqual([]);
    expect(offices.find((o) => o.id === 'baku')!.name.fa).toBe('اداره عمومی منطقه‌ای مهاجرت شهر باکو، خدمات دولتی مهاجرت');
  });

  it('a Persian reader is told the office by its Persian name: the booking and reminders, the office text, the workspace', () => {
    const { offices } = loadOffices('config/offices.yaml');
    const translator = createTranslator();
    for (const office of offices) {
      expect(meetingDetails(office, new Date('2026-11-25T06:00:00Z'), 'fa').office).toBe(office.name.fa);
      expect(pageFormat('fa', pageTranslate(translator, 'fa'), { timeZone: office.timeZone, offices }).office(office.id)).toBe(office.name.fa);
    }
    const content = loadProgrammeContent('config/programme.yaml');
    expect(renderText(translator, content, 'fa', { content: 'office' })).toContain(content.office.name.fa);
  });

  it('the script check refuses an office left in English or in the wrong script', () => {
    const name = { az: 'Bakı ofisi', ru: 'Бакинский офис', en: 'Baku office', fa: 'Baku office', uz: 'Boku ofisi', tr: 'Bakü ofisi', uk: 'Офис миграционной службы' };
    expect(inEveryLanguage('x.name', name)).toEqual(['x.name.fa: the English text', 'x.name.uk: not in uk\'s script: Офис миграционной службы']);
    expect(inEveryLanguage('x.name', { ...name, fa: 'دفتر باكو', uk: 'Бакинський офіс' })).toEqual(['x.name.fa: not in fa\'s script: دفتر باكو']);
    expect(inEveryLanguage('x.name', { ...name, fa: 'دفتر باکو', uk: 'Бакинський офіс', uz: "Bo'shliq" })).toEqual(["x.name.uz: not in uz's script: Bo'shliq"]);
  });

  const office = (extra: string) =>
    `offices:\n  - id: baku\n    name: {az: a, ru: b, en: c}\n    address: {az: a, ru: b, en: c}\n${extra}    location: {latitude: 40, longitude: 49}\n    hours: {}\n    slotMinutes: 60\n    capacity: 1`;

  it('needs a landmark people can find the office by, or "landmark" listed as unknown', () => {
    expect(() => loadOffices(write(office('')))).toThrow(/landmark/);
    expect(loadOffices(write(office('    landmark: {az: a, ru: b, en: c}\n'))).offices[0]!.landmark?.en).toBe('c');
    expect(loadOffices(write(office('    unknown: [landmark]\n'))).offices[0]!.unknown).toEqual(['landmark']);
    expect(() => loadOffices(write(office('    unknown: [floor]\n')))).toThrow(/unknown/);
  });

  it.each([
    ['offices: []', /offices: .*at least 1|offices: Too small/i],
    ['offices:\n  - id: Baku', /offices\.0\.id/],
    ['offices:\n  - id: baku\n    name: {az: a, ru: b, en: c}\n    address: {az: a, ru: b, en: c}\n    location: {latitude: 40, longitude: 49}\n    hours: {mon: ["18:00-09:00"]}\n    slotMinutes: 60\n    capacity: 1', /offices\.0\.hours\.mon\.0: must end after it starts/],
    ['offices:\n  - id: baku\n    name: {az: a, ru: b}\n    address: {az: a, ru: b, en: c}\n    location: {latitude: 40, longitude: 49}\n    hours: {}\n    slotMinutes: 60\n    capacity: 1', /offices\.0\.name\.en/],
    ['offices:\n  - id: baku\n    name: {az: a, ru: b, en: c}\n    address: {az: a, ru: b, en: c}\n    location: {latitude: 40, longitude: 49}\n    timeZone: Mars/Olympus\n    hours: {}\n    slotMinutes: 60\n    capacity: 1', /timeZone: must be an IANA time zone/],
    ['offices: [\n', /cannot read/],
  ])('refuses %j with the file and the field named', (text, message) => {
    const file = write(text);
    expect(() => loadOffices(file)).toThrow(message);
    expect(() => loadOffices(file)).toThrow(file);
  });
});
