import type { StaffRef } from '../../core/staff';
import type { Booking } from '../../scheduling/booking-store';
import type { CaseDetails } from '../case-file';
import { entryOf, type CaseListStatus } from '../case-index';
import type { Assessment } from '../forms/assessment-form';
import type { CaseHead, DiagnosisRecord } from '../forms/meeting-records';
import type { Plan } from '../forms/integration-plan';
import type { FormVersion, FormVersionInfo } from '../forms/versioned-forms';
import { mayRecordOn, type CaseAccessRefusal } from './case-access';
import { audit, authorize, refused, type DeskDeps, type StaffRefusal } from './desk-deps';
import { staffNameOf } from './staff-names';

/** A version as the page lists it: with the name of who saved it. */
export interface NamedVersion extends FormVersionInfo {
  byName: string;
}

/** The result of {@link readCaseForms}. */
export type ReadCaseFormsResult =
  | {
      ok: true;
      caseCode: string;
      head: CaseHead;
      /** Where the case stands, as the case list shows it. */
      listStatus: CaseListStatus;
      /** The first meeting (attendance is recorded on it), if one was booked. */
      booking?: Booking;
      /** The newest diagnosis (the bot's provisional one until the counsellor confirms). */
      diagnosis?: DiagnosisRecord;
      /** The assessment version asked for (the newest by default), and every version. */
      assessment?: FormVersion<Assessment> & { byName: string };
      assessmentVersions: NamedVersion[];
      plan?: FormVersion<Plan> & { byName: string };
      planVersions: NamedVersion[];
      /** The person's reason for withdrawing, in their words, when they gave one with /withdraw. */
      withdrawal?: string;
      /**
       * Before any assessment is saved: what the intake already has for Annex 1's fields 3, 4 and
       * 7 (name, date of birth as stored, how they heard of us as chosen and in their words), so
       * that the counsellor confirms instead of typing it again.
       */
      fromIntake?: { name?: string; birthDate?: string; referralSource?: string; referralDetail?: string };
      /**
       * The consent in force was given for the person (under 18) by a parent or legal guardian on
       * the phone (guidelines §3.1.5): Annex 4's "person giving consent", by name when it was taken.
       */
      consentByGuardian?: { name?: string };
    }
  | StaffRefusal
  | CaseAccessRefusal
  /** No such version of that form. */
  | { ok: false; reason: 'no_such_version' };

/**
 * The first meeting's records of a case, decrypted, for the worker who holds it or a
 * supervisor: the newest diagnosis, the assessment and the plan (the newest, or the versions
 * asked for), and who saved every version, and when. Reading personal data is audited
 * (`view_forms`, with the versions read).
 */
export async function readCaseForms(deps: DeskDeps, actor: StaffRef, args: { caseCode: string; assessmentVersion?: number; planVersion?: number }): Promise<ReadCaseFormsResult> {
  const a = await authorize(deps, actor, 'record_first_meeting');
  if (refused(a)) return a;
  const access = await mayRecordOn(deps, a, args.caseCode, 'record_first_meeting', { editing: false });
  if (!access.ok) return access;
  const { caseCode } = args;
  const [withdrawal, booking, diagnosis, assessment, assessmentVersions, plan, planVersions, names] = await Promise.all([
    deps.meeting.withdrawalInWriting(caseCode),
    deps.bookings.get(caseCode),
    deps.meeting.latestDiagnosis(caseCode),
    deps.meeting.assessments.read(caseCode, args.assessmentVersion),
    deps.meeting.assessments.versions(caseCode),
    deps.meeting.plans.read(caseCode, args.planVersion),
    deps.meeting.plans.versions(caseCode),
    staffNameOf(deps),
  ]);
  if ((args.assessmentVersion !== undefined && !assessment) || (args.planVersion !== undefined && !plan)) return { ok: false, reason: 'no_such_version' };
  const byGuardian = access.head.consentGivenBy === 'guardian' && ['A', 'B', 'C'].includes(access.head.consent ?? '');
  const fields = assessmentVersions.length === 0 || byGuardian ? (await deps.files.details(caseCode, deps.clock.now())).fields : undefined;
  const fromIntake = assessmentVersions.length === 0 && fields ? intakeDetails(fields) : undefined;
  const named = (v: FormVersionInfo): NamedVersion => ({ ...v, byName: names(v.by) });
  await audit(deps, a, 'view_forms', { caseCode, ...(assessment ? { assessment: String(assessment.version) } : {}), ...(plan ? { plan: String(plan.version) } : {}) });
  return {
    ok: true,
    caseCode,
    head: access.head,
    listStatus: entryOf(access.head.listFields, booking ? { office: booking.office, status: booking.status } : {})?.status ?? 'new',
    ...(booking ? { booking } : {}),
    ...(diagnosis ? { diagnosis } : {}),
    ...(assessment ? { assessment: { ...assessment, byName: names(assessment.by) } } : {}),
    assessmentVersions: assessmentVersions.map(named),
    ...(plan ? { plan: { ...plan, byName: names(plan.by) } } : {}),
    planVersions: planVersions.map(named),
    ...(withdrawal ? { withdrawal } : {}),
    ...(fromIntake ? { fromIntake } : {}),
    ...(byGuardian ? { consentByGuardian: fields?.guardian_name ? { name: fields.guardian_name } : {} } : {}),
  };
}

/** The intake's answers Annex 1 asks again, those there are. */
function intakeDetails(f: CaseDetails['fields']): NonNullable<Extract<ReadCaseFormsResult, { ok: true }>['fromIntake']> {
  const name = [f.first_name, f.last_name].filter(Boolean).join(' ');
  return {
    ...(name ? { name } : {}),
    ...(f.birth_date ? { birthDate: f.birth_date } : {}),
    ...(f.referral_source ? { referralSource: f.referral_source } : {}),
    ...(f.referral_detail ? { referralDetail: f.referral_detail } : {}),
  };
}
