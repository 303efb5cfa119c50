import type { Redis } from 'ioredis';
import type { Office } from '../../config/offices';
import type { Clock } from '../../core/clock';
import type { Logger } from '../../core/logger';
import type { Notifier } from '../../core/notifier';
import type { Translator } from '../../i18n';
import type { BookingStore } from '../../scheduling/booking-store';
import type { FieldCipher } from '../../storage/field-cipher';
import type { RedisKeys } from '../../storage/keys';
import { CaseFiles } from '../case-file';
import type { CaseIndex } from '../case-index';
import { CaseSearch } from '../case-search';
import { CaseForms } from '../case-forms';
import { CaseNotes } from '../case-notes';
import { CaseRecords } from '../case-records';
import { ClaimStore } from '../claims';
import { PhoneCallStore } from '../phone-calls';
import { RelayStore } from '../relay-store';
import { SafeguardingConfigSchema } from '../../config/safeguarding';
import { IncidentStore } from '../../safeguarding/incident-store';
import { MeetingRecords } from '../forms/meeting-records';
import type { AuditLog, AuditReader } from './audit';
import type { DeskDeps } from './desk-deps';

/** What {@link createDeskDeps} builds the desk's stores from. */
export interface DeskSetup {
  redis: Redis;
  keys: Pick<RedisKeys, 'prefix' | 'case' | 'claim' | 'heldCases' | 'diagnoses' | 'questions' | 'assessmentVersions' | 'planVersions' | 'caseSearchIndex'> & Partial<Pick<RedisKeys, 'consents' | 'caseNotes' | 'cases' | 'searchIndex'>>;
  /** New case codes (walk-ins); random ones when not given. */
  ids?: DeskDeps['ids'];
  /** Decrypts case files, encrypts talks, pseudonymises staff ids in logs. */
  cipher: FieldCipher;
  roster: DeskDeps['roster'];
  bookings: Pick<BookingStore, 'get' | 'mark' | 'day' | 'cancel'>;
  /** Removes a cancelled meeting's reminders (a closed case's meeting). */
  reminders?: DeskDeps['reminders'];
  notifier: Notifier;
  translator: Translator;
  /** The case workers' chat's language (CASEWORKER_CHAT_LANG); default az. */
  chatLang?: DeskDeps['chatLang'];
  offices: readonly Office[];
  clock: Clock;
  logger: Logger;
  escalations?: DeskDeps['escalations'];
  /** Stores the caller has built already (on the same Redis, prefix and cipher), shared rather than built twice. */
  relay?: DeskDeps['relay'];
  claims?: ClaimStore;
  files?: CaseFiles;
  audit?: AuditLog;
  /** Where admins read the trail back (usually the same store as `audit`). */
  auditTrail?: AuditReader;
  /** The case list's indexes: with it, every desk write that moves a case reindexes it. */
  index?: CaseIndex;
  /** The incident reports the bot drafts (built here, on the same Redis, when not given). */
  incidents?: DeskDeps['incidents'];
  /** Where a report is opened in the web workspace, when the deployment has one. */
  incidentLink?: DeskDeps['incidentLink'];
  /** The person's conversation behind a case (messages written in the workspace). */
  conversationOf?: DeskDeps['conversationOf'];
  /** Booking on the person's behalf, and their conversation kept in step (bookOnBehalf, closeOfficeDay). */
  booking?: DeskDeps['booking'];
  meetings?: DeskDeps['meetings'];
  /** The case workers' group's alerts of each case, edited when the desk changes a case's holder. */
  alertMessages?: DeskDeps['alertMessages'];
  /** The case workers' chat, to take someone taken off the roster out of it (removeStaff). */
  caseworkersChat?: DeskDeps['caseworkersChat'];
  /** Erasing a case at the person's request (eraseOnRequest), built where the pending work is known. */
  erasure?: DeskDeps['erasure'];
}

/**
 * The desk's dependencies on one Redis: claims, case records and files, talks and phone calls
 * built here, so that channels never construct a store.
 * @example const desk = createDeskDeps({ redis, keys: core.keys, cipher: core.cipher, roster, … });
 */
export function createDeskDeps(s: DeskSetup): DeskDeps {
  const claims = s.claims ?? new ClaimStore(s.redis, s.keys);
  const relay = s.relay ?? new RelayStore(s.redis, s.keys.prefix, s.cipher);
  const cases = new CaseRecords(s.redis, s.keys, s.cipher);
  return {
    roster: s.roster,
    claims: s.index ? indexedClaims(claims, s.index) : claims,
    cases: s.index ? indexedCases(cases, s.index) : cases,
    files: s.files ?? new CaseFiles({ redis: s.redis, keys: s.keys, cipher: s.cipher, bookings: s.bookings }),
    bookings: s.index ? indexedBookings(s.bookings, s.index) : s.bookings,
    relay,
    calls: new PhoneCallStore(s.redis, s.keys.prefix),
    notifier: s.notifier,
    translator: s.translator,
    offices: s.offices,
    cipher: s.cipher,
    clock: s.clock,
    logger: s.logger,
    ...(s.ids ? { ids: s.ids } : {}),
    ...(s.chatLang ? { chatLang: s.chatLang } : {}),
    ...(s.escalations ? { escalations: s.escalations } : {}),
    ...(s.reminders ? { reminders: s.reminders } : {}),
    ...(s.audit ? { audit: s.audit } : {}),
    ...(s.auditTrail ? { auditTrail: s.auditTrail } : {}),
    ...(s.index ? { index: s.index } : {}),
    ...(s.keys.searchIndex ? { search: new CaseSearch(s.redis, { searchIndex: s.keys.searchIndex }, s.cipher) } : {}),
    ...(s.keys.caseNotes ? { notes: new CaseNotes(s.redis, { caseNotes: s.keys.caseNotes }, s.cipher) } : {}),
    ...(s.keys.consents ? { forms: new CaseForms(s.redis, { diagnoses: s.keys.diagnoses, consents: s.keys.consents }) } : {}),
    ...('messages' in relay ? { talks: relay as RelayStore } : {}),
    meeting: new MeetingRecords({ redis: s.redis, keys: s.keys, cipher: s.cipher }),
    // The desk never drafts from a crisis, so the follow-up delay is the config's default, unused.
    incidents: s.incidents ?? new IncidentStore(s.redis, s.keys.prefix, s.cipher, { followUpAfterMinutes: SafeguardingConfigSchema.shape.followUpAfterMinutes.parse(undefined) }),
    ...(s.incidentLink ? { incidentLink: s.incidentLink } : {}),
    ...(s.conversationOf ? { conversationOf: s.conversationOf } : {}),
    ...(s.booking ? { booking: s.booking } : {}),
    ...(s.meetings ? { meetings: s.meetings } : {}),
    ...(s.alertMessages ? { alertMessages: s.alertMessages } : {}),
    ...(s.caseworkersChat ? { caseworkersChat: s.caseworkersChat } : {}),
    ...(s.erasure ? { erasure: s.erasure } : {}),
  };
}

/** Runs `write`, then reindexes the case it moved (a failed reindex is the next write's to mend). */
const after = <T>(index: CaseIndex, caseCode: string, write: Promise<T>): Promise<T> =>
  write.then(async (r) => {
    await index.reindex(caseCode).catch(() => undefined);
    return r;
  });

/** The claims store, reindexing after a claim, release or reassignment (the list's holder and status). */
function indexedClaims(claims: ClaimStore, index: CaseIndex): DeskDeps['claims'] {
  return {
    claim: (code, staffId, now) => after(index, code, claims.claim(code, staffId, now)),
    release: (code, staffId, now) => after(index, code, claims.release(code, staffId, now)),
    reassign: (code, staffId, now) => after(index, code, claims.reassign(code, staffId, now)),
    get: (code) => claims.get(code),
    // The held set lives on another hash slot than the claim (held-cases.ts): a case it lost to
    // a race is still found through the list's holder facet, written after each claim too.
    heldBy: async (staffId) => claims.heldBy(staffId, await index.heldBy(staffId).catch(() => [])),
  };
}

/** The case records, reindexing after closing and a walk-in opened. */
function indexedCases(cases: CaseRecords, index: CaseIndex): DeskDeps['cases'] {
  return {
    info: (code) => cases.info(code),
    close: (code, reason, staffId, now, extra) => after(index, code, cases.close(code, reason, staffId, now, extra)),
    openWalkIn: (code, o) => after(index, code, cases.openWalkIn(code, o)),
    recordPhone: (code, phone, now) => cases.recordPhone(code, phone, now),
  };
}

/** The bookings as the desk uses them, reindexing after attendance is marked ("met") and after a cancellation. */
function indexedBookings(bookings: DeskSetup['bookings'], index: CaseIndex): DeskDeps['bookings'] {
  return {
    get: (code) => bookings.get(code),
    mark: (code, status, opts) => after(index, code, bookings.mark(code, status, opts)),
    day: (office, date) => bookings.day(office, date),
    cancel: (code, slot, reason, now) => after(index, code, bookings.cancel(code, slot, reason, now)),
  };
}
