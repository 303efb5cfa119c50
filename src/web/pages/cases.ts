import express, { type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { CASE_STATUSES, ELIGIBILITIES, listCases, MAX_FOUND, openWalkIn } from '../../caseworkers/desk';
import { LangSchema, SUPPORTED_LANGS, type Lang } from '../../core/lang';
import { pageFormat } from '../format';
import { webContext } from '../web-context';
import type { WebKit } from '../web-kit';

/** Cases per page of the list. */
export const PAGE_SIZE = 25;

const empty = (v: unknown) => (v === '' ? undefined : v);

/** What a search may hold as typed (longer is cut): a name or two and a phone number. */
const SEARCH_MAX = 120;
/** The search box as sent (POST body `q`), trimmed; anything else is nothing typed. */
const SearchField = z.string().transform((v) => v.trim().slice(0, SEARCH_MAX)).catch('');

/** The walk-in form's optional phone number as typed (the desk reads it); anything else is none. */
const PhoneField = z.string().max(40).optional().catch(undefined);
/** What the walk-in form can be sent back with (`?walk_in=`): the desk's refusals, each a text. */
const WALK_IN_PROBLEMS = ['no_office', 'bad_phone'] as const;
/** The walk-in form as the list shows it: a refusal, and what was sent when it comes back refused. */
interface WalkInForm {
  problem?: (typeof WALK_IN_PROBLEMS)[number];
  lang?: Lang;
  phone?: string;
}
/** The list's query string: every filter optional; anything malformed is ignored, not an error. */
const ListQuery = z.object({
  status: z.preprocess(empty, z.enum(CASE_STATUSES).optional()).catch(undefined),
  office: z.preprocess(empty, z.string().regex(/^[a-z0-9_]+$/).optional()).catch(undefined),
  lang: z.preprocess(empty, LangSchema.optional()).catch(undefined),
  elig: z.preprocess(empty, z.enum(ELIGIBILITIES).optional()).catch(undefined),
  mine: z.preprocess(empty, z.literal('1').optional()).catch(undefined),
  holder: z.preprocess(empty, z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).optional()).catch(undefined),
  urgent: z.preprocess(empty, z.literal('1').optional()).catch(undefined),
  code: z.preprocess((v) => (typeof v === 'string' ? v.trim().slice(0, 40) || undefined : undefined), z.string().optional()).catch(undefined),
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
});

/**
 * A case code as typed in the list's search box: any case, spaces, with or without `KP-` and
 * its dashes (`mfa0 apah`, `MFA0-APAH`, `kp-mfa0-apah` are KP-MFA0-APAH). Anything that cannot
 * be a whole code (`zzz`, `MFA0`) is `undefined`: the page says so and keeps what was typed,
 * rather than quietly showing every case.
 * @example caseCodeOf(' mfa0-apah ') // 'KP-MFA0-APAH'
 */
export function caseCodeOf(typed: string): string | undefined {
  const s = typed.toUpperCase().replace(/\s+/g, '');
  const m = /^(?:KP-?)?([A-Z0-9]{4})-?([A-Z0-9]{4})$/.exec(s);
  if (m) return `KP-${m[1]}-${m[2]}`;
  // Codes of another shape (earlier releases, tests) are looked up as they are.
  return /^KP-[A-Z0-9-]{2,17}$/.test(s) ? s : undefined;
}

/**
 * `/desk/cases`: the case list (every role; a case worker sees their office's), filtered by
 * status, office, language, eligibility, "mine", urgent, or a case code; 25 a page, newest
 * first; the urgent cases above the list on every page. Below it, a walk-in's case is opened
 * (`POST /desk/cases/walk-in`).
 */
export function casePages(kit: WebKit): Router {
  const router = express.Router();
  router.get('/cases', kit.requireRole('caseworker'), (req, res) => showList(req, res, { problem: WALK_IN_PROBLEMS.find((p) => p === req.query.walk_in) }));

  /**
   * The list; `walkIn` is the walk-in form as it is to be shown: a refusal said beside it, and,
   * when the form comes back refused, the language and number that were sent (the number only
   * in the page, never in an address), so that the case is not opened in another language.
   */
  async function showList(req: Request, res: Response, walkIn: WalkInForm, status = 200, search?: string): Promise<void> {
    const ctx = webContext(res);
    // A search comes by POST (its words never in an address, a proxy's log or the history), alone: the list's own filters stay in the query string.
    const { code: typed, ...q } = ListQuery.parse(search === undefined ? req.query : {});
    const code = typed === undefined ? undefined : caseCodeOf(typed);
    const r = await listCases(
      kit.deps.desk,
      ctx.actor,
      search !== undefined
        ? { search }
        : { ...(q.status ? { status: q.status } : {}), ...(q.office ? { office: q.office } : {}), ...(q.lang ? { lang: q.lang } : {}), ...(q.elig ? { elig: q.elig } : {}), ...(q.mine ? { mine: true } : {}), ...(q.holder ? { holder: q.holder } : {}), ...(q.urgent ? { urgent: true } : {}), ...(code ? { code } : {}) },
      search !== undefined ? { offset: 0, limit: MAX_FOUND } : { offset: (q.page - 1) * PAGE_SIZE, limit: PAGE_SIZE },
    );
    if (!r.ok) {
      if (r.reason === 'no_index') throw new Error('the case list has no index (createDeskDeps without `index`)');
      return void (await kit.forbidden(req, res, 'role'));
    }
    const fmt = pageFormat(ctx.lang, ctx.t, { timeZone: kit.deps.timeZone, offices: kit.deps.desk.offices });
    const params = new URLSearchParams(Object.entries({ status: q.status, office: q.office, lang: q.lang, elig: q.elig, mine: q.mine, holder: q.holder, urgent: q.urgent, code }).filter((e): e is [string, string] => typeof e[1] === 'string'));
    const pageLink = (n: number) => `/desk/cases?${new URLSearchParams([...params, ['page', String(n)]]).toString()}`;
    const pages = search !== undefined ? 1 : Math.max(1, Math.ceil(r.total / PAGE_SIZE));
    kit.render(res, 'cases/list', {
      title: ctx.t('web:cases.title'),
      q,
      // The box keeps what was typed; a code that cannot be one, or finds no case, is said in words.
      codeTyped: typed ?? '',
      codeProblem: typed === undefined ? undefined : !code ? 'not_a_code' : r.total === 0 ? 'no_case' : undefined,
      code,
      rows: r.rows,
      urgent: r.urgent,
      total: r.total,
      page: q.page,
      pages,
      prev: q.page > 1 ? pageLink(q.page - 1) : undefined,
      next: q.page < pages ? pageLink(q.page + 1) : undefined,
      ownOffice: r.office,
      holders: r.holders,
      offices: kit.deps.desk.offices.map((o) => o.id),
      statuses: CASE_STATUSES,
      eligibilities: ELIGIBILITIES,
      langs: SUPPORTED_LANGS,
      fmt,
      now: kit.deps.clock.now().getTime(),
      walkIn,
      // The search box keeps what was typed (in the page only); what was found is said in words.
      search: search === undefined ? undefined : { typed: search, kind: r.searched ?? 'nothing', shown: r.rows.length },
    }, status);
  }

  // Find a person's case by name or phone number (desk listCases' `search`): POST, so the words
  // stay out of addresses; CSRF-checked before here. Opened with GET (Back, the language
  // switch), the list.
  router.post('/cases/search', kit.requireRole('caseworker'), (req, res) => showList(req, res, {}, 200, SearchField.parse((req.body as Record<string, unknown> | undefined)?.q)));
  router.get('/cases/search', kit.requireRole('caseworker'), (_req, res) => res.redirect(303, '/desk/cases'));

  // The walk-in form's address, opened with GET (the language switch on the form sent back with a
  // problem, Back, a bookmark): the list, at the form.
  router.get('/cases/walk-in', kit.requireRole('caseworker'), (_req, res) => res.redirect(303, '/desk/cases#walk-in'));
  // A person who walked into the office (spec §3.6, route 4): their case opened at the worker's
  // office, held by them, and straight to its first meeting (Annex 2 now). CSRF-checked before here.
  router.post('/cases/walk-in', kit.requireRole('caseworker'), async (req, res) => {
    const ctx = webContext(res);
    const body = (req.body as Record<string, unknown> | undefined) ?? {};
    const lang = LangSchema.safeParse(body.lang);
    if (!lang.success) return void res.redirect(303, '/desk/cases');
    const phone = PhoneField.parse(body.phone);
    const r = await openWalkIn(kit.deps.desk, ctx.actor, { lang: lang.data, ...(phone ? { phone } : {}) });
    if (!r.ok) {
      if (r.reason === 'bad_phone') return showList(req, res, { problem: r.reason, lang: lang.data, phone: phone ?? '' }, 400);
      if (r.reason === 'no_office') return void res.redirect(303, `/desk/cases?walk_in=${r.reason}#walk-in`);
      return kit.forbidden(req, res, 'role');
    }
    res.redirect(303, `/desk/cases/${r.caseCode}/meeting`);
  });
  return router;
}
