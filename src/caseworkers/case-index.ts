import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { LangSchema, type Lang } from '../core/lang';
import type { Logger } from '../core/logger';
import type { RedisKeys } from '../storage/keys';
import { redisScripts, type Scripts } from '../storage/lua/scripts';

/**
 * Where a case stands, as the case list shows it, from first message to the end: `new` (nobody
 * holds it), `claimed`, `met` (came to the first meeting), `assessed` (Annex 1 saved:
 * `assessment_at` on the case hash), `in_plan` (an integration plan: `plan_at`), and the ends.
 */
export const CASE_STATUSES = ['new', 'claimed', 'met', 'assessed', 'in_plan', 'closed', 'withdrawn', 'erased'] as const;
export const CaseListStatusSchema = z.enum(CASE_STATUSES);
export type CaseListStatus = z.infer<typeof CaseListStatusSchema>;

/** A diagnosis made by the bot is provisional until a counsellor confirms it (Annex 2, Q4). */
export const ELIGIBILITIES = ['provisional', 'final'] as const;
export type Eligibility = (typeof ELIGIBILITIES)[number];

/** Where a case is indexed: what the list filters on. `office` is `none` until a meeting is booked. */
const EntrySchema = z.object({
  office: z.string(),
  status: CaseListStatusSchema,
  lang: LangSchema.optional(),
  elig: z.enum(ELIGIBILITIES).optional(),
  holder: z.string().optional(),
  urgent: z.boolean(),
  created: z.number(),
});
export type CaseIndexEntry = z.infer<typeof EntrySchema>;

/** The office of a case without a meeting yet. */
export const NO_OFFICE = 'none';

/** What the list asks for; every filter optional. Newest first. */
export interface CaseQuery {
  office?: string;
  /** Any of these offices (a case worker's own and `none`); `office`, when given, wins. */
  offices?: readonly string[];
  status?: CaseListStatus;
  lang?: Lang;
  elig?: Eligibility;
  /** Held by this staff id. */
  holder?: string;
  urgent?: boolean;
  offset: number;
  limit: number;
}

/** One row of the list: what the index and the case's hashes say, nothing personal. */
export interface CaseRow {
  code: string;
  exists: boolean;
  status: CaseListStatus;
  lang?: Lang;
  elig?: Eligibility;
  /** The diagnosis' outcome (`likely_eligible`, …) and service areas (Annex 2 Q3). */
  outcome?: string;
  areas: string[];
  office: string;
  created?: Date;
  completedAt?: Date;
  meeting?: { start: Date; status: string };
  holder?: string;
  claimedAt?: Date;
  /** An urgent incident report of the case waits for someone to take it on (the urgent block). */
  urgent?: boolean;
  closedAt?: Date;
}

/** How long a filtered list's intersection is kept for the next pages. */
const QUERY_TTL_S = 15;
/** The facet name of the indexes' generation (a counter, not a set; see queryKey). */
const GENERATION = 'gen';
/** Cases indexed at once by the backfill. */
const BACKFILL_BATCH = 200;

/** The case hash fields the index reads. */
const CASE_FIELDS = ['status', 'lang', 'created_at', 'claimed_by', 'diagnosis_provisional', 'crisis', 'crisis_ack_at', 'attendance_by', 'assessment_at', 'plan_at', 'office', 'walk_in_at', 'met_at'] as const;

/**
 * The case list's indexes: sorted sets of case codes by creation time, one per facet (every
 * case, per office, per status, per office and status, per language, eligibility, holder, and
 * the urgent ones), so a page of the list is one ZREVRANGE however many cases there are (a
 * filter beyond office and status: one ZINTERSTORE, kept a few seconds for the next pages).
 *
 * A case is reindexed after every write that moves it (createKorpu: after each committed step's
 * effects; the desk's stores: after a claim, release, reassignment, attendance or closing; the
 * forms: after Annex 1 or a plan) by {@link reindex}, which reads the case and moves it with
 * one script (index-case.lua) — the same answer whoever calls it, however often.
 *
 * @example
 *   await index.reindex('KP-7G4Q-M2XD');
 *   const { total, codes } = await index.page({ office: 'baku', status: 'new', offset: 0, limit: 25 });
 */
export class CaseIndex {
  private readonly scripts: Scripts;

  constructor(
    private readonly redis: Redis,
    private readonly keys: Pick<RedisKeys, 'case' | 'cases' | 'booking' | 'diagnoses' | 'caseIndex' | 'caseIndexEntry' | 'caseIndexQuery' | 'caseIndexBuilt' | 'caseIncidents' | 'incidentsUnacknowledged'>,
  ) {
    this.scripts = redisScripts(redis);
  }

  /** Reads the case and moves it to the facets it belongs to now (out of the index when it is gone). */
  async reindex(code: string): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const [caseFields, booking, read, incidents] = await Promise.all([
        this.redis.hmget(this.keys.case(code), ...CASE_FIELDS),
        this.redis.hmget(this.keys.booking(code), 'office', 'status'),
        this.redis.get(this.keys.caseIndexEntry(code)),
        this.redis.zrange(this.keys.caseIncidents(code), '0', '-1'),
      ]);
      const urgentIncident = await this.hasUrgentIncident(incidents);
      const entry = entryOf(Object.fromEntries(CASE_FIELDS.map((f, i) => [f, caseFields[i] ?? undefined])), { office: booking[0] ?? undefined, status: booking[1] ?? undefined }, { urgentIncident });
      const old = read ? parseEntry(read) : undefined;
      const json = entry ? JSON.stringify(entry) : '';
      if (read === json || (!read && !entry)) return;
      const moved = await this.scripts.indexCase(
        { entry: this.keys.caseIndexEntry(code), generation: this.keys.caseIndex(GENERATION), old: old ? facets(old).map((f) => this.keys.caseIndex(f)) : [], now: entry ? facets(entry).map((f) => this.keys.caseIndex(f)) : [] },
        { read: read ?? '', entry: json, score: entry?.created ?? 0, caseCode: code },
      );
      if (moved === 1) return;
    }
  }

  /**
   * Whether one of these incident reports is urgent and nobody has acknowledged it yet: the bot's
   * draft of an urgent crisis, or a report staff started as urgent (incident-store.ts). Most
   * cases have no report, and then this asks Redis nothing.
   */
  private async hasUrgentIncident(ids: string[]): Promise<boolean> {
    if (ids.length === 0) return false;
    const scores = await this.redis.zmscore(this.keys.incidentsUnacknowledged(), ...ids);
    return scores.some((s) => s !== null);
  }

  /**
   * One page of the list, newest first, and how many cases match. Several offices (`offices`):
   * each office's set is read as one office's would be, and the two newest-first lists merged
   * (a case is in one office only), so the page stays as fresh as one office's.
   */
  async page(q: CaseQuery): Promise<{ total: number; codes: string[] }> {
    const offices = q.office ? [q.office] : q.offices?.length ? [...new Set(q.offices)] : [undefined];
    const keys = await Promise.all(offices.map((office) => this.queryKey({ ...q, ...(office ? { office } : {}) })));
    if (keys.length === 1) {
      const [total, codes] = await Promise.all([this.redis.zcard(keys[0]!), this.redis.zrevrange(keys[0]!, q.offset, q.offset + q.limit - 1)]);
      return { total, codes };
    }
    const end = q.offset + q.limit - 1;
    const read = await Promise.all(keys.map((k) => Promise.all([this.redis.zcard(k), this.redis.zrevrange(k, 0, end, 'WITHSCORES')])));
    const merged = read
      .flatMap(([, flat]) => flat.filter((_, i) => i % 2 === 0).map((code, i) => ({ code, score: Number(flat[2 * i + 1]) })))
      // Newest first; on the same score, as ZREVRANGE orders them (the greater code first).
      .sort((a, b) => b.score - a.score || (a.code < b.code ? 1 : a.code > b.code ? -1 : 0));
    return { total: read.reduce((n, [c]) => n + c, 0), codes: merged.slice(q.offset, end + 1).map((e) => e.code) };
  }

  /**
   * The sorted set that answers `q` for one office (or none): a facet, or an intersection kept a
   * few seconds for the next pages. The intersection is named after the indexes' generation
   * too: a case moved since (claimed, met, closed) makes a new one, so "My cases" right after a
   * claim shows the case, not the list as it was a moment before.
   */
  private async queryKey(q: CaseQuery): Promise<string> {
    const base = q.office && q.status ? `o:${q.office}:s:${q.status}` : q.office ? `o:${q.office}` : q.status ? `s:${q.status}` : 'all';
    const extra = [q.lang ? `l:${q.lang}` : '', q.elig ? `e:${q.elig}` : '', q.holder ? `h:${q.holder}` : '', q.urgent ? 'u' : ''].filter(Boolean);
    if (!extra.length) return this.keys.caseIndex(base);
    const all = [base, ...extra];
    const generation = (await this.redis.get(this.keys.caseIndex(GENERATION))) ?? '0';
    const key = this.keys.caseIndexQuery(createHash('sha256').update(`${generation}|${all.join('|')}`).digest('hex').slice(0, 24));
    if (!(await this.redis.exists(key))) {
      // Scores from the base set (creation time); the others only filter.
      await this.redis
        .multi()
        .zinterstore(key, all.length, ...all.map((f) => this.keys.caseIndex(f)), 'WEIGHTS', 1, ...extra.map(() => 0))
        .expire(key, QUERY_TTL_S)
        .exec();
    }
    return key;
  }

  /** The urgent cases (unacknowledged urgent incident reports), newest first, at most `limit`, with their entries. */
  async urgent(limit: number): Promise<{ code: string; office: string }[]> {
    const codes = await this.redis.zrevrange(this.keys.caseIndex('u'), 0, limit - 1);
    if (codes.length === 0) return [];
    const entries = await this.redis.mget(...codes.map((c) => this.keys.caseIndexEntry(c)));
    return codes.map((code, i) => ({ code, office: (entries[i] && parseEntry(entries[i]!)?.office) || NO_OFFICE }));
  }

  /** The cases the list shows as held by `staffId` (its holder facet), unchecked: the claim key decides. */
  async heldBy(staffId: string): Promise<string[]> {
    return this.redis.zrange(this.keys.caseIndex(`h:${staffId}`), '0', '-1');
  }

  /** The case's index entry (its office and status as the list knows them), if indexed. */
  async entry(code: string): Promise<CaseIndexEntry | undefined> {
    const raw = await this.redis.get(this.keys.caseIndexEntry(code));
    return raw ? parseEntry(raw) : undefined;
  }

  /** What the list shows of each case, in one round trip. */
  async rows(codes: readonly string[]): Promise<CaseRow[]> {
    if (codes.length === 0) return [];
    // Single commands sent together by the connection's auto-pipelining, not an explicit
    // pipeline: each case is its own hash slot on Redis Cluster, the index entry another. A read
    // that fails reads as nothing, as a pipeline's reply with an error did.
    const read = <T>(p: Promise<T>) => p.catch(() => null);
    const replies = await Promise.all(
      codes.map((code) =>
        Promise.all([
          read(this.redis.hmget(this.keys.case(code), ...CASE_FIELDS, 'intake_completed_at', 'claimed_at', 'diagnosis', 'closed_at')),
          read(this.redis.hmget(this.keys.booking(code), 'office', 'status', 'start')),
          read(this.redis.lindex(this.keys.diagnoses(code), -1)),
          read(this.redis.get(this.keys.caseIndexEntry(code))),
        ]),
      ),
    );
    return codes.map((code, i) => {
      const [hash, booking, latest, indexed] = replies[i]!;
      const h = hash ?? [];
      const b = booking ?? [];
      const fields = Object.fromEntries(CASE_FIELDS.map((f, j) => [f, h[j] ?? undefined])) as Record<(typeof CASE_FIELDS)[number], string | undefined>;
      const entry = entryOf(fields, { office: b[0] ?? undefined, status: b[1] ?? undefined });
      const [completed, claimedAt, outcome, closedAt] = h.slice(CASE_FIELDS.length);
      const lang = LangSchema.safeParse(fields.lang);
      const row: CaseRow = { code, exists: entry !== undefined, status: entry?.status ?? 'erased', areas: areasOf(latest), office: entry?.office ?? NO_OFFICE };
      if (lang.success) row.lang = lang.data;
      if (entry?.elig) row.elig = entry.elig;
      if (outcome) row.outcome = outcome;
      if (fields.created_at) row.created = new Date(fields.created_at);
      if (completed) row.completedAt = new Date(completed);
      if (b[2]) row.meeting = { start: new Date(Number(b[2])), status: b[1] ?? 'booked' };
      if (fields.claimed_by) row.holder = fields.claimed_by;
      if (claimedAt) row.claimedAt = new Date(claimedAt);
      // Urgency as last indexed: it comes from the incident reports, which the row does not read.
      if (entry && indexed && parseEntry(indexed)?.urgent) row.urgent = true;
      if (closedAt) row.closedAt = new Date(closedAt);
      return row;
    });
  }

  /**
   * Indexes every case once, for a deployment that had cases before the index existed (its
   * marker then says so; none is written while there are no cases); later writes keep the index
   * by themselves. Answers how many were read.
   */
  async backfill(logger?: Logger): Promise<number> {
    if (await this.redis.exists(this.keys.caseIndexBuilt())) return 0;
    let cursor = '0';
    let n = 0;
    do {
      const [next, flat] = await this.redis.zscan(this.keys.cases(), cursor, 'COUNT', BACKFILL_BATCH);
      cursor = next;
      const codes = flat.filter((_, i) => i % 2 === 0);
      await Promise.all(codes.map((c) => this.reindex(c)));
      n += codes.length;
    } while (cursor !== '0');
    // A deployment without cases yet writes nothing: its cases are indexed as they come.
    if (n > 0) {
      await this.redis.set(this.keys.caseIndexBuilt(), new Date().toISOString());
      logger?.info({ cases: n }, 'case list index built');
    }
    return n;
  }
}

/** The facets of an entry (the sets it is in). */
export function facets(e: CaseIndexEntry): string[] {
  return [
    'all',
    `o:${e.office}`,
    `s:${e.status}`,
    `o:${e.office}:s:${e.status}`,
    ...(e.lang ? [`l:${e.lang}`] : []),
    ...(e.elig ? [`e:${e.elig}`] : []),
    ...(e.holder ? [`h:${e.holder}`] : []),
    ...(e.urgent ? ['u'] : []),
  ];
}

/**
 * Where a case stands, from its hash and its booking's (undefined: no case). Pure. A case whose
 * person came to a first meeting (`met_at`, kept when a later meeting is booked; a booking marked
 * attended before `met_at` was written) or walked in (`walk_in_at`: the person came to `office`
 * without a booking) has met.
 *
 * Urgent while an urgent incident report of the case waits to be acknowledged
 * (`incidents.urgentIncident`: the bot's draft of a crisis, or one staff started as urgent), or
 * while a crisis recorded in the clear (`crisis`, cases from before the category was sealed)
 * has no `crisis_ack_at`; never once the case has ended.
 * @example entryOf({ status: 'intake_completed', created_at: '2026-11-24T08:00:00Z' }, {}).status // 'new'
 */
export function entryOf(h: Partial<Record<(typeof CASE_FIELDS)[number], string>>, booking: { office?: string; status?: string }, incidents: { urgentIncident?: boolean } = {}): CaseIndexEntry | undefined {
  if (!h.status && !h.created_at) return undefined;
  const lang = LangSchema.safeParse(h.lang);
  const status: CaseListStatus =
    h.status === 'erased' ? 'erased'
    : h.status === 'withdrawn' ? 'withdrawn'
    : h.status === 'closed' ? 'closed'
    : h.plan_at ? 'in_plan'
    : h.assessment_at ? 'assessed'
    : h.met_at || booking.status === 'attended' || h.walk_in_at ? 'met'
    : h.claimed_by ? 'claimed'
    : 'new';
  const created = h.created_at ? Date.parse(h.created_at) : 0;
  return {
    // A walk-in's office is where it was opened, until a meeting is booked.
    office: booking.office || h.office || NO_OFFICE,
    status,
    ...(lang.success ? { lang: lang.data } : {}),
    ...(h.diagnosis_provisional === 'true' ? { elig: 'provisional' as const } : h.diagnosis_provisional === 'false' ? { elig: 'final' as const } : {}),
    ...(h.claimed_by && status !== 'erased' ? { holder: h.claimed_by } : {}),
    urgent: (incidents.urgentIncident === true || (Boolean(h.crisis) && !h.crisis_ack_at)) && !['closed', 'withdrawn', 'erased'].includes(status),
    created: Number.isFinite(created) ? created : 0,
  };
}

function parseEntry(raw: string): CaseIndexEntry | undefined {
  try {
    const r = EntrySchema.safeParse(JSON.parse(raw));
    return r.success ? r.data : undefined;
  } catch {
    return undefined;
  }
}

function areasOf(latest: string | null | undefined): string[] {
  if (!latest) return [];
  try {
    const q3 = (JSON.parse(latest) as { answers?: { q3?: unknown } }).answers?.q3;
    return Array.isArray(q3) ? q3.filter((a): a is string => typeof a === 'string') : [];
  } catch {
    return [];
  }
}
