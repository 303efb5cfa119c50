import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { AuditEntry, AuditLog, AuditReader, AuditRecord } from '../core/audit';
import { systemClock, type Clock } from '../core/clock';
import type { RedisKeys } from './keys';
import { redisScripts, type Scripts } from './lua/scripts';

/** How long the trail is kept by default, in months after the month of an entry (AUDIT_KEEP_MONTHS). */
export const DEFAULT_AUDIT_KEEP_MONTHS = 24;

/** How long a once marker lives: longer than any effect waits for its redelivery. */
const ONCE_TTL_SECONDS = 30 * 24 * 3600;
/** Entries read per round trip while listing a month's in the per-case index (the backfill). */
const PAGE = 500;
/** Fields an entry's own parts are stored under; details go under `d:<name>`. */
const DETAIL = 'd:';

/**
 * What every part of an entry must look like: a wire value (an id, a code, a snake_case name, an
 * ISO time), never free text. Spaces, `+` and letters beyond ASCII are refused, so a name, a
 * phone number or a message passed by mistake fails loudly instead of being kept for years.
 */
const WireValueSchema = z.string().regex(/^[A-Za-z0-9_.:@-]{1,64}$/, 'is not a wire value (an id, a code or a name of an action)');

/**
 * A member of staff's name as the roster keeps it (trimmed, 1 to 100 characters), on one line:
 * the only text an entry holds besides wire values (see AuditEntry.byName). Letters of every
 * language are allowed, and the marks Persian names are written with (ZWNJ), but no control
 * character (a line break would start a made-up line wherever the trail is shown).
 */
const StaffNameSchema = z.string().min(1).max(100).refine((s) => s === s.trim() && !/\p{Cc}/u.test(s));

/** The stream fields staff names are kept under (apart from the details, which must be wire values). */
const NAME_FIELDS = { byName: 'by_name', toName: 'to_name' } as const;

/** A stream entry as Redis gives it back (checked before it is trusted). */
const StoredEntrySchema = z.object({
  by: z.string().min(1),
  at: z.string().datetime(),
  action: z.string().min(1),
  case: z.string().optional(),
  by_name: z.string().optional(),
  to_name: z.string().optional(),
});

/** The month (`YYYY-MM`, UTC) of a date. */
export const auditMonth = (d: Date): string => d.toISOString().slice(0, 7);

/** The first instant of the month `months` after `d`'s month (UTC). */
const monthStart = (d: Date, months: number): Date => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1));

/**
 * The audit trail in Redis: append-only, one stream per month (`audit:<YYYY-MM>`). Each
 * append sets its month's expiry to `keepMonths` months after the month ends, so a month
 * older than that goes as a whole, without a purge job. Each entry about a case is also listed,
 * in the same atomic append, in the case's index (`auditOfCase`: month and stream id by time),
 * so one case's entries are read without scanning the months, however long the trail grows.
 *
 * Entries hold who (a staff id, `person` or `system`), when, the case code, the action and
 * wire-valued details: the callers never pass the person's data, and nothing here decrypts.
 * Besides, the names of the staff involved as the roster had them then (`by_name`, `to_name`):
 * staff's names, kept as the roster keeps them, so that the trail still says who acted after a
 * rename or a removal; they go with their month.
 *
 * Not encrypted, deliberately: the roster keeps these names in clear too, and a sealed value
 * here would have to be sealed again at every key rotation, rewriting append-only entries (and
 * the per-case index that names them by stream id) for AUDIT_KEEP_MONTHS.
 *
 * @example
 *   const trail = new RedisAuditTrail(redis, keys, { keepMonths: 24 });
 *   await trail.record({ at: new Date(), staffId: 's-1', action: 'claim_case', caseCode: 'KRP-ABC123' });
 *   await trail.forCase('KRP-ABC123'); // newest first
 */
export class RedisAuditTrail implements AuditLog, AuditReader {
  private readonly scripts: Scripts;
  private readonly keepMonths: number;
  private readonly clock: Clock;

  constructor(
    private readonly redis: Redis,
    private readonly keys: Pick<RedisKeys, 'audit' | 'auditOnce' | 'auditOfCase' | 'auditOfCaseBuilt'>,
    o: { keepMonths?: number; clock?: Clock } = {},
  ) {
    this.scripts = redisScripts(redis);
    this.keepMonths = o.keepMonths ?? DEFAULT_AUDIT_KEEP_MONTHS;
    this.clock = o.clock ?? systemClock;
  }

  /**
   * Appends an entry to the stream of its month. With `once` (an effect's id), an entry
   * appended under the same `once` before is not appended again.
   */
  async record(entry: AuditEntry, o: { once?: string } = {}): Promise<void> {
    await this.append(entry, o);
  }

  /**
   * {@link record}, answering whether the entry was appended (false: its `once` was seen).
   * Rejects an entry any part of which is not a wire value (see WireValueSchema), appending
   * nothing; the staff names alone are free text, on one line (a name that is not one is left
   * out, and the entry kept: the trail then names that member as the roster does).
   */
  async append(entry: AuditEntry, o: { once?: string } = {}): Promise<boolean> {
    const { at, staffId, action, caseCode, byName, toName, ...details } = entry;
    const fields: Record<string, string> = { by: staffId, at: at.toISOString(), action, ...(caseCode ? { case: caseCode } : {}) };
    for (const [name, value] of Object.entries(details)) {
      if (value !== undefined) fields[`${DETAIL}${name}`] = value instanceof Date ? value.toISOString() : value;
    }
    for (const [name, value] of Object.entries(fields)) {
      const checked = WireValueSchema.safeParse(value);
      // The field's name only: the value may be exactly what must not be written anywhere.
      if (!checked.success || !WireValueSchema.safeParse(name).success) throw new Error(`audit entry ${action}: ${name} ${checked.error?.issues[0]?.message ?? 'is not a wire name'}`);
    }
    for (const [key, field] of Object.entries(NAME_FIELDS)) {
      const name = { byName, toName }[key as keyof typeof NAME_FIELDS];
      if (name !== undefined && StaffNameSchema.safeParse(name).success) fields[field] = name;
    }
    const expireAt = monthStart(at, this.keepMonths + 1);
    const month = auditMonth(at);
    const id = await this.scripts.appendAudit(
      { stream: this.keys.audit(month), once: this.keys.auditOnce(o.once ?? '-'), caseIndex: this.keys.auditOfCase(caseCode ?? '-') },
      { expireAtSeconds: Math.floor(expireAt.getTime() / 1000), onceTtlSeconds: o.once ? ONCE_TTL_SECONDS : 0, month: caseCode ? month : '', atMs: at.getTime(), keptFromMs: this.keptFrom().getTime(), fields },
    );
    return id !== '';
  }

  /** The first instant of the oldest month still kept. */
  private keptFrom(): Date {
    return monthStart(this.clock.now(), -this.keepMonths);
  }

  /**
   * A case's entries, newest first (at most `limit`, default 50), from the months still kept:
   * the case's index, then the entries it names, in two round trips whatever the trail's size.
   * An entry that does not read as one (written by hand), or whose month has gone, is skipped.
   */
  async forCase(caseCode: string, o: { limit?: number } = {}): Promise<AuditRecord[]> {
    const limit = o.limit ?? 50;
    const members = await this.redis.zrange(this.keys.auditOfCase(caseCode), '+inf', String(this.keptFrom().getTime()), 'BYSCORE', 'REV', 'LIMIT', 0, limit);
    if (members.length === 0) return [];
    const p = this.redis.pipeline();
    for (const m of members) {
      const [month, id] = m.split(' ');
      p.xrange(this.keys.audit(month ?? ''), id ?? '', id ?? '');
    }
    const replies = (await p.exec()) ?? [];
    const found: AuditRecord[] = [];
    for (const [err, page] of replies) {
      if (err) throw err;
      const flat = (page as [string, string[]][])[0]?.[1];
      const record = flat ? toRecord(flat) : undefined;
      if (record?.caseCode === caseCode) found.push(record);
    }
    // Within a month the stream's order is the order of appends; entries are shown by their time.
    return found.sort((a, b) => b.at.getTime() - a.at.getTime());
  }

  /**
   * Lists the entries appended before the per-case index existed in it, once (a marker key says
   * it is done; none is written while the trail is empty). Listing an entry twice changes
   * nothing, so appends running meanwhile are harmless. Answers how many entries were listed.
   */
  async backfillCaseIndex(): Promise<number> {
    if (await this.redis.exists(this.keys.auditOfCaseBuilt())) return 0;
    const now = this.clock.now();
    const keptFrom = this.keptFrom().getTime();
    let n = 0;
    let seen = 0;
    for (let back = 0; back <= this.keepMonths; back++) {
      const start = monthStart(now, -back);
      const month = auditMonth(start);
      const expireAt = Math.floor(monthStart(start, this.keepMonths + 1).getTime() / 1000);
      let from = '-';
      for (;;) {
        const page = await this.redis.xrange(this.keys.audit(month), from, '+', 'COUNT', PAGE);
        seen += page.length;
        const p = this.redis.pipeline();
        for (const [id, flat] of page) {
          const record = toRecord(flat);
          if (!record?.caseCode || record.at.getTime() < keptFrom) continue;
          const key = this.keys.auditOfCase(record.caseCode);
          p.zadd(key, record.at.getTime(), `${month} ${id}`);
          // Newest month first: the first expiry set is the latest; older months never lower it.
          p.expireat(key, expireAt, 'NX');
          n++;
        }
        if (p.length) await p.exec();
        if (page.length < PAGE) break;
        from = `(${page[page.length - 1]![0]}`;
      }
    }
    if (seen > 0) await this.redis.set(this.keys.auditOfCaseBuilt(), now.toISOString());
    return n;
  }
}

/** A stream entry's flat field list as a record, or undefined when it is not one. */
function toRecord(flat: string[]): AuditRecord | undefined {
  const fields: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) fields[flat[i]!] = flat[i + 1]!;
  const parsed = StoredEntrySchema.safeParse(fields);
  if (!parsed.success) return undefined;
  const details = Object.fromEntries(Object.entries(fields).filter(([k]) => k.startsWith(DETAIL)).map(([k, v]) => [k.slice(DETAIL.length), v]));
  const { at, by, action, case: caseCode, by_name: byName, to_name: toName } = parsed.data;
  return { at: new Date(at), staffId: by, action, ...(caseCode ? { caseCode } : {}), ...(byName ? { byName } : {}), ...(toName ? { toName } : {}), details };
}
