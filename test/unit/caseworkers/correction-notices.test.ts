import type { Notice } from '../../../src/core/notifier';
import { silentLogger } from '../../../src/core/logger';
import { createTranslator } from '../../../src/i18n';
import { correctionNoticeId, createCorrectionNotices } from '../../../src/caseworkers/correction-notices';

/** Who is told of a correction, and what: the fields' names in the programme's language, never values. */
describe('correction notices', () => {
  const translator = createTranslator();
  const effect = { type: 'data_corrected' as const, id: 'u1:0', caseCode: 'KP-AAAA-0001', fields: ['first_name', 'phone'], lang: 'ru' as const };
  const telegram = { channel: 'telegram', conversationId: 'c1' };

  function notices(holder?: string, tell?: boolean, chatLang?: 'ru', holderLang: 'az' | 'uz' = 'az') {
    const sent: Notice[] = [];
    const listener = createCorrectionNotices({
      notifier: { notify: async (n) => void sent.push(n) },
      translator,
      logger: silentLogger(),
      holderOf: async () => (holder ? { staffId: holder, lang: holderLang } : undefined),
      channels: ['telegram'],
      ...(tell === undefined ? {} : { tell }),
      ...(chatLang ? { chatLang } : {}),
    });
    return { sent, listener };
  }

  it('tells the worker holding the case, by the effect id, naming the fields in Azerbaijani', async () => {
    const { sent, listener } = notices('s-1');
    await listener(effect, telegram);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ id: correctionNoticeId('u1:0'), to: { type: 'staff', staffId: 's-1' }, lang: 'az', kind: 'notice' });
    const text = JSON.stringify(sent[0]!.output);
    expect(text).toContain(translator.t('az', 'rights:mydata.label.first_name'));
    expect(text).toContain(translator.t('az', 'rights:mydata.label.phone'));
    expect(sent[0]!.caseCode).toBeUndefined();
  });

  it("tells the case workers' chat when nobody holds the case, and nobody when there is no chat", async () => {
    const told = notices(undefined);
    await told.listener(effect, telegram);
    expect(told.sent.map((n) => n.to)).toEqual([{ type: 'caseworkers' }]);
    const silent = notices(undefined, false);
    await silent.listener(effect, telegram);
    expect(silent.sent).toEqual([]);
  });

  it("tells the case workers' chat in its language (CASEWORKER_CHAT_LANG), the worker holding the case in theirs", async () => {
    const chat = notices(undefined, true, 'ru');
    await chat.listener(effect, telegram);
    expect(chat.sent[0]).toMatchObject({ to: { type: 'caseworkers' }, lang: 'ru' });
    expect(JSON.stringify(chat.sent[0]!.output)).toContain(translator.t('ru', 'rights:notice.corrected', { code: 'KP-AAAA-0001', fields: [translator.t('ru', 'rights:mydata.label.first_name'), translator.t('ru', 'rights:mydata.label.phone')].join(', ') }));
    const held = notices('s-1', true, 'ru', 'uz');
    await held.listener(effect, telegram);
    expect(held.sent[0]).toMatchObject({ to: { type: 'staff', staffId: 's-1' }, lang: 'uz' });
    expect(JSON.stringify(held.sent[0]!.output)).toContain(translator.t('uz', 'rights:mydata.label.first_name'));
  });

  it('names a changed consent option with the letter now in force (not personal: the worker must stop using a name under A or B)', async () => {
    const { sent, listener } = notices('s-1');
    await listener({ ...effect, id: 'u3:0', fields: ['consent'], consent: 'A' }, telegram);
    expect(JSON.stringify(sent[0]!.output)).toContain(translator.t('az', 'rights:notice.corrected', { code: 'KP-AAAA-0001', fields: translator.t('az', 'rights:notice.consent_option', { option: 'A' }) }));
    expect(translator.t('az', 'rights:notice.consent_option', { option: 'A' })).toContain('A');
  });

  it("says nothing of a simulator's case, nor of other effects", async () => {
    const { sent, listener } = notices('s-1');
    await listener(effect, { channel: 'simulator', conversationId: 'c2' });
    await listener({ type: 'data_erased', id: 'u2:0', caseCode: 'KP-AAAA-0001', lang: 'ru' }, telegram);
    expect(sent).toEqual([]);
  });
});
