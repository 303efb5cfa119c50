/**
 * Körpü's entry point: configuration → {@link createKorpu} (the one composition) → start. The
 * only module that reads process.env, installs signal handlers or exits.
 *
 * Start-up problems a person can fix (settings, Redis, flow files) are printed as one line
 * each on stderr, `korpu: <area>: <problem>`, and the process exits with code 1.
 */
import { GrammyError, HttpError } from 'grammy';
import { loadConfig } from './config';
import { ConfigError, FlowDefinitionError } from './core/errors';
import type { Logger } from './core/logger';
import { createKorpu, type Korpu } from './korpu';
import { RedisUnavailableError } from './storage/embedded-redis';
import { RedisSetupError } from './storage/redis-connection';

/** The one line for a start-up problem a person can fix; undefined for a real bug. */
function problemLines(e: unknown): string[] | undefined {
  if (e instanceof ConfigError) return e.message.split('\n').map((l) => `korpu: config: ${l}`);
  if (e instanceof RedisUnavailableError || e instanceof RedisSetupError) return [`korpu: redis: ${e.message}`];
  if (e instanceof FlowDefinitionError) return [`korpu: flows: ${e.message}`];
  if (e instanceof GrammyError) return [`korpu: telegram: ${e.method}: ${e.description}${e.error_code === 401 || e.error_code === 404 ? ' (check BOT_TOKEN)' : ''}`];
  if (e instanceof HttpError) return [`korpu: telegram: cannot reach the Bot API (${(e.error as Error)?.message ?? e.message}); check TELEGRAM_API_ROOT and the network`];
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') return [`korpu: http: cannot listen (${code}): ${(e as Error).message}; set PORT or HOST (METRICS_PORT or METRICS_HOST for the metrics listener, WORKER_PORT for a worker's health)`];
  return undefined;
}

async function main(): Promise<void> {
  let korpu: Korpu | undefined;
  let logger: Logger | undefined;
  let stopping = false;
  const stop = async (reason: string, failed = false) => {
    if (stopping) {
      logger?.warn({ reason }, 'asked again to stop: exiting at once');
      process.exit(1);
    }
    stopping = true;
    logger?.info({ reason }, 'shutting down');
    const clean = korpu ? await korpu.stop() : true;
    process.exit(clean && !failed ? 0 : 1);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('unhandledRejection', (reason) => {
    const e = reason as Error | undefined;
    logger?.fatal({ err: { name: e?.name, message: e?.message, stack: e?.stack } }, 'unhandled rejection');
    void stop('unhandledRejection', true);
  });

  try {
    korpu = await createKorpu(loadConfig(process.env), { onFatal: (e) => void stop(`telegram: ${e.message}`, true) });
    logger = korpu.logger;
    await korpu.start();
  } catch (e) {
    const lines = problemLines(e);
    if (lines) for (const line of lines) process.stderr.write(`${line}\n`);
    else process.stderr.write(`korpu: start-up failed: ${(e as Error)?.stack ?? String(e)}\n`);
    stopping = true;
    await korpu?.stop();
    process.exit(1);
  }
}

void main();
