import express, { type Router } from 'express';
import { z } from 'zod';
import { funnelNumbers, ROUTES, SOURCES } from '../../../caseworkers/desk';
import { FUNNEL_DIMENSIONS, NONE, type FunnelSelection } from '../../../caseworkers/reports/funnel';
import { SUPPORTED_LANGS, type Lang } from '../../../core/lang';
import { languageNameIn } from '../../../i18n/language-names';
import { formatCount, formatDigits, pageFormat } from '../../format';
import { webContext, type Translate } from '../../web-context';
import type { WebKit } from '../../web-kit';
import { barChart } from './bar-chart';
import { isRefusal, refuse, reportsOf } from './page-helpers';

const week = z.string().regex(/^\d{4}-W\d{2}$/).optional().catch(undefined);
const value = z.string().regex(/^[a-z0-9_]{1,40}$/).optional().catch(undefined);
const NumbersQuery = z.object({ by: z.enum(FUNNEL_DIMENSIONS).catch('week'), from: week, to: week, lang: value, office: value, route: value, source: value });

/**
 * The Numbers page (issue 12, item 9): the funnel over the chosen weeks and filters, broken down
 * by week, language, office, entry route or referral source, as inline SVG bar charts drawn here
 * and as a table. Only published counts reach the page (disclosure.ts: under 5 hidden, the rest
 * rounded to 5). Supervisors and admins.
 */
export function numbersPages(kit: WebKit): Router {
  const router = express.Router();

  router.get('/numbers', kit.requireRole('supervisor'), async (req, res) => {
    const { actor, t, lang, dir } = webContext(res);
    const q = NumbersQuery.parse(req.query);
    const selection: FunnelSelection = {
      ...(q.from ? { fromWeek: q.from } : {}), ...(q.to ? { toWeek: q.to } : {}),
      ...(q.lang ? { lang: q.lang } : {}), ...(q.office ? { office: q.office } : {}), ...(q.route ? { route: q.route } : {}), ...(q.source ? { source: q.source } : {}),
    };
    const r = await funnelNumbers({ ...kit.deps.desk, reports: reportsOf(kit).stores }, actor, { dimension: q.by, selection });
    if (isRefusal(r)) return refuse(kit, req, res, r);
    if (!r.ok) return;
    const label = valueLabel(t, lang, kit.deps.desk.offices.map((o) => ({ id: o.id, name: o.name[lang] ?? o.name.en ?? o.id })));
    const stageNames = r.stages.map((s) => t(`reports:numbers.stage.${s}`));
    const rtl = dir === 'rtl';
    const started = r.stages.indexOf('started');
    kit.render(res, 'reports/numbers', {
      title: t('reports:numbers.title'),
      at: pageFormat(lang, t, { timeZone: kit.deps.timeZone, offices: kit.deps.desk.offices }).dateTime(r.at),
      by: q.by,
      dims: FUNNEL_DIMENSIONS,
      selection: r.selection,
      filters: {
        lang: SUPPORTED_LANGS.map((v) => ({ value: v, label: label('lang', v) })),
        office: [...kit.deps.desk.offices.map((o) => o.id), NONE].map((v) => ({ value: v, label: label('office', v) })),
        route: ROUTES.map((v) => ({ value: v, label: label('route', v) })),
        source: SOURCES.map((v) => ({ value: v, label: label('source', v) })),
      },
      stages: stageNames,
      // Counts and weeks in the page's digits (Persian ۱۰ and <۵ on a Persian page), as every other page writes its numbers.
      rows: r.table.rows.map((row) => ({ label: label(q.by, row.value), counts: row.counts.map((c) => formatCount(lang, c).text) })),
      total: r.table.total.map((c) => formatCount(lang, c).text),
      funnelChart: barChart(t('reports:numbers.chart_title'), r.table.total.map((count, i) => ({ label: stageNames[i]!, count: formatCount(lang, count) })), { rtl }),
      rowsChart: barChart(
        t('reports:numbers.chart_rows_title', { dimension: t(`reports:numbers.dimension.${q.by}`) }),
        r.table.rows.map((row) => ({ label: label(q.by, row.value), count: formatCount(lang, row.counts[started]!) })),
        { rtl },
      ),
    });
  });

  router.post('/numbers/recount', kit.requireRole('supervisor'), async (_req, res) => {
    await reportsOf(kit).stores.funnel.recount();
    res.redirect(303, '/desk/numbers');
  });

  return router;
}

/** The text of a dimension's value (a language's name in the page's language, an office's name, a route, a source, a week as is). */
function valueLabel(t: Translate, lang: Lang, offices: { id: string; name: string }[]) {
  return (dimension: string, v: string): string => {
    if (v === NONE) return t('reports:numbers.none');
    switch (dimension) {
      case 'lang':
        return languageNameIn(lang, v, { start: true });
      case 'office':
        return offices.find((o) => o.id === v)?.name ?? v;
      case 'route':
        return (ROUTES as readonly string[]).includes(v) ? t(`reports:numbers.route.${v}`) : v;
      case 'source':
        return (SOURCES as readonly string[]).includes(v) ? t(`reports:numbers.source.${v}`) : v;
      default:
        // A week (`2026-W48`), in the page's digits.
        return formatDigits(lang, v);
    }
  };
}
