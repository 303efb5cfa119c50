import type { Output } from '../core/conversation';
import { DEFAULT_LANG, type Lang } from '../core/lang';
import type { Logger } from '../core/logger';
import type { Notifier, Recipient } from '../core/notifier';
import type { Translator } from '../i18n';
import type { PurgedCase } from '../intake/retention-purge';

/**
 * The outbox id of the notice of a purge to one recipient: one per case and recipient, so a
 * purge run again (or in two processes) after a crash sends each notice once.
 */
export const purgeNoticeId = (caseCode: string, to: Recipient): string => `purged:${caseCode}:${to.type === 'staff' ? to.staffId : to.type}`;

export interface PurgeNoticesOptions {
  notifier: Notifier;
  translator: Translator;
  logger: Logger;
  /** Language of the notice to the case workers' chat when no `chatLang`: the programme's. */
  lang?: Lang;
  /** Language of the notice to the case workers' chat (CASEWORKER_CHAT_LANG); else `lang`. */
  chatLang?: Lang;
  /** Whether there is a case workers' chat to tell. */
  tell?: boolean;
  /**
   * The language of a staff member still on the roster (the first of their `langs`), or undefined
   * if they left (a worker who left is not told: nobody would read it).
   */
  rosterLangOf: (staffId: string) => Promise<Lang | undefined>;
}

/**
 * Tells the case workers' chat (in its language), and the worker holding the case if there is one
 * (in theirs), that a case was closed by the retention rule (config/retention.yaml): the case
 * code and nothing else (no name, no reason: a code beside "not eligible" would say something about the person). The
 * notices carry no `caseCode` of their own, so that clearing the case's queued messages at the
 * erasure never takes them. Idempotent by {@link purgeNoticeId}.
 * @example retentionWorker(core, { …, onPurged: createPurgeNotices({ notifier: outbox, translator, logger, rosterLangOf }) })
 */
export function createPurgeNotices(o: PurgeNoticesOptions): (p: PurgedCase) => Promise<void> {
  const lang = o.lang ?? DEFAULT_LANG;
  return async ({ caseCode, holder }) => {
    const to: { recipient: Recipient; inLang: Lang }[] = [];
    if (o.tell !== false) to.push({ recipient: { type: 'caseworkers' }, inLang: o.chatLang ?? lang });
    const holderLang = holder ? await o.rosterLangOf(holder) : undefined;
    if (holder && holderLang) to.push({ recipient: { type: 'staff', staffId: holder }, inLang: holderLang });
    for (const { recipient, inLang } of to) {
      const output: Output = { type: 'message', text: [{ plain: o.translator.t(inLang, 'rights:notice.purged', { code: caseCode }) }] };
      await o.notifier.notify({ id: purgeNoticeId(caseCode, recipient), to: recipient, lang: inLang, output, kind: 'notice' });
    }
    // Counts only, like the purge itself.
    if (to.length) o.logger.info({ told: to.length }, 'caseworkers: purge notice queued');
  };
}
