import type { Lang } from '../../core/lang';
import { renderText } from '../../i18n/render';
import type { TelegramCore } from './types';

/**
 * One translated channel notice (`common:channel.*`), for messages outside a conversation
 * step: the error apology, the pointer from a group to the private chat.
 * @example channelText(core, 'ru', 'common:channel.error')
 */
export function channelText(core: Pick<TelegramCore, 'translator' | 'content'>, lang: Lang, key: string, params?: Record<string, string | number>): string {
  return renderText(core.translator, core.content, lang, { key, ...(params ? { params } : {}) });
}
