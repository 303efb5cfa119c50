import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * Fields that hold a person's name, wherever they are: Telegram's user (`first_name`,
 * `last_name`, `username`), the forms' fields, and staff names in audit entries and desk views
 * (`byName`, `toName`, `holderName`, ...).
 */
export const PERSON_NAME_FIELDS = ['first_name', 'last_name', 'guardian_name', 'username', 'firstName', 'lastName', 'fullName', 'byName', 'toName', 'by_name', 'to_name', 'staffName', 'holderName', 'workerName', 'beneficiaryName'] as const;

/**
 * Objects that are a person or a member of staff, whose `name` is theirs (a roster entry has
 * `name`). Only these: a bare `name` is mostly something else's, above all an error's
 * (`err.name`), which the logs need to be diagnosed.
 */
export const PERSON_OBJECTS = ['member', 'staff', 'worker', 'target', 'person', 'user', 'from', 'entry'] as const;

/** Other personal data: message texts, phone numbers, chat ids, addresses, dates of birth. */
const PERSONAL_FIELDS = ['text', 'phone', 'chatId', 'chat_id', 'address', 'birth_date', ...PERSON_NAME_FIELDS] as const;

/**
 * The redact paths: each personal field at the top, one level down (`{ person: { phone } }`) and
 * two (an error's context: `{ err: { context: { phone } } }`), and the `name` of a person object
 * at the top or one level down.
 */
export const REDACT_PATHS: string[] = [
  ...PERSONAL_FIELDS.flatMap((f) => [f, `*.${f}`, `*.*.${f}`]),
  ...PERSON_OBJECTS.flatMap((o) => [`${o}.name`, `*.${o}.name`]),
];

/**
 * The application logger (JSON lines on stdout, or `destination`). Personal data never goes in:
 * log case codes, update ids and error names, not names, phone numbers, chat ids or message
 * texts. The redact list is a safety net for fields that might slip into an error's context;
 * it leaves error names (`err.name`) alone.
 */
export function createLogger(level: string = 'info', destination?: pino.DestinationStream): Logger {
  const options = {
    level,
    base: { app: 'korpu' },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
  };
  return destination ? pino(options, destination) : pino(options);
}

/** A logger that drops everything (tests, benchmarks). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

/** How often a recurring background error (a worker's, a connection's) is logged at most. */
export const RECURRING_ERROR_LOG_MS = 60_000;

/**
 * A worker's or a connection's `error` listener that logs at most once every `everyMs`: while
 * Redis is gone, BullMQ's workers and connections emit an error at every reconnection attempt,
 * several a second each, and logging each filled the logs (about 50,000 lines an hour). The next
 * line after a quiet spell says how many were left out (`left_out`).
 *
 * @example worker.on('error', recurringErrorLog(logger, 'outbox worker error'));
 */
export function recurringErrorLog(logger: Logger, msg: string, o: { level?: 'error' | 'warn'; everyMs?: number } = {}): (err: Error) => void {
  const everyMs = o.everyMs ?? RECURRING_ERROR_LOG_MS;
  let last = -Infinity;
  let leftOut = 0;
  return (err) => {
    const now = Date.now();
    if (now - last < everyMs) {
      leftOut++;
      return;
    }
    last = now;
    logger[o.level ?? 'error']({ err: err?.message, ...(leftOut ? { left_out: leftOut } : {}) }, msg);
    leftOut = 0;
  };
}
