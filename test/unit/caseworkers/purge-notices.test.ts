import type { Notice } from '../../../src/core/notifier';
import { silentLogger } from '../../../src/core/logger';
import { createTranslator } from '../../../src/i18n';
import { createPurgeNotices } from '../../../src/caseworkers/purge-notices';

/** The notice of a case closed by the retention rule: the case workers' chat in its language (CASEWORKER_CHAT_LANG), the holder in theirs. */
describe('purge notices', () => {
  const translator = createTranslator();

  it("tells the case workers' chat in its language and the worker holding the case in theirs (first of their roster langs)", async () => {
    const sent: Notice[] = [];
    const purged = createPurgeNotices({ notifier: { notify: async (n) => void sent.push(n) }, translator, logger: silentLogger(), chatLang: 'ru', rosterLangOf: async (id) => (id === 's-1' ? 'uk' : undefined) });
    await purged({ caseCode: 'KP-PURG-0001', holder: 's-1' });
    const text = (n: Notice | undefined) => JSON.stringify(n?.output);
    const toChat = sent.find((n) => n.to.type === 'caseworkers');
    const toHolder = sent.find((n) => n.to.type === 'staff');
    expect(toChat).toMatchObject({ lang: 'ru' });
    expect(text(toChat)).toContain(JSON.stringify(translator.t('ru', 'rights:notice.purged', { code: 'KP-PURG-0001' })).slice(1, -1));
    expect(toHolder).toMatchObject({ lang: 'uk', to: { type: 'staff', staffId: 's-1' } });
    expect(text(toHolder)).toContain(JSON.stringify(translator.t('uk', 'rights:notice.purged', { code: 'KP-PURG-0001' })).slice(1, -1));
  });

  it('tells no worker who left the roster, only the chat', async () => {
    const sent: Notice[] = [];
    const purged = createPurgeNotices({ notifier: { notify: async (n) => void sent.push(n) }, translator, logger: silentLogger(), chatLang: 'ru', rosterLangOf: async () => undefined });
    await purged({ caseCode: 'KP-PURG-0002', holder: 's-9' });
    expect(sent.map((n) => n.to)).toEqual([{ type: 'caseworkers' }]);
  });
});
