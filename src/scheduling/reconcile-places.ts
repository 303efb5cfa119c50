import { scanKeys } from '../storage/redis-client';
import type { Redis } from 'ioredis';
import type { RedisKeys } from '../storage/keys';
import type { BookingStore } from './booking-store';
import { parseSlotId } from './slot-id';

/** What freeing unheld places found: places looked at, and places freed. */
export interface PlaceReconcileCounts {
  places: number;
  freed: number;
}

/**
 * How long a place no booking holds is left alone before it is freed. A booking takes its place
 * a moment before it writes the booking that names it (BookingStore.book): a place found unheld
 * once may be one of those, caught in between. Found unheld again this long after, it is not:
 * the attempt that took it died (or gave up). Far longer than the two calls of a booking take.
 */
export const UNHELD_GRACE_MS = 5 * 60_000;

/** Keys read per SCAN call over the slot sets. */
const SCAN_COUNT = 500;
/** A slot whose local date is this long before now's (UTC) is past everywhere: its places no longer matter. */
const PAST_MS = 24 * 3600_000;

/**
 * Frees the places that no booking holds (see booking-store.ts `holdsPlace`): left by a booking
 * attempt that died between taking its place and writing its booking, by a move that died
 * before freeing the old place, or by a cancellation whose effect was lost. Booking takes the
 * place first precisely so that a crash leaves one of these rather than a booking without its
 * place; this is where they go.
 *
 * A place is freed only when this run and an earlier one at least `graceMs` before both found
 * it unheld (`unheld`: place → when first found so, kept by the caller between runs; a process
 * that restarts just starts counting again). Each place is checked once more as it is freed
 * (BookingStore.freePlace). Only upcoming slots (and the last day's) are looked at.
 */
export async function reconcilePlaces(d: {
  redis: Redis;
  keys: Pick<RedisKeys, 'slot'>;
  bookings: Pick<BookingStore, 'placesIn' | 'holds' | 'freePlace'>;
  unheld: Map<string, number>;
  now: Date;
  graceMs: number;
}): Promise<PlaceReconcileCounts> {
  // `<prefix>slot:{o:<office>}:<slot id>`, every office: the family up to its tag, the slot id after it.
  const sample = d.keys.slot('x@y');
  const family = sample.slice(0, sample.indexOf('{'));
  // The prefix is the deployment's own; glob characters in it are escaped so SCAN matches it literally.
  const match = `${family.replace(/[*?[\]\\]/g, '\\$&')}*`;
  const since = new Date(d.now.getTime() - PAST_MS).toISOString().slice(0, 10);
  const counts: PlaceReconcileCounts = { places: 0, freed: 0 };
  const stillUnheld = new Map<string, number>();
  await scanKeys(d.redis, match, async (found) => {
    for (const key of found) {
      const slot = key.slice(key.indexOf('}:', family.length) + 2);
      const parts = parseSlotId(slot);
      if (!parts.ok || parts.value.localDate < since) continue;
      for (const caseCode of await d.bookings.placesIn(slot)) {
        counts.places++;
        if (await d.bookings.holds(caseCode, slot)) continue;
        const place = `${slot} ${caseCode}`;
        const first = d.unheld.get(place) ?? d.now.getTime();
        if (d.now.getTime() - first >= d.graceMs) {
          if (await d.bookings.freePlace(caseCode, slot)) counts.freed++;
        } else {
          stillUnheld.set(place, first);
        }
      }
    }
  }, { count: SCAN_COUNT });
  // Only the places found unheld in this run are remembered: one held or freed since starts over.
  d.unheld.clear();
  for (const [place, first] of stillUnheld) d.unheld.set(place, first);
  return counts;
}
