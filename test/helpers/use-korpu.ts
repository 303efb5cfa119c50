import type { User } from 'grammy/types';
import type { Redis } from 'ioredis';
import type { KorpuCore } from '../../src/app';
import type { Role } from '../../src/caseworkers/roster';
import type { KorpuBot } from '../../src/channels/telegram';
import type { Lang } from '../../src/core/lang';
import { FakeBotApi } from './fake-bot-api';
import { startTestKorpu, type TestKorpu, type TestKorpuOptions } from './korpu';
import { dropPrefix, testRedis } from './redis';

/** What {@link useTestKorpu} starts Körpü with: {@link TestKorpuOptions} but the fake Bot API, which it starts itself. */
export interface UseTestKorpuOptions extends Omit<TestKorpuOptions, 'api'> {
  /**
   * Runs first in the fixture's afterAll, before Körpü stops and `redis` quits: closes what the
   * file opened on them (a BullMQ Queue on `redis`, a browser on Körpü's HTTP). It also runs when
   * the beforeAll failed half way, so it must cope with what was never opened (`queue?.close()`).
   */
  beforeStop?: () => unknown;
}

/** Körpü, started, and what a test reaches it through. Every field is set in the fixture's beforeAll. */
export interface KorpuFixture {
  /** The fake Bot API Körpü talks to as Telegram. */
  api: FakeBotApi;
  /** A client of the test's own on the suite's Redis (for looking at keys); the fixture closes it. */
  redis: Redis;
  korpu: TestKorpu;
  /** `korpu.core`. */
  core: KorpuCore;
  /** `korpu.prefix`: every key of this Körpü starts with it. */
  prefix: string;
  /** `korpu.bot!`: updates go in with `bot.handleUpdate(update)`. */
  bot: KorpuBot;
}

/**
 * The set-up and tear-down of an end-to-end test, registered with jest: a `beforeAll` starts the
 * fake Bot API, a Redis client and Körpü ({@link startTestKorpu}: as main.ts builds it, the
 * outbox and workers running, HTTP not listening until `korpu.start()`); an `afterAll` stops
 * Körpü, drops its keys, closes the client and the fake Bot API.
 *
 *   describe('…', () => {
 *     const e2e = useTestKorpu({ env: { CASEWORKER_CHAT_ID: String(CASEWORKERS) } });
 *     let worker: User;
 *     beforeAll(async () => ({ user: worker } = await addStaff(e2e, { name: 'Nigar', firstName: 'Nigar', lang: 'az', langs: ['az'] })));
 *     it('…', async () => { await e2e.bot.handleUpdate(e2e.api.updates.command(person, '/start')); await e2e.korpu.settled(); });
 *   });
 *
 * Call it at the top of a `describe` (or of the file). The fields of what it returns are set by
 * its beforeAll: read them inside tests and hooks; read while the describe block is defined,
 * they throw. Options computed in the file (a clock, offices, a logger) are passed as they are;
 * options that an earlier `beforeAll` computes are passed as a function, called in the fixture's
 * beforeAll.
 *
 * Order: jest runs `beforeAll` hooks, and `afterAll` hooks too, in the order they are registered.
 * So the file's own set-up (rosters, queues, spies) goes in a `beforeAll` registered after this
 * call, and finds Körpü started; the fixture's `afterAll` comes before any the file registers
 * after it, so what must be closed before Körpü stops goes in `beforeStop`, not in an `afterAll`.
 */
export function useTestKorpu(options: UseTestKorpuOptions | (() => UseTestKorpuOptions) = {}): KorpuFixture {
  const parts: Partial<KorpuFixture> = {};
  let beforeStop: (() => unknown) | undefined;

  beforeAll(async () => {
    const { beforeStop: hook, ...o } = typeof options === 'function' ? options() : options;
    beforeStop = hook;
    parts.api = await FakeBotApi.start();
    parts.redis = testRedis();
    const korpu = await startTestKorpu({ ...o, api: parts.api });
    Object.assign(parts, { korpu, core: korpu.core, prefix: korpu.prefix, bot: korpu.bot! });
  });

  afterAll(async () => {
    // Each step only if its part was made: after a failed beforeAll, its own error is the one to see.
    const { api, redis, korpu } = parts;
    await beforeStop?.();
    await korpu?.stop();
    if (redis && korpu) await dropPrefix(redis, korpu.prefix);
    await redis?.quit();
    await api?.close();
  });

  const read = <K extends keyof KorpuFixture>(name: K): KorpuFixture[K] => {
    const value = parts[name];
    if (value === undefined) throw new Error(`useTestKorpu: ${name} is set in its beforeAll; read it inside a test or hook, not while the describe block is defined`);
    return value as KorpuFixture[K];
  };
  return {
    get api() { return read('api'); },
    get redis() { return read('redis'); },
    get korpu() { return read('korpu'); },
    get core() { return read('core'); },
    get prefix() { return read('prefix'); },
    get bot() { return read('bot'); },
  };
}

/** A member of staff for {@link addStaff}: who they are on the roster and as a Telegram user. */
export interface StaffOptions {
  /** Their Telegram id; a fresh one of the fake Bot API by default. */
  id?: number;
  /** The name on the roster. */
  name: string;
  /** The first name of their Telegram account. */
  firstName: string;
  /** Their Telegram app's language (`language_code`). */
  lang: string;
  /** The languages they speak, on the roster. */
  langs: Lang[];
  /** `baku` by default. */
  office?: string;
  /** `caseworker` by default. */
  role?: Role;
  /** Now by default (a test on a stopped clock passes its own now). */
  addedAt?: Date;
}

/**
 * Puts a member of staff on Körpü's roster (added by the admin 1) and returns the Telegram user
 * they write to the bot as, with the staff id the roster gave them (what claims and kept talk
 * messages name).
 */
export async function addStaff(e2e: KorpuFixture, o: StaffOptions): Promise<{ user: User; staffId: string }> {
  const user = e2e.api.updates.user({ ...(o.id === undefined ? {} : { id: o.id }), first_name: o.firstName, language_code: o.lang });
  const { worker } = await e2e.korpu.roster.save({ telegramId: user.id, name: o.name, langs: o.langs, office: o.office ?? 'baku', role: o.role ?? 'caseworker', addedAt: o.addedAt ?? new Date(), addedBy: 1 });
  return { user, staffId: worker.staffId };
}
