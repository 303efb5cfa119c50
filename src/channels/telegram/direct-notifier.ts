import type { Api } from 'grammy';
import type { StaffMember } from '../../caseworkers/desk';
import type { ProgrammeContent } from '../../config/programme';
import type { Logger } from '../../core/logger';
import type { Notice, Notifier, Recipient } from '../../core/notifier';
import type { Translator } from '../../i18n';
import { renderOutput } from '../../i18n/render';
import type { CaseContact } from '../../storage/case-contact';
import { planTelegramMessage } from './render';
import { isBlocked, sendPlan } from './send';

/** What the direct notifier needs to find a Telegram chat for a recipient and to render. */
export interface DirectNotifierOptions {
  api: Api;
  translator: Translator;
  content: ProgrammeContent;
  /** A member of staff's Telegram account, from the roster. */
  staff: (staffId: string) => Promise<Pick<StaffMember, 'telegramId'> | undefined>;
  /** A case's contact (the sealed `contact` of its hash). */
  contactOf: (caseCode: string) => Promise<CaseContact | undefined>;
  /** The case workers' chat (CASEWORKER_CHAT_ID). */
  caseworkerChatId?: string | number;
  logger: Logger;
}

/**
 * The Notifier of a bot without an outbox (unit and end-to-end tests, a bot run without a
 * worker), as the alerts have their direct fallback: each notice is sent at once with the bot's
 * Api, to the recipient's Telegram chat (a case's Telegram contact, a member of staff's account,
 * the case workers' chat), rendered in the notice's language. No limits, no retries, no
 * once-only by id: a deployment passes the outbox (`caseworkers.notifier`), which has all three.
 * A person who blocked the bot is skipped quietly; a recipient without a Telegram chat is
 * logged and dropped.
 */
export function directTelegramNotifier(o: DirectNotifierOptions): Notifier {
  return {
    async notify(notice: Notice): Promise<void> {
      const chatId = await chatOf(o, notice.to);
      if (chatId === undefined) {
        o.logger.warn({ notice: notice.kind, to: notice.to.type, case: notice.caseCode }, 'notifier: no Telegram chat for the recipient; notice dropped');
        return;
      }
      const plan = planTelegramMessage(renderOutput(o.translator, o.content, notice.lang, notice.output));
      await sendPlan(o.api, chatId, plan).catch((err: unknown) => {
        if (!isBlocked(err)) throw err;
      });
    },
  };
}

async function chatOf(o: DirectNotifierOptions, to: Recipient): Promise<string | number | undefined> {
  switch (to.type) {
    case 'caseworkers':
      return o.caseworkerChatId;
    case 'staff':
      return (await o.staff(to.staffId))?.telegramId;
    case 'case': {
      const contact = await o.contactOf(to.caseCode);
      return contact?.channel === 'telegram' ? contact.chatId : undefined;
    }
  }
}
