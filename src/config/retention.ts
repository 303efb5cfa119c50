import { z } from 'zod';
import { loadYamlConfig } from './yaml-file';

/** Where the retention periods live by default, relative to the project root. */
export const RETENTION_FILE = 'config/retention.yaml';

const days = (max: number) =>
  z
    .number({ error: (issue) => (issue.input === undefined ? 'is missing: give a number of days' : 'must be a number of days') })
    .int('must be a whole number of days').min(1, 'must be at least 1 day').max(max, `must be at most ${max} days`);

/**
 * How long each kind of data lives (config/retention.yaml), in days; see the file for why each
 * default is what it is. `everyHours`: how often the purge runs.
 */
export const RetentionConfigSchema = z
  .object({
    days: z
      .object({
        unfinishedIntake: days(3650),
        notEligible: days(3650),
        // Added after the first release: a file written before it keeps working, with the shipped period.
        neverMet: days(3650).default(180),
        withdrawn: days(3650),
        closed: days(3650),
        talkMessages: days(3650),
        incidentReports: days(3650),
        outbox: days(365),
        finishedJobs: days(365),
      })
      .strict(),
    everyHours: z.number().int('must be a whole number of hours').min(1, 'must be at least 1 hour').max(168, 'must be at most 168 hours (a week)').default(24),
  })
  .strict();
export type RetentionConfig = z.infer<typeof RetentionConfigSchema>;
/** The kinds of data with a retention period. */
export type RetentionKind = keyof RetentionConfig['days'];

/**
 * Reads and checks the retention file. A bad file stops start-up: the ConfigError has one line
 * per problem, each naming the file and the field (`config/retention.yaml: days.closed: must
 * be at least 1 day`).
 * @example const retention = loadRetentionConfig(resolve(cwd, RETENTION_FILE));
 */
export function loadRetentionConfig(file: string): RetentionConfig {
  return loadYamlConfig(file, RetentionConfigSchema);
}
