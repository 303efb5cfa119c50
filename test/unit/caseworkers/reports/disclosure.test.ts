import { possibleCounts, showCount, showTable, type ShownCount } from '../../../../src/caseworkers/reports/disclosure';
import { breakdown, cube, factsOf, FUNNEL_STAGES, weeksBetween } from '../../../../src/caseworkers/reports/funnel';

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

/**
 * Every value a hidden cell of one column may have, given what is shown of the column (its
 * cells and its total) and that the cells add up to the total: what someone who knows how the
 * table is made can work out.
 */
function valuesLeftFor(hidden: number, cells: ShownCount[], total: ShownCount): Set<number> {
  const ranges = cells.map(possibleCounts);
  const [tLo, tHi] = possibleCounts(total);
  const left = new Set<number>();
  const walk = (i: number, sum: number, mine: number | undefined) => {
    if (i === ranges.length) {
      if (sum >= tLo && sum <= tHi && mine !== undefined) left.add(mine);
      return;
    }
    for (let v = ranges[i]![0]; v <= ranges[i]![1]; v++) walk(i + 1, sum + v, i === hidden ? v : mine);
  };
  walk(0, 0, undefined);
  return left;
}

describe('showCount', () => {
  it('hides every count under 5, zero included', () => {
    for (const n of [0, 1, 2, 3, 4]) expect(showCount(n)).toEqual({ text: '<5' });
  });

  it('rounds every other count to the nearest 5', () => {
    expect(showCount(5)).toEqual({ text: '5', value: 5 });
    expect(showCount(7)).toEqual({ text: '5', value: 5 });
    expect(showCount(8)).toEqual({ text: '10', value: 10 });
    expect(showCount(12)).toEqual({ text: '10', value: 10 });
    expect(showCount(100_003)).toEqual({ text: '100005', value: 100_005 });
  });

  it('refuses what is not a count', () => {
    expect(() => showCount(-1)).toThrow(RangeError);
    expect(() => showCount(1.5)).toThrow(RangeError);
  });
});

describe('a hidden count cannot be worked out', () => {
  it('from the total and the other rows of its column, in any of 3,000 random columns', () => {
    const rnd = random(12);
    for (let trial = 0; trial < 3000; trial++) {
      const rows = 1 + Math.floor(rnd() * 3);
      // Mostly small counts: the cases where a hidden cell sits next to shown ones.
      const counts = Array.from({ length: rows }, () => Math.floor(rnd() * (rnd() < 0.5 ? 5 : 20)));
      const total = counts.reduce((a, b) => a + b, 0);
      const shown = showTable({ rows: counts.map((c, i) => ({ value: String(i), counts: [c] })), total: [total] });
      const cells = shown.rows.map((r) => r.counts[0]!);
      cells.forEach((cell, i) => {
        if (cell.value !== undefined) return;
        const left = valuesLeftFor(i, cells, shown.total[0]!);
        expect(left.has(counts[i]!)).toBe(true);
        // A count of 1, 2 or 3 (the ones that single people out) is never pinned down: at
        // least two values remain possible. Only at the ends (all hidden cells of a column 0,
        // or all 4, with every shown count rounded by 2 the same way) can one value remain.
        if (counts[i]! >= 1 && counts[i]! <= 3) expect(left.size).toBeGreaterThan(1);
        if (left.size === 1) expect([0, 4]).toContain(counts[i]);
      });
    }
  });

  it('from the difference of two overlapping selections (weeks 1–5 minus weeks 1–4)', () => {
    const rnd = random(7);
    for (let trial = 0; trial < 2000; trial++) {
      const earlier = 5 + Math.floor(rnd() * 200);
      const lastWeek = Math.floor(rnd() * 5); // hidden when shown on its own
      const a = possibleCounts(showCount(earlier + lastWeek));
      const b = possibleCounts(showCount(earlier));
      const lo = Math.max(0, a[0] - b[1]);
      const hi = Math.min(4, a[1] - b[0]);
      expect(lastWeek).toBeGreaterThanOrEqual(lo);
      expect(lastWeek).toBeLessThanOrEqual(hi);
      expect(hi - lo).toBeGreaterThanOrEqual(1);
    }
  });
});

describe('the funnel', () => {
  const tz = 'Asia/Baku';
  const started = (at: string, more: Partial<Record<string, string>> = {}) =>
    [at, more.lang ?? 'az', more.by ?? null, more.source ?? null, more.diagnosis ?? null, more.consent ?? null, more.status ?? null, more.closed_at ?? null, null, null, null] as (string | null)[];

  it('reads how far each case got from its anonymous facts', () => {
    const f = factsOf(started('2026-12-01T10:00:00.000Z', { diagnosis: 'likely_eligible', consent: 'B', source: 'asan' }), ['baku', 'attended', '2026-12-01T10:05:00.000Z'], tz)!;
    expect(f).toMatchObject({ week: '2026-W49', lang: 'az', office: 'baku', route: 'self_service', source: 'asan' });
    const reached = FUNNEL_STAGES.filter((_, i) => f.stages & (1 << i));
    expect(reached).toEqual(['started', 'diagnosed', 'eligible', 'consented', 'booked', 'attended']);
    // A declined consent and a cancelled-only meeting office are facts too, of another kind.
    const g = factsOf(started('2026-12-01T10:00:00.000Z', { diagnosis: 'not_eligible', consent: 'declined' }), [null, null, null], tz)!;
    expect(FUNNEL_STAGES.filter((_, i) => g.stages & (1 << i))).toEqual(['started', 'diagnosed', 'not_eligible']);
    expect(g.office).toBe('none');
    expect(factsOf([null], [], tz)).toBeUndefined();
  });

  it('adds up by a dimension, listing every known value, and keeps the true total', () => {
    const facts = [
      ...Array.from({ length: 7 }, () => factsOf(started('2026-12-01T10:00:00.000Z', { lang: 'ru' }), [], tz)!),
      ...Array.from({ length: 2 }, () => factsOf(started('2026-12-08T10:00:00.000Z', { lang: 'en', diagnosis: 'eligible' }), [], tz)!),
    ];
    const cells = cube(facts);
    const byLang = breakdown(cells, 'lang', {}, ['az', 'ru', 'en']);
    expect(byLang.rows.map((r) => [r.value, r.counts[0]])).toEqual([['az', 0], ['ru', 7], ['en', 2]]);
    expect(byLang.total[0]).toBe(9);
    const shown = showTable(byLang);
    expect(shown.rows.map((r) => r.counts[0]!.text)).toEqual(['<5', '5', '<5']);
    expect(shown.total[0]!.text).toBe('10');
    const lastWeek = breakdown(cells, 'week', { fromWeek: '2026-W50' });
    expect(lastWeek.total[0]).toBe(2);
    expect(weeksBetween('2026-W52', '2027-W02')).toEqual(['2026-W52', '2026-W53', '2027-W01', '2027-W02']); // 2026 has 53 ISO weeks
  });
});
