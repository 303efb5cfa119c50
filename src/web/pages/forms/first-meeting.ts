import express, { type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import {
  ACTIVITY_STATUSES, ASSESSMENT_FIELDS, confirmDiagnosis, GOAL_TERMS, readCaseForms, recordAttendance, recordPaperConsent, saveAssessment, savePlan,
  type AssessmentInput, type FieldIssue, type ReadCaseFormsResult,
} from '../../../caseworkers/desk';
import { SUPPORTED_LANGS } from '../../../core/lang';
import { Q3_AREAS } from '../../../flows/rules/eligibility';
import { choiceLabelKey } from '../../../intake/choice-labels';
import { formDateTime } from '../../../intake/record-writes';
import { pageFormat } from '../../format';
import { webContext } from '../../web-context';
import type { WebKit } from '../../web-kit';
import { answeredRefusal, CASE_CODE, issuesByField } from './answer';
import { planFromForm, planRows } from './plan-form';

/** Which part of the page a message or a form's problems belong to. */
type Part = 'attendance' | 'diagnosis' | 'assessment' | 'consent' | 'plan';

/** What a POST left for the page to show again: the part, its problems, what was sent. */
interface Redraw {
  part: Part;
  issues?: readonly FieldIssue[];
  /** The refusal the part shows (an order of steps, a closed case). */
  problem?: string;
  sent?: Record<string, unknown>;
}

const Versions = z.object({ assessment: z.coerce.number().int().min(1).optional(), plan: z.coerce.number().int().min(1).optional(), done: z.enum(['attendance', 'diagnosis', 'assessment', 'consent', 'plan']).optional() });
/** `correct`: the attendance recorded as the other status is put right (the page's correction button). */
const AttendanceForm = z.object({ status: z.enum(['attended', 'no_show']), meeting: z.iso.datetime(), correct: z.literal('1').optional() });

/**
 * The first meeting, in the guidelines' order (spec §3.6), on one page of the case:
 * attendance, Annex 2 with Q4 (the result becomes final), the initial assessment (Annex 1, in
 * versions) and the integration plan (in versions). Each form posts to its own route, which
 * calls the desk's use case and comes back to the page (post/redirect/get), or shows the page
 * again with the problems beside their fields (400).
 */
/** The first meeting page's parts, each a form sent to `/desk/cases/<code>/meeting/<part>`. */
const MEETING_PARTS = ['attendance', 'diagnosis', 'assessment', 'consent', 'plan'] as const;

export function firstMeetingPages(kit: WebKit): Router {
  const router = express.Router();
  const desk = kit.deps.desk;

  async function show(req: Request, res: Response, redraw?: Redraw): Promise<void> {
    const code = String(req.params.code);
    if (!CASE_CODE.test(code)) return void kit.render(res, 'not-found', { title: webContext(res).t('web:not_found.title') }, 404);
    const q = Versions.safeParse(req.query);
    const v = q.success ? q.data : {};
    const r = await readCaseForms(desk, webContext(res).actor, { caseCode: code, ...(v.assessment ? { assessmentVersion: v.assessment } : {}), ...(v.plan ? { planVersion: v.plan } : {}) });
    if (!r.ok) {
      if (await answeredRefusal(kit, req, res, r, code)) return;
      return void kit.render(res, 'not-found', { title: webContext(res).t('web:not_found.title') }, 404);
    }
    kit.render(res, 'forms/meeting', { title: webContext(res).t('casework:meeting.title', { code }), ...meetingView(kit, res, r, redraw, v.done) }, redraw ? 400 : 200);
  }

  router.get('/cases/:code/meeting', kit.requireRole('caseworker'), (req, res) => show(req, res));
  // A part's address is where its form is sent, and where the page stands when the form comes
  // back with a problem: the language switch, Back or a bookmark open it with GET, which is the
  // meeting page at that part (not "page not found").
  router.get('/cases/:code/meeting/:part', kit.requireRole('caseworker'), (req, res) => {
    const code = String(req.params.code);
    const part = MEETING_PARTS.find((p) => p === req.params.part);
    if (!CASE_CODE.test(code) || !part) return void kit.render(res, 'not-found', { title: webContext(res).t('web:not_found.title') }, 404);
    res.redirect(303, `/desk/cases/${code}/meeting#${part}`);
  });

  router.post('/cases/:code/meeting/attendance', kit.requireRole('caseworker'), async (req, res) => {
    const code = String(req.params.code);
    const form = AttendanceForm.safeParse(req.body);
    if (!form.success) return show(req, res, { part: 'attendance', problem: 'invalid' });
    const r = await recordAttendance(desk, webContext(res).actor, { caseCode: code, status: form.data.status, meeting: new Date(form.data.meeting), correct: form.data.correct === '1' });
    if (!r.ok) {
      if (await answeredRefusal(kit, req, res, r, code)) return;
      return show(req, res, { part: 'attendance', problem: r.reason });
    }
    res.redirect(303, `/desk/cases/${code}/meeting?done=attendance#attendance`);
  });

  router.post('/cases/:code/meeting/diagnosis', kit.requireRole('caseworker'), async (req, res) => {
    const code = String(req.params.code);
    const r = await confirmDiagnosis(desk, webContext(res).actor, { caseCode: code, form: req.body });
    if (!r.ok) {
      if (await answeredRefusal(kit, req, res, r, code)) return;
      return show(req, res, { part: 'diagnosis', ...(r.reason === 'invalid' ? { issues: r.issues } : { problem: r.reason }), sent: req.body as Record<string, unknown> });
    }
    res.redirect(303, `/desk/cases/${code}/meeting?done=diagnosis#diagnosis`);
  });

  router.post('/cases/:code/meeting/assessment', kit.requireRole('caseworker'), async (req, res) => {
    const code = String(req.params.code);
    const r = await saveAssessment(desk, webContext(res).actor, { caseCode: code, form: req.body });
    if (!r.ok) {
      if (await answeredRefusal(kit, req, res, r, code)) return;
      return show(req, res, { part: 'assessment', ...(r.reason === 'invalid' ? { issues: r.issues } : { problem: r.reason }), sent: req.body as Record<string, unknown> });
    }
    res.redirect(303, `/desk/cases/${code}/meeting?done=assessment#assessment`);
  });

  // The consent form (Annex 4) signed on paper at the office, before the plan (a walk-in's, spec §3.6 route 4).
  router.post('/cases/:code/meeting/consent', kit.requireRole('caseworker'), async (req, res) => {
    const code = String(req.params.code);
    const r = await recordPaperConsent(desk, webContext(res).actor, { caseCode: code, form: req.body });
    if (!r.ok) {
      if (await answeredRefusal(kit, req, res, r, code)) return;
      return show(req, res, { part: 'consent', ...(r.reason === 'invalid' ? { issues: r.issues } : { problem: r.reason }), sent: req.body as Record<string, unknown> });
    }
    res.redirect(303, `/desk/cases/${code}/meeting?done=consent#consent`);
  });

  router.post('/cases/:code/meeting/plan', kit.requireRole('caseworker'), async (req, res) => {
    const code = String(req.params.code);
    const sent = planFromForm(req.body as Record<string, unknown>);
    const r = await savePlan(desk, webContext(res).actor, { caseCode: code, form: sent });
    if (!r.ok) {
      if (await answeredRefusal(kit, req, res, r, code)) return;
      return show(req, res, { part: 'plan', ...(r.reason === 'invalid' ? { issues: r.issues } : { problem: r.reason }), sent: sent as unknown as Record<string, unknown> });
    }
    res.redirect(303, `/desk/cases/${code}/meeting?done=plan#plan`);
  });

  return router;
}

/**
 * A first assessment starts from what the intake has (Annex 1's name, date of birth and who
 * referred them; the services the diagnosis named): the counsellor checks it with the person
 * rather than typing it again.
 */
function fromIntake(r: Extract<ReadCaseFormsResult, { ok: true }>, t: (key: string) => string): Partial<AssessmentInput> {
  const i = r.fromIntake;
  const source = i?.referralSource ? choiceLabelKey('referral_source', i.referralSource) : undefined;
  const referredBy = [source ? t(source) : i?.referralSource, i?.referralDetail].filter(Boolean).join(': ');
  const areas = r.diagnosis?.answers.q3;
  return {
    ...(i?.name ? { beneficiaryName: i.name } : {}),
    ...(i?.birthDate && /^\d{4}-\d{2}-\d{2}$/.test(i.birthDate) ? { birthDate: i.birthDate } : {}),
    ...(referredBy ? { referredBy } : {}),
    ...(Array.isArray(areas) && areas.length ? { services: areas.filter((a): a is (typeof Q3_AREAS)[number] => (Q3_AREAS as readonly string[]).includes(a)) } : {}),
  };
}

/** Everything the template draws, from the case's records and what a failed POST sent. */
function meetingView(kit: WebKit, res: Response, r: Extract<ReadCaseFormsResult, { ok: true }>, redraw: Redraw | undefined, done: Part | undefined) {
  const { lang, t } = webContext(res);
  const offices = kit.deps.desk.offices;
  // A walk-in without a booking: the office it was opened at.
  const office = offices.find((o) => o.id === (r.booking?.office ?? r.head.listFields.office));
  const walkInAt = r.head.listFields.walk_in_at ? new Date(r.head.listFields.walk_in_at) : undefined;
  const metAt = r.head.listFields.met_at ? new Date(r.head.listFields.met_at) : undefined;
  const zone = (office ?? offices[0])?.timeZone ?? 'Asia/Baku';
  // As the case file writes them (25.11.2026, 10:00 in Russian), in the office's zone.
  const fmt = pageFormat(lang, t, { timeZone: zone, offices });
  const when = (d: Date) => fmt.dateTime(d);
  const sentFor = (part: Part) => (redraw?.part === part ? redraw.sent : undefined);
  const d = r.diagnosis;
  const diagnosisValues = sentFor('diagnosis') ?? {
    q1: d?.answers.q1 ?? '',
    q2: d?.answers.q2 ?? '',
    q3: d?.answers.q3 ?? [],
    q4: d?.answers.q4 === 'yes' || d?.answers.q4 === 'no' ? d.answers.q4 : '',
    // Where Annex 2 is completed now: the meeting's office; a counsellor's earlier confirmation
    // keeps its place. Never the bot's record ("Phone", "Telegram"): not where this form is filled.
    place: d && d.by === 'counsellor' && d.place ? d.place : (office?.name[lang] ?? office?.name.az ?? ''),
  };
  const q3Sent = diagnosisValues.q3;
  const assessmentValues = sentFor('assessment') ?? r.assessment?.data ?? { assessmentDate: formDateTime(kit.deps.clock.now(), zone).date, ...fromIntake(r, t) };
  const servicesSent = (assessmentValues as Record<string, unknown>).services;
  return {
    code: r.caseCode,
    status: r.listStatus,
    done,
    part: redraw?.part,
    // A plan sent before Annex 1 cannot be saved whatever its fields say: the page says so first.
    problem: redraw?.part === 'plan' && !redraw.problem && !r.assessmentVersions.length ? 'not_assessed' : redraw?.problem,
    issues: issuesByField(redraw?.issues ?? [], t),
    booking: r.booking ? { status: r.booking.status, start: r.booking.start.toISOString(), when: when(r.booking.start), office: office?.name[lang] ?? r.booking.office } : undefined,
    walkIn: walkInAt && !Number.isNaN(walkInAt.getTime()) ? { when: when(walkInAt), office: office?.name[lang] ?? r.head.listFields.office ?? '' } : undefined,
    // When the person came to their first meeting, once a later meeting is the one shown (the first's time stays the case's).
    firstMeeting: metAt && !Number.isNaN(metAt.getTime()) && !walkInAt && metAt.getTime() !== r.booking?.start.getTime() ? when(metAt) : undefined,
    // Annex 4: given (in the bot, on the phone, or signed here), or the form to record the paper one.
    consent: {
      given: ['A', 'B', 'C'].includes(r.head.consent ?? '') ? r.head.consent : undefined,
      // Given for someone under 18 by a parent or legal guardian (on the phone): who, as Annex 4 asks.
      byGuardian: r.consentByGuardian ? { name: r.consentByGuardian.name ?? '—' } : undefined,
      values: { option: '', lang: r.head.lang, ...(sentFor('consent') ?? {}) },
    },
    langs: SUPPORTED_LANGS,
    diagnosis: d
      ? {
          outcome: d.outcome, provisional: d.provisional, reasons: d.reasons, counsellor: d.counsellor && fmt.counsellor(d.counsellor), place: d.place && fmt.place(d.place), date: d.date ? fmt.calendarDate(d.date) : d.date, time: d.time, corrected: d.corrected ?? [],
          byPhone: d.by === 'phone',
          // The worker on the phone raised a Q4 concern (their "yes" leaves Q4 pending): whoever holds the meeting decides it.
          q4Concern: d.by === 'phone' && d.answers.q4 === 'pending' ? { counsellor: d.counsellor ? fmt.counsellor(d.counsellor) : '—', when: when(d.at) } : undefined,
        }
      : undefined,
    diagnosisValues: { ...diagnosisValues, q3: Array.isArray(q3Sent) ? q3Sent : q3Sent ? [q3Sent] : [] },
    areas: Q3_AREAS,
    fields: ASSESSMENT_FIELDS,
    assessmentValues: { ...assessmentValues, services: Array.isArray(servicesSent) ? servicesSent : servicesSent ? [servicesSent] : [] },
    assessment: r.assessment ? { version: r.assessment.version, byName: r.assessment.byName, when: when(r.assessment.at) } : undefined,
    assessmentVersions: r.assessmentVersions.map((x) => ({ version: x.version, byName: x.byName, when: when(x.at) })),
    plan: r.plan ? { version: r.plan.version, byName: r.plan.byName, when: when(r.plan.at) } : undefined,
    planVersions: r.planVersions.map((x) => ({ version: x.version, byName: x.byName, when: when(x.at) })),
    planRows: planRows((sentFor('plan') as never) ?? r.plan?.data),
    goalTerms: GOAL_TERMS,
    activityStatuses: ACTIVITY_STATUSES,
  };
}
