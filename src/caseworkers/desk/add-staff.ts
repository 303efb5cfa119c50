import { z } from 'zod';
import { LangSchema } from '../../core/lang';
import type { StaffRef } from '../../core/staff';
import { RoleSchema, TelegramIdSchema, type CaseWorker } from '../roster';
import { audit, authorize, refused, staffLogRef, type DeskDeps, type StaffRefusal } from './desk-deps';

/** The fields of a roster entry an admin gives, in the order `/roster_add` takes them. */
export const STAFF_FIELDS = ['telegramId', 'role', 'office', 'langs', 'name'] as const;
export type StaffField = (typeof STAFF_FIELDS)[number];

/**
 * A new member of staff: their Telegram account (kept in the entry, for the channel), role,
 * office, languages and name. Role and office are read case-insensitively; languages once each.
 */
export const NewStaffSchema = z.object({
  telegramId: TelegramIdSchema,
  role: z.string().transform((s) => s.toLowerCase()).pipe(RoleSchema),
  office: z.string().transform((s) => s.toLowerCase()),
  langs: z.array(z.string().transform((s) => s.trim().toLowerCase())).transform((l) => [...new Set(l)]).pipe(z.array(LangSchema).min(1)),
  name: z.string().trim().min(1).max(100),
});
export type NewStaff = z.infer<typeof NewStaffSchema>;
/** What a caller may hand in: anything of the right shape, checked here. */
export type NewStaffInput = z.input<typeof NewStaffSchema>;

/** Fields that are wrong: which ones, in {@link STAFF_FIELDS} order. */
export type InvalidStaff = { ok: false; reason: 'invalid'; fields: StaffField[] };

/**
 * Checks staff fields against the schema and the configured offices; undefined when all is
 * well. Pure but for `offices`.
 */
export function invalidFields(schema: z.ZodTypeAny, input: unknown, offices: DeskDeps['offices']): StaffField[] | undefined {
  const parsed = schema.safeParse(input);
  const wrong = new Set<string>(parsed.success ? [] : parsed.error.issues.map((i) => String(i.path[0])));
  const office = (parsed.success ? (parsed.data as { office?: string }).office : undefined) ?? (input as { office?: string }).office?.toLowerCase();
  if (office !== undefined && !offices.some((o) => o.id === office)) wrong.add('office');
  const fields = STAFF_FIELDS.filter((f) => wrong.has(f));
  return fields.length > 0 ? fields : undefined;
}

/** The result of {@link addStaff}. */
export type AddStaffResult =
  | { ok: true; created: true; worker: CaseWorker }
  | StaffRefusal
  | InvalidStaff
  /** The account is on the roster already (`existing`, left as it is): changing a member is {@link changeStaff}'s. */
  | { ok: false; reason: 'already_on_roster'; existing: CaseWorker };

/**
 * Puts someone new on the roster (admins only); the roster gives them their staff id (an
 * account removed and added again keeps its old one). An account on the roster already is
 * refused, never overwritten: a mistyped id must not rename or move someone else, and their
 * entry is changed by {@link changeStaff}. Every field is checked here (`invalid` names the
 * wrong ones); the office must be configured. Logged with pseudonyms, never the name.
 */
export async function addStaff(deps: DeskDeps, actor: StaffRef, args: NewStaffInput): Promise<AddStaffResult> {
  const a = await authorize(deps, actor, 'manage_roster');
  if (refused(a)) return a;
  const fields = invalidFields(NewStaffSchema, args, deps.offices);
  if (fields) return { ok: false, reason: 'invalid', fields };
  const valid = NewStaffSchema.parse(args);
  const added = await deps.roster.add({ ...valid, addedAt: deps.clock.now(), addedBy: a.member.telegramId });
  if (!added.created) {
    deps.logger.info({ by: staffLogRef(deps, actor.staffId), worker: staffLogRef(deps, added.existing.staffId) }, 'caseworkers: not added: on the roster already');
    return { ok: false, reason: 'already_on_roster', existing: added.existing };
  }
  const { worker } = added;
  deps.logger.info({ by: staffLogRef(deps, actor.staffId), worker: staffLogRef(deps, worker.staffId), role: worker.role, office: worker.office, created: true }, 'caseworkers: roster entry saved');
  await audit(deps, a, 'add_staff', { target: worker.staffId, role: worker.role, office: worker.office });
  return { ok: true, created: true, worker };
}
