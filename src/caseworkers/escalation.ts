import { Queue, Worker, type ConnectionOptions, type Job } from 'bullmq';
import { redisKeys } from '../storage/keys';
import { z } from 'zod';
import type { Office } from '../config/offices';
import type { Clock } from '../core/clock';
import type { Output } from '../core/conversation';
import { recurringErrorLog, type Logger } from '../core/logger';
import type { Notifier } from '../core/notifier';
import { parseJob } from '../scheduling/job-data';
import type { FieldCipher } from '../storage/field-cipher';
import type { ClaimStore } from './claims';
import { staffRef } from './guard';
import type { CaseWorker, RosterStore } from './roster';
import { addWorkingTime, DEFAULT_ESCALATION_WORKING_MINUTES } from './working-hours';

/** The queue of escalations: one delayed job per completed intake, until someone claims it. */
export const ESCALATION_QUEUE = 'escalations';
/** The name of every escalation job. */
export const ESCALATE_JOB = 'escalate_unclaimed';

export const EscalationJobSchema = z.object({
  caseCode: z.string().min(1),
  /** When the intake was alerted, or the case went back to the group (ISO): when the job falls due, and (with `again`) its notices' ids. */
  since: z.string(),
  /** Armed again when the claimed case went back to the group (see {@link EscalationScheduler.rearm}). */
  again: z.literal(true).optional(),
});
export type EscalationJob = z.infer<typeof EscalationJobSchema>;

/** The status of a case that still waits for a case worker to take it up: a completed intake. */
export const WAITING_STATUS = 'intake_completed';

/** Deterministic job id: a retried update or a second process schedules one escalation per case. */
export const escalationJobId = (caseCode: string): string => `esc_${caseCode}`;

/**
 * The job id of the escalation armed again when a claimed case goes back to the group: one
 * besides the intake's, whose job is kept a week after it ran and would refuse a new one
 * under its id as a duplicate. Each release replaces it (see {@link EscalationScheduler.rearm}).
 */
export const rearmedEscalationJobId = (caseCode: string): string => `esc_${caseCode}_again`;

/**
 * The outbox's id of an escalation's message to one supervisor: one per job and retry-safe,
 * and another for each release (the outbox sends a notice id once, and keeps it a day).
 */
export const escalationNoticeId = (job: EscalationJob, staffId: string): string =>
  job.again ? `escalation:${job.caseCode}:again:${Date.parse(job.since)}:${staffId}` : `escalation:${job.caseCode}:${staffId}`;

/** When an unclaimed intake goes to the supervisors. */
export interface EscalationPolicy {
  dueAt(alertedAt: Date, office: Office | undefined): Date;
}

/**
 * The programme's policy: after `minutes` of the office's opening time (default 4 working
 * hours), counted in the case's booking office, else the first configured office.
 * @example workingHoursPolicy(240, offices.offices)
 */
export function workingHoursPolicy(minutes: number = DEFAULT_ESCALATION_WORKING_MINUTES, offices: readonly Office[] = []): EscalationPolicy {
  return {
    dueAt: (at, office) => {
      const o = office ?? offices[0];
      return o ? addWorkingTime(at, minutes, o) : new Date(at.getTime() + minutes * 60_000);
    },
  };
}

/**
 * Producer side: schedules the escalation of a completed intake, schedules it again when the
 * claimed case goes back to the group, and cancels it when the case is claimed. Whether it is
 * still wanted is decided again when it fires (the worker ignores a claimed case), so a cancel
 * lost to a crash or a race costs nothing.
 */
export class EscalationScheduler {
  constructor(
    readonly queue: Queue,
    private readonly policy: EscalationPolicy,
  ) {}

  static create(connection: ConnectionOptions, prefix: string, policy: EscalationPolicy): EscalationScheduler {
    return new EscalationScheduler(new Queue(ESCALATION_QUEUE, { connection, prefix: redisKeys(prefix).bull() }), policy);
  }

  /** Schedules the case's escalation (once: the job id is the case's). */
  async schedule(caseCode: string, alertedAt: Date, office?: Office): Promise<Date> {
    return this.add(escalationJobId(caseCode), { caseCode, since: alertedAt.toISOString() }, office);
  }

  /**
   * Schedules the escalation of a claimed case that went back to the group at `releasedAt`, by
   * the same policy as an intake's, counted from then. Once per release: a job already armed
   * for this very release stays as it is (a retried call schedules nothing more); one armed for
   * an earlier release (ran already, or its cancel was lost) is replaced. Throws when that one
   * is running this moment and cannot be replaced.
   */
  async rearm(caseCode: string, releasedAt: Date, office?: Office): Promise<Date> {
    const id = rearmedEscalationJobId(caseCode);
    const data: EscalationJob = { caseCode, since: releasedAt.toISOString(), again: true };
    const earlier = await this.queue.getJob(id);
    if (earlier && (earlier.data as Partial<EscalationJob>).since === data.since) return this.policy.dueAt(releasedAt, office);
    if (earlier && (await this.queue.remove(id)) !== 1) throw new Error(`the escalation of an earlier release of ${caseCode} is running`);
    return this.add(id, data, office);
  }

  private async add(jobId: string, data: EscalationJob, office: Office | undefined): Promise<Date> {
    const since = new Date(data.since);
    const due = this.policy.dueAt(since, office);
    await this.queue.add(ESCALATE_JOB, data, {
      jobId,
      delay: Math.max(0, due.getTime() - since.getTime()),
      // Kept a week after it ran, so scheduling the same case (or release) again is a no-op.
      removeOnComplete: { age: 7 * 24 * 3600 },
      removeOnFail: { age: 7 * 24 * 3600 },
      attempts: 5,
      backoff: { type: 'exponential', delay: 5000 },
    });
    return due;
  }

  /** Whether the case has an escalation job, pending or run (the intake's or a release's). */
  async known(caseCode: string): Promise<boolean> {
    const jobs = await Promise.all([this.queue.getJob(escalationJobId(caseCode)), this.queue.getJob(rearmedEscalationJobId(caseCode))]);
    return jobs.some(Boolean);
  }

  /** Removes the case's escalations, the intake's and a release's (the case was claimed); true when there was one to remove. */
  async cancel(caseCode: string): Promise<boolean> {
    const removed = await Promise.all([this.queue.remove(escalationJobId(caseCode)), this.queue.remove(rearmedEscalationJobId(caseCode))]);
    return removed.includes(1);
  }

  /**
   * Pending work of a person who withdrew or erased their data (intake/erase-case.ts
   * `PendingWork`): their case's escalation goes, so that no supervisor is pushed to take up a
   * case that is no longer waiting for anyone.
   */
  async forget(p: { caseCode: string }): Promise<void> {
    await this.cancel(p.caseCode);
  }

  /** Where the queue's connection errors go (an outage): without a listener BullMQ prints each one with its stack. */
  onError(listener: (err: Error) => void): void {
    this.queue.on('error', listener);
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}

export interface EscalationWorkerOptions {
  connection: ConnectionOptions;
  prefix: string;
  claims: Pick<ClaimStore, 'get'>;
  /**
   * The case's status now (`status` on the case hash): only a completed intake
   * ({@link WAITING_STATUS}) still waits for someone to take it up; a case withdrawn, erased or
   * closed since (its job's removal lost to a crash or a race) is not escalated.
   */
  caseStatus(caseCode: string): Promise<string | undefined>;
  roster: Pick<RosterStore, 'listByRole'>;
  /**
   * The message to one supervisor, in their first language (see escalation-notice.ts
   * `escalationOutput`). Its time comes from the case (completed, or given back to the group),
   * not from the job, so that a redrawn message says the same as the one sent.
   */
  output(caseCode: string, supervisor: CaseWorker): Promise<Output>;
  /**
   * The case's state as the messages are drawn (alert-messages.ts `alertState`): with it each
   * escalation is tracked (`track`), so that the outbox reports its message and it is edited in
   * place when the case is claimed or ends, as the group's alerts are. Without it, it is not.
   */
  state?(caseCode: string): Promise<string>;
  /** The outbox: each supervisor is notified as `{type:'staff'}`, their chat found when it sends. */
  notifier: Notifier;
  /** Records `escalated_at` on the case hash. */
  markEscalated(caseCode: string, at: Date): Promise<void>;
  /** Pseudonymises supervisors' ids in the logs. */
  cipher: Pick<FieldCipher, 'pseudonym'>;
  clock: Clock;
  logger: Logger;
}

/**
 * Consumer side: when an escalation falls due and the case is still unclaimed, every
 * supervisor on the roster is notified through the outbox ({@link escalationNoticeId}, so a
 * retried job sends each one once, and an escalation armed again by a release sends again).
 * Returns what it did: `claimed`, `not_waiting` (withdrawn, erased or closed since: nobody is
 * told), `no_supervisors` or `escalated`; a malformed or unknown job fails once, unrecoverably.
 */
export function createEscalationWorker(o: EscalationWorkerOptions): Worker {
  const worker = new Worker(
    ESCALATION_QUEUE,
    async (job: Job) => {
      const data = parseJob(ESCALATION_QUEUE, job, { [ESCALATE_JOB]: EscalationJobSchema }).data;
      const { caseCode } = data;
      if (await o.claims.get(caseCode)) return 'claimed';
      // The person withdrew or erased their data, or the case was closed: nothing waits any more.
      if ((await o.caseStatus(caseCode)) !== WAITING_STATUS) return 'not_waiting';
      const supervisors = await o.roster.listByRole('supervisor');
      if (supervisors.length === 0) {
        o.logger.warn({ case: caseCode }, 'caseworkers: unclaimed intake, but no supervisor on the roster to escalate to');
        return 'no_supervisors';
      }
      const state = await o.state?.(caseCode);
      for (const s of supervisors) {
        const { staffId } = s;
        const output = await o.output(caseCode, s);
        await o.notifier.notify({ id: escalationNoticeId(data, staffId), to: { type: 'staff', staffId }, lang: s.langs[0] ?? 'az', output, kind: 'escalation', caseCode, ...(state !== undefined ? { track: { kind: 'escalation', state } } : {}) });
      }
      await o.markEscalated(caseCode, o.clock.now());
      o.logger.info({ case: caseCode, supervisors: supervisors.map((s) => staffRef(o.cipher, s.telegramId)) }, 'caseworkers: unclaimed intake escalated to supervisors');
      return 'escalated';
    },
    { connection: o.connection, prefix: redisKeys(o.prefix).bull(), concurrency: 4 },
  );
  worker.on('failed', (job, err) => o.logger.warn({ job: job?.name, err: err.message }, 'escalations: job failed'));
  worker.on('error', recurringErrorLog(o.logger, 'escalations worker error'));
  return worker;
}
