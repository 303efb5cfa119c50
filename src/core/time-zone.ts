import { DateTime, IANAZone, type Zone } from 'luxon';

const HOUR_MS = 3_600_000;
/** Hours remembered per zone (about five months of them); emptied when full. */
const HOURS_MAX = 4096;

/**
 * An IANA time zone for Luxon that remembers its UTC offset hour by hour. Luxon works a zone's
 * offset out anew for every instant it is asked about (Intl's `formatToParts`, ≈ 3 µs, several
 * times per date built, set or formatted): a meeting's line in an alert, a reminder's time, the
 * working hours of an escalation each ask it again for the same hours. Here the offset of an
 * hour is worked out once, at its first and its last second; when both agree no change of
 * offset falls inside the hour (the time zone database has none within an hour of another), so
 * it holds for every instant of the hour. An hour whose offset changes inside it (a clock
 * change) is always asked of Intl, as before. Everything else is Luxon's IANAZone: the same
 * `type`, `name` and equality, so a date in this zone is a date in that zone by name.
 */
class HourlyOffsetZone extends IANAZone {
  private readonly hours = new Map<number, number>();

  override offset(ts: number): number {
    const hour = Math.floor(ts / HOUR_MS);
    const known = this.hours.get(hour);
    if (known !== undefined) return known;
    const first = super.offset(hour * HOUR_MS);
    // Luxon's offsets are of whole seconds: the hour's last second stands for its last instant.
    if (first !== super.offset(hour * HOUR_MS + HOUR_MS - 1000)) return super.offset(ts);
    if (this.hours.size >= HOURS_MAX) this.hours.clear();
    this.hours.set(hour, first);
    return first;
  }
}

const zones = new Map<string, Zone | string>();

/**
 * What to give Luxon as the zone of a time zone name (an office's `timeZone`, TZ), in place of
 * the name itself: `DateTime.fromJSDate(d, { zone: luxonZone(name) })`, one zone per name.
 * Dates come out exactly as with the name; see {@link HourlyOffsetZone} for why. A name Luxon
 * does not read as an IANA zone (`UTC`, `local`, `UTC+4`, an unknown one) is given back as it
 * is, for Luxon to read as it always did.
 */
export function luxonZone(name: string): Zone | string {
  let zone = zones.get(name);
  if (zone === undefined) {
    const plain = DateTime.fromMillis(0, { zone: name });
    zone = plain.isValid && plain.zone.type === 'iana' ? new HourlyOffsetZone(name) : name;
    zones.set(name, zone);
  }
  return zone;
}
