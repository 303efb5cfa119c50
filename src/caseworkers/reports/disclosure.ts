/**
 * Disclosure control of the published numbers: no count may single a person out, neither by
 * itself nor worked back from totals or from two overlapping selections.
 *
 * - A count under {@link THRESHOLD} (0 to 4) is never shown: it reads `<5`.
 * - Every other count is rounded to the nearest multiple of {@link BASE} (5, 6, 7 → 5; 8 … 12 → 10).
 *
 * Why rounding rather than suppressing complementary cells: a table's total is the sum of its
 * rows, so one hidden cell in a column could be worked out as the total minus the others; and
 * the page lets staff choose the weeks and filters, so a count hidden in one selection could be
 * worked out as the difference of two selections that are each shown (weeks 1–5 minus weeks
 * 1–4). With every shown count rounded, each is known only to ±2 (a shown 5 stands for 5–7),
 * so the total minus the others leaves a range at least three wide for the hidden cells of a
 * column: a hidden 1, 2 or 3 is never worked out. The one edge left is at the ends of that
 * range: when every shown count of a column happens to be rounded by 2 the same way, hidden
 * cells that are all 0 (or all 4) can be told to be exactly that: "nobody", or four people,
 * which singles no one out (a count of 5 is shown as such). The unit test enumerates every
 * table consistent with what is shown and checks exactly this. Suppressing complementary cells
 * protects one table but not the difference of two selections; rounding protects both.
 */

/** Counts below this are shown as `<5`. */
export const THRESHOLD = 5;
/** Shown counts are rounded to a multiple of this. */
export const BASE = 5;

/** A count as published: its text, and the number a chart may draw (0 for a hidden one). */
export interface ShownCount {
  /** `<5`, or the rounded count as digits. */
  text: string;
  /** The rounded count; undefined when hidden (charts draw a hidden count as a hatched stub). */
  value?: number;
}

/**
 * The published form of a true count.
 * @example showCount(3) // { text: '<5' }
 * @example showCount(12) // { text: '10', value: 10 }
 */
export function showCount(n: number): ShownCount {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`a count must be a whole number ≥ 0, got ${n}`);
  if (n < THRESHOLD) return { text: `<${THRESHOLD}` };
  const rounded = Math.round(n / BASE) * BASE;
  return { text: String(rounded), value: rounded };
}

/**
 * The true counts a published count may stand for (inclusive range): `<5` is 0–4; a shown
 * value v is v−2 … v+2, but never under the threshold. What an outsider can know of a cell.
 */
export function possibleCounts(shown: ShownCount): [number, number] {
  if (shown.value === undefined) return [0, THRESHOLD - 1];
  const half = Math.floor(BASE / 2);
  return [Math.max(THRESHOLD, shown.value - half), shown.value + half];
}

/** A table of counts as published: every count through {@link showCount}, the total too. */
export interface ShownTable {
  rows: { value: string; counts: ShownCount[] }[];
  total: ShownCount[];
}

/**
 * Publishes a table of true counts (rows and their column totals). The total is the true total
 * rounded, not the sum of the rounded rows: adding shown rows must not give the total back.
 */
export function showTable(t: { rows: readonly { value: string; counts: readonly number[] }[]; total: readonly number[] }): ShownTable {
  return { rows: t.rows.map((r) => ({ value: r.value, counts: r.counts.map(showCount) })), total: t.total.map(showCount) };
}
