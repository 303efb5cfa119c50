import type { Composer } from 'grammy';
import { requestSignInLink, type DeskDeps, type SignInLinkIssuer, type StaffLookup } from '../../caseworkers/desk';
import { logRefusal } from '../../caseworkers/guard';
import { DEFAULT_LANG, suggestLang } from '../../core/lang';
import type { Logger } from '../../core/logger';
import { KorpuComposer } from './composer';
import type { BotContext } from './types';

/** What {@link dashboardCommand} works with. */
export interface DashboardCommandDeps {
  desk: DeskDeps;
  roster: Pick<StaffLookup, 'byTelegram'>;
  /** Makes the one-time links (the web workspace's, built by createKorpu). */
  links: SignInLinkIssuer;
  logger: Logger;
}

/**
 * `/dashboard` in a private chat: a member of staff gets a one-time link that signs them in to
 * the web workspace (requestSignInLink). Someone not on the roster is logged and passed on to
 * the conversation, which answers as to any unknown command (the bot does not reveal that staff
 * commands exist). The link goes out without a preview: a preview would make Telegram's servers
 * open it, and the sign-in page only spends the link on the button press anyway.
 */
export function dashboardCommand(deps: DashboardCommandDeps): Composer<BotContext> {
  const composer = new KorpuComposer<BotContext>();
  composer.chatType('private').command('dashboard', async (ctx, next) => {
    const member = await deps.roster.byTelegram(ctx.from.id);
    if (!member) {
      logRefusal(deps.logger, deps.desk.cipher, { telegramId: ctx.from.id, command: 'dashboard', action: 'use_workspace' });
      return next();
    }
    const lang = member.worker?.langs[0] ?? suggestLang(ctx.from.language_code) ?? DEFAULT_LANG;
    ctx.korpu.lang = lang;
    const t = (key: string, params?: Record<string, unknown>) => deps.desk.translator.t(lang, key, params);
    const r = await requestSignInLink({ ...deps.desk, links: deps.links }, { staffId: member.staffId });
    if (!r.ok) {
      logRefusal(deps.logger, deps.desk.cipher, { telegramId: ctx.from.id, command: 'dashboard', action: 'use_workspace', ...(r.reason === 'forbidden' ? { role: r.role } : {}) });
      await ctx.reply(t('caseworker:refused.not_allowed', { role: t(`caseworker:role.${member.role}`), command: 'dashboard' }));
      return;
    }
    await ctx.reply(t('web:signin.link_message', { url: r.url, minutes: Math.round((r.expiresAt.getTime() - deps.desk.clock.now().getTime()) / 60_000) }), {
      link_preview_options: { is_disabled: true },
      protect_content: true,
    });
  });
  return composer;
}
