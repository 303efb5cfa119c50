import { randomIds } from '../../core/clock';
import { parsePhone } from '../../flows/engine/parse-reply';
import type { Lang } from '../../core/lang';
import type { StaffRef } from '../../core/staff';
import { reindexed } from './case-access';
import { audit, authorize, refused, staffLogRef, type DeskDeps, type StaffRefusal } from './desk-deps';

/** The result of {@link openWalkIn}. */
export type OpenWalkInResult =
  | { ok: true; caseCode: string; office: string }
  | StaffRefusal
  /** The member of staff belongs to no office on this deployment's list: nowhere to open the case. */
  | { ok: false; reason: 'no_office' }
  /** The phone number given is not one (nothing is opened: the worker corrects it or leaves it out). */
  | { ok: false; reason: 'bad_phone' };

/** Where a number typed without its country code is read (the programme's country), as the phone interview reads it. */
export const PHONE_REGION = 'AZ';

/** New codes drawn before giving up (each a 40-bit random code: a second draw is already unheard of). */
const CODE_DRAWS = 3;

/**
 * Opens a case for a person who walked into the office (spec §3.6, route 4): the first meeting
 * is now, so the case is opened at the actor's office as met (`walk_in_at`), held by the actor,
 * and its first meeting page takes Annex 2 at once (no booking, no attendance to record), then
 * Annex 1, the consent signed on paper (Annex 4) and the plan. Its records say `walk_in`, so a
 * walk-in is never counted as a phone or chat intake. Audited (`open_walk_in`).
 *
 * `phone`: the number the person left to be called on, if they gave one (read as the phone
 * interview reads one: Azerbaijani numbers without their country code), kept encrypted as a
 * phone intake's: their meetings then say to phone them, and `/call <case code>` calls them.
 * The person has no chat with the bot, so without it nobody can reach them between visits.
 * @example const r = await openWalkIn(deps, { staffId }, { lang: 'ru', phone: '050 123 45 67' }); // { ok: true, caseCode: 'KP-…', office: 'baku' }
 */
export async function openWalkIn(deps: DeskDeps, actor: StaffRef, args: { lang: Lang; phone?: string }): Promise<OpenWalkInResult> {
  const a = await authorize(deps, actor, 'claim_case');
  if (refused(a)) return a;
  const office = a.member.worker?.office;
  if (!office || !deps.offices.some((o) => o.id === office)) return { ok: false, reason: 'no_office' };
  const typed = args.phone?.trim();
  const phone = typed ? parsePhone(typed, PHONE_REGION) : undefined;
  if (phone && !phone.ok) return { ok: false, reason: 'bad_phone' };
  const now = deps.clock.now();
  const ids = deps.ids ?? randomIds;
  for (let draw = 0; draw < CODE_DRAWS; draw++) {
    const caseCode = ids.caseCode();
    if (!(await deps.cases.openWalkIn(caseCode, { lang: args.lang, office, now, ...(phone?.ok ? { phone: phone.value } : {}) }))) continue;
    await deps.claims.claim(caseCode, actor.staffId, now);
    await reindexed(deps, caseCode);
    deps.logger.info({ case: caseCode, office, by: staffLogRef(deps, actor.staffId) }, 'desk: walk-in case opened');
    await audit(deps, a, 'open_walk_in', { caseCode, office });
    return { ok: true, caseCode, office };
  }
  throw new Error(`openWalkIn: ${CODE_DRAWS} case codes drawn were all taken`);
}
