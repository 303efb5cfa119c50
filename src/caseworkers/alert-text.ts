import { DateTime } from 'luxon';
import { luxonZone } from '../core/time-zone';
import type { Office } from '../config/offices';
import type { Effect } from '../core/conversation';
import type { Lang } from '../core/lang';
import type { Translator } from '../i18n';
import { choiceLabelKey } from '../intake/choice-labels';
import { languageNameIn } from '../i18n/language-names';
import type { Booking } from '../scheduling/booking-store';
import { PERSONAL_FIELDS, type CaseDetails, type CaseSummary, type VulnerabilitySign } from './case-file';

/** What an alert is about; each kind of effect gives one alert (see {@link alertKindOf}). */
export const ALERT_KINDS = ['intake', 'diagnosis', 'booking', 'moved', 'cancelled', 'handoff'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/**
 * The alert an effect gives, or undefined for effects the case workers need not hear of:
 * every completed intake, every diagnosis (eligible or not), every booking (new, moved,
 * cancelled) and every request to talk to a person.
 */
export function alertKindOf(e: Effect): AlertKind | undefined {
  switch (e.type) {
    case 'intake_completed':
      return 'intake';
    case 'diagnosis_recorded':
      return 'diagnosis';
    case 'booking_made':
      return e.previousSlot ? 'moved' : 'booking';
    case 'booking_cancelled':
      return 'cancelled';
    case 'handoff_requested':
      return 'handoff';
    default:
      return undefined;
  }
}

/**
 * The alert a case stands for now, for an alert drawn again without an effect (a case given back
 * to the group when its holder left the roster or released it, or moved to another holder): what
 * the person last did of what the case workers are alerted about. A request to talk made after
 * the intake was completed (or without one) is a request to talk; a completed intake an intake;
 * before either, the meeting (booked or cancelled), else the diagnosis. Pure.
 * @example caseAlertKind({ ...summary, handoff: 'asked', handoffAt }) // 'handoff'
 */
export function caseAlertKind(s: Pick<CaseSummary, 'completedAt' | 'handoff' | 'handoffAt' | 'booking' | 'diagnosis'>): AlertKind {
  if (s.handoff && (!s.completedAt || (s.handoffAt !== undefined && s.handoffAt >= s.completedAt))) return 'handoff';
  if (s.completedAt) return 'intake';
  if (s.booking) return s.booking.status === 'cancelled' ? 'cancelled' : 'booking';
  if (s.diagnosis) return 'diagnosis';
  // Nothing the case workers were alerted about (a crisis alone, a case from before): the summary
  // is shown without claiming an intake that never happened.
  return 'handoff';
}

/** Statuses of a case that has ended (no claim any more): its alerts say so. */
const ENDED_STATUSES: ReadonlySet<string> = new Set(['closed', 'withdrawn', 'erased']);

/**
 * The state of a case its alerts show besides what the person did: whether it ended (closed,
 * withdrawn, erased) and who holds it since when. An alert drawn in one state and sent in
 * another is edited right away (see alert-messages.ts `trackCaseAlerts`); the person's own
 * progress through the intake (consented, completed) is not part of it, or every alert sent
 * while they went on would cost the group an edit. No personal data (a status, a staff id, a
 * time). Pure.
 */
export const alertState = (s: Pick<CaseSummary, 'status' | 'claim' | 'exists'>): string =>
  s.exists ? `${s.status !== undefined && ENDED_STATUSES.has(s.status) ? s.status : ''}|${s.claim?.by ?? ''}|${s.claim?.at.getTime() ?? ''}` : 'gone';

/** What the texts need besides the case: the language, the offices and the staff's names. */
export interface AlertTextContext {
  tr: Translator;
  lang: Lang;
  /** The configured offices (names and time zones of meetings); the first one's zone is the programme's. */
  offices: readonly Office[];
  /** A member of staff's name for "taken by …" (their roster name), by staff id. */
  staffName: (staffId: string) => string;
}

/**
 * The alert for the case workers' group: case code, language, eligibility and the service
 * areas chosen, vulnerability signs, the meeting and who took the case. A name only when the
 * summary carries one (consent C); never a phone number or address.
 * @example alertText('intake', await files.summary(code, now, { names: 'if_consented' }), ctx)
 */
export function alertText(kind: AlertKind, s: CaseSummary, c: AlertTextContext): string {
  // A review asked by the worker on the phone (Q4) is not the person asking to talk.
  const title = kind === 'handoff' && s.handoff === REVIEW_REASON ? 'review' : kind;
  return [c.tr.t(c.lang, `caseworker:alert.title.${title}`, { code: s.code }), ...summaryLines(s, c, kind === 'handoff')].join('\n');
}

/** The handoff reason of a concern the case worker noted on the phone (flows/call.yaml, Q4). */
const REVIEW_REASON = 'q4_concern';

/**
 * The private message to a supervisor about an intake nobody claimed in time: the same
 * summary as the group's alert, under a heading that says since when it waits: since its holder
 * gave it back to the group (`releasedAt`, when that came after the intake), else since the
 * intake was completed (`now` for a case without either).
 */
export function escalationText(s: CaseSummary, c: AlertTextContext, now: Date): string {
  const released = s.releasedAt && (!s.completedAt || s.releasedAt >= s.completedAt) ? s.releasedAt : undefined;
  const since = localTime(released ?? s.completedAt ?? now, zoneOf(c), 'dd.MM.yyyy HH:mm');
  return [c.tr.t(c.lang, released ? 'caseworker:escalation.title_released' : 'caseworker:escalation.title', { code: s.code, since }), ...summaryLines(s, c, true)].join('\n');
}

/**
 * Everything on the case, for the worker who claimed it (Open, in their private chat): the
 * summary, the consent option and every personal answer, decrypted, and the person's questions.
 */
export function detailsText(d: CaseDetails, c: AlertTextContext): string {
  const t = (key: string, params?: Record<string, unknown>) => c.tr.t(c.lang, key, params);
  const lines = [t('caseworker:open.title', { code: d.code }), ...summaryLines({ ...d, name: undefined }, c, true)];
  lines.push(t('caseworker:open.consent', { option: t(`caseworker:open.consent_option.${d.consent ?? 'none'}`) }));
  if (d.consentGivenBy === 'guardian') lines.push(t('caseworker:open.consent_guardian'));
  lines.push('');
  for (const f of PERSONAL_FIELDS) {
    const value = d.fields[f];
    if (value === undefined) continue;
    const choice = choiceLabelKey(f, value);
    const shown = choice ? t(choice, { defaultValue: value }) : f === 'birth_date' ? isoToLocalDate(value) : value;
    lines.push(t(`caseworker:open.field.${f}`, { value: shown }));
  }
  if (Object.keys(d.fields).length === 0) lines.push(t('caseworker:open.no_fields'));
  if (d.questions.length > 0) lines.push('', t('caseworker:open.questions'), ...d.questions.map((q) => `• ${q}`));
  return lines.join('\n');
}

function summaryLines(s: CaseSummary, c: AlertTextContext, withHandoff: boolean): string[] {
  const t = (key: string, params?: Record<string, unknown>) => c.tr.t(c.lang, key, params);
  const lines: string[] = [];
  if (s.lang) lines.push(t('caseworker:alert.language', { language: languageNameIn(c.lang, s.lang) }));
  if (s.name) lines.push(t('caseworker:alert.name', { name: s.name }));
  if (withHandoff && s.handoff) lines.push(t('caseworker:alert.handoff', { reason: t(`common:alert.reason.${s.handoff}`, { defaultValue: s.handoff }) }));
  const d = s.diagnosis;
  if (!d) lines.push(t('caseworker:alert.eligibility', { result: t('caseworker:alert.result.none') }));
  else {
    const key = d.outcome === 'not_eligible' ? 'not_eligible' : d.provisional ? 'likely_eligible' : 'eligible';
    lines.push(t('caseworker:alert.eligibility', { result: t(`caseworker:alert.result.${key}`) }));
    if (d.reasons.length > 0) lines.push(t('caseworker:alert.reasons', { reasons: d.reasons.map((r) => t(`common:alert.diagnosis_reason.${r}`, { defaultValue: r })).join('; ') }));
    lines.push(d.areas.length > 0 ? t('caseworker:alert.areas', { areas: d.areas.map((a) => t(`diagnosis:q3.${a}`, { defaultValue: a })).join('; ') }) : t('caseworker:alert.areas_none'));
  }
  lines.push(s.vulnerability.length > 0 ? t('caseworker:alert.vulnerability', { signs: s.vulnerability.map((v) => sign(v, c)).join('; ') }) : t('caseworker:alert.vulnerability_none'));
  lines.push(s.booking ? meetingLine(s.booking, s, c) : t('caseworker:alert.meeting_none'));
  const claimed = claimedLine(s, c);
  if (claimed) lines.push(claimed);
  // A case that ended is not taken on any more: its alerts say so (and offer no Claim).
  if (s.status === 'closed' || s.status === 'withdrawn') lines.push(t(`caseworker:alert.status.${s.status}`));
  return lines;
}

/** "Taken by <name>, <when>" once someone holds the case, else undefined. */
export function claimedLine(s: Pick<CaseSummary, 'claim'>, c: AlertTextContext): string | undefined {
  return s.claim ? c.tr.t(c.lang, 'caseworker:alert.claimed', { worker: c.staffName(s.claim.by), time: localTime(s.claim.at, zoneOf(c), 'dd.MM.yyyy HH:mm') }) : undefined;
}

function sign(v: VulnerabilitySign, c: AlertTextContext): string {
  if (v.kind !== 'crisis') return c.tr.t(c.lang, `caseworker:alert.sign.${v.kind}`);
  return c.tr.t(c.lang, 'caseworker:alert.sign.crisis', { category: c.tr.t(c.lang, `safeguarding:alert.category.${v.category}`, { defaultValue: v.category }) });
}

function meetingLine(b: Booking, s: CaseSummary, c: AlertTextContext): string {
  const office = c.offices.find((o) => o.id === b.office);
  const zone = office?.timeZone ?? zoneOf(c);
  const params = {
    date: DateTime.fromJSDate(b.start, { zone: luxonZone(zone) }).setLocale(c.lang).toFormat('EEE dd.MM.yyyy'),
    time: localTime(b.start, zone, 'HH:mm'),
    office: office?.name[c.lang] ?? b.office,
    worker: s.attendanceBy === undefined ? '—' : c.staffName(s.attendanceBy),
  };
  const key = b.status === 'booked' ? (b.confirmed ? 'meeting_confirmed' : 'meeting') : `meeting_${b.status}`;
  return c.tr.t(c.lang, `caseworker:alert.${key}`, params);
}

/** The programme's time zone: the first office's. */
function zoneOf(c: AlertTextContext): string {
  return c.offices[0]?.timeZone ?? 'Asia/Baku';
}

function localTime(d: Date, zone: string, format: string): string {
  return DateTime.fromJSDate(d, { zone: luxonZone(zone) }).toFormat(format);
}

/** `1995-02-14` → `14.02.1995`, as people write dates here. */
function isoToLocalDate(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  return m ? `${m[3]}.${m[2]}.${m[1]}` : iso;
}
