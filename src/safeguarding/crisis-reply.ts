import type { SafeguardingConfig } from '../config/safeguarding';
import type { Output } from '../core/conversation';
import type { Lang } from '../core/lang';
import { SAFEGUARDING_TEXT } from './index';

/**
 * The answer to a message that shows crisis, before anything else the bot says: not alone,
 * the emergency number to call now, then every configured emergency contact in the person's
 * language.
 * @example crisisReply(config, 'ru') // { type: 'message', text: [reply, heading, 112 …, 102 …] }
 */
export function crisisReply(config: Pick<SafeguardingConfig, 'emergencyContacts'>, lang: Lang): Output {
  return emergencyNumbers(config, lang, SAFEGUARDING_TEXT.reply);
}

/**
 * The answer to words of crisis addressed to the bot in a group, where Körpü keeps nothing and
 * alerts nobody (the person has consented to nothing): not alone, the number to call now, every
 * emergency contact, as the private chat gives them, but no promise that a case worker will call.
 * @example groupCrisisReply(config, 'uk') // { type: 'message', text: [reply, heading, 112 …, 102 …] }
 */
export function groupCrisisReply(config: Pick<SafeguardingConfig, 'emergencyContacts'>, lang: Lang): Output {
  return emergencyNumbers(config, lang, SAFEGUARDING_TEXT.groupReply);
}

function emergencyNumbers(config: Pick<SafeguardingConfig, 'emergencyContacts'>, lang: Lang, reply: string): Output {
  const contacts = config.emergencyContacts;
  return {
    type: 'message',
    text: [
      { key: reply, params: { number: contacts[0]?.number ?? '112' } },
      { key: SAFEGUARDING_TEXT.contacts },
      ...contacts.map((c) => ({ key: SAFEGUARDING_TEXT.contactLine, params: { number: c.number, name: c.name[lang], what: c.what[lang] } })),
    ],
  };
}
