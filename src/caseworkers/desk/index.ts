/**
 * The case workers' desk: every action a member of staff takes on cases, the roster and their
 * day, as channel-independent use cases. Each is `(deps, actor, args) → Promise<result>`, where
 * `actor` is a StaffRef (a roster staff id, never a platform id) and the result a discriminated
 * union (`{ ok: true, … } | { ok: false, reason, … }`). Each use case checks the actor's role
 * and office itself (guard.ts), makes its store calls, cancels escalations (and arms them again
 * when a claimed case goes back to the group, back-to-group.ts), sends the notices
 * it causes through the Notifier, and records an audit entry (`deps.audit`).
 *
 * Channels only decode (a button, a command), resolve the actor through the roster, call a use
 * case and render its result.
 *
 * @example
 *   const member = await roster.byTelegram(ctx.from.id);
 *   const r = await claimCase(deps, { staffId: member.staffId }, { caseCode });
 *   if (!r.ok && r.reason === 'already_claimed') toast(…);
 */
export type { DeskDeps, StaffRefusal, Actor, StaffLookup, TalkThreads } from './desk-deps';
export { langOf } from './desk-deps';
// The desk's vocabulary, for channels to type what they render (without importing stores).
export type { CaseWorker, LeavingNotice, Role, StaffMember } from '../roster';
export { ROLES } from '../roster';
export type { CaseSummary } from '../case-file';
export type { AuditAction, AuditEntry, AuditLog, AuditReader, AuditRecord } from './audit';
export { readAudit, type AuditActor, type AuditLine, type ReadAuditResult } from './read-audit';
export { AUDIT_ACTIONS, AuditActionSchema } from '../../core/audit';
export { claimCase, type ClaimCaseResult, type ClaimPlace } from './claim-case';
export { releaseCase, type ReleaseCaseResult } from './release-case';
export { reassignCase, type ReassignCaseResult } from './reassign-case';
export { openCase, type OpenCaseResult } from './open-case';
export { recordAttendance, type Attendance, type RecordAttendanceResult } from './record-attendance';
export { closeCase, type CloseCaseResult } from './close-case';
export { DATA_ERASED_CANCEL, eraseOnRequest, erasedOnRequestNoticeId, type EraseOnRequestResult } from './erase-on-request';
export { relayToPerson, type RelayToPersonResult, type TalkMessageIn } from './relay-to-person';
export { relayFromPerson, leaveTalk, tellTalkLeft, openTalk, type DeliverToStaff, type RelayFromPersonResult } from './relay-from-person';
export { endTalk, type EndTalkResult } from './end-talk';
export { startPhoneCall, type StartPhoneCallResult } from './start-phone-call';
export { endPhoneCall, type EndPhoneCallResult } from './end-phone-call';
export { resumePhoneCall, type ResumePhoneCallResult } from './resume-phone-call';
export { callWalkIn, type CallWalkInResult } from './call-walk-in';
export { recordWalkInPhone, type RecordWalkInPhoneResult } from './record-walk-in-phone';
export { callInProgress, callStepped, type CallInProgress } from './phone-call-in-progress';
export { addStaff, NewStaffSchema, STAFF_FIELDS, type AddStaffResult, type NewStaff, type NewStaffInput, type StaffField, type InvalidStaff } from './add-staff';
export { changeStaff, type ChangeStaffResult } from './change-staff';
export { removeStaff, type RemoveStaffResult } from './remove-staff';
export { followMeetingOffice, type FollowMeetingOfficeResult } from './follow-meeting-office';
export { listRoster, type ListRosterResult } from './list-roster';
export { todaysMeetings, type DayMeeting, type TodaysMeetingsResult } from './todays-meetings';
export { CLOSE_REASONS, INTAKE_CLOSE_REASONS, LEGACY_CLOSE_REASONS, closeReasonKey, type CloseReason } from '../case-records';
// The first meeting (Annex 2 with Q4, Annex 1, the plan), incident reports (Annex 3), case statuses.
export { confirmDiagnosis, type ConfirmDiagnosisResult } from './confirm-diagnosis';
export { saveAssessment, type SaveAssessmentResult } from './save-assessment';
export { savePlan, type SavePlanResult } from './save-plan';
export { readCaseForms, type NamedVersion, type ReadCaseFormsResult } from './read-case-forms';
export { startIncident, fillIncident, acknowledgeIncident, listIncidents, urgentIncidents, readIncident, type ReadIncidentResult, type StartIncidentResult, type FillIncidentResult, type AcknowledgeIncidentResult, type ListIncidentsResult, type IncidentRefusal } from './incidents';
export type { CaseAccessRefusal, FieldIssue, InvalidForm } from './case-access';
export { ASSESSMENT_FIELDS, AssessmentSchema, type Assessment, type AssessmentField, type AssessmentInput, type FieldKind } from '../forms/assessment-form';
export { ACTIVITY_STATUSES, GOAL_TERMS, PlanSchema, type ActivityStatus, type Plan, type PlanInput } from '../forms/integration-plan';
export { DIAGNOSIS_QUESTIONS, DiagnosisConfirmationSchema, type DiagnosisConfirmation, type DiagnosisConfirmationInput, type DiagnosisQuestion } from '../forms/diagnosis-confirmation';
export { IncidentFormSchema, type IncidentFormInput } from '../forms/incident-form';
export type { CaseHead, DiagnosisRecord } from '../forms/meeting-records';
export type { FormVersion, FormVersionInfo } from '../forms/versioned-forms';
export { INCIDENT_TYPES, type IncidentReport, type IncidentType, type IncidentField } from '../../safeguarding/incident-report';
export { createDeskDeps, type DeskSetup } from './create-desk-deps';
export { requestSignInLink, type RequestSignInLinkResult, type SignInLinkIssuer } from './request-sign-in-link';
export { listCases, MAX_PAGE, type CaseListFilters, type CaseListRow, type ListCasesResult, type SearchKind } from './list-cases';
export { MAX_FOUND } from './search-cases';
export { CASE_STATUSES, CaseListStatusSchema, ELIGIBILITIES, NO_OFFICE, type CaseListStatus, type CaseRow, type Eligibility } from '../case-index';
export { addNote, type AddNoteResult } from './add-note';
export { NOTE_MAX } from '../case-notes';
export { viewCase, type CaseFileView, type CasePersonal, type ViewCaseResult } from './view-case';
export { messagePerson, MESSAGE_MAX, type MessagePersonResult } from './message-person';
export { openWalkIn, type OpenWalkInResult } from './open-walk-in';
export { recordPaperConsent, PaperConsentSchema, type RecordPaperConsentResult } from './record-paper-consent';
// --- the workspace's calendar, numbers and exports (issue 12, items 8–10) ---
export type { ReportDeps, ReportStores } from './report-deps';
export { officeWeek, type CalendarDay, type CalendarMeeting, type CalendarSlot, type OfficeWeekResult } from './office-week';
export { closeOfficeDay, reopenOfficeDay, OFFICE_CLOSED, type CloseOfficeDayResult, type ReopenOfficeDayResult } from './close-office-day';
export { funnelNumbers, ROUTES, SOURCES, type FunnelNumbersResult } from './funnel-numbers';
export { EXPORT_VALUES, exportCases, exportKeyFile, type ExportFile, type ExportResult, type ExportValues } from './export-cases';
// Booking or moving a person's meeting on their behalf from the workspace (issue 12, item 4).
export { bookOnBehalf, meetingTimes, BEHALF_DAYS, type BookOnBehalfResult, type BookOnBehalfRefusal, type FreeTime, type MeetingTimesResult } from './book-on-behalf';
export type { CaseworkersChat, MeetingBooking, MeetingConversations, StaffBookedMeeting } from './desk-deps';
