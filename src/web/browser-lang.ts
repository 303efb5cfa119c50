import type { Request } from 'express';
import { DEFAULT_LANG, suggestLang, type Lang } from '../core/lang';

/** The language of a page shown before sign-in: the browser's first supported one (Accept-Language), else Azerbaijani. */
export function browserLang(req: Request): Lang {
  for (const part of (req.get('accept-language') ?? '').split(',')) {
    const lang = suggestLang(part.split(';')[0]?.trim());
    if (lang) return lang;
  }
  return DEFAULT_LANG;
}
