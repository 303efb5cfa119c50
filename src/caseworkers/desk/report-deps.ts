import type { BookingStore } from '../../scheduling/booking-store';
import type { FieldCipher } from '../../storage/field-cipher';
import type { ExportReadDeps } from '../reports/case-export';
import type { FunnelCountsStore } from '../reports/funnel-cube';
import type { OfficeClosures } from '../../scheduling/office-closures';
import type { DeskDeps } from './desk-deps';

/**
 * What the calendar, numbers and exports use cases need besides the desk: readers over every
 * case (anonymous facts; names only for the key file), the funnel's kept counts, the offices'
 * closed days and the reminders of a cancelled meeting. Built once in createKorpu.
 */
export interface ReportStores {
  /** Reads the cases for the exports; `cipher` opens names for the key file only. */
  exports: ExportReadDeps & { cipher: Pick<FieldCipher, 'decrypt'> };
  funnel: Pick<FunnelCountsStore, 'current' | 'recount'>;
  closures: OfficeClosures;
  /** The calendar's reads and the closure's cancellations. */
  bookings: Pick<BookingStore, 'get' | 'day' | 'freePlaces' | 'cancel'>;
  /** Removes a cancelled meeting's reminders (ReminderScheduler fits); none without a bot. */
  reminders?: { unschedule(caseCode: string, slot: string): Promise<void> };
  /** The programme's time zone (a case's week). */
  timeZone: string;
}

/** The desk with the report stores: what the calendar, numbers and exports use cases take. */
export type ReportDeps = DeskDeps & { reports: ReportStores };
