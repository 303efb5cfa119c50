import type { Redis } from 'ioredis';
import { openEntry, type EffectEntry, type EffectHandler } from '../core/effect-entry';
import { UnknownKeyError } from '../core/errors';
import type { Logger } from '../core/logger';
import { ALL_PERSON_CELLS, type RedisKeys } from './keys';
import { duplicateClient, isCluster } from './redis-client';

/** One blocking read of the consumer: its cells, their streams (in the same order), its connection. */
interface Reader {
  cells: readonly number[];
  streams: string[];
  connection: Redis;
  /** When it last took over its cells' stale entries (ms). */
  lastClaim: number;
}

/** The consumer group of the effect handlers (one group: every entry is performed once by someone). */
export const EFFECT_GROUP = 'handlers';

/** Options of {@link EffectStream}. */
export interface EffectStreamOptions {
  /** Opens sealed entries (the core's field cipher). */
  cipher: { decrypt(token: string, aad: string): string };
  /** This process's name in the group (unique per process: its pending entries are its own). */
  consumer: string;
  logger: Logger;
  /** An entry a consumer took and has not acknowledged for this long is taken over (its process died). Default 30 s. */
  claimAfterMs?: number;
  /** How long one read waits for new entries; also how often a stopped loop notices. Default 2 s. */
  blockMs?: number;
  /** Entries read at once (those of different conversations are performed at the same time). Default 64. */
  batch?: number;
  /** Tries of an entry whose handler keeps failing before it is set aside in the dead-letter stream. Default 10. */
  maxAttempts?: number;
}

/**
 * Performs the effects committed with the conversation steps, from the Redis streams the commit
 * script appends them to (one per person cell, {@link RedisKeys.effects}: the stream shares the
 * slot of the conversations it serves), through one consumer group each: every entry
 * is handled by one process, at least once. An entry is acknowledged and deleted only after its
 * handler succeeded; a handler that throws leaves it pending, and entries pending longer than
 * `claimAfterMs` (a process died holding them, or the handler failed) are claimed again by any
 * running process. Handlers are idempotent by the entry's id, so a second run changes nothing.
 * An entry that fails `maxAttempts` times is moved to its cell's `<effects>:dead` and logged as an error.
 *
 * Reads block, so they get connections of their own (duplicates of the one given).
 *
 * @example
 *   const stream = new EffectStream(redis, keys, (entry) => handlers.run(entry), { consumer: PROCESS_ID, logger });
 *   await stream.start();
 *   // … at shutdown
 *   await stream.stop();
 */
export class EffectStream {
  /**
   * The blocking reads, each on a connection of its own: one over every cell's stream on a
   * single Redis; one per cell on a cluster, where one command's keys must share a slot.
   */
  private readonly readers: Reader[];
  private readonly claimAfterMs: number;
  private readonly blockMs: number;
  private readonly batch: number;
  private readonly maxAttempts: number;
  private running = false;
  private loops: Promise<void>[] = [];
  private busy = 0;
  /** Every person cell's stream is read (each process takes entries of all of them). */
  private readonly cells = ALL_PERSON_CELLS;

  constructor(
    private readonly redis: Redis,
    private readonly keys: Pick<RedisKeys, 'effects' | 'effectAttempts' | 'deadEffects'>,
    private readonly handle: EffectHandler,
    private readonly o: EffectStreamOptions,
  ) {
    this.claimAfterMs = o.claimAfterMs ?? 30_000;
    this.blockMs = o.blockMs ?? 2_000;
    this.batch = o.batch ?? 64;
    this.maxAttempts = o.maxAttempts ?? 10;
    const groups = isCluster(redis) ? this.cells.map((c) => [c]) : [this.cells];
    this.readers = groups.map((cells) => {
      const connection = duplicateClient(redis, { enableAutoPipelining: false, maxRetriesPerRequest: null });
      // The reader's connection errors surface as failed reads, logged by the loop.
      connection.on('error', () => undefined);
      return { cells, streams: cells.map((c) => keys.effects(c)), connection, lastClaim: 0 };
    });
    // The stream lives as long as the connection it was given: closing that one stops it too.
    redis.once('end', () => void this.stop());
  }

  /** Creates the group if needed and starts consuming. */
  async start(): Promise<void> {
    if (this.running) return;
    await this.ensureGroup();
    this.running = true;
    this.loops = this.readers.map((reader) => this.run(reader).catch((err: Error) => this.o.logger.fatal({ err: { name: err.name, message: err.message } }, 'effects: the consumer loop stopped')));
  }

  /** Stops reading, lets the entry in hand finish, closes the reader's connection. */
  async stop(): Promise<void> {
    const disconnect = () => this.readers.forEach((r) => r.connection.disconnect());
    if (!this.running) return disconnect();
    this.running = false;
    // A blocked XREADGROUP returns within blockMs; disconnecting ends it at once.
    disconnect();
    await Promise.all(this.loops);
  }

  /**
   * Resolves once every entry appended so far has been performed (the stream is empty) and no
   * handler is running: for tests, and for a shutdown that wants its effects done.
   * @throws Error when that has not happened within `timeoutMs`.
   */
  async idle(timeoutMs = 10_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      if (this.busy === 0 && (await this.waiting()) === 0 && this.busy === 0) return;
      if (Date.now() > until) throw new Error(`effects: still ${await this.waiting()} entries unperformed after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  /** Entries in this consumer's streams, performed or not yet. */
  private async waiting(): Promise<number> {
    const lengths = await Promise.all(this.cells.map((c) => this.redis.xlen(this.keys.effects(c))));
    return lengths.reduce((a, b) => a + b, 0);
  }

  private async ensureGroup(): Promise<void> {
    for (const stream of this.cells.map((c) => this.keys.effects(c))) {
      try {
        await this.redis.xgroup('CREATE', stream, EFFECT_GROUP, '0', 'MKSTREAM');
      } catch (e) {
        if (!/BUSYGROUP/.test((e as Error).message)) throw e;
      }
    }
  }

  private async run(reader: Reader): Promise<void> {
    let failing = false;
    while (this.running) {
      try {
        if (Date.now() - reader.lastClaim >= this.claimAfterMs / 2) await this.claimStale(reader);
        const read = (await reader.connection.xreadgroup('GROUP', EFFECT_GROUP, this.o.consumer, 'COUNT', this.batch, 'BLOCK', this.blockMs, 'STREAMS', ...reader.streams, ...reader.streams.map(() => '>'))) as [string, [string, string[]][]][] | null;
        failing = false;
        for (const [stream, entries] of read ?? []) await this.performBatch(reader.cells[reader.streams.indexOf(stream)]!, entries);
      } catch (e) {
        if (!this.running) return;
        const err = e as Error;
        if (/NOGROUP/.test(err.message)) await this.ensureGroup().catch(() => undefined);
        if (!failing) this.o.logger.warn({ err: { name: err.name, message: err.message } }, 'effects: reading the stream failed; retrying');
        failing = true;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  /** Takes over entries left pending too long by a dead process (or a failed handler). */
  private async claimStale(reader: Reader): Promise<void> {
    reader.lastClaim = Date.now();
    for (const cell of reader.cells) {
      let cursor = '0-0';
      do {
        const [next, entries] = (await this.redis.xautoclaim(this.keys.effects(cell), EFFECT_GROUP, this.o.consumer, this.claimAfterMs, cursor, 'COUNT', this.batch)) as [string, [string, string[] | null][]];
        await this.performBatch(cell, entries.filter((e): e is [string, string[]] => e[1] !== null));
        cursor = next;
      } while (cursor !== '0-0' && this.running);
    }
  }


  /**
   * Runs a batch: the entries of different conversations at once, those of one conversation in
   * their order (a booking made then cancelled must schedule, then remove, its reminders). The
   * entries done are acknowledged and deleted together at the end, in one transaction (one
   * round trip for the batch rather than one per entry: under load the consumer otherwise
   * spends more on its acknowledgements than on some of the effects).
   */
  private async performBatch(cell: number, entries: [string, string[]][]): Promise<void> {
    if (entries.length === 0) return;
    this.busy++;
    try {
      const lines = new Map<string, { sid: string; fields: string[]; entry: EffectEntry | UnknownKeyError | undefined }[]>();
      for (const [sid, fields] of entries) {
        const entry = parseEntry(this.o.cipher, fields);
        const line = (entry instanceof UnknownKeyError ? undefined : entry?.conversationId) ?? '';
        let list = lines.get(line);
        if (!list) lines.set(line, (list = []));
        list.push({ sid, fields, entry });
      }
      const done: string[] = [];
      await Promise.all(
        [...lines.values()].map(async (line) => {
          for (const { sid, fields, entry } of line) if (await this.perform(cell, sid, fields, entry)) done.push(sid);
        }),
      );
      await this.done(cell, done);
    } finally {
      this.busy--;
    }
  }

  /**
   * Runs one entry's handler; true when the entry is finished with (performed, or it can never
   * be: unparseable, or given up and set aside in the dead-letter stream), false when it stays
   * pending to be tried again.
   */
  private async perform(cell: number, sid: string, fields: string[], entry: EffectEntry | UnknownKeyError | undefined): Promise<boolean> {
    if (entry instanceof UnknownKeyError) {
      // Sealed under a key no longer configured: set aside whole (not dropped), said loudly.
      this.o.logger.error({ entry: sid, keyId: entry.keyId }, `effects: an entry sealed under key ${entry.keyId}, which is not configured, is kept in the dead-letter stream`);
      await this.redis.xadd(this.keys.deadEffects(cell), '*', ...fields);
      return true;
    }
    if (!entry) {
      this.o.logger.error({ entry: sid }, 'effects: an entry that does not parse was dropped');
      return true;
    }
    try {
      await this.handle(entry);
      return true;
    } catch (e) {
      const err = e as Error;
      const log = { effect: entry.id, kind: entry.kind, ...(entry.kind === 'effect' ? { type: entry.effect.type, case: entry.effect.caseCode } : {}), err: { name: err.name, message: err.message } };
      const attempts = await this.redis.hincrby(this.keys.effectAttempts(cell), sid, 1);
      if (attempts >= this.maxAttempts) {
        this.o.logger.error(log, `effects: given up after ${attempts} attempts; kept in the dead-letter stream`);
        await this.redis.xadd(this.keys.deadEffects(cell), '*', ...fields);
        return true;
      }
      this.o.logger.warn(log, 'effects: a handler failed; the entry will be tried again');
      return false;
    }
  }

  /** Acknowledges and deletes finished entries (and forgets their failed attempts), in one transaction. */
  private async done(cell: number, sids: string[]): Promise<void> {
    if (sids.length === 0) return;
    const key = this.keys.effects(cell);
    await this.redis.multi().xack(key, EFFECT_GROUP, ...sids).xdel(key, ...sids).hdel(this.keys.effectAttempts(cell), ...sids).exec();
  }
}

/** An entry's `e` field, opened and parsed; undefined when it is not an entry of ours. */
function parseEntry(cipher: EffectStreamOptions['cipher'], fields: string[]): EffectEntry | UnknownKeyError | undefined {
  const at = fields.indexOf('e');
  if (at < 0 || at % 2 !== 0) return undefined;
  try {
    return openEntry(cipher, fields[at + 1]!);
  } catch (e) {
    if (e instanceof UnknownKeyError) return e;
    throw e;
  }
}
