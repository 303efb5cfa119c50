import type { Redis } from 'ioredis';
import type { Office } from '../config/offices';
import { DEFAULT_LANG, type Lang } from '../core/lang';
import type { Notifier } from '../core/notifier';
import type { RedisKeys } from '../storage/keys';
import { drawCaseAlert, type CaseAlertDeps } from './alert-notices';
import { alertState } from './alert-text';

/** What restoring lost intake alerts found. */
export interface IntakeAlertReconcileCounts {
  /** Completed intakes of the window looked at. */
  intakes: number;
  /** Intakes whose alert was lost: alerted again. */
  alerts: number;
  /** Intakes whose escalation was lost (the alert was queued): escalation scheduled again. */
  escalations: number;
}

/** The notice id of an intake alert sent again by the reconciliation (one per case, ever). */
export const reconciledAlertId = (caseCode: string): string => `alert:reconciled:intake:${caseCode}`;

/** Case statuses after which nobody needs the intake alert any more. */
const SETTLED = new Set(['withdrawn', 'erased', 'closed']);

export interface IntakeAlertReconcileDeps extends CaseAlertDeps {
  redis: Redis;
  keys: Pick<RedisKeys, 'cases' | 'case'>;
  notifier: Notifier;
  /** The pending escalation of a case, or one that ran within the escalation queue's week. */
  escalationKnown(caseCode: string): Promise<boolean>;
  schedule(caseCode: string, alertedAt: Date, office?: Office): Promise<Date>;
  /** Whether any case workers' alert about the case was queued at or after `since` (the outbox keeps them a day). */
  alertedSince(caseCode: string, since: Date): Promise<boolean>;
  /** Channels whose cases are alerted (as the alert handler's). */
  channels: readonly string[];
  /** Language of the alerts: the case workers' chat's (CASEWORKER_CHAT_LANG), default az. */
  lang?: Lang;
  buttons: boolean;
  now: Date;
  /** Intakes completed more recently than this are left to the effect stream (it may still be on them). */
  settleMs: number;
  /** How far back to look: no further than the outbox keeps sent messages, or an alert sent would be sent again. */
  lookbackMs: number;
}

/**
 * Rebuilds, from the case records, the effects of a completed intake that the effect stream lost
 * (its entry lost with a crashed Redis's last second, or dead after its retries): the case
 * workers' alert and the escalation it schedules. Derivable because both leave traces: the
 * escalation job of a case (kept a week after it ran, removed only by a claim, and the case then
 * shows the claim) and the outbox's alert jobs (kept a day). An intake completed between
 * `lookbackMs` and `settleMs` ago, on an alerted channel, not withdrawn, erased or closed,
 * unclaimed, never escalated and without an escalation job, lost its alert handler's work:
 *
 * - if no alert about the case was queued since it was completed, the intake alert is queued
 *   again, with an id of its own (`alert:reconciled:intake:<case>`: queued once, whatever the
 *   runs or processes);
 * - either way its escalation is scheduled (job id per case: once).
 *
 * Not derivable, so not rebuilt: the step's reply (kept sealed with the conversation until sent,
 * see the conversation store), the urgent alert and incident draft of a crisis (nothing outside
 * the lost entry says which message it was), the nudge (a reminder to finish, not worth a guess),
 * and alerts of diagnoses and bookings (the booking itself is reconciled by its reminders).
 */
export async function reconcileIntakeAlerts(d: IntakeAlertReconcileDeps): Promise<IntakeAlertReconcileCounts> {
  const counts: IntakeAlertReconcileCounts = { intakes: 0, alerts: 0, escalations: 0 };
  const channels = new Set(d.channels);
  const lang = d.lang ?? DEFAULT_LANG;
  const now = d.now.getTime();
  // A case is created before its intake completes: the index by creation time bounds the read.
  const codes = await d.redis.zrangebyscore(d.keys.cases(), now - d.lookbackMs - 90 * 24 * 3600_000, '+inf');
  for (const code of codes) {
    const [completed, status, channel, claimed, escalated] = await d.redis.hmget(d.keys.case(code), 'intake_completed_at', 'status', 'channel', 'claimed_by', 'escalated_at');
    if (!completed || !channel || !channels.has(channel) || SETTLED.has(status ?? '')) continue;
    const at = new Date(completed);
    const age = now - at.getTime();
    if (!(age >= d.settleMs && age <= d.lookbackMs)) continue;
    counts.intakes++;
    if (claimed || escalated || (await d.escalationKnown(code))) continue;
    const lost = !(await d.alertedSince(code, at));
    const { output, summary } = await drawCaseAlert(d, 'intake', code, lang, d.now, { buttons: d.buttons });
    if (lost) {
      await d.notifier.notify({ id: reconciledAlertId(code), to: { type: 'caseworkers' }, lang, output, kind: 'alert', caseCode: code, track: { kind: 'intake', state: alertState(summary) } });
      counts.alerts++;
    } else counts.escalations++;
    // Waiting since the alert: now for one sent again, the intake's completion for one that went out then.
    await d.schedule(code, lost ? d.now : at, d.offices.find((o) => o.id === summary.booking?.office));
  }
  return counts;
}
