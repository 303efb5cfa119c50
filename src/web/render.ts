import { join } from 'node:path';
import type { Response } from 'express';
import { Eta } from 'eta';
import { DEFAULT_LANG, SUPPORTED_LANGS, type Lang } from '../core/lang';
import type { Translator } from '../i18n';
import { languageNameIn } from '../i18n/language-names';
import { formatList, formatNumber, pageTranslate } from './format';
import { navFor } from './nav';
import { dirOf, maybeWebContext, type Translate } from './web-context';

/** Where the templates are (copied beside the compiled code by `npm run build`). */
export const VIEWS_DIR = join(__dirname, 'views');

/** What every template gets besides its own data, as `it.*`. */
export interface PageFrame {
  lang: Lang;
  dir: 'ltr' | 'rtl';
  t: Translate;
  /** A language's name in the page's language ("İngilis" on an Azerbaijani page); pickers name each language in itself. */
  langName: (lang: string) => string;
  /** Items as one list in the page's language ("a, b and c"; Persian «،» and «و»). */
  listOf: (items: readonly string[]) => string;
  /** A number as the page's language writes it (Persian digits on a Persian page). */
  num: (n: number) => string;
  /** The signed-in member (the header), when there is one. */
  me?: { name: string; role: string };
  nav: { id: string; path: string; current: boolean }[];
  langs: readonly Lang[];
  csrf?: string;
  /** The request's path (the header's sections mark the current one). */
  path: string;
  /** Where the language switch comes back to: the page's path, with its query when shown by GET. */
  back: string;
  title: string;
}

/** Renders the workspace's templates (Eta: autoescaped `<%= %>`, compiled once and cached). */
export interface Renderer {
  /**
   * Renders `view` (a path under views/, without `.eta`) inside the layout and sends it. `data`
   * is available as `it.*` next to the frame ({@link PageFrame}); `data.title` is the page title.
   */
  render(res: Response, view: string, data?: Record<string, unknown> & { title?: string }, status?: number): void;
  /** The frame for a request without sign-in (sign-in page, errors): the language from `lang`. */
  anonymous(res: Response, lang: Lang): void;
}

/**
 * The renderer of the workspace's pages. Templates use `it.t('web:…')` for every text; the
 * layout puts `lang` and `dir` (rtl for Persian) on `<html>`.
 * @example renderer.render(res, 'cases/list', { title: t('web:nav.cases'), rows });
 */
export function createRenderer(translator: Translator, o: { cache?: boolean } = {}): Renderer {
  const eta = new Eta({ views: VIEWS_DIR, cache: o.cache ?? true, autoEscape: true, autoTrim: [false, 'nl'] });
  const tFor = (lang: Lang): Translate => pageTranslate(translator, lang);
  return {
    render(res, view, data = {}, status = 200) {
      const ctx = maybeWebContext(res);
      const lang: Lang = ctx?.lang ?? (res.locals.lang as Lang | undefined) ?? DEFAULT_LANG;
      const t = ctx?.t ?? tFor(lang);
      const path = String(res.locals.path ?? '/desk');
      const frame: PageFrame = {
        lang,
        dir: dirOf(lang),
        t,
        langName: (l) => languageNameIn(lang, l, { start: true }),
        listOf: (items) => formatList(lang, items),
        num: (n) => formatNumber(lang, n),
        ...(ctx ? { me: { name: ctx.name, role: t(`caseworker:role.${ctx.staff.role}`) }, csrf: ctx.csrf } : {}),
        nav: ctx ? navFor(ctx.staff.role).map((n) => ({ id: n.id, path: n.path, current: path === n.path || path.startsWith(`${n.path}/`) })) : [],
        langs: SUPPORTED_LANGS,
        path,
        back: String(res.locals.back ?? path),
        title: data.title ?? 'Körpü',
      };
      const html = eta.render(view, { ...frame, ...data });
      res.status(status).type('html').send(html);
    },
    anonymous(res, lang) {
      res.locals.lang = lang;
    },
  };
}
