import { join } from 'node:path';
import { officeButtonWarnings } from '../../../../src/channels/telegram/office-button-warnings';
import { loadOffices, type Office } from '../../../../src/config/offices';
import { createTranslator } from '../../../../src/i18n';
import { testOffice } from '../../../helpers/office';

/** The operator who opens a second office is told at start-up when its button would be cut on a small phone. */
describe('officeButtonWarnings', () => {
  const tr = createTranslator();
  const shipped = loadOffices(join(__dirname, '..', '..', '..', '..', 'config', 'offices.yaml')).offices;
  const LONG = 'Gəncə şəhər regional miqrasiya baş idarəsinin qəbul şöbəsi';
  const ganja = (extra: Partial<Parameters<typeof testOffice>[0]> = {}): Office =>
    testOffice({ id: 'ganja', name: { az: LONG, ru: 'Гянджинское городское региональное главное управление миграции', en: 'Ganja City Regional Main Migration Department' }, ...extra });

  it('says nothing for one office: nobody is asked to choose', () => {
    expect(officeButtonWarnings(shipped, tr)).toEqual([]);
    expect(officeButtonWarnings([ganja()], tr)).toEqual([]);
  });

  it('names an office without a short name whose full name would be cut, and the languages', () => {
    const warnings = officeButtonWarnings([...shipped, ganja()], tr);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^offices: the button of office "ganja" shows its name \(it has no shortName\) cut with "…" on a small phone in az, ru, en, fa, uz, tr, uk: give it a shorter shortName in config\/offices\.yaml/);
  });

  it('is quiet once the office has a short name that fits, and names a short name still too long', () => {
    expect(officeButtonWarnings([...shipped, ganja({ shortName: { az: 'Gəncə', ru: 'Гянджа', en: 'Ganja' } })], tr)).toEqual([]);
    const tooLong = officeButtonWarnings([...shipped, ganja({ shortName: { az: LONG, ru: 'Гянджа', en: 'Ganja' } })], tr);
    expect(tooLong).toEqual([expect.stringMatching(/office "ganja" shows its shortName cut with "…" on a small phone in az: /)]);
  });
});
