import { z } from 'zod';
import { SUPPORTED_LANGS } from '../../core/lang';
import type { StaffRef } from '../../core/staff';
import { invalidForm, mayRecordOn, type CaseAccessRefusal, type InvalidForm } from './case-access';
import { audit, authorize, officeOfCase, refused, staffLogRef, type DeskDeps, type StaffRefusal } from './desk-deps';
import { staffNameOf } from './staff-names';

/** The consent form (Annex 4) as the first meeting's page sends it: the option ticked, the language of the form signed. */
export const PaperConsentSchema = z.object({
  option: z.enum(['A', 'B', 'C'], { error: 'not_an_option' }),
  lang: z.enum(SUPPORTED_LANGS, { error: 'not_an_option' }),
});

/** The result of {@link recordPaperConsent}. */
export type RecordPaperConsentResult =
  | { ok: true; caseCode: string; option: 'A' | 'B' | 'C' }
  | StaffRefusal
  | CaseAccessRefusal
  | InvalidForm
  /** The case has a consent given already (option A, B or C): it is not signed twice. */
  | { ok: false; reason: 'already_consented' }
  /** This deployment keeps no consent records. */
  | { ok: false; reason: 'unavailable' };

/**
 * Records the consent form (Annex 4) the person read and signed on paper, in the language they
 * understand best, at the office (spec §3.6, route 4: after Annex 1, before the plan): the
 * holder or a supervisor, on a case with no consent given yet. The signed paper stays in the
 * office's file; the record says the option, the form's language, where and who. Audited
 * (`record_consent`).
 * @example await recordPaperConsent(deps, { staffId }, { caseCode, form: { option: 'B', lang: 'ru' } });
 */
export async function recordPaperConsent(deps: DeskDeps, actor: StaffRef, args: { caseCode: string; form: unknown }): Promise<RecordPaperConsentResult> {
  const a = await authorize(deps, actor, 'record_first_meeting');
  if (refused(a)) return a;
  const access = await mayRecordOn(deps, a, args.caseCode, 'record_first_meeting', { editing: true });
  if (!access.ok) return access;
  const parsed = PaperConsentSchema.safeParse(args.form);
  if (!parsed.success) return invalidForm(parsed.error);
  if (['A', 'B', 'C'].includes(access.head.consent ?? '')) return { ok: false, reason: 'already_consented' };
  const now = deps.clock.now();
  const officeId = await officeOfCase(deps, args.caseCode);
  const office = deps.offices.find((o) => o.id === officeId);
  const counsellor = (await staffNameOf(deps))(actor.staffId);
  const saved = await deps.meeting.recordPaperConsent(args.caseCode, {
    at: now.toISOString(), agreed: true, option: parsed.data.option, lang: parsed.data.lang, place: office?.name.az ?? officeId ?? '',
    by: 'counsellor', given: 'signed_on_paper', counsellor, counsellor_id: actor.staffId,
  });
  if (!saved) return { ok: false, reason: 'unavailable' };
  deps.logger.info({ case: args.caseCode, option: parsed.data.option, by: staffLogRef(deps, actor.staffId) }, 'desk: consent signed on paper recorded');
  await audit(deps, a, 'record_consent', { caseCode: args.caseCode, option: parsed.data.option });
  return { ok: true, caseCode: args.caseCode, option: parsed.data.option };
}
