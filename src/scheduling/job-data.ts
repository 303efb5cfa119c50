import { UnrecoverableError } from 'bullmq';
import type { z } from 'zod';

/** The schemas of a queue's jobs, by job name. */
export type JobSchemas = Record<string, z.ZodTypeAny>;

/** A parsed job: its name and its data, typed by the schema registered for that name. */
export type ParsedJob<S extends JobSchemas> = { [N in keyof S & string]: { name: N; data: z.infer<S[N]> } }[keyof S & string];

/**
 * Parses a BullMQ job's name and data at the worker's boundary. A job whose name has no schema,
 * or whose data does not match it (written by an older or newer version, by hand, or damaged),
 * throws BullMQ's `UnrecoverableError`: it fails once, for good, and the worker's `failed`
 * handler logs it, instead of being retried until its attempts run out or silently counted as
 * done. The message names the queue, the job name and the paths of the problems, never the
 * values (job data may hold sealed personal data).
 *
 * @example
 *   const job = parseJob('reminders', raw, { reminder: ReminderJobSchema, nudge: NudgeJobSchema });
 *   if (job.name === 'reminder') job.data.caseCode; // typed
 */
export function parseJob<S extends JobSchemas>(queue: string, job: { name: string; data: unknown }, schemas: S): ParsedJob<S> {
  const schema = Object.prototype.hasOwnProperty.call(schemas, job.name) ? schemas[job.name] : undefined;
  if (!schema) throw new UnrecoverableError(`${queue}: unknown job "${job.name}" (expected ${Object.keys(schemas).join(', ')})`);
  const parsed = schema.safeParse(job.data);
  if (!parsed.success) {
    const where = parsed.error.issues.map((i) => `${i.path.join('.') || '(data)'}: ${i.message}`).join('; ');
    throw new UnrecoverableError(`${queue}: malformed ${job.name} job: ${where}`);
  }
  return { name: job.name, data: parsed.data } as ParsedJob<S>;
}
