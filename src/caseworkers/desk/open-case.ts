import type { Lang } from '../../core/lang';
import type { StaffRef } from '../../core/staff';
import { detailsText } from '../alert-text';
import type { CaseDetails } from '../case-file';
import { audit, authorize, mayWorkOn, refused, staffLogRef, type DeskDeps, type StaffRefusal } from './desk-deps';
import { staffNameOf } from './staff-names';

/** The result of {@link openCase}. */
export type OpenCaseResult =
  /** `text`: the case file in the actor's language, for their private chat only. */
  | { ok: true; caseCode: string; details: CaseDetails; text: string; lang: Lang }
  | StaffRefusal
  | { ok: false; reason: 'not_claimed' }
  /** Someone else holds the case (`name`: theirs on the roster). */
  | { ok: false; reason: 'not_holder'; by: string; name: string }
  /** The holder works at another office now (moved since they claimed it): as the workspace's case file, refused. */
  | { ok: false; reason: 'other_office' };

/**
 * The case file, decrypted (names, birth date, phone, address, questions), for the worker
 * who holds the case and nobody else. Reading it changes nothing, but who saw a person's data
 * is what the audit trail is for: the opening is recorded (`open_case`) and logged with a
 * pseudonym.
 */
export async function openCase(deps: DeskDeps, actor: StaffRef, args: { caseCode: string }): Promise<OpenCaseResult> {
  const a = await authorize(deps, actor, 'claim_case');
  if (refused(a)) return a;
  const holder = await deps.claims.get(args.caseCode);
  if (!holder) return { ok: false, reason: 'not_claimed' };
  const names = await staffNameOf(deps);
  if (holder.by !== actor.staffId) {
    deps.logger.info({ case: args.caseCode, who: staffLogRef(deps, actor.staffId) }, 'desk: open refused: the case is another worker’s');
    return { ok: false, reason: 'not_holder', by: holder.by, name: names(holder.by) };
  }
  // A worker moved to another office keeps their claims, but not the files of their old office's cases (viewCase refuses them too).
  if (!(await mayWorkOn(deps, a, args.caseCode, 'claim_case'))) return { ok: false, reason: 'other_office' };
  const details = await deps.files.details(args.caseCode, deps.clock.now());
  const text = detailsText(details, { tr: deps.translator, lang: a.lang, offices: deps.offices, staffName: names });
  deps.logger.info({ case: args.caseCode, by: staffLogRef(deps, actor.staffId) }, 'desk: case opened');
  await audit(deps, a, 'open_case', { caseCode: args.caseCode });
  return { ok: true, caseCode: args.caseCode, details, text, lang: a.lang };
}
