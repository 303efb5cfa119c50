import type { Output } from '../core/conversation';
import { DEFAULT_LANG, type Lang } from '../core/lang';
import type { Logger } from '../core/logger';
import type { Notifier, Recipient } from '../core/notifier';
import type { Translator } from '../i18n';
import type { EffectListener } from '../intake/conversation-runner';

/** The outbox id of the notice of a correction (one per effect: a redelivered effect sends once). */
export const correctionNoticeId = (effectId: string): string => `corrected:${effectId}`;

export interface CorrectionNoticesOptions {
  notifier: Notifier;
  translator: Translator;
  logger: Logger;
  /** Who holds a case (their staff id), if anyone: they are told rather than the whole chat. */
  holderOf: (caseCode: string) => Promise<string | undefined>;
  /** Language of the notices: the programme's, like the alerts. */
  lang?: Lang;
  /** Whether there is a case workers' chat to tell when nobody holds the case. */
  tell?: boolean;
  /** Channels whose cases are told about (the simulator's are staff trying flows). */
  channels: readonly string[];
}

/**
 * Tells the case worker holding a case (else the case workers' chat) that the person corrected
 * some of their details (/correct): the case code and the names of the fields that changed, in
 * the programme's language, never the values (they are in the case file, encrypted). The notice
 * carries no `caseCode` of its own, like the other rights notices, so that clearing a case's
 * queued messages at an erasure never takes it. Idempotent by the effect's id.
 */
export function createCorrectionNotices(o: CorrectionNoticesOptions): EffectListener {
  const lang = o.lang ?? DEFAULT_LANG;
  const channels = new Set(o.channels);
  return async (effect, context) => {
    if (effect.type !== 'data_corrected' || !channels.has(context.channel)) return;
    const holder = await o.holderOf(effect.caseCode);
    if (!holder && o.tell === false) return;
    const to: Recipient = holder ? { type: 'staff', staffId: holder } : { type: 'caseworkers' };
    const fields = effect.fields.map((f) => o.translator.t(lang, `rights:mydata.label.${f}`)).join(', ');
    const output: Output = { type: 'message', text: [{ plain: o.translator.t(lang, 'rights:notice.corrected', { code: effect.caseCode, fields }) }] };
    await o.notifier.notify({ id: correctionNoticeId(effect.id), to, lang, output, kind: 'notice' });
    o.logger.info({ case: effect.caseCode, fields: effect.fields, to: to.type }, 'caseworkers: correction notice queued');
  };
}
