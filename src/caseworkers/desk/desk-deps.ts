import type { Office } from '../../config/offices';
import type { Clock, IdGen } from '../../core/clock';
import type { MetMeeting } from '../../core/conversation';
import { DEFAULT_LANG, type Lang } from '../../core/lang';
import type { Logger } from '../../core/logger';
import type { Notifier } from '../../core/notifier';
import type { StaffRef } from '../../core/staff';
import type { Translator } from '../../i18n';
import type { BookingStore } from '../../scheduling/booking-store';
import type { ScheduledMeeting } from '../../scheduling/reminders';
import type { OfficeClosures } from '../../scheduling/office-closures';
import type { SlotCalendar } from '../../intake/slot-calendar';
import type { ErasureCounts } from '../../intake/erase-case';
import type { FieldCipher } from '../../storage/field-cipher';
import type { CaseFiles } from '../case-file';
import type { CaseIndex } from '../case-index';
import type { CaseSearch } from '../case-search';
import type { CaseForms } from '../case-forms';
import type { CaseNotes } from '../case-notes';
import type { IncidentStore } from '../../safeguarding/incident-store';
import type { CaseRecords } from '../case-records';
import type { ClaimStore } from '../claims';
import { can, inOffice, type Action } from '../guard';
import type { PhoneCallStore } from '../phone-calls';
import type { RelayStore } from '../relay-store';
import type { RosterStore, StaffMember } from '../roster';
import type { MeetingRecords } from '../forms/meeting-records';
import type { AuditAction, AuditLog, AuditReader } from './audit';
import type { CaseAlertMessages } from '../alert-messages';
import { redrawAlerts } from './redraw-alerts';
import { repostAlert } from './repost-alert';

/**
 * What the desk's use cases work with. Built once where the bot (or a dashboard) is wired; the
 * tests build it on a real Redis with a recording {@link Notifier}.
 */
export interface DeskDeps {
  roster: Pick<RosterStore, 'byStaff' | 'list' | 'save' | 'add' | 'removeStaff' | 'adminsWithoutEntry' | 'noteLeaving'>;
  claims: Pick<ClaimStore, 'claim' | 'get' | 'release' | 'reassign' | 'heldBy'>;
  cases: Pick<CaseRecords, 'info' | 'close' | 'openWalkIn' | 'recordPhone'>;
  /** New case codes (a walk-in's); random ones when not given. */
  ids?: IdGen;
  /** Case files: `details` for Open; `summary` for whoever draws the alerts from the same deps. */
  files: Pick<CaseFiles, 'details' | 'summary'>;
  /** The bookings: `cancel` when a closed case's meeting goes (cancelMeeting). */
  bookings: Pick<BookingStore, 'get' | 'mark' | 'day' | 'cancel'>;
  /**
   * Removes a cancelled meeting's reminders, and schedules those of a meeting booked for a case
   * with no conversation to commit it into (a walk-in's) (ReminderScheduler fits); none without a bot.
   */
  reminders?: { unschedule(caseCode: string, slot: string): Promise<void>; schedule?(m: ScheduledMeeting, now: Date): Promise<void> };
  relay: Pick<RelayStore, 'open' | 'openCase' | 'close' | 'keep' | 'kept' | 'acknowledgeOnce' | 'count'>;
  calls: Pick<PhoneCallStore, 'start' | 'open' | 'touch' | 'close' | 'callOf' | 'resume'>;
  /** Everything the desk tells someone on its own (the person, another member of staff, the group). */
  notifier: Notifier;
  /**
   * The case workers' group's alerts of each case (kept as the outbox sends them): edited in
   * place when the desk changes a case's holder or ends it. Without it nothing is edited.
   */
  alertMessages?: Pick<CaseAlertMessages, 'list' | 'forget'>;
  /**
   * The escalations of unclaimed cases (EscalationScheduler fits): cancelled once a case is
   * claimed or closed, armed again (`rearm`, once per release) when a claimed case goes back to
   * the group; returns when it falls due.
   */
  escalations?: { cancel(caseCode: string): Promise<boolean>; rearm(caseCode: string, releasedAt: Date, office?: Office): Promise<Date> };
  /** Texts to staff the desk renders itself (the case file). */
  translator: Translator;
  /**
   * The case workers' chat's language (CASEWORKER_CHAT_LANG): what the desk posts or edits
   * there (alerts posted again or redrawn, a person's messages, notices) is in it. Default az.
   */
  chatLang?: Lang;
  offices: readonly Office[];
  /** Pseudonymises staff ids in the logs. */
  cipher: Pick<FieldCipher, 'pseudonym'>;
  clock: Clock;
  logger: Logger;
  /** Where each change a member of staff makes is recorded, when the deployment keeps an audit trail. */
  audit?: AuditLog;
  /** Where admins read the audit trail back (`/audit`), when the deployment keeps one. */
  auditTrail?: AuditReader;
  /** The case list's indexes (the workspace's list); createDeskDeps keeps them up to date after the desk's writes. */
  index?: Pick<CaseIndex, 'page' | 'rows' | 'urgent' | 'entry' | 'reindex'>;
  /** The case search by name or phone number (the list's search box): a blind index, never a case decrypted. */
  search?: Pick<CaseSearch, 'find'>;
  /** Staff's notes on cases (the workspace's case file). */
  notes?: Pick<CaseNotes, 'add' | 'list'>;
  /** The diagnoses and consents recorded on a case (the case file). */
  forms?: Pick<CaseForms, 'diagnoses' | 'consents'>;
  /** The relayed conversation of a case (the case file's "talk"). */
  talks?: Pick<RelayStore, 'messages'>;
  /** Incident reports (Annex 3): a case's (the case file), completed, started and acknowledged at the desk. */
  incidents: Pick<IncidentStore, 'get' | 'update' | 'complete' | 'startReport' | 'acknowledge' | 'listUnacknowledged' | 'listForCase' | 'listDrafts'>;
  /**
   * Where a report is opened in the web workspace (`<PUBLIC_URL>/desk/incidents/<id>`), when the
   * deployment has one: the urgent alert of a crisis names its report by it, also when redrawn.
   */
  incidentLink?: (id: string) => string;
  /** The first meeting's records: Annex 2 confirmed, Annex 1 and the plan in versions. */
  meeting: MeetingRecords;
  /**
   * The conversation (its pseudonym) of the person behind a case, from the case's sealed
   * contact: where a message written in the workspace opens the talk, as a reply in Telegram does.
   */
  conversationOf?: (caseCode: string) => Promise<string | undefined>;
  /** Booking on the person's behalf (bookOnBehalf): the bot's own booking store, slots and closed days. */
  booking?: MeetingBooking;
  /** Keeps the person's conversation's view of their meeting in step with staff's changes. */
  meetings?: MeetingConversations;
  /**
   * The case workers' chat, where the channel can take someone out of it (Telegram: the bot, an
   * admin of the group, bans them). Someone taken off the roster leaves it too: every alert, a
   * person's words in a talk and a name under consent C go on being posted there, and the
   * roster alone keeps nobody from reading them. Without it (no chat configured) nothing is done.
   */
  caseworkersChat?: CaseworkersChat;
  /**
   * Erases a case's personal data from outside the person's conversation, as the retention
   * purge does (intake/erase-case.ts `eraseOutsideConversation`: what /delete erases, the
   * pending work of the person forgotten, and their saved conversation deleted when it is still
   * the case's): an admin's erasure at the person's request (eraseOnRequest). Idempotent.
   * Without it (no bot: nothing holds the person's pending work) the desk erases nothing.
   */
  erasure?: { erase(caseCode: string, now: Date): Promise<ErasureCounts> };
}

/** What the desk asks of the case workers' chat. */
export interface CaseworkersChat {
  /**
   * Takes the account out of the chat, for good (an invite link they kept does not bring them
   * back; an admin adding them again does): `removed`, `not_member` (they were not in it), or
   * `failed` (the bot may not, or the chat could not be reached: an admin does it by hand).
   */
  remove(telegramId: number): Promise<'removed' | 'not_member' | 'failed'>;
}

/** The bot's booking pieces, shared with the desk so that staff book exactly as the person does. */
export interface MeetingBooking {
  store: Pick<BookingStore, 'book' | 'get' | 'freePlaces'>;
  calendar: Pick<SlotCalendar, 'upcoming' | 'find'>;
  closures: Pick<OfficeClosures, 'closedDays'>;
}

/** A meeting staff booked or moved for a person. */
export interface StaffBookedMeeting {
  caseCode: string;
  slot: string;
  office: string;
  /** ISO times. */
  start: string;
  end: string;
  lang: Lang;
  /** The slot the booking held before (its reminders go). */
  previousSlot?: string;
}

/**
 * The person's conversation, told of a meeting changed from staff's side, so that /appointment
 * (and any flow step reading the booking) shows the meeting as it is now.
 */
export interface MeetingConversations {
  /**
   * Commits the meeting into the person's conversation with a `booking_made` effect (its
   * reminders scheduled, an old slot's removed, as after a booking in the bot). False when the
   * person has no conversation.
   */
  booked(meeting: StaffBookedMeeting, ref: string): Promise<boolean>;
  /** Forgets a cancelled meeting in the person's conversation (when it still shows that slot). */
  cancelled(caseCode: string, slot: string): Promise<void>;
  /**
   * Tells the person's conversation their case was closed for good: /appointment and the
   * meeting buttons then book nothing and say so (the booking store refuses it anyway).
   */
  caseClosed?(caseCode: string): Promise<void>;
  /**
   * Tells the person's conversation what a case worker recorded of a meeting: "came" to the
   * first meeting (`attended`) marks it met, so "Book a meeting" books no other first meeting;
   * a "came" put right to "did not come" (`no_show`) takes that away when it was this meeting.
   */
  attendance?(caseCode: string, status: 'attended' | 'no_show', meeting: MetMeeting): Promise<void>;
}

/**
 * The roster as a channel sees it: who a platform account is (`byTelegram`), who a staff id is
 * (`byStaff`, to deliver to them), and everyone's names (`list`, "taken by …" on alerts).
 */
export type StaffLookup = Pick<RosterStore, 'byTelegram' | 'byStaff' | 'list' | 'mayBeStaff' | 'surelyNotStaff' | 'takeLeavingNotice' | 'wasStaff'>;

/**
 * The talks' reply threading a channel keeps (Telegram: which posted message in a worker's chat
 * stands for which talk), and opening a talk when a person asks for a human.
 */
export type TalkThreads = Pick<RelayStore, 'open' | 'relayedBy' | 'remember'>;

/** The refusals every staff use case may give. */
export type StaffRefusal =
  /** The staff id names nobody on the roster (removed meanwhile, or never there). */
  | { ok: false; reason: 'not_staff' }
  /** Their role may not do this. */
  | { ok: false; reason: 'forbidden'; role: StaffMember['role'] };

/** A member of staff allowed to act, and the language the desk speaks to them in. */
export interface Actor {
  member: StaffMember;
  lang: Lang;
}

/** A pseudonym of a staff id for the logs (a legacy staff id is a Telegram id). */
export const staffLogRef = (deps: Pick<DeskDeps, 'cipher'>, staffId: string): string => deps.cipher.pseudonym(`staff:${staffId}`);

/** The member's language: the first of their roster languages. */
export const langOf = (member: StaffMember): Lang => member.worker?.langs[0] ?? DEFAULT_LANG;

/**
 * Resolves `actor` on the roster and checks they may do `action`; refusals are logged (warn,
 * pseudonymised) and returned as values.
 */
export async function authorize(deps: Pick<DeskDeps, 'roster' | 'logger' | 'cipher'>, actor: StaffRef, action: Action): Promise<Actor | StaffRefusal> {
  const member = await deps.roster.byStaff(actor.staffId);
  if (!member) {
    deps.logger.warn({ who: staffLogRef(deps, actor.staffId), action }, 'desk: not permitted: not on the roster');
    return { ok: false, reason: 'not_staff' };
  }
  if (!can(member, action)) {
    deps.logger.warn({ who: staffLogRef(deps, actor.staffId), action, role: member.role }, 'desk: not permitted: role may not');
    return { ok: false, reason: 'forbidden', role: member.role };
  }
  return { member, lang: langOf(member) };
}

/** Narrows {@link authorize}'s answer. */
export const refused = (a: Actor | StaffRefusal): a is StaffRefusal => 'ok' in a;

/** The office of a case: its meeting's (undefined while it has none). */
export async function officeOfCase(deps: Pick<DeskDeps, 'bookings' | 'cases'>, caseCode: string): Promise<string | undefined> {
  // A walk-in without a booking is its opening office's.
  return (await deps.bookings.get(caseCode))?.office ?? (await deps.cases.info(caseCode)).office;
}

/**
 * In a talk, only the worker holding the case speaks for the programme (supervisors and admins
 * may step in): a case worker answering an unclaimed case takes it (the first to answer holds
 * it; the case's alert is posted again naming them, see {@link repostAlert}); one answering a
 * case another worker holds is refused and learns who holds it.
 */
export async function mayTalkFor(deps: DeskDeps, a: Actor, caseCode: string): Promise<{ ok: true } | { ok: false; reason: 'not_holder'; holder: string }> {
  if (a.member.role !== 'caseworker') return { ok: true };
  const claim = await deps.claims.get(caseCode);
  if (claim?.by === a.member.staffId) return { ok: true };
  if (!claim) {
    const now = deps.clock.now();
    const taken = await deps.claims.claim(caseCode, a.member.staffId, now);
    if (taken.outcome === 'claimed') {
      // Answering an unclaimed case claims it, as a tapped Claim does: the trail shows the claim,
      // the escalation is cancelled, and the group sees who holds it (its alert offered Claim).
      await audit(deps, a, 'claim_case', { caseCode, via: 'talk' });
      await deps.escalations?.cancel(caseCode).catch((err: Error) => deps.logger.warn({ case: caseCode, err: err.message }, 'desk: cancelling the escalation failed (it will be ignored when it fires)'));
      await redrawAlerts(deps, caseCode, `claimed_by_talk:${caseCode}:${now.getTime()}`);
      await repostAlert(deps, caseCode, `claimed_by_talk:${caseCode}:${now.getTime()}`, { key: 'caseworker:claim.by_talk', params: { code: caseCode, worker: a.member.worker?.name ?? `id ${a.member.staffId}` } });
    }
    if (taken.outcome !== 'taken' || taken.by === a.member.staffId) return { ok: true };
    return { ok: false, reason: 'not_holder', holder: taken.by };
  }
  deps.logger.warn({ who: staffLogRef(deps, a.member.staffId), case: caseCode }, 'desk: not permitted: another worker holds the case');
  return { ok: false, reason: 'not_holder', holder: claim.by };
}

/** Whether the actor may act on the case's office; a refusal is logged. */
export async function mayWorkOn(deps: DeskDeps, a: Actor, caseCode: string, action: Action): Promise<boolean> {
  const office = await officeOfCase(deps, caseCode);
  if (inOffice(a.member, office)) return true;
  deps.logger.warn({ who: staffLogRef(deps, a.member.staffId), action, case: caseCode }, 'desk: not permitted: a case of another office');
  return false;
}

/**
 * Records an audit entry, if the deployment keeps them; a failing audit log does not undo the
 * change. The entry keeps the actor's name on the roster as it is now (an ADMIN_TELEGRAM_IDS
 * admin without an entry has none), so the trail still names them after a rename or removal.
 */
export async function audit(deps: Pick<DeskDeps, 'audit' | 'clock' | 'logger'>, actor: Actor, action: AuditAction, detail: { caseCode?: string; toName?: string } & Record<string, string | undefined>, o: { once?: string } = {}): Promise<void> {
  if (!deps.audit) return;
  const byName = actor.member.worker?.name;
  await deps.audit.record({ at: deps.clock.now(), staffId: actor.member.staffId, action, ...(byName ? { byName } : {}), ...detail }, o).catch((err: Error) => deps.logger.error({ action, err: err.message }, 'desk: the audit entry could not be written'));
}
