import type { Composer } from 'grammy';
import type { LeavingNotice, StaffLookup } from '../../caseworkers/desk';
import type { Translator } from '../../i18n';
import { KorpuComposer } from './composer';
import { splitText } from './split-text';
import type { BotContext } from './types';

/** What {@link formerStaff} works with. */
export interface FormerStaffOptions {
  /** Who is on the roster, and what a member taken off it is to be told. */
  roster: Pick<StaffLookup, 'mayBeStaff' | 'surelyNotStaff' | 'byTelegram' | 'takeLeavingNotice'>;
  translator: Pick<Translator, 't'>;
}

/**
 * Someone taken off the roster is told so on their next private message or tap, once, instead
 * of having it taken as a person's message (the language picker) or as an answer in a call
 * that no longer exists: that they are no longer on the roster, which call of theirs was
 * closed and where its answers are kept, which cases went back to the case workers. From the
 * message after, the bot answers them as anyone else. Register it before the staff composers
 * and the person's conversation. The people the bot serves pass on without a Redis read
 * (`mayBeStaff`); members of staff pass on after one.
 */
export function formerStaff(deps: FormerStaffOptions): Composer<BotContext> {
  const composer = new KorpuComposer<BotContext>();
  composer.chatType('private').on(['message', 'callback_query'], (ctx, next) => {
    const from = ctx.from;
    // A person passes on at once, without a promise of this layer's own (every message comes here).
    if (!from || deps.roster.surelyNotStaff(from.id)) return next();
    return (async () => {
      if (!(await deps.roster.mayBeStaff(from.id)) || (await deps.roster.byTelegram(from.id))) return next();
      const notice = await deps.roster.takeLeavingNotice(from.id);
      if (!notice) return next();
      if (ctx.callbackQuery) await ctx.answerCallbackQuery().catch(() => undefined);
      for (const part of splitText(leavingText(deps.translator, notice))) await ctx.reply(part);
    })();
  });
  return composer;
}

/** The notice's text, in the language of the member's roster entry. */
export function leavingText(tr: Pick<Translator, 't'>, n: LeavingNotice): string {
  const t = (key: string, params?: Record<string, unknown>) => tr.t(n.lang, key, params);
  return [
    t('caseworker:left.removed'),
    n.call ? (n.call.caseCode ? t('caseworker:left.call_case', { n: n.call.n, code: n.call.caseCode }) : t('caseworker:left.call', { n: n.call.n })) : '',
    n.released.length > 0 ? t('caseworker:left.released', { codes: n.released.join(', '), count: n.released.length }) : '',
    t('caseworker:left.from_now'),
  ].filter(Boolean).join('\n\n');
}
