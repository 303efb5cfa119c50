import { randomBytes } from 'node:crypto';
import { redisKeys } from '../storage/keys';
import { redisScripts, type Scripts } from '../storage/lua/scripts';
import { readStored } from '../storage/stored-json';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { KorpuError } from '../core/errors';
import { LangSchema } from '../core/lang';

/** Staff roles, from least to most rights (see guard.ts for what each may do). */
export const ROLES = ['caseworker', 'supervisor', 'admin'] as const;
export const RoleSchema = z.enum(ROLES);
export type Role = z.infer<typeof RoleSchema>;

/** A Telegram user id: a positive integer below 2^53 (Telegram promises at most 52 bits). */
export const TelegramIdSchema = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/**
 * A member of staff on the roster: known to the desk by their staff id, to the Telegram channel
 * by their Telegram user id (the channel resolves `ctx.from.id` to the entry, and writes to
 * them there). `name` is personal data of staff: it is shown to admins in `/roster` but never
 * logged. `office` is an office id of the
 * offices config (checked by whoever adds the worker; the store does not know the offices).
 */
export const CaseWorkerSchema = z.object({
  /**
   * The member's staff id (see core/staff.ts): opaque, assigned by the roster, and what claims,
   * attendance and talk records name. Never changes for a Telegram account, even when it is
   * removed from the roster and added again.
   */
  staffId: z.string().min(1).max(64),
  telegramId: TelegramIdSchema,
  name: z.string().trim().min(1).max(100),
  /** Languages the worker speaks, the one they want the bot to use with them first. */
  langs: z.array(LangSchema).min(1),
  office: z.string().regex(/^[a-z0-9_]+$/),
  role: RoleSchema,
  addedAt: z.coerce.date(),
  /** Telegram user id of the admin who added (or last changed) the entry. */
  addedBy: TelegramIdSchema,
});
export type CaseWorker = z.infer<typeof CaseWorkerSchema>;

/** An entry to save: the roster assigns (or keeps) the staff id. */
export type NewCaseWorker = Omit<CaseWorker, 'staffId'>;

/**
 * The staff id of a Telegram account that got none from the roster: entries written before
 * staff ids existed, and ADMIN_TELEGRAM_IDS admins without an entry. It is the account's id as
 * text, which is exactly what claims and attendance records of those releases hold, so they
 * keep naming the same person.
 */
const legacyStaffId = (telegramId: number): string => String(telegramId);

/** A new opaque staff id: `s-` and 16 hex digits (64 random bits). */
const newStaffId = (): string => `s-${randomBytes(8).toString('hex')}`;

/**
 * Who someone is to the bot: their role, and their roster entry when they have one. An admin
 * from ADMIN_TELEGRAM_IDS is a member even without an entry (`worker` undefined); with an
 * entry, they are an admin whatever role the entry says.
 */
export interface StaffMember {
  /** Their staff id: the desk knows them by it (`{ staffId }` is their StaffRef). */
  staffId: string;
  telegramId: number;
  role: Role;
  worker?: CaseWorker;
  /** Listed in ADMIN_TELEGRAM_IDS. */
  bootstrapAdmin: boolean;
}

/**
 * What someone taken off the roster is told on their next message to the bot, once, in the
 * first language of their entry: that they are no longer on the roster, the phone call of theirs
 * that was closed (and its case, where its answers stay), the cases given back to the group.
 */
export const LeavingNoticeSchema = z.object({
  lang: LangSchema,
  call: z.object({ n: z.number().int().positive(), caseCode: z.string().optional() }).optional(),
  released: z.array(z.string()).default([]),
});
export type LeavingNotice = z.infer<typeof LeavingNoticeSchema>;

/** A roster entry in Redis does not match the schema (written by hand or by an older version). */
export class RosterRecordError extends KorpuError {
  override name = 'RosterRecordError';
}

/** How long {@link RosterStore.mayBeStaff} trusts its copy of the roster's accounts. */
export const STAFF_CACHE_MS = 5_000;

/** Options of {@link RosterStore}. */
export interface RosterStoreOptions {
  /** ADMIN_TELEGRAM_IDS: admins even when not on the roster. */
  admins?: readonly number[];
}


/**
 * The case-worker roster on Redis: one HASH `<prefix>caseworkers`, field = Telegram user id,
 * value = the entry as JSON, and one HASH `<prefix>caseworkers:ids`, Telegram user id → staff
 * id, written once per account and never deleted (so someone removed and added again keeps
 * their staff id, and what they did before still names them). The roster is small (dozens of
 * people), so listing and finding by staff id read the whole hash and filter in memory; every
 * write is one command or one script, atomic on its own.
 *
 * Entries written before staff ids existed (no `staffId`) stay readable: their staff id is the
 * Telegram id as text (the value claims of that time hold), and saving them records it.
 *
 * @example
 *   const roster = new RosterStore(redis, 'korpu:', { admins: env.ADMIN_TELEGRAM_IDS });
 *   await roster.put({ telegramId: 123456789, name: 'Aysel', langs: ['az', 'ru'], office: 'baku',
 *     role: 'caseworker', addedAt: new Date(), addedBy: 111 });
 *   const me = await roster.member(123456789); // { role: 'caseworker', worker: {…}, … }
 */
export class RosterStore {
  /** The roster HASH. */
  readonly key: string;
  /** The HASH Telegram id → staff id. */
  readonly idsKey: string;
  /** The HASH Telegram id → what to tell them, for members taken off the roster (see noteLeaving). */
  readonly leftKey: string;
  private readonly admins: ReadonlySet<number>;
  /** The roster's Telegram accounts as this process last read them (see mayBeStaff). */
  private accounts: { at: number; ids: Promise<Set<string>>; read?: Set<string> } | undefined;
  private readonly redis: Redis;
  private readonly scripts: Scripts;

  constructor(redis: Redis, prefix: string, opts: RosterStoreOptions = {}) {
    this.key = redisKeys(prefix).caseworkers();
    this.idsKey = redisKeys(prefix).caseworkerIds();
    this.leftKey = redisKeys(prefix).caseworkersLeft();
    this.admins = new Set(opts.admins ?? []);
    this.redis = redis;
    this.scripts = redisScripts(redis);
  }

  /** The ids from ADMIN_TELEGRAM_IDS, in ascending order. */
  bootstrapAdmins(): number[] {
    return [...this.admins].sort((a, b) => a - b);
  }

  /** The roster entry of a Telegram user, if any. */
  async get(telegramId: number): Promise<CaseWorker | undefined> {
    const json = await this.redis.hget(this.key, String(telegramId));
    return json === null ? undefined : parseEntry(String(telegramId), json);
  }

  /** Adds or replaces an entry; `true` when it is new. See {@link save}. */
  async put(worker: NewCaseWorker | CaseWorker): Promise<boolean> {
    return (await this.save(worker)).created;
  }

  /**
   * Adds or replaces an entry, atomically, and says with which staff id: the account's own if
   * it ever had one (a `staffId` given here is ignored), else a new one (an ADMIN_TELEGRAM_IDS
   * admin keeps the legacy id they acted under).
   */
  async save(worker: NewCaseWorker | CaseWorker): Promise<{ created: boolean; worker: CaseWorker }> {
    const [created, saved] = await this.write(worker, false);
    return { created: created === 1, worker: saved };
  }

  /**
   * Adds an entry only if the account has none, atomically (two admins adding the same account
   * at once: one adds it). `existing`: the entry already there, left as it is.
   */
  async add(worker: NewCaseWorker): Promise<{ created: true; worker: CaseWorker } | { created: false; existing: CaseWorker }> {
    const [created, saved] = await this.write(worker, true);
    if (created === 1) return { created: true, worker: saved };
    const existing = await this.get(worker.telegramId);
    // Removed between the two reads: the caller may try again.
    if (!existing) return this.add(worker);
    return { created: false, existing };
  }

  private async write(worker: NewCaseWorker | CaseWorker, onlyNew: boolean): Promise<[number, CaseWorker]> {
    this.accounts = undefined;
    const { staffId: _ignored, ...rest } = worker as CaseWorker;
    const valid = CaseWorkerSchema.omit({ staffId: true }).parse(rest);
    const id = String(valid.telegramId);
    const fresh = this.admins.has(valid.telegramId) ? legacyStaffId(valid.telegramId) : newStaffId();
    const [created, staffId] = await this.scripts.putStaff({ roster: this.key, ids: this.idsKey }, { telegramId: id, json: JSON.stringify(valid), newId: fresh, onlyNew });
    // On the roster again: nothing is left to tell them about leaving it.
    if (Number(created) === 1 || !onlyNew) await this.redis.hdel(this.leftKey, id);
    return [Number(created), { staffId, ...valid }];
  }

  /** The ADMIN_TELEGRAM_IDS admins who have no roster entry, as members, in ascending id order. */
  async adminsWithoutEntry(): Promise<StaffMember[]> {
    const listed = new Set((await this.list()).map((w) => w.telegramId));
    return this.bootstrapAdmins().flatMap((id) => (listed.has(id) ? [] : [this.memberOf(id, undefined)!]));
  }

  /** Removes the entry of a staff id; `true` when there was one. Their staff id stays theirs. */
  async removeStaff(staffId: string): Promise<boolean> {
    const worker = (await this.list()).find((w) => w.staffId === staffId);
    return worker ? this.remove(worker.telegramId) : false;
  }

  /** Removes an entry; `true` when there was one. Bootstrap admins stay admins regardless. */
  async remove(telegramId: number): Promise<boolean> {
    this.accounts = undefined;
    return (await this.redis.hdel(this.key, String(telegramId))) === 1;
  }

  /**
   * Keeps what to tell a member taken off the roster on their next message ({@link takeLeavingNotice});
   * a newer notice replaces an older one.
   */
  async noteLeaving(telegramId: number, notice: LeavingNotice): Promise<void> {
    this.accounts = undefined;
    await this.redis.hset(this.leftKey, String(telegramId), JSON.stringify(LeavingNoticeSchema.parse(notice)));
  }

  /**
   * What to tell someone taken off the roster, once: read and removed in one transaction, so
   * that of two processes only one gets it. Undefined when nothing waits (or it is unreadable).
   */
  async takeLeavingNotice(telegramId: number): Promise<LeavingNotice | undefined> {
    const id = String(telegramId);
    const replies = await this.redis.multi().hget(this.leftKey, id).hdel(this.leftKey, id).exec();
    const json = replies?.[0]?.[1];
    if (replies?.[1]?.[1] !== 1) return undefined;
    return readStored(LeavingNoticeSchema, typeof json === 'string' ? json : undefined);
  }

  /** Every entry, by office, then name, then id. */
  async list(): Promise<CaseWorker[]> {
    const all = await this.redis.hgetall(this.key);
    return Object.entries(all)
      .map(([id, json]) => parseEntry(id, json))
      .sort((a, b) => a.office.localeCompare(b.office) || a.name.localeCompare(b.name) || a.telegramId - b.telegramId);
  }

  /** Entries with one role (the stored role; bootstrap admins without an entry are not included). */
  async listByRole(role: Role): Promise<CaseWorker[]> {
    return (await this.list()).filter((w) => w.role === role);
  }

  /** Entries of one office. */
  async listByOffice(office: string): Promise<CaseWorker[]> {
    return (await this.list()).filter((w) => w.office === office);
  }

  /**
   * Who a Telegram user is to the bot, or undefined for someone not on the roster: how a
   * channel turns `ctx.from.id` into a StaffRef (`{ staffId: member.staffId }`). One HGET.
   */
  async byTelegram(telegramId: number): Promise<StaffMember | undefined> {
    return this.memberOf(telegramId, await this.get(telegramId));
  }

  /**
   * Whether a Telegram account may be on the roster (or was taken off it and has a notice
   * waiting, see noteLeaving), from a copy of those accounts this process keeps for
   * {@link STAFF_CACHE_MS} (two HKEYS then): the question every private message
   * asks ("is this a worker on a phone call?") costs no Redis read for the people the bot serves.
   * False only when the account is surely not staff; true means "look it up" (byTelegram).
   * Someone added on another process is seen within the cache's life; this process's own
   * changes clear it at once.
   */
  async mayBeStaff(telegramId: number): Promise<boolean> {
    if (this.admins.has(telegramId)) return true;
    const now = Date.now();
    if (!this.accounts || now - this.accounts.at > STAFF_CACHE_MS) {
      const accounts: NonNullable<RosterStore['accounts']> = { at: now, ids: Promise.all([this.redis.hkeys(this.key), this.redis.hkeys(this.leftKey)]).then(([on, left]) => new Set([...on, ...left])) };
      this.accounts = accounts;
      // A failed read is not kept: the next message asks again.
      accounts.ids.then(
        (ids) => (accounts.read = ids),
        () => (this.accounts = undefined),
      );
    }
    return (await this.accounts.ids).has(String(telegramId));
  }

  /**
   * Whether a Telegram account was ever given a staff id (on the roster now or once: the id is
   * kept when its entry is removed). A reply that reached nobody from such an account, no
   * longer on the roster, is answered with why; a stranger's is not taken for a former worker's.
   */
  async wasStaff(telegramId: number): Promise<boolean> {
    return (await this.redis.hexists(this.idsKey, String(telegramId))) === 1;
  }

  /**
   * What {@link mayBeStaff} would answer false, known at once: the copy of the roster's
   * accounts is read and still fresh, and lacks this one (nor is it an admin's). False means
   * "ask mayBeStaff" (the copy is old or still being read). The staff features ask this first,
   * so that a person's message passes each of them without waiting on a promise.
   */
  surelyNotStaff(telegramId: number): boolean {
    const a = this.accounts;
    return !this.admins.has(telegramId) && a?.read !== undefined && Date.now() - a.at <= STAFF_CACHE_MS && !a.read.has(String(telegramId));
  }

  /** The same as {@link byTelegram} (its name in earlier releases). */
  member(telegramId: number): Promise<StaffMember | undefined> {
    return this.byTelegram(telegramId);
  }

  /** A member of staff by staff id (a roster entry or an ADMIN_TELEGRAM_IDS admin), or undefined. */
  async byStaff(staffId: string): Promise<StaffMember | undefined> {
    const worker = (await this.list()).find((w) => w.staffId === staffId);
    if (worker) return this.memberOf(worker.telegramId, worker);
    const admin = [...this.admins].find((id) => legacyStaffId(id) === staffId);
    return admin === undefined ? undefined : this.memberOf(admin, undefined);
  }

  private memberOf(telegramId: number, worker: CaseWorker | undefined): StaffMember | undefined {
    const bootstrapAdmin = this.admins.has(telegramId);
    if (worker) return { staffId: worker.staffId, telegramId, role: bootstrapAdmin ? 'admin' : worker.role, worker, bootstrapAdmin };
    return bootstrapAdmin ? { staffId: legacyStaffId(telegramId), telegramId, role: 'admin', bootstrapAdmin } : undefined;
  }
}

function parseEntry(id: string, json: string): CaseWorker {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (cause) {
    throw new RosterRecordError(`roster entry ${id} is not JSON`, { telegramId: id }, { cause });
  }
  // An entry of a release before staff ids: its staff id is its Telegram id (see legacyStaffId).
  const withId = raw && typeof raw === 'object' && !('staffId' in raw) ? { staffId: id, ...raw } : raw;
  const parsed = CaseWorkerSchema.safeParse(withId);
  if (!parsed.success) {
    // Paths only: the values may contain the worker's name.
    const where = parsed.error.issues.map((i) => `${i.path.join('.') || '(entry)'}: ${i.message}`).join('; ');
    throw new RosterRecordError(`roster entry ${id} is invalid: ${where}`, { telegramId: id });
  }
  if (String(parsed.data.telegramId) !== id) throw new RosterRecordError(`roster entry ${id} holds the id ${parsed.data.telegramId}`, { telegramId: id });
  return parsed.data;
}
