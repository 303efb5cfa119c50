/**
 * `npm run rotate-key`: re-encrypts everything Körpü keeps in Redis with the newest data key
 * (the first of DATA_KEYS or of DATA_KEY_FILE), and says whether the older keys may go.
 * `npm run rotate-key -- --ids` only prints the ids of the configured keys. An entry point like
 * main.ts (it reads process.env and exits); see README, "Rotating the data key", for the steps.
 */
import { ConfigError } from './core/errors';
import { rotateKeyCommand } from './key-rotation/rotate-key-command';
import { RedisUnavailableError } from './storage/embedded-redis';
import { RedisSetupError } from './storage/redis-connection';

const print = (line: string) => process.stdout.write(`korpu rotate-key: ${line}\n`);

rotateKeyCommand(process.env, print, { idsOnly: process.argv.includes('--ids') }).then(
  (code) => process.exit(code),
  (e: unknown) => {
    if (e instanceof ConfigError) for (const line of e.message.split('\n')) process.stderr.write(`korpu rotate-key: config: ${line}\n`);
    else if (e instanceof RedisUnavailableError || e instanceof RedisSetupError) process.stderr.write(`korpu rotate-key: redis: ${e.message}\n`);
    else process.stderr.write(`korpu rotate-key: failed: ${(e as Error)?.stack ?? String(e)}\n`);
    process.exit(1);
  },
);
