import { setTimeout as sleep } from 'node:timers/promises';
import { redisKeys } from '../../storage/keys';
import { DelayedError, Queue, UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import { OutputSchema, type Output } from '../../core/conversation';
import { recurringErrorLog, type Logger } from '../../core/logger';
import type { FieldCipher } from '../../storage/field-cipher';
import { parseJob } from '../job-data';
import type { Reachability } from '../reachability';
import type { ChannelSender, Delivered, SenderRegistry } from './channel-sender';
import { CHAT_AAD, chatRefOf, lineOrder, NOTICE_CHAT_AAD, noticeOutputAad, NoticeJobSchema, NOTIFY_JOB, OUTBOX_PRIORITY, OUTBOX_QUEUE, OutboxJobSchema, SEND_JOB, wipedJobData, type NoticeJob, type OutboxJob } from './outbox';
import type { RecipientResolver } from './recipients';

/** Calls a Bot API method; with grammY: `(m, p) => api.raw[m](p)` on an Api without auto-retry. */
export type CallApi = (method: string, params: Record<string, unknown>) => Promise<unknown>;

/**
 * A notice that asked to be tracked (`track`), sent (or edited in place): what `onSent` is told.
 * No personal data: the case code, the pseudonym of the chat and the platform's message id.
 */
export interface SentNotice {
  /** The notice's id (its job's, decoded). */
  id: string;
  caseCode?: string;
  /** Who it was for: `caseworkers`, `staff`, `case` or `chat`. */
  to: string;
  /** For `staff`: their staff id (whom an edit of the message is addressed to). */
  staffId?: string;
  channel: string;
  chatRef: string;
  messageId: number;
  track: NonNullable<NoticeJob['track']>;
}

/** Who was found to have blocked the bot: for `onBlocked`. */
export interface BlockedSend {
  kind: string;
  /** The case whose person blocked the bot (a notice to a case, or a raw call about one). */
  caseCode?: string;
  chatRef: string;
}

export interface OutboxWorkerOptions {
  /** An ioredis client made with `maxRetriesPerRequest: null`, or connection options. */
  connection: ConnectionOptions;
  /** The Redis prefix (REDIS_PREFIX); BullMQ's keys go under `<prefix>bull:`. */
  prefix: string;
  /** Each channel's sender, by channel name: a notice goes to its recipient's channel's. */
  senders: SenderRegistry;
  /** The channel whose sender performs raw calls queued with `Outbox.send`. */
  rawChannel: string;
  /** Finds a notice's chat when it is sent (see {@link recipientResolver}). */
  resolve: RecipientResolver;
  cipher: FieldCipher;
  logger: Logger;
  /** Where a 403 marks the person, and what is checked before each send. */
  reachability: Reachability;
  /**
   * Told of each tracked notice once the platform accepted it (its message id), before the job
   * is acknowledged: e.g. remember a case's alert in the case workers' group, to edit it when the
   * case changes hands. A failure is logged, not retried (the message is out).
   */
  onSent?: (sent: SentNotice) => Promise<void>;
  /**
   * Whether the person behind a case may no longer be written to about it (they erased their
   * data or withdrew: intake/person-silence.ts): asked for a notice to a case when it is taken
   * up and again right before it is delivered, after any wait for its slot, so that a message
   * prepared or addressed before the person's /delete or /withdraw does not reach them after
   * "your data has been erased". Without it every notice goes.
   */
  silenced?: (caseCode: string) => Promise<boolean>;
  /** More to do when a person blocked the bot (after the mark), e.g. cancel their reminders. */
  onBlocked?: (blocked: BlockedSend) => Promise<void>;
  /**
   * A notice to a member of staff that the platform refused (403: they never opened a private
   * chat with the bot, or blocked it), or that was not tried because their chat is marked so:
   * e.g. ask the case workers' chat to have them open one. Staff chats are not marked
   * unreachable by the outbox (their next notice is tried: they may have opened the chat since).
   * A failure is logged; the notice is dropped either way.
   */
  onStaffUnreachable?: (staffId: string) => Promise<void>;
  /** Messages handled at once (most of them sleep until their slot). Default 16. */
  concurrency?: number;
  /**
   * A slot woken later than this (a busy event loop, a GC pause, a slow answer from Redis) is
   * not used: the message takes a new one (up to 3 times). Late sends would bunch up with the
   * next slots' and break the window at Telegram's end, whose margin over our windows is only
   * 100 ms. Must exceed the Redis round trip. Default 50 ms.
   */
  maxLateMs?: number;
  /**
   * Called right after the platform accepted a message and that was noted, before the job is
   * acknowledged: the test-only fault switch KORPU_TEST_FAULT=after_send kills the process here.
   */
  afterSend?: () => void;
}

/** How long the note that a job's message was accepted is kept: longer than any retry of the job. */
const SENT_NOTE_SECONDS = 24 * 3600;

/** What a processed job returns (kept in Redis for a day: no personal data). */
export type OutboxResult = { sent: true; messageId?: number } | { sent: false; reason: 'unreachable' | 'forgotten' | 'superseded' };

/** A running outbox worker; `close()` lets the sends in flight finish. */
export interface OutboxWorker {
  readonly worker: Worker<OutboxJob | NoticeJob, OutboxResult>;
  close(): Promise<void>;
}

/** One job made ready to send: its chat, its channel's sender, and how to deliver it. */
interface Target {
  sender: ChannelSender;
  /** The message's place in its chat's line: its order of arrival at the outbox, edits after new messages ({@link lineOrder}). */
  order: number;
  chatId: string;
  chatRef: string;
  group: boolean;
  kind: string;
  /** The case marked unreachable when its person blocked the bot. */
  caseCode?: string;
  /** For logs: the case the message is about and the recipient's type. */
  about: Record<string, unknown>;
  /** A notice's channel and recipient type (for `onSent`). */
  channel?: string;
  to?: string;
  deliver(nextSlot: () => Promise<void>): Promise<Delivered>;
}

/**
 * Consumer side of the outbox: resolves each notice's recipient, and sends it through its
 * channel's sender within the channel's limits.
 *
 * - A notice's recipient is resolved now (a case's sealed contact, a staff member's chat, the
 *   case workers' chat): one that cannot be (the case was erased, has no contact, the member
 *   left the roster, no sender for its channel) is dropped for good and logged, not retried.
 * - Before the call it takes a slot in the shared sliding windows (the sender's limiter) and
 *   sleeps until the slot (at most the limiter's `maxAheadMs`). When its chat is busy for
 *   longer, the job alone waits as a delayed job for its turn in the chat's line, then comes
 *   back before the backlog; when every slot within reach is taken, the worker stops fetching
 *   for that long and the job goes back to the front of the queue. A chat's messages go out in
 *   the order they came, new messages before edits of earlier ones ({@link lineOrder}): each
 *   keeps its place in the chat's line until it is sent or dropped.
 * - An edit (a notice that `replaces` a message) that a newer edit of the same message queued
 *   since will overwrite is not sent: only the newest text of a message goes out.
 * - Rate limited (Telegram's 429 `retry_after`): every sender pauses (all processes), the
 *   message goes back to the queue (it is not a failed try) and is sent once the pause is over.
 * - Blocked (403) by a person: marked unreachable (chat, and case for a case's notice),
 *   `onBlocked` called, not retried; queued messages to marked people are dropped before
 *   sending. Blocked in a group (the bot was removed) is logged as an error and not retried.
 *   A notice to a member of staff refused so is not retried either, and `onStaffUnreachable`
 *   is called instead of marking their chat.
 * - Transient (network, 5xx, 401/404): retried with exponential backoff; other refusals: not.
 * - A malformed or unknown job fails once, unrecoverably (see {@link parseJob}).
 *
 * A send that the platform received but whose answer was lost (a crash, a timeout) is sent
 * again: delivery is at least once.
 */
export function createOutboxWorker(o: OutboxWorkerOptions): OutboxWorker {
  const prefix = redisKeys(o.prefix).bull();
  const maxLateMs = o.maxLateMs ?? 50;
  // Sets BullMQ's queue-wide rate-limit key, which a RateLimitError reads back to pause this worker.
  const control = new Queue(OUTBOX_QUEUE, { connection: o.connection, prefix });
  // Its connection errors are the worker's (logged there): not printed again with their stack.
  control.on('error', () => undefined);
  const holdBack = async (ms: number): Promise<never> => {
    await control.rateLimit(Math.max(1, Math.ceil(ms)));
    throw Worker.RateLimitError();
  };

  const senderOf = (channel: string): ChannelSender | undefined => (Object.prototype.hasOwnProperty.call(o.senders, channel) ? o.senders[channel] : undefined);

  /** A raw call queued with `Outbox.send`: the chat is sealed in the job. */
  const rawTarget = (data: OutboxJob): Target => {
    const sender = senderOf(o.rawChannel);
    if (!sender?.call) throw new UnrecoverableError(`outbox: no sender performs raw calls for channel "${o.rawChannel}"`);
    const chatId = o.cipher.decrypt(data.chat, CHAT_AAD);
    return {
      sender,
      order: lineOrder(data.seq ?? 0, data.method.startsWith('edit')),
      chatId,
      chatRef: data.chatRef,
      group: data.group,
      kind: data.kind,
      ...(data.caseCode ? { caseCode: data.caseCode } : {}),
      about: { kind: data.kind, caseCode: data.caseCode, chatRef: data.chatRef },
      deliver: () => sender.call!(chatId, data.method, data.params),
    };
  };

  /** A notice: the recipient resolved now, the output unsealed. */
  const noticeTarget = async (data: NoticeJob, jobId: string): Promise<Target> => {
    const about = { kind: data.kind, caseCode: data.caseCode, to: data.to.type };
    let output: Output;
    try {
      output = OutputSchema.parse(JSON.parse(o.cipher.decrypt(data.output, noticeOutputAad(jobId))));
    } catch (err) {
      throw new UnrecoverableError(`outbox: a notice's output cannot be read (${(err as Error).name})`);
    }
    const address = data.to.type === 'chat' ? { channel: data.to.channel, chatId: o.cipher.decrypt(data.to.chat, NOTICE_CHAT_AAD) } : await o.resolve(data.to);
    if (!address) {
      o.logger.info(about, 'outbox: notice dropped: its recipient cannot be resolved (erased case, no contact, not on the roster, no chat configured)');
      throw new UnrecoverableError(`outbox: the recipient (${data.to.type}) cannot be resolved`);
    }
    const sender = senderOf(address.channel);
    if (!sender) {
      o.logger.info({ ...about, channel: address.channel }, 'outbox: notice dropped: its recipient’s channel has no sender');
      throw new UnrecoverableError(`outbox: no sender for channel "${address.channel}"`);
    }
    const chatRef = chatRefOf(o.cipher, address.chatId);
    if (data.replaces && data.replaces.chatRef !== chatRef) {
      // The message to edit is in another chat than the recipient's now (the group was changed).
      o.logger.info(about, 'outbox: edit dropped: the message it replaces is in another chat than the recipient’s now');
      throw new UnrecoverableError('outbox: the message to edit is not in the recipient’s chat');
    }
    const caseCode = data.to.type === 'case' ? data.to.caseCode : undefined;
    return {
      sender,
      order: lineOrder(data.seq ?? 0, data.replaces !== undefined),
      chatId: address.chatId,
      chatRef,
      group: sender.isGroup(address.chatId),
      kind: data.kind,
      ...(caseCode ? { caseCode } : {}),
      about: { ...about, chatRef },
      channel: address.channel,
      to: data.to.type,
      deliver: (nextSlot) => sender.deliver(address.chatId, { lang: data.lang, output, kind: data.kind, ...(data.replaces ? { replaces: data.replaces.messageId } : {}) }, nextSlot),
    };
  };

  const keys = redisKeys(o.prefix);
  // The jobs this process started ask the limiter for their first slot in the order they were
  // started (BullMQ's order: by priority, then by arrival). A notice's chat is found first (a
  // Redis read), and without this a job started later whose chat was found sooner (say the
  // question asked again after "the talk has ended", both to one case) could take the chat's
  // slot before the one ahead of it reached the limiter, the line being empty then, and go out
  // first. Once a job has asked, its chat's line keeps its turn (see reserve-send); each job
  // waits only for the one started before it to ask, one round trip at most.
  let turnOfLast: Promise<void> = Promise.resolve();
  const handle = async (job: Job<OutboxJob | NoticeJob, OutboxResult>, token?: string): Promise<OutboxResult> => {
    const before = turnOfLast;
    let asked!: () => void;
    turnOfLast = new Promise<void>((resolve) => (asked = resolve));
    try {
      return await handleInTurn(job, token, { before, asked });
    } finally {
      asked();
    }
  };
  /** `turn.before` settles when the job started before this one has asked for its slot; `turn.asked` says this one has. */
  const handleInTurn = async (job: Job<OutboxJob | NoticeJob, OutboxResult>, token: string | undefined, turn: { before: Promise<void>; asked: () => void }): Promise<OutboxResult> => {
    const parsed = parseJob(OUTBOX_QUEUE, job, { [SEND_JOB]: OutboxJobSchema, [NOTIFY_JOB]: NoticeJobSchema });
    // A notice to a person who erased their data or withdrew since it was queued: given up before
    // their chat is looked for, its text wiped (it may quote them). A place it held in the chat's
    // line from an earlier try is forgotten 30 s after its slot.
    const to = parsed.name === NOTIFY_JOB ? (parsed.data as NoticeJob).to : undefined;
    // A worker's file in a talk (a raw copy, kind `relay`) goes to the case's person too: asked the same.
    const rawRelay = parsed.name === SEND_JOB && parsed.data.kind === 'relay' ? parsed.data.caseCode : undefined;
    const toPerson = to?.type === 'case' ? to.caseCode : rawRelay;
    const silenced = async (): Promise<boolean> => Boolean(toPerson && (await o.silenced?.(toPerson)));
    const forget = async (about: Record<string, unknown>): Promise<OutboxResult> => {
      await job.updateData(wipedJobData(job.data, job.id!, o.cipher)).catch(() => undefined);
      o.logger.info(about, 'outbox: not sent: its person erased their data or withdrew');
      return { sent: false, reason: 'forgotten' };
    };
    if (await silenced()) return forget({ kind: parsed.data.kind, caseCode: toPerson, to: 'case' });
    const t = parsed.name === NOTIFY_JOB ? await noticeTarget(parsed.data as NoticeJob, job.id!) : rawTarget(parsed.data as OutboxJob);
    const limiter = t.sender.limiter;
    // Sent by an earlier try whose acknowledgement was lost (the process was killed after the
    // platform's answer, the stalled check gave the job back): not sent again.
    const redis = await control.getBackend().client;
    if (Number(await redis.runCommand('exists', [keys.outboxSent(job.id!)])) === 1) {
      await limiter.release(t.chatRef, job.id!).catch(() => undefined);
      o.logger.info(t.about, 'outbox: already sent by an earlier try (its acknowledgement was lost): not sent again');
      return { sent: true };
    }
    const mark = { chatRef: t.chatRef, ...(t.caseCode ? { caseCode: t.caseCode } : {}) };
    // A member of staff who cannot be written to privately: whoever wired the outbox is told (see onStaffUnreachable).
    const toStaff = to?.type === 'staff' ? to.staffId : undefined;
    const staffUnreachable = async (): Promise<void> => {
      if (toStaff === undefined || !o.onStaffUnreachable) return;
      await o.onStaffUnreachable(toStaff).catch((err: Error) => o.logger.warn({ ...t.about, err: { name: err.name, message: err.message } }, 'outbox: could not pass on that a member of staff cannot be written to'));
    };
    if (parsed.data.forgotten) {
      // Its person's data was erased while it waited in its chat's line: its place is given up, nothing is sent.
      await limiter.release(t.chatRef, job.id!);
      o.logger.info(t.about, 'outbox: not sent: its case was erased');
      return { sent: false, reason: 'forgotten' };
    }
    // An edit of a message that a newer edit queued since will edit again: not sent, so that a
    // burst of changes (claimed, released, claimed again) takes one of the chat's slots, not one
    // each. Looked at on every try, after any wait for the chat's turn. The job is kept as done
    // (its id stays taken: notified again, it is not queued again).
    const replaces = parsed.name === NOTIFY_JOB ? (parsed.data as NoticeJob).replaces : undefined;
    if (replaces && parsed.data.seq !== undefined) {
      const newest: unknown = await redis.runCommand('zscore', [keys.outboxLatestEdit(replaces.chatRef, replaces.messageId), 'latest']);
      if (newest !== null && newest !== undefined && Number(newest) > parsed.data.seq) {
        await limiter.release(t.chatRef, job.id!);
        o.logger.info(t.about, 'outbox: edit not sent: a newer edit of the same message is queued');
        return { sent: false, reason: 'superseded' };
      }
    }
    if (!t.group && (await o.reachability.isUnreachable(mark))) {
      // It may hold a place in the chat's line from an earlier try: give it up.
      await limiter.release(t.chatRef, job.id!);
      o.logger.info(t.about, 'outbox: not sent: the person blocked the bot');
      await staffUnreachable();
      return { sent: false, reason: 'unreachable' };
    }

    await turn.before;
    let taken = '';
    for (let tries = 1; ; tries++) {
      const asked = Date.now();
      const slot = await limiter.reserve(t.chatRef, t.group, job.id!, t.order);
      turn.asked();
      if (slot.kind === 'wait') {
        if (slot.limit === 'chat' || slot.limit === 'group') {
          // Wait for this chat's turn without holding up other chats; come back before the backlog.
          if (job.priority > OUTBOX_PRIORITY.due) await job.changePriority({ priority: OUTBOX_PRIORITY.due });
          await job.moveToDelayed(Date.now() + slot.waitMs, token);
          throw new DelayedError();
        }
        return holdBack(slot.waitMs);
      }
      // Redis ran the script between `asked` and now: going `inMs` after now is never early.
      const received = Date.now();
      const due = received + slot.inMs;
      if (due > Date.now()) await sleep(due - Date.now());
      if (slot.inMs > 0) {
        // A 429 may have come while this slot was ahead: honour the pause it started.
        const paused = await limiter.pausedMs();
        if (paused > 0) return holdBack(paused);
      }
      // Woken too late (or the answer came late): this slot is spent, take another; after a few
      // tries (a Redis slower than maxLateMs) send anyway rather than never.
      const late = Date.now() - due + (received - asked);
      if (late > maxLateMs && tries < 4) {
        // The slot goes unused: it must not count against the windows (a group's 20 a minute).
        await limiter.giveBack(t.chatRef, t.group, slot.slot).catch(() => undefined);
        continue;
      }
      if (late > maxLateMs) o.logger.warn({ ...t.about, lateMs: late }, 'outbox: sending late for its slot (is Redis slow? raise maxLateMs)');
      taken = slot.slot;
      break;
    }
    // Looked at again now: the person may have erased or withdrawn while this waited for its
    // slot, addressed and unsealed (their "erased" reply went out meanwhile).
    if (await silenced()) {
      // Its slot goes unused, as a late one's.
      await limiter.giveBack(t.chatRef, t.group, taken).catch(() => undefined);
      await limiter.release(t.chatRef, job.id!);
      return forget(t.about);
    }

    // The second and later messages of one notice (a long text, an attachment) wait for slots
    // of their own here, in process: the notice holds its chat's turn meanwhile.
    const nextSlot = async (): Promise<void> => {
      for (;;) {
        const r = await limiter.reserve(t.chatRef, t.group, job.id!, t.order);
        if (r.kind === 'reserved') return void (await sleep(r.inMs));
        await sleep(r.waitMs);
      }
    };
    // The message keeps its place in the chat's line until it is sent or dropped for good: one
    // that waits out a 429 or is retried after a network error keeps its turn. A release that
    // fails (Redis away) is not worth sending the message again for: the place is forgotten
    // 30 s after its slot.
    const done = () => limiter.release(t.chatRef, job.id!).catch((err: Error) => o.logger.warn({ ...t.about, err: { name: err.name, message: err.message } }, 'outbox: could not free the chat’s turn'));
    let result: Delivered;
    try {
      result = await t.deliver(nextSlot);
    } catch (err) {
      const f = t.sender.classify(err);
      // Dropped for good (a rate limit is no failed try): the next message of the chat may go.
      if (f.kind === 'blocked' || f.kind === 'refused' || (f.kind === 'transient' && job.attemptsMade + 1 >= (job.opts.attempts ?? 1))) await done();
      switch (f.kind) {
        case 'rate_limited':
          o.logger.warn({ ...t.about, retryMs: f.retryMs }, 'outbox: the platform asked to slow down (429); every send waits');
          await limiter.pause(f.retryMs);
          return holdBack(f.retryMs);
        case 'blocked':
          if (t.group) {
            o.logger.error({ ...t.about, description: f.description }, 'outbox: the bot cannot write in this group (403): add it again');
            throw new UnrecoverableError(`outbox: ${f.description}`);
          }
          if (toStaff !== undefined) {
            // Not marked: a worker who opens a private chat with the bot later gets their next notices.
            o.logger.info(t.about, 'outbox: a member of staff cannot be written to privately (403)');
            await staffUnreachable();
            throw new UnrecoverableError('outbox: the member of staff cannot be written to (403)');
          }
          o.logger.info(t.about, 'outbox: the person blocked the bot (403); marked unreachable');
          await o.reachability.markUnreachable(mark);
          await o.onBlocked?.({ kind: t.kind, chatRef: t.chatRef, ...(t.caseCode ? { caseCode: t.caseCode } : {}) });
          throw new UnrecoverableError('outbox: blocked by the user (403)');
        case 'refused':
          // Telegram answers 400 "chat not found" for a chat the bot has never been in: for a worker, as a 403.
          if (toStaff !== undefined && /chat not found/i.test(f.description)) await staffUnreachable();
          throw new UnrecoverableError(`outbox: the platform refused the ${t.kind} (${f.code}): ${f.description}`);
        case 'transient':
          throw err; // BullMQ retries with backoff
      }
    }
    // Noted at once, before the acknowledgement (moving the job to completed, freeing the
    // chat's turn): a crash from here on is not a second send. What is left of the
    // at-least-once edge is the platform's answer to this write, one round trip, and a
    // notice of several messages interrupted between them (sent again from its first).
    await redis.runCommand('set', [keys.outboxSent(job.id!), '1', 'EX', String(SENT_NOTE_SECONDS)]).catch((err: Error) => o.logger.warn({ ...t.about, err: { name: err.name, message: err.message } }, 'outbox: could not note a send (a crash now would send it again)'));
    o.afterSend?.();
    const track = parsed.name === NOTIFY_JOB ? (parsed.data as NoticeJob).track : undefined;
    if (track && result.messageId !== undefined && o.onSent) {
      const to = (parsed.data as NoticeJob).to;
      const sent: SentNotice = { id: decodeURIComponent(job.id!), to: t.to ?? 'chat', ...(to.type === 'staff' ? { staffId: to.staffId } : {}), channel: t.channel ?? o.rawChannel, chatRef: t.chatRef, messageId: result.messageId, track, ...(parsed.data.caseCode ? { caseCode: parsed.data.caseCode } : {}) };
      await o.onSent(sent).catch((err: Error) => o.logger.warn({ ...t.about, err: { name: err.name, message: err.message } }, 'outbox: could not note a tracked message (it will not be kept up to date)'));
    }
    await done();
    return result.messageId === undefined ? { sent: true } : { sent: true, messageId: result.messageId };
  };

  const worker = new Worker<OutboxJob | NoticeJob, OutboxResult>(OUTBOX_QUEUE, handle, { connection: o.connection, prefix, concurrency: o.concurrency ?? 16 });
  worker.on('failed', (job, err) => {
    if (!job) return;
    const final = err instanceof UnrecoverableError || err.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1);
    const data = (job.data ?? {}) as Partial<OutboxJob & NoticeJob>;
    const about = { job: job.name, kind: data.kind, caseCode: data.caseCode, chatRef: data.chatRef, to: data.to?.type, attempts: job.attemptsMade, err: { name: err.name, message: err.message } };
    if (final) o.logger.warn(about, 'outbox: message dropped');
    else o.logger.debug(about, 'outbox: send failed; will retry');
  });
  worker.on('error', recurringErrorLog(o.logger, 'outbox worker error'));

  return {
    worker,
    close: async () => {
      try {
        await worker.close();
      } finally {
        await control.close();
      }
    },
  };
}

