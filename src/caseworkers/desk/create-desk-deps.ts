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
import { CaseRecords } from '../case-records';
import { ClaimStore } from '../claims';
import { PhoneCallStore } from '../phone-calls';
import { RelayStore } from '../relay-store';
import { SafeguardingConfigSchema } from '../../config/safeguarding';
import { IncidentStore } from '../../safeguarding/incident-store';
import type { CaseStatusChanged } from '../case-status';
import { CaseForms } from '../forms/case-forms';
import type { AuditLog, AuditReader } from './audit';
import type { DeskDeps } from './desk-deps';

/** What {@link createDeskDeps} builds the desk's stores from. */
export interface DeskSetup {
  redis: Redis;
  keys: Pick<RedisKeys, 'prefix' | 'case' | 'claim' | 'heldCases' | 'diagnoses' | 'questions' | 'assessmentVersions' | 'planVersions'>;
  /** Decrypts case files, encrypts talks, pseudonymises staff ids in logs. */
  cipher: FieldCipher;
  roster: DeskDeps['roster'];
  bookings: Pick<BookingStore, 'get' | 'mark' | 'day'>;
  notifier: Notifier;
  translator: Translator;
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
  /** The incident reports the bot drafts (built here, on the same Redis, when not given). */
  incidents?: DeskDeps['incidents'];
  /** Told when the desk changes a case's stored status. */
  caseStatusChanged?: CaseStatusChanged;
}

/**
 * The desk's dependencies on one Redis: claims, case records and files, talks and phone calls
 * built here, so that channels never construct a store.
 * @example const desk = createDeskDeps({ redis, keys: core.keys, cipher: core.cipher, roster, … });
 */
export function createDeskDeps(s: DeskSetup): DeskDeps {
  return {
    roster: s.roster,
    claims: s.claims ?? new ClaimStore(s.redis, s.keys),
    cases: new CaseRecords(s.redis, s.keys),
    files: s.files ?? new CaseFiles({ redis: s.redis, keys: s.keys, cipher: s.cipher, bookings: s.bookings }),
    bookings: s.bookings,
    relay: s.relay ?? new RelayStore(s.redis, s.keys.prefix, s.cipher),
    calls: new PhoneCallStore(s.redis, s.keys.prefix),
    notifier: s.notifier,
    translator: s.translator,
    offices: s.offices,
    cipher: s.cipher,
    clock: s.clock,
    logger: s.logger,
    ...(s.escalations ? { escalations: s.escalations } : {}),
    ...(s.audit ? { audit: s.audit } : {}),
    ...(s.auditTrail ? { auditTrail: s.auditTrail } : {}),
    forms: new CaseForms({ redis: s.redis, keys: s.keys, cipher: s.cipher }),
    // The desk never drafts from a crisis, so the follow-up delay is the config's default, unused.
    incidents: s.incidents ?? new IncidentStore(s.redis, s.keys.prefix, s.cipher, { followUpAfterMinutes: SafeguardingConfigSchema.shape.followUpAfterMinutes.parse(undefined) }),
    ...(s.caseStatusChanged ? { caseStatusChanged: s.caseStatusChanged } : {}),
  };
}
