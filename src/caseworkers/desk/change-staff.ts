import type { StaffRef } from '../../core/staff';
import { inOffice } from '../guard';
import type { OpenCall } from '../phone-calls';
import type { CaseWorker, StaffMember } from '../roster';
import { invalidFields, NewStaffSchema, type InvalidStaff, type NewStaffInput } from './add-staff';
import { audit, authorize, langOf, officeOfCase, refused, staffLogRef, type Actor, type DeskDeps, type StaffRefusal } from './desk-deps';
import { endCallOf, giveBackCases } from './give-back-cases';

/** Why a roster change took cases out of a member's reach (see {@link ChangeStaffResult}). */
export type OutOfReach = 'office_change' | 'role_change';

/** The result of {@link changeStaff}. */
export type ChangeStaffResult =
  /**
   * `released`: the cases they held that the change took from them (a case worker moved to
   * another office: those of the office they left; a supervisor or admin made a case worker:
   * those of the offices but their own), given back to the case workers' chat; `why` says
   * which of the two (`role_change` when the role narrowed, whether or not the office changed
   * too), present when any went back. `call`: their phone call about one of those cases, closed.
   */
  | { ok: true; worker: CaseWorker; released: string[]; why?: OutOfReach; call?: OpenCall }
  | StaffRefusal
  | { ok: false; reason: 'not_found' }
  | InvalidStaff
  /** An admin cannot take their own admin role away (ADMIN_TELEGRAM_IDS admins can: they stay admins). */
  | { ok: false; reason: 'self_demotion' };

/**
 * Changes a roster entry (admins only): any of role, office, languages and name. The member
 * keeps their staff id, and with it their cases, but for those the change takes out of their
 * reach: a case worker works on the cases of their own office only (guard.ts inOffice), so a
 * case worker moved to another office may no longer work on those of the office they left, nor
 * a supervisor or admin made a case worker on those of the other offices; those go back to the
 * case workers as when a member is taken off the roster (give-back-cases.ts), they are told
 * which, privately, and the result says how many (for the admin).
 */
export async function changeStaff(deps: DeskDeps, actor: StaffRef, args: { staff: StaffRef } & Partial<Omit<NewStaffInput, 'telegramId'>>): Promise<ChangeStaffResult> {
  const a = await authorize(deps, actor, 'manage_roster');
  if (refused(a)) return a;
  const target = await deps.roster.byStaff(args.staff.staffId);
  if (!target?.worker) return { ok: false, reason: 'not_found' };
  const { staff: _staff, ...given } = args;
  const schema = NewStaffSchema.omit({ telegramId: true }).partial();
  const invalid = invalidFields(schema, given, deps.offices);
  if (invalid) return { ok: false, reason: 'invalid', fields: invalid };
  const fields = schema.parse(given);
  if (target.staffId === actor.staffId && fields.role !== undefined && fields.role !== 'admin' && !a.member.bootstrapAdmin) return { ok: false, reason: 'self_demotion' };
  const defined = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
  const { worker } = await deps.roster.save({ ...target.worker, ...defined, addedAt: deps.clock.now(), addedBy: a.member.telegramId });
  deps.logger.info({ by: staffLogRef(deps, actor.staffId), worker: staffLogRef(deps, worker.staffId), role: worker.role, office: worker.office, created: false }, 'caseworkers: roster entry saved');
  await audit(deps, a, 'change_staff', { target: worker.staffId, role: worker.role, office: worker.office });
  const after: StaffMember = { ...target, role: target.bootstrapAdmin ? 'admin' : worker.role, worker };
  const { released, why, call } = await giveBackOutOfReach(deps, a, target, after);
  return { ok: true, worker, released, ...(why && released.length > 0 ? { why } : {}), ...(call ? { call } : {}) };
}

/**
 * The cases `before` held and could work on that `after` (the same member, changed) may not:
 * given back to the case workers, with the phone call about one of them (see removeStaff).
 * Otherwise they would stay held by someone refused Open, /end and replies for them, while the
 * person's messages in a talk still went to them alone. Moving back later gives nothing back.
 */
async function giveBackOutOfReach(deps: DeskDeps, a: Actor, before: StaffMember, after: StaffMember): Promise<{ released: string[]; why?: OutOfReach; call?: OpenCall }> {
  // Only the office and the role decide which offices' cases a member may work on.
  if (before.worker?.office === after.worker?.office && before.role === after.role) return { released: [] };
  const why: OutOfReach = before.role !== 'caseworker' && after.role === 'caseworker' ? 'role_change' : 'office_change';
  const lost: string[] = [];
  for (const caseCode of await deps.claims.heldBy(after.staffId)) {
    const office = await officeOfCase(deps, caseCode);
    if (inOffice(before, office) && !inOffice(after, office)) lost.push(caseCode);
  }
  if (lost.length === 0) return { released: [] };
  const call = await endCallOf(deps, a, after.staffId, (caseCode) => caseCode !== undefined && lost.includes(caseCode));
  const released = await giveBackCases(deps, a, after.staffId, lost, why);
  deps.logger.info({ worker: staffLogRef(deps, after.staffId), why, released: released.length, callClosed: call !== undefined }, 'caseworkers: a roster change took cases out of a member\'s reach: they went back to the group');
  if (released.length > 0 || call) await tellMoved(deps, after, why, released, call);
  return { released, why, ...(call ? { call } : {}) };
}

/** What the member is told of the cases that went back, by why they went. */
const TOLD: Record<OutOfReach, string> = { office_change: 'caseworker:moved.released', role_change: 'caseworker:moved.released_role' };

/** Tells the member, privately and in their language, which cases went back and which call was closed. */
async function tellMoved(deps: DeskDeps, member: StaffMember, why: OutOfReach, released: string[], call: OpenCall | undefined): Promise<void> {
  const lang = langOf(member);
  const office = deps.offices.find((o) => o.id === member.worker?.office);
  const officeName = office ? (office.name[lang] ?? office.name.en ?? office.id) : (member.worker?.office ?? '');
  await deps.notifier.notify({
    id: `office_change:${member.staffId}:${deps.clock.now().getTime()}`,
    to: { type: 'staff', staffId: member.staffId },
    lang,
    kind: 'notice',
    output: {
      type: 'message',
      text: [
        ...(released.length > 0 ? [{ key: TOLD[why], params: { office: officeName, codes: released.join(', '), count: released.length } }] : []),
        ...(call ? [call.caseCode ? { key: 'caseworker:left.call_case', params: { n: call.n, code: call.caseCode } } : { key: 'caseworker:left.call', params: { n: call.n } }] : []),
      ],
    },
  });
}
