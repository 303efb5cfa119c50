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
