/**
 * A small seeded generator of numbers in [0, 1) (mulberry32), for tests that walk at random:
 * the same seed gives the same walk, so a failure replays.
 * @example const random = seededRandom(42); random(); // 0.6011…, every time
 */
export function seededRandom(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
