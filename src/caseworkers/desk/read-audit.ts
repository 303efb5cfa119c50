import { PERSON, SYSTEM, type AuditRecord } from '../../core/audit';
import type { Lang } from '../../core/lang';
import type { StaffRef } from '../../core/staff';
import { authorize, refused, staffLogRef, type DeskDeps, type StaffRefusal } from './desk-deps';
import { staffNameOf } from './staff-names';

/** Who made an audit entry, as an admin reads it. */
export type AuditActor =
  /**
   * A member of staff: their name on the roster when they acted, as the entry keeps it; for an
   * entry from before names were kept, their name on the roster now (`id <staff id>` once they left it).
   */
  | { kind: 'staff'; staffId: string; name: string }
  | { kind: 'person' }
  | { kind: 'system' };

/** One entry of a case's trail, ready to render. */
export interface AuditLine {
  at: Date;
  by: AuditActor;
  action: string;
  /** The staff a reassigned case went to, by name (as it was then, when the entry keeps it). */
  toName?: string;
  details: Record<string, string>;
}

/** The result of {@link readAudit}. */
export type ReadAuditResult =
  /** `lines`: newest first; `lang`: the actor's language. */
  | { ok: true; caseCode: string; lines: AuditLine[]; lang: Lang }
  | StaffRefusal
  /** The deployment keeps no audit trail. */
  | { ok: false; reason: 'no_trail' };

/**
 * A case's audit trail, newest first, for admins: who (staff by name, the person, or Körpü
 * itself) did what, and when. The trail holds no personal data of the person; staff are named
 * as the entry recorded them when they acted (a rename or a removal since changes nothing), and
 * by the roster as it is now in entries from before names were kept. The reading is logged
 * with a pseudonym.
 * @example const r = await readAudit(deps, { staffId }, { caseCode: 'KP-7G4Q-M2XD' });
 */
export async function readAudit(deps: DeskDeps, actor: StaffRef, args: { caseCode: string; limit?: number }): Promise<ReadAuditResult> {
  const a = await authorize(deps, actor, 'view_audit');
  if (refused(a)) return a;
  if (!deps.auditTrail) return { ok: false, reason: 'no_trail' };
  const [records, names] = await Promise.all([deps.auditTrail.forCase(args.caseCode, args.limit ? { limit: args.limit } : {}), staffNameOf(deps)]);
  deps.logger.info({ case: args.caseCode, by: staffLogRef(deps, actor.staffId), entries: records.length }, 'desk: audit trail read');
  return { ok: true, caseCode: args.caseCode, lines: records.map((r) => line(r, names)), lang: a.lang };
}

function line(r: AuditRecord, names: (staffId: string) => string): AuditLine {
  const by: AuditActor = r.staffId === PERSON ? { kind: 'person' } : r.staffId === SYSTEM ? { kind: 'system' } : { kind: 'staff', staffId: r.staffId, name: r.byName ?? names(r.staffId) };
  const to = r.details['to'];
  return { at: r.at, by, action: r.action, ...(to ? { toName: r.toName ?? names(to) } : {}), details: r.details };
}
