import { migrateKeyLayout } from '../storage/key-layout';
import { loadConfig } from '../config';
import { resolveDataKeys } from '../config/data-key';
import { silentLogger } from '../core/logger';
import { resolveRedis } from '../storage/embedded-redis';
import { FieldCipher } from '../storage/field-cipher';
import { redisKeys } from '../storage/keys';
import { checkPseudonymKey } from '../storage/pseudonym-key-check';
import { connectRedis } from '../storage/redis-connection';
import { oldValues } from './old-values';
import { ROTATION_KINDS, rotateKeys } from './rotate-keys';

/** What `npm run rotate-key` is asked: the whole rotation, or (`--ids`) only the ids of the configured keys. */
export interface RotateKeyOptions {
  idsOnly?: boolean;
}

/**
 * `npm run rotate-key`: with Körpü's own configuration (the same environment as the bot: the
 * data keys, newest first, PSEUDONYM_KEY, REDIS_URL, REDIS_PREFIX), re-encrypts every stored
 * value with the newest key (see rotateKeys), then counts what is still under an older key
 * anywhere in Redis (see oldValues). Prints key ids and counts, never a value. Safe to run
 * beside a running Körpü, and again after a stop.
 *
 * Returns the exit code: 0 when every encrypted value is under the newest key (the older keys
 * may go, once PSEUDONYM_KEY is set where it needs to be), 1 otherwise.
 *
 * @example
 *   process.exitCode = await rotateKeyCommand(process.env, (line) => console.log(line));
 */
export async function rotateKeyCommand(source: Record<string, string | undefined>, print: (line: string) => void, o: RotateKeyOptions = {}): Promise<number> {
  const { env } = loadConfig(source);
  // Reads the keys Körpü uses, never makes one: in development without DATA_KEY, the key file
  // is Körpü's to create at its first start (a new key here would list, or rotate to, a key
  // that encrypts nothing).
  const keys = resolveDataKeys(env, process.cwd(), { create: false });
  const cipher = new FieldCipher({ dataKeys: keys.keys, ...(keys.pseudonymKey ? { pseudonymKey: keys.pseudonymKey } : {}) });
  print(`data keys, newest first: ${cipher.keyIds.join(', ')} (new values under ${cipher.currentKeyId})`);
  print(`pseudonyms from key ${cipher.pseudonymKeyId}${keys.pseudonymKey ? ' (PSEUDONYM_KEY)' : ' (the oldest data key: PSEUDONYM_KEY is not set)'}`);
  if (o.idsOnly) return 0;

  // The rotation works on the Redis Körpü uses, never on one started for it (a copy of the same file).
  const choice = await resolveRedis({ redisUrl: env.REDIS_URL, dataDir: env.DATA_DIR, sharedBy: 'rotate-key' });
  const redis = await connectRedis(choice.url);
  try {
    // The same guard as at start-up: a rotation with the wrong pseudonym key configured is a mistake about to happen.
    await checkPseudonymKey(redis, redisKeys(env.REDIS_PREFIX), cipher, { explicit: keys.pseudonymKey !== undefined, logger: silentLogger() });
    // A deployment upgraded but not started since: its keys get their tagged names first, as at start-up.
    await migrateKeyLayout(redis, redisKeys(env.REDIS_PREFIX));
    const report = await rotateKeys({ redis, prefix: env.REDIS_PREFIX, cipher });
    for (const kind of ROTATION_KINDS) {
      const c = report.counts[kind];
      print(`${kind.padEnd(16)} re-encrypted ${c.resealed}, already under ${cipher.currentKeyId} ${c.current}, changed meanwhile ${c.changed}, unreadable ${c.failed}`);
    }
    if (report.unknownPlaces) print(`values under an older key in places the rotation does not know: ${report.unknownPlaces} (left as they are)`);
    if (report.missingKeys.length) print(`values under keys that are not configured: ${report.missingKeys.join(', ')}: add those keys to DATA_KEYS (after the newest) and run again`);
    const left = await oldValues(redis, env.REDIS_PREFIX, cipher);
    if (left.total === 0) {
      print(`done: every encrypted value is under key ${cipher.currentKeyId}.`);
      const older = cipher.keyIds.slice(1);
      if (older.length) print(`keys ${older.join(', ')} may now be removed from the data keys${keys.pseudonymKey ? '' : `; first set PSEUDONYM_KEY to key ${cipher.pseudonymKeyId} (the oldest), or every conversation is lost`}.`);
      return 0;
    }
    const where = Object.entries(left.byFamily).map(([family, n]) => `${family}: ${n}`).join(', ');
    print(`still under an older key: ${left.total} (${where}); keep the older keys configured and run again (values changed by a running Körpü meanwhile are picked up then).`);
    return 1;
  } finally {
    await redis.quit().catch(() => redis.disconnect());
  }
}
