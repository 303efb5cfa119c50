import type { Output } from '../core/conversation';
import { DEFAULT_LANG, type Lang } from '../core/lang';
import type { Logger } from '../core/logger';
import type { Notifier } from '../core/notifier';
import type { Translator } from '../i18n';
import type { EffectListener } from '../intake/conversation-runner';

/** The outbox id of the case workers' notice of a withdrawal or an erasure (one per effect). */
export const rightsNoticeId = (effectId: string): string => `rights:${effectId}`;

export interface RightsNoticesOptions {
  notifier: Notifier;
  translator: Translator;
  logger: Logger;
  /** Language of the notices: the case workers' chat's (CASEWORKER_CHAT_LANG), default az. */
  lang?: Lang;
  /** Whether there is a case workers' chat to tell (without one, only the messages are cleared). */
  tell?: boolean;
  /** Channels whose cases are told about (the simulator's are staff trying flows). */
  channels: readonly string[];
  /**
   * Removes the messages about a case still queued or kept by the outbox (an alert with a name,
   * a reminder): run for an erasure before the closing notice is queued.
   */
  forgetMessages?: (caseCode: string) => Promise<unknown>;
  /**
   * Edits the case's earlier alerts in the case workers' chat into the case as it is now (no
   * Claim once withdrawn; nothing of the person once erased), once-only by `cause`: run after
   * `forgetMessages` (alert-messages.ts `redrawCaseAlerts`).
   */
  redrawAlerts?: (caseCode: string, cause: string) => Promise<unknown>;
}

/**
 * Tells the case workers' chat that a person withdrew (case code and "withdrew") or erased their
 * data (the case is closed): no personal data, not even the reason for withdrawing (kept
 * encrypted with the case). The notice carries no `caseCode` of its own, so that clearing the
 * case's queued messages never takes it. Idempotent by the effect's id.
 */
export function createRightsNotices(o: RightsNoticesOptions): EffectListener {
  const lang = o.lang ?? DEFAULT_LANG;
  const channels = new Set(o.channels);
  return async (effect, context) => {
    if (effect.type !== 'case_withdrawn' && effect.type !== 'data_erased') return;
    if (effect.type === 'data_erased') await o.forgetMessages?.(effect.caseCode);
    await o.redrawAlerts?.(effect.caseCode, effect.id);
    if (o.tell === false || !channels.has(context.channel)) return;
    const key = effect.type === 'case_withdrawn' ? 'rights:notice.withdrawn' : 'rights:notice.erased';
    const output: Output = { type: 'message', text: [{ plain: o.translator.t(lang, key, { code: effect.caseCode }) }] };
    await o.notifier.notify({ id: rightsNoticeId(effect.id), to: { type: 'caseworkers' }, lang, output, kind: 'notice' });
    o.logger.info({ case: effect.caseCode, effect: effect.type }, 'caseworkers: rights notice queued');
  };
}
