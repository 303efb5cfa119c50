import type { Api } from 'grammy';
import type { BotCommand } from 'grammy/types';
import { DEFAULT_LANG, SUPPORTED_LANGS, type Lang } from '../../core/lang';
import type { Translator } from '../../i18n';

/** The commands shown in Telegram's menu, in this order (all are understood anywhere). */
export const MENU_COMMANDS = ['start', 'menu', 'appointment', 'person', 'back', 'restart', 'language', 'help', 'mydata', 'correct', 'withdraw', 'delete'] as const;

/** The command list in one language, descriptions from `common:commands.*`. */
export function commandList(tr: Translator, lang: Lang): BotCommand[] {
  return MENU_COMMANDS.map((command) => ({ command, description: tr.t(lang, `common:commands.${command}`).slice(0, 256) }));
}

/**
 * Publishes the command menu: one list per supported language (Telegram shows the one of the
 * person's app language) and the Azerbaijani list for everyone else. Call once at start.
 * @example await setBotCommands(bot.api, core.translator)
 */
export async function setBotCommands(api: Api, tr: Translator): Promise<void> {
  for (const lang of SUPPORTED_LANGS) await api.setMyCommands(commandList(tr, lang), { language_code: lang });
  await api.setMyCommands(commandList(tr, DEFAULT_LANG));
}
