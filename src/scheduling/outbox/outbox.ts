import { Queue, type ConnectionOptions } from 'bullmq';
import { redisKeys } from '../../storage/keys';
import { Redis } from 'ioredis';
import { z } from 'zod';
import { LangSchema } from '../../core/lang';
import { NoticeKindSchema, NoticeSchema, RecipientSchema, type Notice, type Notifier } from '../../core/notifier';
import type { FieldCipher } from '../../storage/field-cipher';
import { Reachability } from '../reachability';
import type { ChannelAddress } from './channel-sender';
import { isGroupChat } from './telegram-limits';

/** The one queue for every message the bot sends on its own initiative. */
export const OUTBOX_QUEUE = 'outbox';
/** The name of a raw platform call's job ({@link Outbox.send}). */
export const SEND_JOB = 'send_message';
/** The name of a notice's job ({@link Outbox.notify}). */
export const NOTIFY_JOB = 'notify';

/** Bot API methods the outbox may call. */
export const OUTBOX_METHODS = ['sendMessage', 'sendDocument', 'sendVenue', 'sendLocation', 'editMessageText', 'editMessageReplyMarkup', 'copyMessage'] as const;
export type OutboxMethod = (typeof OUTBOX_METHODS)[number];

/**
 * BullMQ priorities of outbox jobs (1 is served first): a crisis alert before anything else. Every job is prioritized, so that a
 * message that waited for its chat's turn goes before the backlog when its turn comes instead
 * of joining the end of it (BullMQ serves its plain wait list before any prioritized job).
 */
export const OUTBOX_PRIORITY = { urgent: 1, due: 2, normal: 3 } as const;

/** The additional authenticated data of the encrypted chat id in job data. */
export const CHAT_AAD = 'outbox:chat';

/** Job data: what the worker needs, with the chat id encrypted (job data sits in Redis). */
export const OutboxJobSchema = z.object({
  /** The chat id, encrypted with {@link CHAT_AAD}. */
  chat: z.string(),
  /** Pseudonym of the chat, for rate-limit and reachability keys and for logs. */
  chatRef: z.string(),
  group: z.boolean(),
  method: z.enum(OUTBOX_METHODS),
  /** Bot API parameters other than chat_id. */
  params: z.record(z.string(), z.unknown()),
  /** What the message is, for logs and metrics: reminder, follow_up, alert, … */
  kind: z.string().min(1),
  caseCode: z.string().optional(),
  /**
   * Order of arrival at the outbox: every message queued takes the next number of one counter,
   * and a chat's messages go out in that order, whichever the worker happens to start first.
   * Absent on jobs queued by older versions (they go first).
   */
  seq: z.number().int().nonnegative().optional(),
  /** Its case's data was erased while it could not be removed (see `forgetCase`): its text is gone, and it is not sent. */
  forgotten: z.literal(true).optional(),
});
export type OutboxJob = z.infer<typeof OutboxJobSchema>;

/** The additional authenticated data of a notice's sealed chat (a nudge's, before any case exists). */
export const NOTICE_CHAT_AAD = 'outbox:notice-chat';
/** The additional authenticated data of a notice's sealed output, bound to its job. */
export const noticeOutputAad = (jobId: string): string => `outbox:notice:${jobId}`;

/**
 * Whom a queued notice is for: a {@link Recipient} (resolved by the worker when it sends), or,
 * for the one message sent before any case exists (the nudge), the conversation's chat itself,
 * sealed.
 */
export const NoticeAddressSchema = z.union([RecipientSchema, z.object({ type: z.literal('chat'), channel: z.string().min(1), chat: z.string().min(1) })]);
export type NoticeAddress = z.infer<typeof NoticeAddressSchema>;

/**
 * A notice's job data. No chat id and no text in clear: the recipient is a case code, a staff
 * id or the case workers (or a sealed chat), and the output is sealed whole, because any of its
 * texts may quote or describe a person (a relayed message, a case summary, a name in a
 * parameter) and job data sits in Redis for a day after sending.
 */
export const NoticeJobSchema = z.object({
  to: NoticeAddressSchema,
  lang: LangSchema,
  kind: NoticeKindSchema,
  caseCode: z.string().optional(),
  /** The notice's Output as JSON, encrypted with {@link noticeOutputAad}(job id). */
  output: z.string().min(1),
  /** Order of arrival at the outbox (as in {@link OutboxJobSchema}). */
  seq: z.number().int().nonnegative().optional(),
  /** As in {@link OutboxJobSchema}: its output is an empty message, and it is not sent. */
  forgotten: z.literal(true).optional(),
  /** As in the notice ({@link NoticeSchema}): reported with its message id once sent. */
  track: NoticeSchema.shape.track,
  /** As in the notice: the earlier message it replaces (an edit in place). */
  replaces: NoticeSchema.shape.replaces,
});
export type NoticeJob = z.infer<typeof NoticeJobSchema>;

/** A job's data with its text replaced by nothing and marked `forgotten`: kept, it holds nothing of the person. */
export function wipedJobData(data: OutboxJob | NoticeJob, jobId: string, cipher: Pick<FieldCipher, 'encrypt'>): OutboxJob | NoticeJob {
  return 'output' in data
    ? { ...data, output: cipher.encrypt(JSON.stringify({ type: 'message', text: [] }), noticeOutputAad(jobId)), forgotten: true as const }
    : { ...data, params: {}, forgotten: true as const };
}

/** A message to send: the chat, the Bot API method and its parameters (without chat_id). */
export interface OutboxMessage {
  chatId: number | string;
  method: OutboxMethod;
  params: Record<string, unknown>;
  kind: string;
  caseCode?: string;
}

export interface OutboxOptions {
  /** Tries of a message on network and 5xx errors (429 waits do not count). Default 10. */
  attempts?: number;
  /** First retry delay, doubled on each retry. Default 1 s (10 tries span about 8.5 minutes). */
  backoffMs?: number;
  /**
   * How long a sent message's job is kept (seconds), which is how long sending the same id again
   * is a no-op. Default 24 h.
   */
  keepSentSeconds?: number;
  /** Where blocked people are marked; by default on the connection when it is an ioredis client. */
  reachability?: Reachability;
  /**
   * The Redis prefix (REDIS_PREFIX; `create` sets it): where the newest edit queued of each
   * message is noted (`redisKeys(prefix).outboxLatestEdit`), so that the worker sends only the
   * newest text of a message. Without it every edit is sent.
   */
  prefix?: string;
}

/** How long the newest edit queued of a message is noted: longer than any edit waits in the queue (failed jobs are kept as long). */
const LATEST_EDIT_SECONDS = 7 * 24 * 3600;

/**
 * A queued message's place in its chat's line (the limiter's `order`): its order of arrival at
 * the outbox, edits of earlier messages after every new message. In the case workers' group
 * each edit (a claim, a release, a claim again: several per alert) takes one of the group's
 * 20 messages a minute, as a new message does; a new intake's alert waiting behind a burst of
 * them would reach the case workers minutes late, while a late edit only leaves an older
 * message showing the case as it was a moment ago (its buttons answer with the truth when
 * tapped). Edits of one message keep their order among themselves, and an edit always comes
 * after the message it edits (it names its message id, known only once that was sent). The
 * band is far above any count of messages and above every slot time (ms since 1970) that the
 * line's clean-up of an older layout looks at (reserve-send-6), and exact in a double.
 */
export const EDIT_LINE_BAND = 2 ** 52;
export const lineOrder = (seq: number, edit: boolean): number => (edit ? EDIT_LINE_BAND + seq : seq);

/**
 * The BullMQ job id for an outbox id. BullMQ refuses ids with `:` and ids that read as integers,
 * so `%` and `:` are percent-encoded, and so is the first character of an integer-looking id;
 * `decodeURIComponent` gives the caller's id back.
 * @example outboxJobId('reminder:KP-7G4Q-M2XD:24h') // 'reminder%3AKP-7G4Q-M2XD%3A24h'
 */
export function outboxJobId(id: string): string {
  if (id === '') throw new Error('outbox: a message id must not be empty (it is what makes sending twice harmless)');
  const safe = id.replace(/%/g, '%25').replace(/:/g, '%3A');
  return `${parseInt(safe, 10)}` === safe ? `%${safe.charCodeAt(0).toString(16).toUpperCase()}${safe.slice(1)}` : safe;
}

/** The pseudonym of a chat used in outbox, limiter and reachability keys. */
export function chatRefOf(cipher: Pick<FieldCipher, 'pseudonym'>, chatId: number | string): string {
  return cipher.pseudonym(`chat:${chatId}`);
}

/**
 * Producer side of the outbox: enqueues messages with deterministic job ids, so that the same
 * reminder or alert enqueued twice (a retried update, two processes) is sent once. Replies to a
 * person's own message do not need it and may go out directly.
 *
 * It implements the {@link Notifier} port: `notify` queues a notice to a case, a member of staff
 * or the case workers, whose chat the worker resolves when it sends. `send` queues a raw
 * platform call to a known chat: it stays for what only a platform call can do (an alert
 * drawn for Telegram and redrawn in place after a tap) until those callers move to notices.
 *
 * @example
 *   const outbox = Outbox.create(bullRedis, 'korpu:', cipher);
 *   await outbox.notify({ id: `reminder:${caseCode}:24h`, to: { type: 'case', caseCode }, lang, output, kind: 'reminder', caseCode });
 */
export class Outbox implements Notifier {
  constructor(
    readonly queue: Queue,
    private readonly cipher: FieldCipher,
    private readonly opts: OutboxOptions = {},
  ) {}

  /**
   * An outbox on `connection` (an ioredis client made with `maxRetriesPerRequest: null`, or
   * connection options), its BullMQ keys under `<prefix>bull:`.
   */
  static create(connection: ConnectionOptions, prefix: string, cipher: FieldCipher, opts: OutboxOptions = {}): Outbox {
    const reachability = opts.reachability ?? (connection instanceof Redis ? new Reachability(connection, prefix) : undefined);
    return new Outbox(new Queue(OUTBOX_QUEUE, { connection, prefix: redisKeys(prefix).bull() }), cipher, { prefix, ...opts, ...(reachability ? { reachability } : {}) });
  }

  /**
   * Enqueues one raw platform call (performed by the sender of the worker's `rawChannel`).
   * `id` must be derived from what causes the message (e.g. `reminder:KP-…:24h`,
   * `alert:<effect id>`); any string will do. A second `send` with an id
   * whose message is still queued, or was sent within `keepSentSeconds`, does nothing.
   */
  async send(id: string, msg: OutboxMessage, opts: { delayMs?: number; urgent?: boolean } = {}): Promise<void> {
    const data = OutboxJobSchema.parse({
      chat: this.cipher.encrypt(String(msg.chatId), CHAT_AAD),
      chatRef: this.chatRef(msg.chatId),
      group: isGroupChat(msg.chatId),
      method: msg.method,
      params: msg.params,
      kind: msg.kind,
      ...(msg.caseCode ? { caseCode: msg.caseCode } : {}),
      seq: await this.nextSeq(),
    } satisfies OutboxJob);
    await this.queue.add(SEND_JOB, data, this.jobOptions(outboxJobId(id), opts));
  }

  /**
   * Queues a notice (the {@link Notifier} port): `notice.id` is the job id, so notifying twice
   * with one id sends once; urgent notices go before everything else waiting. The worker finds
   * the recipient's chat when it sends and hands the notice to that channel's sender.
   */
  async notify(notice: Notice, opts: { delayMs?: number } = {}): Promise<void> {
    const n = NoticeSchema.parse(notice);
    await this.enqueueNotice(n.id, n.to, n, { urgent: n.urgent === true, ...(opts.delayMs ? { delayMs: opts.delayMs } : {}) });
  }

  /**
   * Takes back a notice queued with a delay that has not come yet (replaced by a fuller one);
   * one already sent, being sent or gone is left as it is. True when it was taken back.
   */
  async cancel(id: string): Promise<boolean> {
    const job = await this.queue.getJob(outboxJobId(id));
    if (!job || !(await job.isDelayed())) return false;
    try {
      await job.remove();
      return true;
    } catch {
      // Locked: it is being sent this moment.
      return false;
    }
  }

  /**
   * Queues a notice to a chat given directly, for a message that has no case to resolve (the
   * nudge of a conversation that has not opened one). The chat is sealed in the job data.
   */
  async notifyChat(to: ChannelAddress, notice: Omit<Notice, 'to'>): Promise<void> {
    const n = NoticeSchema.omit({ to: true }).parse(notice);
    await this.enqueueNotice(n.id, { type: 'chat', channel: to.channel, chat: this.cipher.encrypt(to.chatId, NOTICE_CHAT_AAD) }, n, { urgent: n.urgent === true });
  }

  private async enqueueNotice(id: string, to: NoticeAddress, n: Omit<Notice, 'to'>, opts: { urgent: boolean; delayMs?: number }): Promise<void> {
    const jobId = outboxJobId(id);
    const seq = await this.nextSeq();
    const data = NoticeJobSchema.parse({
      to,
      lang: n.lang,
      kind: n.kind,
      ...(n.caseCode ? { caseCode: n.caseCode } : {}),
      ...(n.track ? { track: n.track } : {}),
      ...(n.replaces ? { replaces: n.replaces } : {}),
      output: this.cipher.encrypt(JSON.stringify(n.output), noticeOutputAad(jobId)),
      seq,
    } satisfies NoticeJob);
    await this.queue.add(NOTIFY_JOB, data, this.jobOptions(jobId, opts));
    if (n.replaces) await this.noteEdit(jobId, seq, n.replaces);
  }

  /**
   * Notes an edit just queued as the newest of its message, so that the worker drops the older
   * ones still waiting: only the newest text goes out, in one of the chat's slots. Noted after
   * the job is queued, and only when the job is the one just queued (a notice notified again
   * with its id adds nothing: its new number, of no job, would drop an edit queued after the
   * first one, and the message would keep an older text). A crash between the two leaves the
   * older edits to be sent as well, in order: one slot each, the newest last.
   */
  private async noteEdit(jobId: string, seq: number, replaces: NonNullable<Notice['replaces']>): Promise<void> {
    if (!this.opts.prefix) return;
    const job = await this.queue.getJob(jobId);
    if ((job?.data as Partial<NoticeJob> | undefined)?.seq !== seq) return;
    const client = await this.queue.getBackend().client;
    const key = redisKeys(this.opts.prefix).outboxLatestEdit(replaces.chatRef, replaces.messageId);
    // GT: two edits queued at once by two processes may note in either order; the newer number stays.
    await client.runCommand('zadd', [key, 'GT', String(seq), 'latest']);
    await client.runCommand('expire', [key, String(LATEST_EDIT_SECONDS)]);
  }

  /**
   * Removes the messages about a case, for a person whose data is erased: those kept after
   * sending or failing (their sealed texts may quote the person), those to the person still
   * waiting, and those to staff or the case workers' chat that have not been tried yet. A message
   * to a shared chat that has been tried holds its place in that chat's line (the worker gives it
   * up only when the message is sent or dropped), and removing it would hold up every later
   * message of the chat: its text is wiped instead and it is marked `forgotten`, so the worker
   * gives up its place without sending it. A job being sent right now cannot be removed (BullMQ
   * holds its lock): its text is wiped the same way, so that what stays of it once sent holds
   * nothing of the person. Returns how many were removed; running again removes nothing more.
   */
  async forgetCase(caseCode: string): Promise<number> {
    let removed = 0;
    const jobs = await this.queue.getJobs(['active', 'waiting', 'delayed', 'prioritized', 'completed', 'failed', 'waiting-children']);
    for (const job of jobs) {
      const data = job?.data as { caseCode?: unknown; group?: unknown; to?: { type?: unknown; caseCode?: unknown } } | undefined;
      if (!job?.id || !data || (data.caseCode !== caseCode && data.to?.caseCode !== caseCode)) continue;
      const finished = job.finishedOn !== undefined;
      const toThePerson = data.to ? data.to.type === 'case' : data.group === false;
      const inLine = !finished && !toThePerson && job.processedOn !== undefined;
      if (!inLine) {
        try {
          if (await this.queue.remove(job.id)) {
            removed++;
            continue;
          }
        } catch {
          // Locked: being sent this moment (see above).
        }
      }
      await this.wipe(job.id, job.data as OutboxJob | NoticeJob);
    }
    return removed;
  }

  /** Replaces a job's text with nothing and marks it forgotten (a job gone meanwhile is left gone). */
  private async wipe(jobId: string, data: OutboxJob | NoticeJob): Promise<void> {
    const wiped = wipedJobData(data, jobId, this.cipher);
    const job = await this.queue.getJob(jobId);
    await job?.updateData(wiped).catch(() => undefined);
  }

  /**
   * Whether a case workers' alert (kind `alert`) about a case was queued at or after `since`,
   * waiting, sent or failed: the reconciliation's evidence that an intake was alerted. Sent
   * messages are kept `keepSentSeconds` (a day), so it knows no further back. Reads the whole
   * queue: for the reconciliation's few candidates, never per message.
   */
  async alertedSince(caseCode: string, since: Date): Promise<boolean> {
    const jobs = await this.queue.getJobs(['waiting', 'delayed', 'prioritized', 'active', 'completed', 'failed']);
    return jobs.some((job) => {
      const data = job?.data as { caseCode?: unknown; kind?: unknown } | undefined;
      return data?.caseCode === caseCode && data.kind === 'alert' && job!.timestamp >= since.getTime();
    });
  }

  /** The next number in the order of arrival (one INCR next to the queue's keys). */
  private async nextSeq(): Promise<number> {
    const client = await this.queue.getBackend().client;
    return Number(await client.runCommand('incr', [`${this.queue.qualifiedName}:order`]));
  }

  private jobOptions(jobId: string, opts: { delayMs?: number; urgent?: boolean }) {
    return {
      jobId,
      delay: Math.max(0, opts.delayMs ?? 0),
      priority: opts.urgent ? OUTBOX_PRIORITY.urgent : OUTBOX_PRIORITY.normal,
      attempts: this.opts.attempts ?? 10,
      backoff: { type: 'exponential', delay: this.opts.backoffMs ?? 1000 },
      removeOnComplete: { age: this.opts.keepSentSeconds ?? 24 * 3600 },
      removeOnFail: { age: 7 * 24 * 3600 },
    };
  }

  /** The chat's pseudonym, as reachability marks use it. */
  chatRef(chatId: number | string): string {
    return chatRefOf(this.cipher, chatId);
  }

  /**
   * True when the person blocked the bot (a 403 marked their chat or case): producers check it
   * before enqueueing; the worker also drops queued messages to them.
   */
  async isUnreachable(to: { chatId?: number | string; caseCode?: string }): Promise<boolean> {
    if (!this.opts.reachability) throw new Error('outbox: no reachability store (pass `reachability` to Outbox.create)');
    return this.opts.reachability.isUnreachable({
      ...(to.chatId !== undefined ? { chatRef: this.chatRef(to.chatId) } : {}),
      ...(to.caseCode ? { caseCode: to.caseCode } : {}),
    });
  }

  /** Where the queue's connection errors go (an outage): without a listener BullMQ prints each one with its stack. */
  onError(listener: (err: Error) => void): void {
    this.queue.on('error', listener);
  }

  /** Closes the queue (not a connection it was given). */
  close(): Promise<void> {
    return this.queue.close();
  }
}
