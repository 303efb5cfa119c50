import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * The application logger (JSON lines on stdout). Personal data never goes in: log case codes,
 * update ids and error names, not names, phone numbers, chat ids or message texts. The redact
 * list is a safety net for fields that might slip into an error's context.
 */
export function createLogger(level: string = 'info'): Logger {
  return pino({
    level,
    base: { app: 'korpu' },
    redact: {
      paths: ['*.text', '*.phone', '*.chatId', '*.chat_id', '*.first_name', '*.last_name', '*.address', '*.name', 'text', 'phone', 'chatId'],
      censor: '[redacted]',
    },
  });
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
