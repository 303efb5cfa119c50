import type { Notice } from '../../../src/core/notifier';
import { silentLogger } from '../../../src/core/logger';
import { createTranslator } from '../../../src/i18n';
import { createPurgeNotices } from '../../../src/caseworkers/purge-notices';

/** The notice of a case closed by the retention rule: the case workers' chat in its language (CASEWORKER_CHAT_LANG). */
describe('purge notices', () => {
  const translator = createTranslator();

  it("tells the case workers' chat in its language and the worker holding the case in the programme's", async () => {
    const sent: Notice[] = [];
    const purged = createPurgeNotices({ notifier: { notify: async (n) => void sent.push(n) }, translator, logger: silentLogger(), chatLang: 'ru', onRoster: async () => true });
    await purged({ caseCode: 'KP-PURG-0001', holder: 's-1' });
    const text = (n: Notice | undefined) => JSON.stringify(n?.output);
    const toChat = sent.find((n) => n.to.type === 'caseworkers');
    const toHolder = sent.find((n) => n.to.type === 'staff');
    expect(toChat).toMatchObject({ lang: 'ru' });
    expect(text(toChat)).toContain(JSON.stringify(translator.t('ru', 'rights:notice.purged', { code: 'KP-PURG-0001' })).slice(1, -1));
    expect(toHolder).toMatchObject({ lang: 'az' });
    expect(text(toHolder)).toContain(JSON.stringify(translator.t('az', 'rights:notice.purged', { code: 'KP-PURG-0001' })).slice(1, -1));
  });
});
