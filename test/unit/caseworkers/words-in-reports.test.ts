import { SUPPORTED_LANGS } from '../../../src/core/lang';
import { CLOSE_REASONS, closeReasonKey, INTAKE_CLOSE_REASONS, LEGACY_CLOSE_REASONS, WALK_IN } from '../../../src/caseworkers/case-records';
import { ROUTES } from '../../../src/caseworkers/desk';
import { createTranslator } from '../../../src/i18n';

/** The codes the numbers page and the exports write in words: each has its words in every language. */
describe('codes shown in words in the numbers and the exports', () => {
  const tr = createTranslator();
  const has = (lang: string, key: string) => tr.i18n.exists(key, { lng: lang, fallbackLng: [] });

  it('every way a case can begin is a route of the numbers, named in every language (a walk-in too)', () => {
    expect(ROUTES).toEqual(expect.arrayContaining(['self_service', 'phone', WALK_IN]));
    for (const lang of SUPPORTED_LANGS) for (const route of ROUTES) expect([lang, route, has(lang, `reports:numbers.route.${route}`)]).toEqual([lang, route, true]);
  });

  it('every closing reason, today’s, the intake’s and earlier versions’, has its words in every language', () => {
    for (const lang of SUPPORTED_LANGS) {
      for (const reason of [...CLOSE_REASONS, ...INTAKE_CLOSE_REASONS, ...LEGACY_CLOSE_REASONS]) expect([lang, reason, has(lang, closeReasonKey(reason))]).toEqual([lang, reason, true]);
    }
  });
});
