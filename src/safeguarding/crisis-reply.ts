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
  const contacts = config.emergencyContacts;
  return {
    type: 'message',
    text: [
      { key: SAFEGUARDING_TEXT.reply, params: { number: contacts[0]?.number ?? '112' } },
      { key: SAFEGUARDING_TEXT.contacts },
      ...contacts.map((c) => ({ key: SAFEGUARDING_TEXT.contactLine, params: { number: c.number, name: c.name[lang], what: c.what[lang] } })),
    ],
  };
}
