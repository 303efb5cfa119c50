import type { Office } from '../config/offices';
import { systemClock, type Clock } from '../core/clock';
import type { Button, Output } from '../core/conversation';
import { DEFAULT_LANG, type Lang } from '../core/lang';
import type { Logger } from '../core/logger';
import type { Notifier } from '../core/notifier';
import type { Translator } from '../i18n';
import { languageNameIn } from '../i18n/language-names';
import type { EffectListener } from '../intake/conversation-runner';
import { categoryTextKey, CrisisCategorySchema, SAFEGUARDING_TEXT, type IncidentStore } from '../safeguarding';
import { alertKindOf, alertState, alertText, caseAlertKind, claimedLine, escalationText, type AlertKind, type AlertTextContext } from './alert-text';
import type { CaseFiles, CaseSummary } from './case-file';
import type { RosterStore } from './roster';

/** The outbox id of an effect's alert (deterministic: the same effect is alerted once). */
export const alertId = (effectId: string): string => `alert:${effectId}`;

/** The outbox id of an effect's urgent alert. */
export const urgentAlertId = (effectId: string): string => `urgent:${effectId}`;

/** What the case workers' alerts need. */
export interface CaseworkerAlertsOptions {
  notifier: Notifier;
  translator: Translator;
  files: Pick<CaseFiles, 'summary'>;
  offices: readonly Office[];
  /** For the names of staff ("taken by …"); without it, staff ids are shown. */
  roster?: Pick<RosterStore, 'list'>;
  logger: Logger;
  /** Language of the alerts: the case workers' chat's (CASEWORKER_CHAT_LANG), default az. */
  lang?: Lang;
  /** Channels whose cases are alerted (the simulator's are staff trying flows, not people). */
  channels: readonly string[];
  /** Claim, Open and attendance buttons under the alerts (when a channel handles them). */
  buttons?: boolean;
  /** Schedules the escalation of every completed intake (cancelled when it is claimed). */
  escalations?: { schedule(caseCode: string, alertedAt: Date, office?: Office): Promise<Date> };
  clock?: Clock;
}

/** Names of staff by staff id, from one read of the roster; `id <staff id>` for anyone not on it (or without a roster). */
export async function staffNames(roster: Pick<RosterStore, 'list'> | undefined): Promise<(staffId: string) => string> {
  const names = new Map((roster ? await roster.list() : []).map((w) => [w.staffId, w.name]));
  return (id) => names.get(id) ?? `id ${id}`;
}

/** What a case workers' message about a case is: an alert of a kind, a supervisor's escalation, or the urgent alert of a crisis. */
export type CaseMessageKind = AlertKind | 'escalation' | 'urgent';

/** The incident an urgent alert is about: the crisis effect, or the report the bot drafted from it (the report's id is the effect's). */
export interface UrgentIncident {
  id: string;
  caseCode: string;
  category?: string | undefined;
  lang: string;
}

/** What drawing a case workers' message needs. */
export interface CaseAlertDeps {
  translator: Translator;
  files: Pick<CaseFiles, 'summary'>;
  offices: readonly Office[];
  /** For the names of staff ("taken by …"); without it, staff ids are shown. */
  roster?: Pick<RosterStore, 'list'> | undefined;
  /** The case's incident reports: an urgent alert redrawn after a tap names the latest one the bot drafted. */
  incidents?: Pick<IncidentStore, 'listForCase'> | undefined;
  /**
   * Where a report is opened in the web workspace (`<PUBLIC_URL>/desk/incidents/<id>`), when the
   * deployment has one; without it the urgent alert names no link.
   */
  incidentLink?: ((id: string) => string) | undefined;
}

/**
 * A case workers' message about a case as it is now, as an engine Output: the group alert of
 * `kind` (`current`: of the kind the case stands for now, see {@link caseAlertKind}, for an
 * alert drawn again without an effect), a supervisor's escalation (no name ever), or the urgent
 * alert of a crisis (no name ever; `opts.incident` the crisis when it is first posted, else the
 * case's latest report the bot drafted). The one drawing of it: posted as a notice, and redrawn
 * by a channel after a tap (claimed, attendance recorded). The name appears only under consent C
 * and only in the group's ordinary alerts; the phone number never. `kind` in the answer is the
 * one drawn.
 */
export async function drawCaseAlert(
  d: CaseAlertDeps,
  kind: CaseMessageKind | 'current',
  caseCode: string,
  lang: Lang,
  now: Date,
  opts: { buttons: boolean; incident?: UrgentIncident },
): Promise<{ output: Output; summary: CaseSummary; kind: CaseMessageKind }> {
  const summary = await d.files.summary(caseCode, now, { names: kind === 'escalation' || kind === 'urgent' ? 'never' : 'if_consented' });
  const drawn = kind === 'current' ? caseAlertKind(summary) : kind;
  const ctx = { tr: d.translator, lang, offices: d.offices, staffName: await staffNames(d.roster) };
  const text =
    drawn === 'escalation' ? escalationText(summary, ctx, now)
    : drawn === 'urgent' ? urgentText(d, summary, ctx, opts.incident ?? (await latestCrisisReport(d, caseCode)))
    : alertText(drawn, summary, ctx);
  return { summary, kind: drawn, output: { type: 'message', text: [{ plain: text }], ...(opts.buttons ? { buttons: alertButtons(drawn, summary) } : {}) } };
}

/** The urgent alert as the case is now: the crisis, the report to complete, who took the case. */
function urgentText(d: CaseAlertDeps, s: CaseSummary, c: AlertTextContext, incident: UrgentIncident | undefined): string {
  // Without its report (erased since), the crisis the case file keeps.
  const crisis = s.vulnerability.find((v) => v.kind === 'crisis');
  const about = incident ?? { caseCode: s.code, category: crisis?.kind === 'crisis' ? crisis.category : undefined, lang: s.lang ?? c.lang };
  const link = incident && d.incidentLink ? d.incidentLink(incident.id) : undefined;
  return [urgentAlertText(c.tr, c.lang, about, link), claimedLine(s, c)].filter((line) => line !== undefined).join('\n');
}

/** The case's latest report the bot drafted from a crisis message (the urgent alert's, when it is redrawn). */
async function latestCrisisReport(d: CaseAlertDeps, caseCode: string): Promise<UrgentIncident | undefined> {
  const reports = d.incidents ? await d.incidents.listForCase(caseCode) : [];
  return reports.filter((r) => r.origin === 'bot').at(-1);
}

/** A staff button of a case workers' message about a case. */
function staffButton(kind: CaseMessageKind, caseCode: string, key: string, verb: string, start?: Date): Button {
  return { label: { key: `caseworker:alert.button.${key}` }, action: { type: 'staff', verb, kind, caseCode, ...(start ? { start: start.toISOString() } : {}) } };
}

/** Open, as under an alert of `kind`: for a message to the holder about a case that is theirs. */
export function openButton(kind: CaseMessageKind, caseCode: string): Button {
  return staffButton(kind, caseCode, 'open', 'open');
}

/** Statuses of a case nobody can claim any more (desk/case-access.ts FINAL_STATUSES). */
const ENDED: ReadonlySet<string> = new Set(['closed', 'withdrawn', 'erased']);

/**
 * The staff buttons under an alert: Claim (until someone has, and while the case is open),
 * Open; Came / Did not come on a booked meeting's alert.
 */
export function alertButtons(kind: CaseMessageKind, s: CaseSummary): Button[][] {
  const button = (key: string, verb: string, start?: Date): Button => staffButton(kind, s.code, key, verb, start);
  const rows = [[...(s.claim || (s.status !== undefined && ENDED.has(s.status)) ? [] : [button('claim', 'claim')]), openButton(kind, s.code)]];
  const b = s.booking;
  if ((kind === 'booking' || kind === 'moved') && b?.status === 'booked') rows.push([button('came', 'came', b.start), button('no_show', 'noshow', b.start)]);
  return rows;
}

/**
 * The case workers' alert of every completed intake, every diagnosis (eligible or not), every
 * booking (made, moved, cancelled) and every request to talk to a person, as an effect handler:
 * case code, language, eligibility and service areas, vulnerability signs, the meeting, who took
 * the case; a name only under consent C, never a phone number. It is a notice to the case
 * workers' chat (the notifier resolves it, the channel renders it and its staff buttons). A
 * completed intake also schedules its escalation to the supervisors.
 *
 * Runs from the effect stream, at least once per effect, and is idempotent by the effect's id:
 * the notice id is `alert:<effect id>` (queued once) and the escalation's job id is the case's.
 * A failure throws, so that the stream tries again.
 */
export function createCaseworkerAlerts(o: CaseworkerAlertsOptions): EffectListener {
  const lang = o.lang ?? DEFAULT_LANG;
  const channels = new Set(o.channels);
  const clock = o.clock ?? systemClock;
  return async (effect, context) => {
    if (!channels.has(context.channel)) return;
    const kind = alertKindOf(effect);
    if (kind === undefined) return;
    const now = clock.now();
    const { output, summary } = await drawCaseAlert(o, kind, effect.caseCode, lang, now, { buttons: o.buttons === true });
    // The person erased their data in this very step (/delete cancels the meeting): the case
    // workers are told the case is closed, not shown a last alert quoting them.
    if (summary.status === 'erased') return;
    await o.notifier.notify({ id: alertId(effect.id), to: { type: 'caseworkers' }, lang, output, kind: 'alert', caseCode: effect.caseCode, track: { kind, state: alertState(summary) } });
    o.logger.info({ case: effect.caseCode, effect: effect.type }, 'caseworkers: alert queued');
    if (kind === 'intake' && o.escalations && !summary.claim) {
      const office = o.offices.find((of) => of.id === summary.booking?.office);
      const due = await o.escalations.schedule(effect.caseCode, now, office);
      o.logger.info({ case: effect.caseCode, due: due.toISOString() }, 'caseworkers: escalation scheduled unless claimed');
    }
  };
}

/**
 * The urgent alert's heading: case code, category, the person's language, and the draft report
 * to complete, by its link in the web workspace when there is one (`link`). Names no one.
 * @example urgentAlertText(tr, 'az', effect, `${publicUrl}/desk/incidents/${encodeURIComponent(effect.id)}`)
 */
export function urgentAlertText(tr: Translator, lang: Lang, e: Omit<UrgentIncident, 'id'>, link?: string): string {
  const category = CrisisCategorySchema.safeParse(e.category);
  const heading = tr.t(lang, SAFEGUARDING_TEXT.alert, {
    code: e.caseCode,
    category: category.success ? tr.t(lang, categoryTextKey(category.data)) : (e.category ?? '—'),
    language: languageNameIn(lang, e.lang),
  });
  return link === undefined ? heading : `${heading}\n${tr.t(lang, SAFEGUARDING_TEXT.reportLink, { url: link })}`;
}

/** What the urgent alerts need: the case alerts' drawing (with the incident reports' link) and the outbox. */
export interface UrgentAlertsOptions extends CaseAlertDeps {
  notifier: Notifier;
  logger: Logger;
  /** Channels whose crises are alerted (the simulator's are staff trying flows, not people). */
  channels: readonly string[];
  /** Language of the alerts: the case workers' chat's (CASEWORKER_CHAT_LANG), default az. */
  lang?: Lang;
  /** Claim and Open under the alert, as under every case alert (when a channel handles them). */
  buttons?: boolean;
  clock?: Clock;
}

/**
 * The urgent alert to the case workers of every message that showed crisis, at the outbox's
 * highest priority: it goes before every ordinary alert, reminder and nudge waiting there. It is
 * drawn as every case alert is ({@link drawCaseAlert}, kind `urgent`), with their Claim and Open
 * buttons, and redrawn like them after a tap. The notice id is derived from the effect, so
 * running it again alerts once. Simulator sessions are staff trying flows: they draft a report
 * but alert nobody (`channels`).
 */
export function createUrgentAlerts(o: UrgentAlertsOptions): EffectListener {
  const lang = o.lang ?? DEFAULT_LANG;
  const channels = new Set(o.channels);
  const clock = o.clock ?? systemClock;
  return async (effect, context) => {
    if (effect.type !== 'crisis_detected' || !channels.has(context.channel)) return;
    const { output, summary } = await drawCaseAlert(o, 'urgent', effect.caseCode, lang, clock.now(), { buttons: o.buttons === true, incident: effect });
    await o.notifier.notify({ id: urgentAlertId(effect.id), to: { type: 'caseworkers' }, lang, output, kind: 'urgent_alert', caseCode: effect.caseCode, urgent: true, track: { kind: 'urgent', state: alertState(summary) } });
    // No category in the log: a case code with "suicide" beside it is special-category data.
    o.logger.warn({ case: effect.caseCode }, 'safeguarding: urgent alert queued');
  };
}
