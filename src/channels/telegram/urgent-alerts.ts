import type { Effect } from '../../core/conversation';
import { DEFAULT_LANG, type Lang } from '../../core/lang';
import type { Logger } from '../../core/logger';
import type { Translator } from '../../i18n';
import type { EffectListener } from '../../intake/conversation-runner';
import { categoryTextKey, CrisisCategorySchema, SAFEGUARDING_TEXT } from '../../safeguarding';
import type { Outbox } from '../../scheduling/outbox';

export interface UrgentAlertsOptions {
  outbox: Pick<Outbox, 'send'>;
  /** The case workers' chat (CASEWORKER_CHAT_ID). */
  chatId: string | number;
  translator: Translator;
  logger: Logger;
  /** Language of messages to case workers (the programme's: Azerbaijani). */
  lang?: Lang;
}

/** The urgent alert's text: case code, category, the person's language, the draft report. Names no one. */
export function urgentAlertText(tr: Translator, lang: Lang, e: Extract<Effect, { type: 'crisis_detected' }> & { id: string }): string {
  const category = CrisisCategorySchema.safeParse(e.category);
  return tr.t(lang, SAFEGUARDING_TEXT.alert, {
    code: e.caseCode,
    category: category.success ? tr.t(lang, categoryTextKey(category.data)) : e.category,
    language: tr.t(lang, `common:language_name.${e.lang}`),
    incident: e.id,
  });
}

/**
 * Posts an urgent alert to the case workers for every message that showed crisis, through the
 * outbox at its highest priority: it goes before every ordinary alert, reminder and nudge
 * waiting there. The outbox id is derived from the effect, so a redelivered update alerts once.
 * Simulator sessions are staff trying flows: they draft a report but alert nobody.
 */
export function createUrgentAlerts(o: UrgentAlertsOptions): EffectListener {
  const lang = o.lang ?? DEFAULT_LANG;
  return async (effect, context) => {
    // Telegram and phone calls (the worker on the call is not the only one who should know).
    if (effect.type !== 'crisis_detected' || context.channel === 'simulator') return;
    // A failure throws: the effect stream tries again; the outbox id makes a second queueing harmless.
    await o.outbox.send(`urgent:${effect.id}`, { chatId: o.chatId, method: 'sendMessage', params: { text: urgentAlertText(o.translator, lang, effect) }, kind: 'urgent_alert', caseCode: effect.caseCode }, { urgent: true });
    o.logger.warn({ case: effect.caseCode, category: effect.category }, 'safeguarding: urgent alert queued');
  };
}
