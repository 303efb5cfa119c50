import { type Api } from 'grammy';
import type { StaffMember } from '../../caseworkers/desk';
import type { ProgrammeContent } from '../../config/programme';
import type { Logger } from '../../core/logger';
import type { Notice, Notifier, Recipient } from '../../core/notifier';
import type { Translator } from '../../i18n';
import { renderOutput } from '../../i18n/render';
import type { CaseContact } from '../../storage/case-contact';
import { alertOutboxOf } from './alerts';
import { outboxMessage } from './render';
import { isBlocked } from './send';

/** What the interim notifier needs to find a Telegram chat for a recipient and to render. */
export interface InterimNotifierOptions {
  /** The bot's Api: its outbox (registered with `sendAlertsThroughOutbox`) is looked up at each notice. */
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
 * INTERIM: the Notifier the desk uses until the outbox implements the port itself (branch
 * wt-notifier; then pass that one as `caseworkers.notifier` and delete this file). It turns a
 * Notice into the existing `outbox.send(...)` call: the recipient is resolved to a Telegram chat
 * (a case's Telegram contact, a member of staff's account, the case workers' chat), the output
 * rendered in the notice's language (`renderOutput` + `planTelegramMessage`) and queued with the
 * notice's id. A bot without an outbox (unit and some e2e tests) sends at once instead, and a
 * person who blocked the bot is skipped quietly.
 *
 * A case reached on another channel (a phone case, a simulator session) cannot be notified
 * here: logged and dropped.
 */
export function interimTelegramNotifier(o: InterimNotifierOptions): Notifier {
  return {
    async notify(notice: Notice): Promise<void> {
      const chatId = await chatOf(o, notice.to);
      if (chatId === undefined) {
        o.logger.warn({ notice: notice.kind, to: notice.to.type, case: notice.caseCode }, 'notifier: no Telegram chat for the recipient; notice dropped');
        return;
      }
      const msg = outboxMessage(renderOutput(o.translator, o.content, notice.lang, notice.output));
      const outbox = alertOutboxOf(o.api);
      if (outbox) {
        await outbox.send(notice.id, { chatId, ...msg, kind: notice.kind, ...(notice.caseCode ? { caseCode: notice.caseCode } : {}) });
        return;
      }
      const { text, reply_markup } = msg.params as { text: string; reply_markup?: never };
      await o.api.sendMessage(chatId, text, reply_markup ? { reply_markup } : {}).catch((err: unknown) => {
        if (!isBlocked(err)) throw err;
      });
    },
  };
}

async function chatOf(o: InterimNotifierOptions, to: Recipient): Promise<string | number | undefined> {
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
