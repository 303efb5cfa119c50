import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { CRISIS_CATEGORIES, CrisisCategorySchema, type CrisisCategory, type SafeguardingConfig } from '../config/safeguarding';
import { KorpuError } from '../core/errors';
import { LangSchema } from '../core/lang';
import type { FieldCipher } from '../storage/field-cipher';
import { redisKeys, type RedisKeys } from '../storage/keys';
import { redisScripts, type Scripts } from '../storage/lua/scripts';
import {
  type CompleteOutcome,
  type DraftIncident,
  DraftIncidentSchema,
  INCIDENT_ID,
  type IncidentPatch,
  IncidentPatchSchema,
  type IncidentReport,
  type IncidentType,
  IncidentTypeSchema,
  missingForCompletion,
  type StaffIncident,
  StaffIncidentSchema,
  suggestedIncidentTypes,
  type UpdateOutcome,
} from './incident-report';

/** Version of the stored hash (field `v`); a reader refuses other versions. */
export const INCIDENT_RECORD_VERSION = '1';

/** A stored report does not match this version's layout (hand-edited or from another version). */
export class IncidentRecordError extends KorpuError {
  override name = 'IncidentRecordError';
}

/** Wire names of the encrypted fields in the hash. */
const SECRET = { otherDescription: 'other', message: 'message', whatHappened: 'what_happened', howHandled: 'how_handled', advice: 'advice', referredTo: 'referred_to' } as const;
type SecretField = keyof typeof SECRET;

/**
 * Incident reports (Annex 3) on Redis: the bot opens a draft when it detects a crisis, a case
 * worker completes it. Free text is encrypted per field with the FieldCipher, bound to
 * `<caseCode>:incident:<id>:<field>`, so no report text is readable in Redis.
 *
 * - `createDraft` is atomic and idempotent by id: a redelivered message opens one report.
 * - `update` fills in fields while the report is a draft; `complete` also checks that the
 *   Annex 3 fields are there and locks it. A completed report is never changed.
 * - `listDrafts`, `followUpsDue` and `listForCase` read the indexes, oldest first.
 *
 * @example
 *   const incidents = new IncidentStore(redis, env.REDIS_PREFIX, cipher, safeguarding);
 *   const { created, report } = await incidents.createDraft({ id: effect.id, caseCode, channel: 'telegram', lang, ...match, at: now });
 *   if (created) await alerts.urgent(report); // once per incident
 */
export class IncidentStore {
  private readonly scripts: Scripts;
  private readonly keys: RedisKeys;

  constructor(
    private readonly r: Redis,
    prefix: string,
    private readonly cipher: FieldCipher,
    private readonly config: Pick<SafeguardingConfig, 'followUpAfterMinutes'> & Partial<Pick<SafeguardingConfig, 'urgentCategories'>>,
  ) {
    this.scripts = redisScripts(r);
    this.keys = redisKeys(prefix);
  }

  /**
   * Opens a draft report for a detected crisis, with the follow-up call due
   * `followUpAfterMinutes` later. `created: false` when a report with this id already existed
   * (then `report` is that one, unchanged).
   * @throws ZodError when `draft` is malformed (a programming error, not user input)
   */
  async createDraft(draft: DraftIncident): Promise<{ created: boolean; report: IncidentReport }> {
    const d = DraftIncidentSchema.parse(draft);
    const at = d.at.toISOString();
    const due = new Date(d.at.getTime() + this.config.followUpAfterMinutes * 60_000);
    const fields: Record<string, string> = {
      v: INCIDENT_RECORD_VERSION,
      id: d.id,
      case: d.caseCode,
      channel: d.channel,
      lang: d.lang,
      // Special-category data, like the person's words: sealed with the case and the report.
      category: this.seal(d.caseCode, d.id, 'category', d.category),
      cue: this.seal(d.caseCode, d.id, 'cue', d.cue),
      status: 'draft',
      occurred_at: at,
      reported_at: at,
      follow_up_due_at: due.toISOString(),
      // The suggested Annex 3 types say as much as the category ("suicidal"): sealed too.
      types: this.seal(d.caseCode, d.id, 'types', suggestedIncidentTypes(d.category, d.cue).join(',')),
      origin: 'bot',
      urgent: this.isUrgent(d.category) ? '1' : '0',
      updated_at: at,
      ...(d.message ? { message: this.seal(d.caseCode, d.id, 'message', d.message) } : {}),
    };
    const created = await this.create(d.id, d.caseCode, d.at, due, this.isUrgent(d.category), fields);
    const report = await this.get(d.id);
    if (!report) throw new IncidentRecordError('incident vanished right after creation', { id: d.id });
    return { created: created === 1, report };
  }

  /**
   * Starts a report a member of staff makes themselves (something they saw or heard, not a
   * crisis message): a draft with a new id, no incident type yet and no follow-up call due, which
   * they fill in with {@link update} and {@link complete} like any draft. An urgent one waits in
   * {@link listUnacknowledged} until someone acknowledges it.
   * @throws ZodError when `input` is malformed (a programming error, not user input)
   */
  async startReport(input: StaffIncident): Promise<IncidentReport> {
    const d = StaffIncidentSchema.parse(input);
    const id = `w-${randomUUID()}`;
    const at = d.at.toISOString();
    const fields: Record<string, string> = {
      v: INCIDENT_RECORD_VERSION, id, case: d.caseCode, channel: 'staff', lang: d.lang, origin: 'staff', urgent: d.urgent ? '1' : '0',
      status: 'draft', occurred_at: at, reported_at: at, types: '', worker: d.by, updated_at: at,
    };
    await this.create(id, d.caseCode, d.at, undefined, d.urgent, fields);
    const report = await this.get(id);
    if (!report) throw new IncidentRecordError('incident vanished right after creation', { id });
    return report;
  }

  /**
   * Records that `staffId` has seen an urgent report and taken it on; it leaves
   * {@link listUnacknowledged}. Once only: a second acknowledgement changes nothing (`already`).
   */
  async acknowledge(id: string, staffId: string, now: Date): Promise<'acknowledged' | 'already' | 'not_urgent' | 'not_found'> {
    return this.scripts.acknowledgeIncident({ incident: this.keys.incident(id), unacknowledged: this.keys.incidentsUnacknowledged() }, { id, by: staffId, now: now.toISOString() });
  }

  /** Urgent reports nobody has acknowledged yet, oldest first (a report erased since is skipped). */
  async listUnacknowledged(limit = 100): Promise<IncidentReport[]> {
    return this.many(await this.r.zrange(this.keys.incidentsUnacknowledged(), '0', String(limit - 1)));
  }

  /** Whether a crisis of this category is urgent (config `urgentCategories`; all of them by default). */
  isUrgent(category: CrisisCategory): boolean {
    return (this.config.urgentCategories ?? CRISIS_CATEGORIES).includes(category);
  }

  private create(id: string, caseCode: string, at: Date, due: Date | undefined, urgent: boolean, fields: Record<string, string>): Promise<number> {
    const k = this.keys;
    return this.scripts.createIncident(
      { incident: k.incident(id), all: k.incidents(), drafts: k.incidentDrafts(), followUps: k.incidentFollowUps(), ofCase: k.caseIncidents(caseCode), unacknowledged: k.incidentsUnacknowledged() },
      { id, reportedMs: at.getTime(), dueMs: due?.getTime(), urgent, fields },
    );
  }

  /** The report with this id, decrypted, or undefined. */
  async get(id: string): Promise<IncidentReport | undefined> {
    const h = await this.r.hgetall(this.keys.incident(id));
    return Object.keys(h).length ? this.decode(id, h) : undefined;
  }

  /**
   * Fills in or corrects fields of a draft, as case worker `workerId`. Setting `nextCallMade:
   * true` takes the report off the follow-up list. `locked` when the report is complete.
   * @throws ZodError when `patch` is malformed: parse the worker's input with IncidentPatchSchema first
   */
  async update(id: string, patch: IncidentPatch, workerId: string, now: Date): Promise<UpdateOutcome> {
    return this.write(id, IncidentPatchSchema.parse(patch), workerId, now, false);
  }

  /**
   * Applies `patch` and completes the report if every Annex 3 field is then filled in (see
   * missingForCompletion). Otherwise nothing is written and `missing` lists what is lacking.
   */
  async complete(id: string, patch: IncidentPatch, workerId: string, now: Date): Promise<CompleteOutcome> {
    const p = IncidentPatchSchema.parse(patch);
    const current = await this.get(id);
    if (!current) return { status: 'not_found' };
    if (current.status !== 'draft') return { status: 'locked' };
    // Fields are only ever set, never cleared, so what is present now stays present.
    const missing = missingForCompletion({ ...current, ...p });
    if (missing.length) return { status: 'incomplete', missing };
    return this.write(id, p, workerId, now, true, current.caseCode);
  }

  /** Reports still in draft, oldest first. */
  async listDrafts(limit = 100): Promise<IncidentReport[]> {
    return this.many(await this.r.zrange(this.keys.incidentDrafts(), '0', String(limit - 1)));
  }

  /** Reports whose follow-up call is due by `now` and not yet made, most overdue first. */
  async followUpsDue(now: Date, limit = 100): Promise<IncidentReport[]> {
    return this.many(await this.r.zrangebyscore(this.keys.incidentFollowUps(), '-inf', String(now.getTime()), 'LIMIT', '0', String(limit)));
  }

  /** One case's reports, oldest first. */
  async listForCase(caseCode: string): Promise<IncidentReport[]> {
    return this.many(await this.r.zrange(this.keys.caseIncidents(caseCode), '0', '-1'));
  }

  private async write(id: string, p: IncidentPatch, workerId: string, now: Date, complete: boolean, knownCase?: string): Promise<UpdateOutcome> {
    if (!INCIDENT_ID.test(workerId)) throw new IncidentRecordError('invalid case worker id', { id });
    const caseCode = knownCase ?? (await this.r.hget(this.keys.incident(id), 'case'));
    if (!caseCode) return { status: 'not_found' };
    const at = now.toISOString();
    const fields: Record<string, string> = { worker: workerId, updated_at: at };
    if (p.occurredAt) fields.occurred_at = p.occurredAt.toISOString();
    if (p.types) fields.types = this.seal(caseCode, id, 'types', [...new Set(p.types)].join(','));
    if (p.adviceGiven !== undefined) fields.advice_given = yesNo(p.adviceGiven);
    if (p.nextCallMade !== undefined) fields.next_call_made = yesNo(p.nextCallMade);
    if (p.nextCallAt) fields.next_call_at = p.nextCallAt.toISOString();
    for (const f of Object.keys(SECRET) as SecretField[]) {
      const value = p[f as keyof IncidentPatch];
      if (typeof value === 'string') fields[SECRET[f]] = this.seal(caseCode, id, SECRET[f], value);
    }
    if (complete) Object.assign(fields, { status: 'complete', completed_at: at });
    const dropFollowUp = complete || p.nextCallMade === true;
    const k = this.keys;
    const outcome = await this.scripts.updateIncident(
      { incident: k.incident(id), drafts: k.incidentDrafts(), followUps: k.incidentFollowUps() },
      { id, mode: complete ? 'complete' : 'update', dropFollowUp, fields },
    );
    if (outcome !== 'updated') return { status: outcome };
    return { status: 'updated', report: (await this.get(id))! };
  }

  private async many(ids: string[]): Promise<IncidentReport[]> {
    if (!ids.length) return [];
    const pipe = this.r.pipeline();
    for (const id of ids) pipe.hgetall(this.keys.incident(id));
    const rows = (await pipe.exec()) ?? [];
    return ids.flatMap((id, i) => {
      const [error, h] = rows[i] ?? [];
      if (error) throw error;
      const hash = h as Record<string, string>;
      return Object.keys(hash).length ? [this.decode(id, hash)] : [];
    });
  }

  private seal(caseCode: string, id: string, field: string, value: string): string {
    return this.cipher.encrypt(value, `${caseCode}:incident:${id}:${field}`);
  }

  private decode(id: string, stored: Record<string, string>): IncidentReport {
    let h = stored;
    if (h.v !== INCIDENT_RECORD_VERSION || !h.case) throw new IncidentRecordError(`incident ${id}: unknown record version ${h.v ?? '(none)'}`, { id });
    const caseCode = h.case;
    const open = (wire: string) => (h[wire] ? this.cipher.decrypt(h[wire], `${caseCode}:incident:${id}:${wire}`) : undefined);
    // Category and cue are sealed since December 2026; a report drafted before keeps them plain.
    // A report staff started has neither (and the key `category` is absent).
    if (h.category !== undefined && !CrisisCategorySchema.safeParse(h.category).success) h = { ...h, category: open('category') ?? '', cue: open('cue') ?? '' };
    // So are the types; a plain list (empty, or known type names) is an older report's or an empty new one's.
    const plainTypes = (h.types ?? '').split(',').every((t) => t === '' || IncidentTypeSchema.safeParse(t).success);
    if (!plainTypes) h = { ...h, types: open('types') ?? '' };
    const date = (wire: string) => (h[wire] ? new Date(h[wire]) : undefined);
    const parsed = StoredHead.safeParse(h);
    if (!parsed.success) throw new IncidentRecordError(`incident ${id}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`, { id });
    const s = parsed.data;
    const report: IncidentReport = {
      id,
      caseCode,
      channel: s.channel,
      lang: s.lang,
      // Reports drafted before `origin` was kept were all the bot's.
      origin: h.origin === 'staff' ? 'staff' : 'bot',
      status: s.status,
      urgent: h.urgent === '1',
      occurredAt: s.occurred_at,
      reportedAt: s.reported_at,
      types: s.types,
      updatedAt: s.updated_at,
    };
    const optional: Partial<IncidentReport> = {
      otherDescription: open(SECRET.otherDescription),
      message: open(SECRET.message),
      whatHappened: open(SECRET.whatHappened),
      howHandled: open(SECRET.howHandled),
      adviceGiven: fromYesNo(h.advice_given),
      advice: open(SECRET.advice),
      referredTo: open(SECRET.referredTo),
      nextCallMade: fromYesNo(h.next_call_made),
      nextCallAt: date('next_call_at'),
      workerId: h.worker,
      completedAt: date('completed_at'),
      category: s.category,
      cue: s.cue,
      followUpDueAt: s.follow_up_due_at,
      acknowledgedBy: h.acknowledged_by,
      acknowledgedAt: date('acknowledged_at'),
    };
    for (const [k, v] of Object.entries(optional)) if (v !== undefined) (report as unknown as Record<string, unknown>)[k] = v;
    return report;
  }
}

/** The plain (unencrypted) part of a stored report. */
const StoredHead = z.object({
  channel: z.string(),
  lang: LangSchema,
  category: CrisisCategorySchema.optional(),
  cue: z.string().optional(),
  status: z.enum(['draft', 'complete']),
  occurred_at: z.coerce.date(),
  reported_at: z.coerce.date(),
  follow_up_due_at: z.coerce.date().optional(),
  updated_at: z.coerce.date(),
  types: z.string().transform((s, ctx) => {
    const parts = s ? s.split(',') : [];
    const bad = parts.filter((p) => !IncidentTypeSchema.safeParse(p).success);
    if (bad.length) ctx.addIssue({ code: 'custom', message: `unknown incident type ${bad.join(', ')}` });
    return parts as IncidentType[];
  }),
});

/** Annex 3 answers its yes/no questions "Hə/Yox"; stored as yes/no. */
const yesNo = (b: boolean) => (b ? 'yes' : 'no');
const fromYesNo = (s: string | undefined) => (s === 'yes' ? true : s === 'no' ? false : undefined);
