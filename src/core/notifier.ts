import { z } from 'zod';
import { OutputSchema } from './conversation';
import { LangSchema } from './lang';

/**
 * The notifier port: how anything in Körpü tells someone something on its own initiative
 * (alerts, reminders, escalations, a case worker's message relayed to a person, the offer of a
 * new time). It names *who* is told and *what* (an engine {@link Output} in a language), never a
 * platform or a chat id: the outbox worker resolves the recipient to a channel and a chat when
 * it sends, and hands the message to that channel's sender (Telegram: render → plan → Bot API,
 * within Telegram's limits). Adding a channel means adding a sender, nothing here.
 */

/** Who a notice is for. */
export const RecipientSchema = z.discriminatedUnion('type', [
  /** The person behind a case, on the channel they use (the case's sealed contact). */
  z.object({ type: z.literal('case'), caseCode: z.string().min(1) }),
  /** One member of staff, by their roster id (see core/staff.ts), on the channel the roster knows for them. */
  z.object({ type: z.literal('staff'), staffId: z.string().min(1) }),
  /** The case workers' shared chat (CASEWORKER_CHAT_ID for Telegram). */
  z.object({ type: z.literal('caseworkers') }),
]);
export type Recipient = z.infer<typeof RecipientSchema>;

/** What a notice is, for logs, metrics, priorities and the person's "unreachable" marks. */
export const NOTICE_KINDS = ['alert', 'urgent_alert', 'alert_update', 'escalation', 'reminder', 'nudge', 'follow_up', 'relay', 'offer', 'notice'] as const;
export const NoticeKindSchema = z.enum(NOTICE_KINDS);
export type NoticeKind = z.infer<typeof NoticeKindSchema>;

export const NoticeSchema = z.object({
  /**
   * Deterministic id (e.g. `alert:<effect id>`): notifying twice with the same id sends once,
   * which is what makes effect handlers safe to run again after a crash.
   */
  id: z.string().min(1),
  to: RecipientSchema,
  /** The language `output` is rendered in. */
  lang: LangSchema,
  output: OutputSchema,
  kind: NoticeKindSchema,
  /** The case the notice is about (a staff alert's case, a reminder's case). */
  caseCode: z.string().optional(),
  /** Goes before everything else waiting (a crisis). */
  urgent: z.boolean().optional(),
  /**
   * A message about a case kept up to date after it is sent (a case workers' alert, edited in
   * place when the case's holder or state changes): what it shows (`kind`, the alert's kind) and
   * the case's state it was drawn in (`state`, see caseworkers/alert-messages.ts). The outbox
   * worker reports its message id once it is sent (`onSent`). No personal data.
   */
  track: z.object({ kind: z.string().min(1).max(32), state: z.string().max(200) }).optional(),
  /**
   * Replaces an earlier message in the recipient's chat instead of sending a new one: the
   * platform's id of that message and the pseudonym of the chat it is in (a chat changed since,
   * the case workers' group moved, is not edited). A message that can no longer be edited (too
   * old, deleted) or that already shows this is dropped, never retried.
   */
  replaces: z.object({ messageId: z.number().int().positive(), chatRef: z.string().min(1) }).optional(),
});
export type Notice = z.infer<typeof NoticeSchema>;

/** The port. The outbox implements it (src/scheduling/outbox). */
export interface Notifier {
  /**
   * Queues the notice durably; resolves once it is queued (not sent). Idempotent by `notice.id`.
   * `delayMs`: sent no sooner than that (a notice that may yet be replaced by a fuller one).
   */
  notify(notice: Notice, opts?: { delayMs?: number }): Promise<void>;
}
