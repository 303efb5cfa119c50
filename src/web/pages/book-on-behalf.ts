import express, { type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { BEHALF_DAYS, bookOnBehalf, meetingTimes } from '../../caseworkers/desk';
import type { Office } from '../../config/offices';
import type { Lang } from '../../core/lang';
import { meetingDetails } from '../../intake/booking-desk';
import { pageFormat } from '../format';
import { webContext } from '../web-context';
import type { WebKit } from '../web-kit';
import { answeredRefusal, CASE_CODE } from './forms/answer';

/** What the page says after a booking (`?done=`): the use case's outcomes. */
const DONE = ['booked', 'moved', 'already'] as const;
/** A slot id as the form sends it back (`<office>@yyyy-MM-ddTHH:mm`); the use case checks the rest. */
const BookForm = z.object({ slot: z.string().regex(/^[a-z0-9_]{1,32}@\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/) });
const OfficeQuery = z.string().regex(/^[a-z0-9_]{1,32}$/).optional().catch(undefined);

/**
 * `/desk/cases/:code/booking`: book or move the person's meeting on their behalf. The page shows
 * the office's free times for the next days (meetingTimes: the bot's slots, closed days and
 * places); choosing one POSTs (CSRF-checked before it gets here) to bookOnBehalf, which books
 * atomically, moves the reminders and tells the person through the bot — or, for a person
 * interviewed on the phone, the page gives the worker what to tell them when they phone
 * (date, time, office, address). Post/redirect/get.
 */
export function bookOnBehalfPages(kit: WebKit): Router {
  const router = express.Router();
  const desk = kit.deps.desk;

  async function show(req: Request, res: Response, o: { problem?: string } = {}, status = 200): Promise<void> {
    const code = String(req.params.code);
    const ctx = webContext(res);
    if (!CASE_CODE.test(code)) return void kit.render(res, 'not-found', { title: ctx.t('web:not_found.title') }, 404);
    const office = OfficeQuery.parse(req.query.office);
    const r = await meetingTimes(desk, ctx.actor, { caseCode: code, ...(office ? { office } : {}) });
    if (!r.ok) {
      if (await answeredRefusal(kit, req, res, r, code)) return;
      if (r.reason === 'unknown_office') return void kit.render(res, 'not-found', { title: ctx.t('web:not_found.title') }, 404);
      // A case that has ended says how: closed, or its person withdrew or had their data erased.
      const problem = r.reason === 'case_closed' && (r.status === 'withdrawn' || r.status === 'erased') ? r.status : r.reason;
      return void kit.render(res, 'behalf/book', { title: ctx.t('behalf:title', { code }), code, problem, days: [], offices: [], daysAhead: BEHALF_DAYS }, 400);
    }
    const fmt = pageFormat(ctx.lang, ctx.t, { timeZone: r.office.timeZone, offices: desk.offices });
    kit.render(
      res,
      'behalf/book',
      {
        title: ctx.t('behalf:title', { code }),
        code,
        office: { id: r.office.id, name: r.office.name[ctx.lang] },
        offices: r.offices.map((of) => ({ id: of.id, name: of.name[ctx.lang] })),
        current: r.current ? { when: fmt.dateTime(r.current.start), office: fmt.office(r.current.office), slot: r.current.slot } : undefined,
        tell: r.tell,
        walkIn: r.walkIn === true,
        // No chat with the bot (interviewed on the phone, or walked in): what the worker tells them, on the phone or at the office.
        phoneDetails: r.tell !== 'bot' && r.current ? phoneDetails(desk.offices, r.current, ctx.lang) : undefined,
        days: r.days.map((d) => ({ label: dayLabel(d.date, ctx.lang), date: d.date, times: d.times })),
        daysAhead: BEHALF_DAYS,
        done: DONE.find((d) => d === req.query.done),
        problem: o.problem,
      },
      status,
    );
  }

  router.get('/cases/:code/booking', kit.requireRole('caseworker'), (req, res) => show(req, res));

  router.post('/cases/:code/booking', kit.requireRole('caseworker'), async (req, res) => {
    const code = String(req.params.code);
    if (!CASE_CODE.test(code)) return void kit.render(res, 'not-found', { title: webContext(res).t('web:not_found.title') }, 404);
    const form = BookForm.safeParse(req.body);
    if (!form.success) return show(req, res, { problem: 'gone' }, 400);
    const r = await bookOnBehalf(desk, webContext(res).actor, { caseCode: code, slotId: form.data.slot });
    if (!r.ok) {
      if (await answeredRefusal(kit, req, res, r, code)) return;
      // A time taken meanwhile is a conflict with someone else's booking; anything else, the form's.
      return show(req, res, { problem: r.reason }, r.reason === 'full' ? 409 : 400);
    }
    res.redirect(303, `/desk/cases/${code}/booking?office=${r.office}&done=${r.outcome}`);
  });

  return router;
}

/** The meeting's date, time, office and address in the page's language, to read to the person on the phone. */
function phoneDetails(offices: readonly Office[], current: { office: string; start: Date }, lang: Lang): Record<string, string> | undefined {
  const office = offices.find((o) => o.id === current.office);
  return office ? meetingDetails(office, current.start, lang) : undefined;
}

const dayFormats = new Map<Lang, Intl.DateTimeFormat>();
/** "Friday, 27 November" for a local date, in the page's language (Gregorian in every language, as the bot's). */
function dayLabel(date: string, lang: Lang): string {
  let f = dayFormats.get(lang);
  if (!f) {
    f = new Intl.DateTimeFormat(`${lang}-u-ca-gregory`, { timeZone: 'UTC', weekday: 'long', day: 'numeric', month: 'long' });
    dayFormats.set(lang, f);
  }
  return f.format(new Date(`${date}T12:00:00Z`));
}
