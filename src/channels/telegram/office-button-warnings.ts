import type { Office } from '../../config/offices';
import { SUPPORTED_LANGS } from '../../core/lang';
import type { Translator } from '../../i18n';
import { labelFits } from './button-width';

/**
 * Start-up warnings for the booking question's office buttons (intake/office-picker.ts): with
 * two offices or more, each office is a button, one a row, labelled with its `shortName`, else its
 * full name; a label wider than a button on a 360 dp phone is cut with "…", and people cannot
 * tell the offices apart. One line per office naming the languages whose label does not fit and
 * what to do (config/offices.yaml `shortName`). None for a single office (no question is asked).
 * @example for (const w of officeButtonWarnings(offices, translator)) logger.warn(w);
 */
export function officeButtonWarnings(offices: readonly Office[], translator: Translator): string[] {
  if (offices.length < 2) return [];
  const warnings: string[] = [];
  for (const office of offices) {
    const names = office.shortName ?? office.name;
    const cut = SUPPORTED_LANGS.filter((lang) => !labelFits(translator.t(lang, 'booking:office_name', { name: names[lang] }), 1));
    if (cut.length === 0) continue;
    const what = office.shortName ? 'its shortName' : 'its name (it has no shortName)';
    warnings.push(`offices: the button of office "${office.id}" shows ${what} cut with "…" on a small phone in ${cut.join(', ')}: give it a shorter shortName in config/offices.yaml (the question names each office in full above the buttons)`);
  }
  return warnings;
}
