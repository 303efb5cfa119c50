import express, { type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { addNote, AUDIT_ACTIONS, claimCase, closeReasonKey, eraseOnRequest, MESSAGE_MAX, messagePerson, NOTE_MAX, reassignCase, recordAttendance, recordWalkInPhone, releaseCase, viewCase, type StaffRefusal } from '../../caseworkers/desk';
import { choiceLabelKey } from '../../intake/choice-labels';
import { newToken } from '../auth/tokens';
import { pageFormat } from '../format';
import { webContext } from '../web-context';
import type { WebKit } from '../web-kit';

/** A case code in a path: anything else is a 404, never a lookup. */
const CODE = /^[A-Z0-9]{2,4}(?:-[A-Z0-9]{3,8}){1,3}$/;

/** What the page says after an action (`?done=` / `?notice=`): wire names with a text each. */
const DONE = ['claimed', 'released', 'reassigned', 'note_added', 'attendance_recorded', 'attendance_recorded_claimed', 'message_sent', 'phone_saved', 'erased', 'erased_meeting_cancelled'] as const;
const NOTICES = ['already_claimed', 'not_claimed', 'note_empty', 'invalid_target', 'moved', 'already_recorded', 'too_early', 'message_empty', 'unreachable', 'phone_only', 'walk_in', 'erased', 'withdrawn', 'case_closed', 'bad_phone', 'erase_code_mismatch', 'already_erased', 'erase_unavailable'] as const;

const NoteForm = z.object({ text: z.string().max(NOTE_MAX * 2) });
const ReassignForm = z.object({ to: z.string().min(1).max(64) });
const AttendanceForm = z.object({ status: z.enum(['attended', 'no_show']) });
const PhoneForm = z.object({ phone: z.string().max(40) });
const EraseForm = z.object({ typedCode: z.string().max(64).default('') });
const MessageForm = z.object({ text: z.string().max(MESSAGE_MAX * 2), ref: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/) });

/**
 * `/desk/cases/:code`: the case file (viewCase: the person's details, talk and notes for the
 * holder and supervisors only, each view audited) and its actions, each a desk use case the
 * bot's buttons call too: claim, release, reassign (supervisors), add a note, record attendance,
 * erase the person's data at their request (admins, the case code typed to confirm).
 * Every action is a POST (CSRF-checked before it gets here), answered post/redirect/get.
 */
export function caseFilePages(kit: WebKit): Router {
  const router = express.Router();
  const staff = kit.requireRole('caseworker');

  router.get('/cases/:code', staff, async (req, res) => {
    const code = codeOf(req);
    if (!code) return notFound(kit, res);
    const ctx = webContext(res);
    const r = await viewCase(kit.deps.desk, ctx.actor, { caseCode: code });
    if (!r.ok) {
      if (r.reason === 'not_found') return notFound(kit, res);
      return refuse(kit, req, res, r, code);
    }
    const done = DONE.find((d) => d === req.query.done);
    const notice = NOTICES.find((n) => n === req.query.notice);
    const fmt = pageFormat(ctx.lang, ctx.t, { timeZone: kit.deps.timeZone, offices: kit.deps.desk.offices });
    kit.render(res, 'cases/file', {
      title: `${ctx.t('web:case.title')} ${code}`,
      file: r.file,
      fmt,
      mayReassign: ctx.staff.role !== 'caseworker',
      // Erasing at the person's request is the admins' (the desk refuses anyone else's POST too).
      mayErase: ctx.staff.role === 'admin',
      // The first meeting's forms, booking and closing are the holder's (supervisors and admins may step in):
      // a colleague is not shown links that would only answer "another worker holds this case".
      mayRecord: ctx.staff.role !== 'caseworker' || r.file.isHolder,
      meetingBegun: r.file.booking ? r.file.booking.start.getTime() <= kit.deps.clock.now().getTime() : false,
      done,
      notice,
      noteMax: NOTE_MAX,
      messageMax: MESSAGE_MAX,
      // A fresh token per form: the same form sent twice sends the message once.
      messageRef: newToken(),
      // An answer chosen from a list in words (`reason: family` → "Family" in the reader's language),
      // the birth date as the page writes dates (`12.05.1990`, not as stored); typed ones as typed.
      fieldText: (field: string, value: string) => {
        if (field === 'birth_date') return fmt.calendarDate(value);
        const key = choiceLabelKey(field, value);
        return key ? ctx.t(key, { defaultValue: value }) : value;
      },
      // Why a closed case was closed, in words (one of §3.8's five, or a reason stored before them).
      closeReasonText: (stored: string) => {
        const key = closeReasonKey(stored);
        return key === stored ? stored : ctx.t(key);
      },
      // The history's actions in words where the audit trail has a text for them (`/audit` uses the same).
      actionText: (action: string) => ((AUDIT_ACTIONS as readonly string[]).includes(action) ? ctx.t(`caseworker:audit.action.${action}`, { to: '' }) : action),
    });
  });

  router.post('/cases/:code/claim', staff, async (req, res) => {
    const code = codeOf(req);
    if (!code) return notFound(kit, res);
    const r = await claimCase(kit.deps.desk, webContext(res).actor, { caseCode: code });
    if (r.ok) return back(res, code, 'done', 'claimed');
    if (r.reason === 'not_found') return notFound(kit, res);
    if (r.reason === 'already_claimed' || r.reason === 'case_closed') return back(res, code, 'notice', r.reason);
    return refuse(kit, req, res, r, code);
  });

  router.post('/cases/:code/release', staff, async (req, res) => {
    const code = codeOf(req);
    if (!code) return notFound(kit, res);
    const r = await releaseCase(kit.deps.desk, webContext(res).actor, { caseCode: code });
    if (r.ok) return back(res, code, 'done', 'released');
    if (r.reason === 'not_claimed' || r.reason === 'case_closed') return back(res, code, 'notice', r.reason);
    return refuse(kit, req, res, r, code);
  });

  router.post('/cases/:code/reassign', kit.requireRole('supervisor'), async (req, res) => {
    const code = codeOf(req);
    const form = ReassignForm.safeParse(req.body);
    if (!code) return notFound(kit, res);
    if (!form.success) return back(res, code, 'notice', 'invalid_target');
    const r = await reassignCase(kit.deps.desk, webContext(res).actor, { caseCode: code, to: { staffId: form.data.to } });
    if (r.ok) return back(res, code, 'done', 'reassigned');
    if (r.reason === 'not_found') return notFound(kit, res);
    if (r.reason === 'invalid_target' || r.reason === 'target_other_office') return back(res, code, 'notice', 'invalid_target');
    if (r.reason === 'case_closed') return back(res, code, 'notice', 'case_closed');
    return refuse(kit, req, res, r, code);
  });

  router.post('/cases/:code/notes', staff, async (req, res) => {
    const code = codeOf(req);
    const form = NoteForm.safeParse(req.body);
    if (!code) return notFound(kit, res);
    if (!form.success) return back(res, code, 'notice', 'note_empty');
    const r = await addNote(kit.deps.desk, webContext(res).actor, { caseCode: code, text: form.data.text });
    if (r.ok) return back(res, code, 'done', 'note_added', 'notes');
    if (r.reason === 'empty') return back(res, code, 'notice', 'note_empty', 'notes');
    if (r.reason === 'not_found') return notFound(kit, res);
    if (r.reason === 'no_notes') throw new Error('the desk has no notes store (createDeskDeps without keys.caseNotes)');
    return refuse(kit, req, res, r, code);
  });

  router.post('/cases/:code/attendance', staff, async (req, res) => {
    const code = codeOf(req);
    const form = AttendanceForm.safeParse(req.body);
    if (!code) return notFound(kit, res);
    if (!form.success) return back(res, code, 'notice', 'moved');
    const booking = await kit.deps.desk.bookings.get(code);
    if (!booking) return back(res, code, 'notice', 'moved');
    const r = await recordAttendance(kit.deps.desk, webContext(res).actor, { caseCode: code, status: form.data.status, meeting: booking.start });
    if (r.ok) return back(res, code, 'done', r.claimed ? 'attendance_recorded_claimed' : 'attendance_recorded', 'meeting');
    if (r.reason === 'moved' || r.reason === 'already_recorded' || r.reason === 'too_early') return back(res, code, 'notice', r.reason, 'meeting');
    return refuse(kit, req, res, r, code);
  });

  router.post('/cases/:code/message', staff, async (req, res) => {
    const code = codeOf(req);
    const form = MessageForm.safeParse(req.body);
    if (!code) return notFound(kit, res);
    if (!form.success) return back(res, code, 'notice', 'message_empty', 'talk');
    const r = await messagePerson(kit.deps.desk, webContext(res).actor, { caseCode: code, text: form.data.text, ref: form.data.ref });
    if (r.ok) return back(res, code, 'done', 'message_sent', 'talk');
    if (r.reason === 'empty') return back(res, code, 'notice', 'message_empty', 'talk');
    if (r.reason === 'unreachable' || r.reason === 'erased' || r.reason === 'withdrawn' || r.reason === 'phone_only' || r.reason === 'walk_in') return back(res, code, 'notice', r.reason, 'talk');
    if (r.reason === 'not_found') return notFound(kit, res);
    return refuse(kit, req, res, r, code);
  });

  // The phone number a walk-in gives after their case was opened (or a new one): kept, so they can be phoned.
  router.post('/cases/:code/phone', staff, async (req, res) => {
    const code = codeOf(req);
    const form = PhoneForm.safeParse(req.body);
    if (!code) return notFound(kit, res);
    if (!form.success) return back(res, code, 'notice', 'bad_phone', 'talk');
    const r = await recordWalkInPhone(kit.deps.desk, webContext(res).actor, { caseCode: code, phone: form.data.phone });
    if (r.ok) return back(res, code, 'done', 'phone_saved', 'talk');
    if (r.reason === 'bad_phone') return back(res, code, 'notice', 'bad_phone', 'talk');
    if (r.reason === 'case_closed') return back(res, code, 'notice', 'case_closed');
    // Only a walk-in's case offers the form: anything else is no such page.
    if (r.reason === 'not_found' || r.reason === 'not_walk_in') return notFound(kit, res);
    return refuse(kit, req, res, r, code);
  });

  // A person's request to erase their data made outside the bot (in writing at the office), or an
  // erasure a restored backup undid: admins only, with the case code typed (it cannot be undone).
  router.post('/cases/:code/erase', staff, async (req, res) => {
    const code = codeOf(req);
    if (!code) return notFound(kit, res);
    const form = EraseForm.safeParse(req.body);
    const r = await eraseOnRequest(kit.deps.desk, webContext(res).actor, { caseCode: code, typedCode: form.success ? form.data.typedCode : '' });
    if (r.ok) return back(res, code, 'done', r.cancelledMeeting ? 'erased_meeting_cancelled' : 'erased');
    if (r.reason === 'not_found') return notFound(kit, res);
    if (r.reason === 'code_mismatch') return back(res, code, 'notice', 'erase_code_mismatch', 'erase');
    if (r.reason === 'already_erased') return back(res, code, 'notice', 'already_erased');
    if (r.reason === 'unavailable') return back(res, code, 'notice', 'erase_unavailable', 'erase');
    return refuse(kit, req, res, r, code);
  });

  return router;
}

function codeOf(req: Request): string | undefined {
  const code = String(req.params.code ?? '').toUpperCase();
  return CODE.test(code) ? code : undefined;
}

/** Post/redirect/get: back to the case file with what happened. */
function back(res: Response, code: string, kind: 'done' | 'notice', what: string, anchor?: string): void {
  res.redirect(303, `/desk/cases/${code}?${kind}=${what}${anchor ? `#${anchor}` : ''}`);
}

function notFound(kit: WebKit, res: Response): void {
  kit.render(res, 'not-found', { title: webContext(res).t('web:not_found.title') }, 404);
}

/** A desk refusal as a 403 page (audited). */
async function refuse(kit: WebKit, req: Request, res: Response, r: StaffRefusal | { ok: false; reason: 'other_office' | 'not_holder' | 'wrong_chat' }, code: string): Promise<void> {
  const reason = r.reason === 'other_office' ? 'other_office' : r.reason === 'not_holder' ? 'not_holder' : 'role';
  await kit.forbidden(req, res, reason, { caseCode: code });
}
