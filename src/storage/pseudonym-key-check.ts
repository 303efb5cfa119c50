import type { Redis } from 'ioredis';
import { ConfigError } from '../core/errors';
import type { Logger } from '../core/logger';
import type { FieldCipher } from './field-cipher';
import type { RedisKeys } from './keys';

/**
 * Refuses to start with another pseudonym key than the one this deployment's data was made
 * with. Conversations, talks and send limits are keyed by pseudonyms of chat ids; a different
 * key (say, the oldest DATA_KEY removed after a rotation, without PSEUDONYM_KEY set) would
 * silently give every person a new, empty conversation. The first start records the key's id
 * (an id reveals nothing of the key); every later start compares.
 *
 * @example
 *   await checkPseudonymKey(redis, keys, cipher, { explicit: Boolean(env.PSEUDONYM_KEY), logger });
 * @throws ConfigError naming the key id the data needs, and how to give it
 */
export async function checkPseudonymKey(
  redis: Pick<Redis, 'set' | 'get'>,
  keys: Pick<RedisKeys, 'pseudonymKeyId'>,
  cipher: Pick<FieldCipher, 'pseudonymKeyId' | 'keyIds'>,
  o: { explicit: boolean; logger: Logger },
): Promise<void> {
  const mine = cipher.pseudonymKeyId;
  const recorded = (await redis.set(keys.pseudonymKeyId(), mine, 'NX')) === 'OK' ? mine : await redis.get(keys.pseudonymKeyId());
  if (recorded === null || recorded === mine) {
    // Several data keys and pseudonyms from the oldest: removing that key later would need PSEUDONYM_KEY.
    if (!o.explicit && cipher.keyIds.length > 1) o.logger.warn({ pseudonyms: mine }, `pseudonyms come from the oldest data key (${mine}): set PSEUDONYM_KEY to that key before removing it from the data keys`);
    return;
  }
  const how = o.explicit ? 'PSEUDONYM_KEY is set to another key' : `PSEUDONYM_KEY is not set, so they would come from the oldest data key, ${mine}`;
  throw new ConfigError(
    `PSEUDONYM_KEY: this Redis's conversations are keyed by pseudonyms made with key ${recorded}, but ${how}: every person would lose their conversation. Set PSEUDONYM_KEY to the key whose id is ${recorded} (the first DATA_KEY this deployment used; npm run rotate-key -- --ids prints the ids of the configured keys), or, for development data you can lose, use another REDIS_PREFIX`,
  );
}
