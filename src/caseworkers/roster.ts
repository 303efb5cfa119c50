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
 * A member of staff on the roster, known by their Telegram user id. `name` is personal data of
 * staff: it is shown to admins in `/roster` but never logged. `office` is an office id of the
 * offices config (checked by whoever adds the worker; the store does not know the offices).
 */
export const CaseWorkerSchema = z.object({
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

/**
 * Who someone is to the bot: their role, and their roster entry when they have one. An admin
 * from ADMIN_TELEGRAM_IDS is a member even without an entry (`worker` undefined); with an
 * entry, they are an admin whatever role the entry says.
 */
export interface StaffMember {
  telegramId: number;
  role: Role;
  worker?: CaseWorker;
  /** Listed in ADMIN_TELEGRAM_IDS. */
  bootstrapAdmin: boolean;
}

/** A roster entry in Redis does not match the schema (written by hand or by an older version). */
export class RosterRecordError extends KorpuError {
  override name = 'RosterRecordError';
}

/** Options of {@link RosterStore}. */
export interface RosterStoreOptions {
  /** ADMIN_TELEGRAM_IDS: admins even when not on the roster. */
  admins?: readonly number[];
}

/**
 * The case-worker roster on Redis: one HASH `<prefix>caseworkers`, field = Telegram user id,
 * value = the entry as JSON. The roster is small (dozens of people), so listing reads the whole
 * hash and filters in memory; every write is a single HSET or HDEL, atomic on its own.
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
  private readonly admins: ReadonlySet<number>;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    opts: RosterStoreOptions = {},
  ) {
    this.key = `${prefix}caseworkers`;
    this.admins = new Set(opts.admins ?? []);
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

  /** Adds or replaces an entry; `true` when it is new. */
  async put(worker: CaseWorker): Promise<boolean> {
    const valid = CaseWorkerSchema.parse(worker);
    return (await this.redis.hset(this.key, String(valid.telegramId), JSON.stringify(valid))) === 1;
  }

  /** Removes an entry; `true` when there was one. Bootstrap admins stay admins regardless. */
  async remove(telegramId: number): Promise<boolean> {
    return (await this.redis.hdel(this.key, String(telegramId))) === 1;
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

  /** Who a Telegram user is to the bot, or undefined for someone not on the roster. */
  async member(telegramId: number): Promise<StaffMember | undefined> {
    const worker = await this.get(telegramId);
    const bootstrapAdmin = this.admins.has(telegramId);
    if (worker) return { telegramId, role: bootstrapAdmin ? 'admin' : worker.role, worker, bootstrapAdmin };
    return bootstrapAdmin ? { telegramId, role: 'admin', bootstrapAdmin } : undefined;
  }
}

function parseEntry(id: string, json: string): CaseWorker {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (cause) {
    throw new RosterRecordError(`roster entry ${id} is not JSON`, { telegramId: id }, { cause });
  }
  const parsed = CaseWorkerSchema.safeParse(raw);
  if (!parsed.success) {
    // Paths only: the values may contain the worker's name.
    const where = parsed.error.issues.map((i) => `${i.path.join('.') || '(entry)'}: ${i.message}`).join('; ');
    throw new RosterRecordError(`roster entry ${id} is invalid: ${where}`, { telegramId: id });
  }
  if (String(parsed.data.telegramId) !== id) throw new RosterRecordError(`roster entry ${id} holds the id ${parsed.data.telegramId}`, { telegramId: id });
  return parsed.data;
}
