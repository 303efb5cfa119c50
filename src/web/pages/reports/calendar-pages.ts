import express, { type Router } from 'express';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { closeOfficeDay, officeWeek, recordAttendance, reopenOfficeDay } from '../../../caseworkers/desk';
import { pageFormat } from '../../format';
import { webContext } from '../../web-context';
import type { WebKit } from '../../web-kit';
import { flash, isRefusal, refuse, reportsOf } from './page-helpers';

const WeekQuery = z.object({ office: z.string().regex(/^[a-z0-9_]+$/).optional().catch(undefined), date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional().catch(undefined) });
const DayForm = z.object({ office: z.string().regex(/^[a-z0-9_]+$/), date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/) });
const AttendanceForm = DayForm.extend({ case: z.string().regex(/^[A-Z0-9-]{4,40}$/), status: z.enum(['attended', 'no_show']), meeting: z.coerce.number().int().positive() });

/** Back to the week shown, with a message. */
const back = (office: string, date: string, msg: Record<string, string>) => `/desk/calendar?${new URLSearchParams({ office, date, ...msg }).toString()}`;

/**
 * The calendar (issue 12, item 8): an office's week (today marked) with its times, free and
 * booked places, the meetings by case code with Came / Did not come once begun (the desk's
 * recordAttendance, the same as the bot's buttons), and for supervisors closing a day (the
 * desk's closeOfficeDay: the meetings are cancelled and the people told by the bot).
 */
export function calendarPages(kit: WebKit): Router {
  const router = express.Router();

  router.get('/calendar', kit.requireRole('caseworker'), async (req, res) => {
    const { actor, t, lang, staff } = webContext(res);
    const q = WeekQuery.parse(req.query);
    const r = await officeWeek({ ...kit.deps.desk, reports: reportsOf(kit).stores }, actor, { ...(q.office ? { office: q.office } : {}), ...(q.date ? { date: q.date } : {}) });
    if (!r.ok) {
      if (r.reason === 'unknown_office') return void kit.render(res, 'not-found', { title: t('reports:calendar.error.unknown_office') }, 404);
      return refuse(kit, req, res, r);
    }
    const monday = DateTime.fromISO(r.weekStart, { zone: r.office.timeZone }).setLocale(lang);
    const fmt = pageFormat(lang, t, { timeZone: r.office.timeZone, offices: kit.deps.desk.offices });
    // The message after closing a day: its date as the page writes dates, its count in the page's digits.
    const f = flash(req, 'calendar');
    const params = { ...f.params, ...(f.params.date ? { date: fmt.calendarDate(f.params.date) } : {}), ...(f.params.count ? { count: Number(f.params.count) } : {}) };
    const now = kit.deps.clock.now().getTime();
    kit.render(res, 'reports/calendar', {
      title: t('reports:calendar.title'),
      office: { id: r.office.id, name: r.office.name[lang] ?? r.office.name.en ?? r.office.id },
      offices: r.offices.map((o) => ({ id: o.id, name: o.name[lang] ?? o.name.en ?? o.id })),
      week: monday.toLocaleString({ day: 'numeric', month: 'long', year: 'numeric' }),
      prev: monday.minus({ weeks: 1 }).toISODate(),
      next: monday.plus({ weeks: 1 }).toISODate(),
      days: r.days.map((d) => ({
        ...d,
        label: DateTime.fromISO(d.date, { zone: r.office.timeZone }).setLocale(lang).toLocaleString({ weekday: 'long', day: 'numeric', month: 'long' }),
        past: d.date < DateTime.fromMillis(now, { zone: r.office.timeZone }).toISODate()!,
        slots: d.slots.map((s) => ({ ...s, begun: s.start.getTime() <= now })),
      })),
      canClose: staff.role !== 'caseworker',
      flash: { ...f, params },
      fmt,
    });
  });

  router.post('/calendar/attendance', kit.requireRole('caseworker'), async (req, res) => {
    const form = AttendanceForm.safeParse(req.body);
    if (!form.success) return void res.redirect(303, '/desk/calendar');
    const { office, date } = form.data;
    const r = await recordAttendance(kit.deps.desk, webContext(res).actor, { caseCode: form.data.case, status: form.data.status, meeting: new Date(form.data.meeting) });
    if (isRefusal(r) || (!r.ok && r.reason === 'other_office')) return refuse(kit, req, res, r);
    // Nobody held the case: recording it made the recorder its holder, and the page says so.
    res.redirect(303, back(office, date, r.ok ? { ok: r.claimed ? 'attendance_done_claimed' : 'attendance_done', code: r.caseCode } : { err: r.reason }));
  });

  router.post('/calendar/close', kit.requireRole('supervisor'), async (req, res) => {
    const form = DayForm.safeParse(req.body);
    if (!form.success) return void res.redirect(303, '/desk/calendar?err=invalid_date');
    const deps = { ...kit.deps.desk, reports: reportsOf(kit).stores };
    const r = await closeOfficeDay(deps, webContext(res).actor, form.data);
    if (isRefusal(r)) return refuse(kit, req, res, r);
    res.redirect(303, back(form.data.office, form.data.date, r.ok ? { ok: 'closed_done', date: r.date, count: String(r.cancelled.length) } : { err: r.reason }));
  });

  router.post('/calendar/reopen', kit.requireRole('supervisor'), async (req, res) => {
    const form = DayForm.safeParse(req.body);
    if (!form.success) return void res.redirect(303, '/desk/calendar?err=invalid_date');
    const r = await reopenOfficeDay({ ...kit.deps.desk, reports: reportsOf(kit).stores }, webContext(res).actor, form.data);
    if (isRefusal(r)) return refuse(kit, req, res, r);
    res.redirect(303, back(form.data.office, form.data.date, r.ok ? { ok: 'reopened_done', date: r.date } : { err: r.reason }));
  });

  return router;
}
