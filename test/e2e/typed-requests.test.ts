import { redisKeys } from '../../src/storage/keys';
import { SUPPORTED_LANGS, type Lang } from '../../src/core/lang';
import { person, tapUpdate, type Person } from '../../bench/telegram-updates';
import { toUpdate, type Answer } from '../../bench/workload';
import { testOfficesFile } from '../helpers/office';
import { useTestKorpu } from '../helpers/use-korpu';

/**
 * Issue 10, item 5, end to end through the fake Bot API, in every language Körpü speaks: a
 * question typed at the consent step is kept for a case worker (the person is told, and asked
 * to consent again); "delete my data" typed, in the person's language, at the first-name
 * question is not taken as a name: they are offered /delete or to carry on, in their language,
 * as buttons; carrying on asks the first name again, and /delete still asks to confirm, its
 * "No" coming back to the first name with nothing erased.
 */

const REQUEST: Record<Lang, string> = {
  az: 'Məlumatlarımı silin',
  ru: 'Удалите мои данные',
  en: 'Please delete my data',
  fa: 'اطلاعاتم را پاک کنید',
  uz: "Ma'lumotlarimni o'chiring",
  tr: 'Verilerimi silin',
  uk: 'Видаліть мої дані',
};

function personIn(lang: Lang, n: number): Person {
  const p = person(n, 53);
  return { ...p, lang, user: { ...p.user, language_code: lang } } as Person;
}

describe('requests typed in free words, through Telegram', () => {
  const e2e = useTestKorpu({ offices: testOfficesFile() });

  const tap = (node: string, value: string): Answer => ({ kind: 'tap', node, value });
  const text = (t: string): Answer => ({ kind: 'text', text: t });
  const send = (p: Person, a: Answer) => e2e.bot.handleUpdate(toUpdate(p, a));
  /** The callback data of the last message's button whose label is `label`. */
  const button = (p: Person, label: string): string => {
    const b = e2e.api.lastMessage(p.id)!.reply_markup!.inline_keyboard.flat().find((x) => x.text === label) as { callback_data?: string } | undefined;
    if (!b?.callback_data) throw new Error(`no button "${label}" under: ${e2e.api.lastMessage(p.id)!.text}`);
    return b.callback_data;
  };

  it.each(SUPPORTED_LANGS.map((lang, n) => [lang, n] as const))('in %s', async (lang, n) => {
    const p = personIn(lang, n);
    const t = (key: string) => e2e.core.translator.t(lang, key);
    for (const a of [{ kind: 'command', text: '/start' } as Answer, tap('language', lang), tap('menu', 'book'), tap('age', 'adult'), tap('q1', 'yes'), tap('q2', 'yes'), tap('q3', 'planning'), tap('q3', '__done')]) await send(p, a);

    // The consent text invites questions; one typed there is kept and consent asked again.
    expect(e2e.api.sentMessages(p.id).map((m) => m.text ?? '').join('\n')).toContain(t('consent:rights.withdraw'));
    await send(p, text('Who will see my answers?'));
    expect(e2e.api.lastMessage(p.id)!.text).toContain(t('consent:question_kept'));
    expect(e2e.api.lastMessage(p.id)!.text).toContain(t('consent:agree.prompt'));
    await e2e.korpu.settled();
    const conv = await e2e.core.runner.peek(e2e.core.runner.conversationId('telegram', String(p.id)));
    const code = conv!.caseCode!;
    expect(await e2e.redis.llen(redisKeys(e2e.prefix).questions(code))).toBe(1);

    await send(p, tap('agree', 'A'));
    await send(p, text('14.02.1995'));
    expect(e2e.api.lastMessage(p.id)!.text).toContain(t('interview:first_name.prompt'));

    // The request in their words: an offer in their language, not a first name.
    await send(p, text(REQUEST[lang]));
    expect(e2e.api.lastMessage(p.id)!.text).toContain(t('rights:offer.text'));
    await e2e.bot.handleUpdate(tapUpdate(p, button(p, t('rights:offer.carry_on'))));
    expect(e2e.api.lastMessage(p.id)!.text).toContain(t('interview:first_name.prompt'));
    expect(await e2e.redis.hget(redisKeys(e2e.prefix).case(code), 'f:first_name')).toBeNull();

    await send(p, text(REQUEST[lang]));
    await e2e.bot.handleUpdate(tapUpdate(p, button(p, t('rights:offer.delete'))));
    expect(e2e.api.lastMessage(p.id)!.text).toContain(t('rights:delete.confirm'));
    await e2e.bot.handleUpdate(tapUpdate(p, button(p, t('common:button.no'))));
    expect(e2e.api.lastMessage(p.id)!.text).toContain(t('rights:delete.kept'));
    expect(e2e.api.lastMessage(p.id)!.text).toContain(t('interview:first_name.prompt'));

    await send(p, text('Aysel'));
    expect(e2e.api.lastMessage(p.id)!.text).toContain(t('interview:last_name.prompt'));
    await e2e.korpu.settled();
    const stored = await e2e.redis.hget(redisKeys(e2e.prefix).case(code), 'f:first_name');
    expect(e2e.core.cipher.decrypt(stored!, `${code}:first_name`)).toBe('Aysel');
  });
});
