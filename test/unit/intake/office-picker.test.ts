import { join } from 'node:path';
import { loadOffices, type Office } from '../../../src/config/offices';
import { createTranslator } from '../../../src/i18n';
import { officePicker } from '../../../src/intake/office-picker';
import { testOffice } from '../../helpers/office';

/**
 * The choice between offices: full names and addresses in the text (a button would cut them on
 * a small phone), a short name on each button, one a row, each answering `o_<office id>`.
 */
describe('officePicker', () => {
  const tr = createTranslator();
  const baku = loadOffices(join(__dirname, '..', '..', '..', 'config', 'offices.yaml')).offices[0]!;
  const ganja: Office = { ...testOffice({ id: 'ganja' }), name: { ...baku.name, en: 'Ganja City Regional Migration Department', ru: 'Гянджинское региональное управление миграции' } };

  it('says each office’s full name and address, and puts its short name on its button', () => {
    const { text, buttons } = officePicker('pick', [baku, ganja], 'en');
    expect(text).toEqual([
      { key: 'booking:office.prompt' },
      { key: 'booking:office.line', params: { name: 'Baku City Regional Migration Main Department (DMX)', address: baku.address.en } },
      { key: 'booking:office.line', params: { name: 'Ganja City Regional Migration Department', address: ganja.address.en } },
    ]);
    expect(buttons.map((row) => row.map((b) => [b.label, b.action]))).toEqual([
      [[{ key: 'booking:office_name', params: { name: 'Baku' } }, { type: 'choice', node: 'pick', value: 'o_baku' }]],
      // No short name configured: the full name.
      [[{ key: 'booking:office_name', params: { name: 'Ganja City Regional Migration Department' } }, { type: 'choice', node: 'pick', value: 'o_ganja' }]],
    ]);
  });

  it('in the person’s language, the full name readable in the text', () => {
    const { text, buttons } = officePicker('pick', [baku, ganja], 'ru');
    const line = text[1] as { key: string; params: Record<string, string> };
    expect(tr.t('ru', line.key, line.params)).toBe(`🏢 ${baku.name.ru}\n${baku.address.ru}`);
    expect(buttons[0]![0]!.label).toEqual({ key: 'booking:office_name', params: { name: 'Баку' } });
  });
});
