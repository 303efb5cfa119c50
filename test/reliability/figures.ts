import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The reliability checks (`npm run test:reliability`, issue 13) run twice over: with small
 * counts in every `npm test` (a quick proof the checks work), and with the counts when
 * RELIABILITY_FULL=1 (the npm script sets it). Each check writes what it did and what it found
 * to `test/reliability/results/<fast|full>/<check>.json`; `report.ts` renders RELIABILITY.md
 * from the last full run.
 */
export const FULL = process.env.RELIABILITY_FULL === '1';

/** The count of a check: `fast` in `npm test`, `full` (the issue's) in `npm run test:reliability`. */
export function count(fast: number, full: number): number {
  return FULL ? full : fast;
}

/** One check's result, as RELIABILITY.md shows it: what is done → what must hold → the figure. */
export interface CheckFigures {
  /** File name and anchor: `duplicate-delivery`. */
  check: string;
  /** The item of issue 13. */
  item: number;
  title: string;
  /** What is done (with this run's counts). */
  done: string;
  /** What must hold. */
  mustHold: string;
  /** Whether it held. */
  held: boolean;
  /** The figure, in a sentence. */
  figure: string;
  /** The raw counts behind it. */
  figures: Record<string, number | string | boolean>;
  seconds: number;
}

/** Where the results of this mode go. */
export function resultsDir(mode: 'fast' | 'full' = FULL ? 'full' : 'fast'): string {
  return join(__dirname, 'results', mode);
}

/** Writes a check's figures (with the time, the commit and the mode) for the report. */
export function writeFigures(f: CheckFigures): void {
  const dir = resultsDir();
  mkdirSync(dir, { recursive: true });
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    // not a git checkout: the report says unknown
  }
  writeFileSync(join(dir, `${f.check}.json`), `${JSON.stringify({ ...f, full: FULL, at: new Date().toISOString(), commit }, null, 2)}\n`);
}
