import { Cluster, Redis, type RedisOptions } from 'ioredis';
import { KEY_COUNT_FIRST_COMMANDS } from './lua/scripts';

/**
 * One place that knows whether Körpü talks to one Redis or to a Redis Cluster (issue 13).
 * A cluster client is handed around as the `Redis` the stores are written against: every
 * command, script (defineCommand) and transaction Körpü sends is one a cluster client routes
 * by its keys' hash slot (keys.ts gives the keys one call touches one slot). What a cluster
 * does differently is done here: duplicating a connection, and visiting every key (SCAN runs
 * on each master).
 */

/** A REDIS_URL that lists several nodes, `redis://10.0.0.1:7000,redis://10.0.0.2:7001`: a cluster. */
export function listsClusterNodes(url: string): boolean {
  return url.includes(',');
}

/** The nodes of a REDIS_URL (one or more, comma-separated) as ioredis's cluster wants them. */
export function clusterNodes(url: string): { host: string; port: number }[] {
  return url.split(',').map((u) => {
    const { hostname, port } = new URL(u.trim());
    return { host: hostname || '127.0.0.1', port: Number(port || 6379) };
  });
}

/** Whether `redis` is a cluster client. */
export function isCluster(redis: Redis): boolean {
  return (redis as unknown) instanceof Cluster;
}

/**
 * A client on `url` with `options`: a cluster client when `cluster` is true (REDIS_CLUSTER=1 or
 * a REDIS_URL listing several nodes; the nodes' user, password and TLS from the first URL),
 * else a plain one. Auto-pipelining, reconnection and lazy connection apply to either.
 */
export function createRedisClient(url: string, options: RedisOptions, cluster: boolean): Redis {
  if (!cluster) return new Redis(url, options);
  const first = new URL(url.split(',')[0]!.trim());
  const { enableAutoPipelining, lazyConnect, retryStrategy, ...perNode } = options;
  const client = new Cluster(clusterNodes(url), {
    ...(enableAutoPipelining === undefined ? {} : { enableAutoPipelining }),
    autoPipeliningIgnoredCommands: [...KEY_COUNT_FIRST_COMMANDS],
    ...(lazyConnect === undefined ? {} : { lazyConnect }),
    ...(retryStrategy ? { clusterRetryStrategy: (times: number) => retryStrategy(times) ?? null } : {}),
    redisOptions: {
      ...perNode,
      ...(first.username ? { username: decodeURIComponent(first.username) } : {}),
      ...(first.password ? { password: decodeURIComponent(first.password) } : {}),
      ...(first.protocol === 'rediss:' ? { tls: {} } : {}),
    },
  });
  return client as unknown as Redis;
}

/** The servers holding keys: a cluster's masters, or the one Redis (for SCAN, INFO, a count over all of them). */
export function masterNodes(redis: Redis): Redis[] {
  return isCluster(redis) ? ((redis as unknown as Cluster).nodes('master') as Redis[]) : [redis];
}

/** A second connection like `redis` (its own socket, for blocking reads), with `overrides`. */
export function duplicateClient(redis: Redis, overrides: RedisOptions): Redis {
  if (!isCluster(redis)) return redis.duplicate(overrides);
  const cluster = redis as unknown as Cluster;
  const { enableAutoPipelining, ...perNode } = overrides;
  return cluster.duplicate(undefined, {
    ...(enableAutoPipelining === undefined ? {} : { enableAutoPipelining }),
    redisOptions: { ...cluster.options.redisOptions, ...perNode },
  }) as unknown as Redis;
}

/**
 * Calls `each` with every batch of keys matching `match` (SCAN), on every master of a cluster.
 * Keys renamed or deleted meanwhile may be missed or seen twice, as SCAN allows.
 */
export async function scanKeys(redis: Redis, match: string, each: (keys: string[]) => Promise<void>, o: { count?: number; type?: string } = {}): Promise<void> {
  for (const node of masterNodes(redis)) {
    let cursor = '0';
    do {
      const [next, found] = o.type
        ? await node.scan(cursor, 'MATCH', match, 'COUNT', o.count ?? 500, 'TYPE', o.type)
        : await node.scan(cursor, 'MATCH', match, 'COUNT', o.count ?? 500);
      cursor = next;
      if (found.length) await each(found);
    } while (cursor !== '0');
  }
}
