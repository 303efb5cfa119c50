import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort, startRedisServer, type RedisServerProcess } from './redis-server-process';

/** A Redis Cluster of local redis-server processes this program started (`npm run test:cluster`). */
export interface RedisClusterProcess {
  /** The nodes as Körpü's REDIS_URL lists them: `redis://127.0.0.1:p1,redis://127.0.0.1:p2,…` */
  url: string;
  nodes: RedisServerProcess[];
  stop(): Promise<void>;
}

export interface StartRedisClusterOptions {
  /** Folder for the nodes' files, one sub-folder each. */
  dir: string;
  /** Masters (no replicas); the 16,384 hash slots are split evenly between them. */
  masters?: number;
}

const SLOTS = 16384;

/**
 * Starts `masters` redis-server processes in cluster mode on free local ports (each with a free
 * cluster-bus port of its own, `cluster-port`, Redis 7), gives each an even share of the hash
 * slots, introduces them to each other and waits until every node says `cluster_state:ok`.
 * Done with plain commands (CLUSTER ADDSLOTSRANGE, CLUSTER MEET) so it needs no redis-cli.
 */
export async function startRedisCluster(opts: StartRedisClusterOptions): Promise<RedisClusterProcess> {
  const masters = opts.masters ?? 3;
  const nodes: RedisServerProcess[] = [];
  const buses: number[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(nodes.map((n) => n.stop()));
  };
  try {
    for (let i = 0; i < masters; i++) {
      const bus = await freePort();
      buses.push(bus);
      nodes.push(await startRedisServer({
        dir: join(opts.dir, `node-${i}`),
        persist: false,
        extraArgs: ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-port', String(bus), '--cluster-node-timeout', '5000'],
      }));
    }
    const clients = nodes.map((n) => new Redis(n.url, { lazyConnect: true, maxRetriesPerRequest: 1 }));
    try {
      for (const [i, c] of clients.entries()) {
        const from = Math.floor((SLOTS * i) / masters);
        const to = Math.floor((SLOTS * (i + 1)) / masters) - 1;
        await c.call('CLUSTER', 'ADDSLOTSRANGE', String(from), String(to));
      }
      // (the bus port named: it is not the default port + 10,000)
      for (let i = 1; i < masters; i++) await clients[0]!.call('CLUSTER', 'MEET', '127.0.0.1', String(nodes[i]!.port), String(buses[i]));
      const deadline = Date.now() + 20_000;
      for (;;) {
        const infos = await Promise.all(clients.map((c) => c.call('CLUSTER', 'INFO') as Promise<string>));
        if (infos.every((i) => i.includes('cluster_state:ok') && i.includes(`cluster_known_nodes:${masters}`))) break;
        if (Date.now() > deadline) throw new Error(`the local Redis Cluster did not become ready within 20 s: ${infos.map((i) => /cluster_state:\w+/.exec(i)?.[0]).join(', ')}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      clients.forEach((c) => c.disconnect());
    }
  } catch (e) {
    await stop();
    throw e;
  }
  return { url: nodes.map((n) => n.url).join(','), nodes, stop };
}
