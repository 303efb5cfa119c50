import { Settings } from 'luxon';

/**
 * Dates are told in the Gregorian calendar in every language. Without this, Persian (`fa`)
 * dates come out in the Solar Hijri calendar ("۲۳ آذر ۱۴۰۵"), whose month names also differ
 * between Iran and Afghanistan, while the meeting in Baku, its calendar file and the case
 * workers' alerts use the Gregorian date ("۱۴ دسامبر ۲۰۲۶"). Month and day names, digits and
 * order still follow the person's language (luxon's `setLocale(lang)` with Intl).
 *
 * Luxon has one process-wide setting for it: set once when the translator is created, before
 * the first message (createTranslator), so that every date Körpü formats follows it.
 */
export function useGregorianDates(): void {
  Settings.defaultOutputCalendar = 'gregory';
}
