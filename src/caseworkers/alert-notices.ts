import type { Office } from '../config/offices';
import { systemClock, type Clock } from '../core/clock';
import type { Button, Effect, Output } from '../core/conversation';
import { DEFAULT_LANG, type Lang } from '../core/lang';
import type { Logger } from '../core/logger';
import type { Notifier } from '../core/notifier';
import type { Translator } from '../i18n';
import { languageNameIn } from '../i18n/language-names';
import type { EffectListener } from '../intake/conversation-runner';
import { categoryTextKey, CrisisCategorySchema, SAFEGUARDING_TEXT } from '../safeguarding';
import { alertKindOf, alertText, escalationText, type AlertKind } from './alert-text';
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
  /** Language of the alerts: the programme's, Azerbaijani, unless configured otherwise. */
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

/** What drawing a case workers' message needs. */
export interface CaseAlertDeps {
  translator: Translator;
  files: Pick<CaseFiles, 'summary'>;
  offices: readonly Office[];
  /** For the names of staff ("taken by …"); without it, staff ids are shown. */
  roster?: Pick<RosterStore, 'list'> | undefined;
}

/**
 * A case workers' message about a case as it is now, as an engine Output: the group alert of
 * `kind`, or a supervisor's escalation (no name ever). The one drawing of it: posted as a notice,
 * and redrawn by a channel after a tap (claimed, attendance recorded). The name appears only
 * under consent C and only in the group's alert; the phone number never.
 */
export async function drawCaseAlert(d: CaseAlertDeps, kind: AlertKind | 'escalation', caseCode: string, lang: Lang, now: Date, opts: { buttons: boolean }): Promise<{ output: Output; summary: CaseSummary }> {
  const summary = await d.files.summary(caseCode, now, { names: kind === 'escalation' ? 'never' : 'if_consented' });
  const ctx = { tr: d.translator, lang, offices: d.offices, staffName: await staffNames(d.roster) };
  const text = kind === 'escalation' ? escalationText(summary, summary.completedAt ?? now, ctx) : alertText(kind, summary, ctx);
  return { summary, output: { type: 'message', text: [{ plain: text }], ...(opts.buttons ? { buttons: alertButtons(kind, summary) } : {}) } };
}

/** The staff buttons under an alert: Claim (until someone has), Open; Came / Did not come on a booked meeting's alert. */
export function alertButtons(kind: AlertKind | 'escalation', s: CaseSummary): Button[][] {
  const button = (key: string, verb: string, start?: Date): Button => ({
    label: { key: `caseworker:alert.button.${key}` },
    action: { type: 'staff', verb, kind, caseCode: s.code, ...(start ? { start: start.toISOString() } : {}) },
  });
  const rows = [[...(s.claim ? [] : [button('claim', 'claim')]), button('open', 'open')]];
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
    await o.notifier.notify({ id: alertId(effect.id), to: { type: 'caseworkers' }, lang, output, kind: 'alert', caseCode: effect.caseCode });
    o.logger.info({ case: effect.caseCode, effect: effect.type }, 'caseworkers: alert queued');
    if (kind === 'intake' && o.escalations && !summary.claim) {
      const office = o.offices.find((of) => of.id === summary.booking?.office);
      const due = await o.escalations.schedule(effect.caseCode, now, office);
      o.logger.info({ case: effect.caseCode, due: due.toISOString() }, 'caseworkers: escalation scheduled unless claimed');
    }
  };
}

/** The urgent alert's text: case code, category, the person's language, the draft report. Names no one. */
export function urgentAlertText(tr: Translator, lang: Lang, e: Extract<Effect, { type: 'crisis_detected' }> & { id: string }): string {
  const category = CrisisCategorySchema.safeParse(e.category);
  return tr.t(lang, SAFEGUARDING_TEXT.alert, {
    code: e.caseCode,
    category: category.success ? tr.t(lang, categoryTextKey(category.data)) : e.category,
    language: languageNameIn(lang, e.lang),
    incident: e.id,
  });
}

/**
 * The urgent alert to the case workers of every message that showed crisis, at the outbox's
 * highest priority: it goes before every ordinary alert, reminder and nudge waiting there. The
 * notice id is derived from the effect, so running it again alerts once. Simulator sessions are
 * staff trying flows: they draft a report but alert nobody (`channels`).
 */
export function createUrgentAlerts(o: { notifier: Notifier; translator: Translator; logger: Logger; channels: readonly string[]; lang?: Lang }): EffectListener {
  const lang = o.lang ?? DEFAULT_LANG;
  const channels = new Set(o.channels);
  return async (effect, context) => {
    if (effect.type !== 'crisis_detected' || !channels.has(context.channel)) return;
    const output: Output = { type: 'message', text: [{ plain: urgentAlertText(o.translator, lang, effect) }] };
    await o.notifier.notify({ id: urgentAlertId(effect.id), to: { type: 'caseworkers' }, lang, output, kind: 'urgent_alert', caseCode: effect.caseCode, urgent: true });
    // No category in the log: a case code with "suicide" beside it is special-category data.
    o.logger.warn({ case: effect.caseCode }, 'safeguarding: urgent alert queued');
  };
}
