import type { Message, Update, User } from 'grammy/types';
import { SUPPORTED_LANGS } from '../../src/core/lang';
import { languageNameIn } from '../../src/i18n/language-names';
import { addStaff, useTestKorpu } from '../helpers/use-korpu';

/**
 * "Talk to a person" in each language but Russian (talk.test.ts has Russian and the rest): the
 * person is told in their language, the case workers see the language's name, and the worker's
 * answer reaches the person in their language. A file of its own: the case workers' chat is a
 * group, 20 messages a minute (Telegram's limit, kept by Körpü), and the two files together
 * send more than that.
 */

const CASEWORKERS = -1009876543210;
const WORKER_ID = 7_000_001;

describe('talk to a person in every language', () => {
  // Körpü as main.ts builds it (createKorpu): the outbox sends the desk's notices and the alerts.
  const e2e = useTestKorpu({ env: { CASEWORKER_CHAT_ID: String(CASEWORKERS) } });
  let worker: User;

  beforeAll(async () => {
    ({ user: worker } = await addStaff(e2e, { id: WORKER_ID, name: 'Nigar', firstName: 'Nigar', lang: 'az', langs: ['az', 'ru'] }));
  });

  const inGroup = () => e2e.api.sentMessages(CASEWORKERS);
  const replyFrom = (user: User, to: Message, fields: Partial<Message>): Update =>
    e2e.api.updates.message(user, { ...fields, reply_to_message: to } as Partial<Message>, e2e.api.updates.group({ id: CASEWORKERS, type: 'supergroup' }));

  it.each(SUPPORTED_LANGS.filter((l) => l !== 'ru'))('in %s too: a person asks for a human, writes, and gets the worker’s answer in their language', async (lang) => {
    const person = e2e.api.updates.user({ language_code: lang });
    const t = (key: string, params?: Record<string, unknown>) => e2e.core.translator.t(lang, key, params);
    await e2e.bot.handleUpdate(e2e.api.updates.command(person, '/start'));
    await e2e.bot.handleUpdate(e2e.api.updates.callback(person, e2e.api.lastMessage(person.id)!, `c:language:${lang}`));
    await e2e.bot.handleUpdate(e2e.api.updates.callback(person, e2e.api.lastMessage(person.id)!, 'c:menu:person'));
    expect(e2e.api.sentMessages(person.id).map((m) => m.text).join('\n')).toContain(t('handoff:told'));
    const code = (await e2e.core.runner.peek(e2e.core.runner.conversationId('telegram', String(person.id))))!.caseCode!;
    const before = inGroup().length;
    const words = `${lang}: I need help with a document`;
    await e2e.bot.handleUpdate(e2e.api.updates.text(person, words));
    const relayed = inGroup().slice(before).filter((m) => !m.reply_markup && m.text?.includes(words));
    expect(relayed).toHaveLength(1);
    expect(relayed[0]!.text).toContain(code);
    expect(relayed[0]!.text).toContain(languageNameIn('az', lang));
    await e2e.bot.handleUpdate(replyFrom(worker, relayed[0]!, { text: 'OK, 10:00' }));
    await e2e.api.waitForCalls((c) => c.method === 'sendMessage' && c.params.chat_id === person.id && c.params.text === t('handoff:talk.from_worker', { text: 'OK, 10:00' }));
  });
});
