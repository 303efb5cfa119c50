import { isCluster, scanKeys } from './redis-client';
import type { Redis } from 'ioredis';
import type { Logger } from '../core/logger';
import { personCell, type RedisKeys } from './keys';

/** The key layout this release writes: 2 = hash-tagged families (keys.ts), 1 = before them. */
export const KEY_LAYOUT = '2';
const SCAN_COUNT = 500;

const cell = (id: string) => `{p${personCell(id)}}`;

/**
 * The name a key of the untagged layout (what follows the prefix) has in the tagged one, or
 * undefined when it keeps its name (tagged already, or a key used only alone). Pure, so each
 * family's move is tested on its own; `sim:` keys (the simulator's) move the same way.
 */
export function taggedName(rest: string): string | undefined {
  if (rest.startsWith('sim:')) {
    const inner = taggedName(rest.slice(4));
    return inner === undefined ? undefined : `sim:${inner}`;
  }
  if (rest.includes('{')) return undefined;
  const [family = '', ...parts] = rest.split(':');
  const tail = parts.join(':');
  switch (family) {
    case 'conv':
    case 'reply':
    case 'talk':
    case 'booking':
    case 'claim':
      return `${family}:${cell(tail)}:${tail}`;
    case 'case': {
      const code = parts[0]!;
      if (parts[1] === 'incidents') return `{inc}:case:${code}`;
      return `case:${cell(code)}:${tail}`;
    }
    case 'cases':
      return parts.length === 0 ? '{ix}:cases' : undefined;
    case 'ix':
      return `{ix}:${tail}`;
    case 'slot':
      return `slot:{o:${tail.slice(0, tail.indexOf('@'))}}:${tail}`;
    case 'bookings':
      return `bookings:{o:${parts.slice(0, -1).join(':')}}:${parts.at(-1)}`;
    case 'closures':
      return `closures:{o:${tail}}`;
    case 'effects':
      // The one stream of before moves whole (its group and pending entries with it) to cell 0.
      return parts.length === 0 ? 'effects:{p0}' : `effects:{p0}:${tail}`;
    case 'held':
    case 'calls':
    case 'call':
      return `${family}:{s:${tail}}`;
    case 'unreachable':
      return parts[0] === 'case' ? `unreachable:case:${cell(parts[1]!)}:${parts[1]}` : undefined;
    case 'incident':
      return `{inc}:incident:${tail}`;
    case 'incidents':
      return `{inc}:${rest}`;
    case 'caseworkers':
      return `{staff}:${rest}`;
    case 'limit':
      return `{lim}:${tail}`;
    case 'audit':
      return `{audit}:${tail}`;
    case 'bull':
      return `{bull}:${tail}`;
    case 'outbox':
      return parts[0] === 'sent' ? `{bull}:sent:${parts.slice(1).join(':')}` : undefined;
    case 'web':
      return parts[0] === 'rate' ? undefined : `{web}:${tail}`;
    default:
      return undefined;
  }
}

/**
 * Moves a deployment's keys from the untagged layout to the tagged one (hash tags, for Redis
 * Cluster: keys.ts), once: RENAMENX each key under the prefix whose name changed, then marks
 * the layout done. Runs at start-up before anything reads or writes, in every process (a
 * second one finds the keys moved). Stop the processes of the earlier release first: they
 * would go on writing the old names. Values are untouched, so nothing is decrypted or exposed.
 */
export async function migrateKeyLayout(redis: Redis, keys: Pick<RedisKeys, 'prefix' | 'keyLayout'>, logger?: Logger): Promise<number> {
  if ((await redis.get(keys.keyLayout())) === KEY_LAYOUT) return 0;
  // No release before this layout ran on a cluster, so a cluster holds no untagged keys (and
  // RENAME could not move a key to another slot anyway).
  if (isCluster(redis)) {
    await redis.set(keys.keyLayout(), KEY_LAYOUT);
    return 0;
  }
  const prefix = keys.prefix;
  const match = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
  let moved = 0;
  await scanKeys(redis, match, async (found) => {
    for (const key of found) {
      const to = taggedName(key.slice(prefix.length));
      if (to === undefined) continue;
      try {
        if ((await redis.renamenx(key, `${prefix}${to}`)) === 1) moved++;
        else logger?.warn({ family: to.split(':')[0] }, 'key layout: a key exists under both names; the tagged one is kept');
      } catch (e) {
        // Moved meanwhile by another process starting at the same time.
        if (!/no such key/i.test((e as Error).message)) throw e;
      }
    }
  }, { count: SCAN_COUNT });
  await redis.set(keys.keyLayout(), KEY_LAYOUT);
  if (moved > 0) logger?.info({ moved }, 'key layout: keys moved to their hash-tagged names');
  return moved;
}
