import type { Redis } from 'ioredis';
import type { Clock } from '../core/clock';
import type { Output } from '../core/conversation';
import { DEFAULT_LANG, type Lang } from '../core/lang';
import type { Logger } from '../core/logger';
import type { Notifier } from '../core/notifier';
import type { SentNotice } from '../scheduling/outbox';
import type { RedisKeys } from '../storage/keys';
import { drawCaseAlert, type CaseAlertDeps, type CaseMessageKind } from './alert-notices';
import { ALERT_KINDS, alertState } from './alert-text';

export { alertState };

/** How long a case's alerts are kept to edit after the last one was sent: a month (they have long scrolled away by then). */
export const CASE_ALERTS_TTL_SECONDS = 30 * 24 * 3600;

/**
 * At most this many of a case's alerts are kept up to date (the newest): each edit takes one of
 * the group's 20 messages a minute, as a new message does.
 */
export const CASE_ALERTS_KEPT = 8;

/** The kinds of case alerts kept up to date in the case workers' group: the group's alerts and the urgent alert. */
const TRACKED_KINDS: ReadonlySet<string> = new Set<string>([...ALERT_KINDS, 'urgent']);

/**
 * One message about a case kept up to date: an alert in the case workers' group (its message,
 * the chat's pseudonym and the alert's kind), or an escalation in a supervisor's private chat
 * (kind `escalation`, with the supervisor's staff id, whom its edits are addressed to).
 */
export interface CaseAlertMessage {
  messageId: number;
  kind: CaseMessageKind;
  chatRef: string;
  /** An escalation's supervisor. */
  staffId?: string;
}

/**
 * The case workers' group's messages of a case's alerts, as the outbox worker learns them when
 * a send succeeds: message id, alert kind and the chat's pseudonym, nothing else. Kept
 * {@link CASE_ALERTS_TTL_SECONDS} after the last, the newest {@link CASE_ALERTS_KEPT}.
 * @example await new CaseAlertMessages(redis, keys).record('KP-7G4Q-M2XD', { messageId: 812, kind: 'intake', chatRef })
 */
export class CaseAlertMessages {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Pick<RedisKeys, 'caseAlerts' | 'caseEscalations'>,
  ) {}

  /**
   * Remembers one alert's message (again: its time is renewed), forgetting the oldest beyond the
   * kept number. Escalations are kept apart (as many as the group's alerts again): the
   * supervisors' messages do not push the group's out.
   */
  async record(caseCode: string, m: CaseAlertMessage, at: Date): Promise<void> {
    const escalation = m.kind === 'escalation' && m.staffId !== undefined;
    const key = escalation ? this.keys.caseEscalations(caseCode) : this.keys.caseAlerts(caseCode);
    await this.redis
      .multi()
      .zadd(key, at.getTime(), escalation ? `${m.messageId}:${m.kind}:${m.chatRef}:${m.staffId}` : `${m.messageId}:${m.kind}:${m.chatRef}`)
      .zremrangebyrank(key, 0, -(CASE_ALERTS_KEPT + 1))
      .expire(key, CASE_ALERTS_TTL_SECONDS)
      .exec();
  }

  /** The case's alerts kept, oldest first, then its escalations, oldest first. */
  async list(caseCode: string): Promise<CaseAlertMessage[]> {
    const [alerts, escalations] = await Promise.all([this.redis.zrange(this.keys.caseAlerts(caseCode), '0', '-1'), this.redis.zrange(this.keys.caseEscalations(caseCode), '0', '-1')]);
    const inGroup = alerts.flatMap((member) => {
      const [id, kind, ...ref] = member.split(':');
      const messageId = Number(id);
      return Number.isSafeInteger(messageId) && messageId > 0 && kind && TRACKED_KINDS.has(kind) && ref.length > 0 ? [{ messageId, kind: kind as CaseMessageKind, chatRef: ref.join(':') }] : [];
    });
    const toSupervisors = escalations.flatMap((member) => {
      // Neither a chat's pseudonym (base64url) nor a staff id holds a colon.
      const [id, kind, chatRef, staffId] = member.split(':');
      const messageId = Number(id);
      return Number.isSafeInteger(messageId) && messageId > 0 && kind === 'escalation' && chatRef && staffId ? [{ messageId, kind: 'escalation' as const, chatRef, staffId }] : [];
    });
    return [...inGroup, ...toSupervisors];
  }

  /** Forgets them all (the case's data is erased). */
  async forget(caseCode: string): Promise<void> {
    await this.redis.del(this.keys.caseAlerts(caseCode), this.keys.caseEscalations(caseCode));
  }
}

/** What redrawing a case's alerts needs: the drawing, the outbox, and the alerts kept. */
export interface AlertRedrawDeps extends CaseAlertDeps {
  notifier: Notifier;
  clock: Clock;
  logger: Logger;
  alertMessages?: Pick<CaseAlertMessages, 'list' | 'forget'> | undefined;
  /** The case workers' chat's language (CASEWORKER_CHAT_LANG): its alerts are redrawn in it. */
  chatLang?: Lang;
}

/**
 * Edits every alert kept about a case in the case workers' group, and every escalation of it in
 * a supervisor's private chat (through the outbox, within the chats' limits; only the newest
 * edit of a message is sent), into the case as it is now: who holds it, and its buttons (Claim only
 * while nobody does and the case is open, Open). An erased case's alerts say only that it is
 * closed and erased, with no button and nothing of the person, and are forgotten then. `cause`
 * makes the edits once-only (an action's id, an effect's id: run again, it queues nothing new).
 * Called by the desk when a case changes hands or ends, and at an erasure; `except` is an alert
 * left out (the one tapped, redrawn by its channel). Returns how many edits were queued.
 * @example await redrawCaseAlerts(deps, 'KP-7G4Q-M2XD', `claim:KP-7G4Q-M2XD:${now.getTime()}`)
 */
export async function redrawCaseAlerts(d: AlertRedrawDeps, caseCode: string, cause: string, only?: readonly CaseAlertMessage[], except?: Pick<CaseAlertMessage, 'chatRef' | 'messageId'>): Promise<number> {
  if (!d.alertMessages) return 0;
  // `except`: the alert tapped, which its channel redraws at once (an edit of it would change nothing).
  const messages = (only ?? (await d.alertMessages.list(caseCode))).filter((m) => !(except && m.chatRef === except.chatRef && m.messageId === except.messageId));
  const groupLang = d.chatLang ?? DEFAULT_LANG;
  // A supervisor reads their escalation in their first language, as it was posted.
  const supervisors = messages.some((m) => m.staffId !== undefined) && d.roster ? new Map((await d.roster.list()).map((w) => [w.staffId, w.langs[0]])) : undefined;
  let erased = false;
  for (const m of messages) {
    const lang = m.staffId !== undefined ? (supervisors?.get(m.staffId) ?? DEFAULT_LANG) : groupLang;
    const drawn = await drawCaseAlert(d, m.kind, caseCode, lang, d.clock.now(), { buttons: true });
    const state = alertState(drawn.summary);
    erased = !drawn.summary.exists || drawn.summary.status === 'erased';
    // Erased: nothing of the person, no buttons, and no case code on the notice (clearing the
    // case's queued messages at the erasure must not take it), not tracked any more.
    const output: Output = erased ? { type: 'message', text: [{ plain: d.translator.t(lang, 'rights:notice.erased', { code: caseCode }) }] } : drawn.output;
    await d.notifier.notify({
      id: `redraw:${cause}:${m.chatRef}:${m.messageId}`,
      to: m.staffId !== undefined ? { type: 'staff', staffId: m.staffId } : { type: 'caseworkers' },
      lang,
      kind: 'alert_update',
      output,
      replaces: { messageId: m.messageId, chatRef: m.chatRef },
      ...(erased ? {} : { caseCode, track: { kind: m.kind, state } }),
    });
  }
  if (erased) await d.alertMessages.forget(caseCode);
  if (messages.length > 0) d.logger.info({ case: caseCode, alerts: messages.length }, 'caseworkers: alerts queued for redrawing');
  return messages.length;
}

/**
 * The outbox worker's `onSent` for case alerts: remembers each alert sent to the case workers'
 * group and each escalation sent to a supervisor (and each edit of one), and if the case
 * changed hands or ended between the message's drawing and its sending (it waited for the
 * chat's turn), edits it at once into the case as it is now. Other tracked notices are ignored.
 */
export function trackCaseAlerts(d: AlertRedrawDeps & { alertMessages: Pick<CaseAlertMessages, 'record' | 'list' | 'forget'> }): (sent: SentNotice) => Promise<void> {
  return async (sent) => {
    if (!sent.caseCode) return;
    const inGroup = sent.to === 'caseworkers' && TRACKED_KINDS.has(sent.track.kind);
    const toSupervisor = sent.to === 'staff' && sent.track.kind === 'escalation' && sent.staffId !== undefined;
    if (!inGroup && !toSupervisor) return;
    const m: CaseAlertMessage = { messageId: sent.messageId, kind: sent.track.kind as CaseMessageKind, chatRef: sent.chatRef, ...(toSupervisor ? { staffId: sent.staffId! } : {}) };
    await d.alertMessages.record(sent.caseCode, m, d.clock.now());
    const now = alertState(await d.files.summary(sent.caseCode, d.clock.now(), { names: 'never' }));
    if (now !== sent.track.state) await redrawCaseAlerts(d, sent.caseCode, `stale:${sent.id}`, [m]);
  };
}
