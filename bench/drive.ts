import type { Update } from 'grammy/types';
import { person, type Person } from './telegram-updates';
import { toUpdate, type Answer } from './workload';

/**
 * Load generation: synthetic people going through a script, each person's updates strictly in
 * order (the next one only after the bot finished the previous), at most `inFlight` updates
 * being handled at once. Used in-process (`bot.handleUpdate`) and, for the warm-up of the
 * HTTP runs, over HTTP.
 */

/** One active person and where they are in their script. */
export interface Slot {
  /** The person's number (`person(n, base)`). */
  n: number;
  person: Person;
  script: Answer[];
  /** Index of the next answer to send. */
  i: number;
}

/** Sends one update and resolves when the bot has handled it. */
export type Send = (update: Update) => Promise<void>;

export interface PeopleOptions {
  /** Person ids are `person(n, base)`: a fresh base per phase keeps conversations apart. */
  base: number;
  scriptFor: (p: Person) => Answer[];
  /** First person number (when another process already started people of this base). */
  from?: number;
}

/** Where a person is in their script, to hand the people over to another process. */
export interface Position {
  n: number;
  i: number;
}

/** Makes fresh people on demand. */
export class People {
  private n: number;
  constructor(private readonly o: PeopleOptions) {
    this.n = o.from ?? 0;
  }
  /** People started so far. */
  get started(): number {
    return this.n;
  }
  slot(): Slot {
    const n = this.n++;
    const p = person(n, this.o.base);
    return { n, person: p, script: this.o.scriptFor(p), i: 0 };
  }
  /** A person some other process started, at answer `i` of their script. */
  resume(at: Position): Slot {
    const p = person(at.n, this.o.base);
    return { n: at.n, person: p, script: this.o.scriptFor(p), i: at.i };
  }
  /** Starts the next person in `s` (after the last one finished). */
  renew(s: Slot): void {
    Object.assign(s, this.slot());
  }
}

/**
 * Runs `step` over a FIFO queue of slots with at most `max` in flight. `step` says whether the
 * slot goes back to the end of the queue ('again') or is finished ('stop').
 */
export function schedule(queue: Slot[], max: number, step: (s: Slot) => Promise<'again' | 'stop'>): Promise<void> {
  return new Promise((resolve, reject) => {
    let active = 0;
    let failed = false;
    const launch = (): void => {
      while (!failed && active < max && queue.length > 0) {
        const s = queue.shift()!;
        active++;
        step(s).then(
          (r) => {
            active--;
            if (r === 'again') queue.push(s);
            launch();
          },
          (e: unknown) => {
            failed = true;
            reject(e);
          },
        );
      }
      if (!failed && active === 0 && queue.length === 0) resolve();
    };
    launch();
  });
}

/**
 * Spreads people over the script: slot k first answers `k·L/people` steps (unmeasured), so that
 * a measured window sees every step of the script about equally often, not 100 people in
 * lockstep at the same question.
 */
export async function stagger(slots: Slot[], max: number, send: Send): Promise<void> {
  const length = slots[0]?.script.length ?? 0;
  const target = new Map(slots.map((s, k) => [s, Math.floor((k * length) / slots.length)]));
  const queue = slots.filter((s) => target.get(s)! > 0);
  await schedule(queue, max, async (s) => {
    await send(toUpdate(s.person, s.script[s.i]!));
    s.i++;
    return s.i < target.get(s)! ? 'again' : 'stop';
  });
}

export interface WindowOptions {
  inFlight: number;
  warmupMs: number;
  durationMs: number;
  /** Called when the measured window opens and closes (memory and CPU sampling). */
  onOpen?: () => void;
  onClose?: () => void;
}

export interface WindowResult {
  /** Updates completed inside the window. */
  updates: number;
  seconds: number;
  /** Latency (ms) of every update started inside the window. */
  latencies: number[];
  /** Intakes finished during warm-up and window. */
  finished: number;
}

/**
 * Keeps the slots busy for `warmupMs`, then measures for `durationMs`: throughput counts the
 * updates completed in the window; latency is from the call to the bot's answer. A person who
 * finishes the script is replaced by a new one, so `slots.length` people stay active.
 */
export async function measureWindow(slots: Slot[], people: People, send: Send, o: WindowOptions): Promise<WindowResult> {
  const start = performance.now();
  const open = start + o.warmupMs;
  const close = open + o.durationMs;
  let opened = false;
  let closed = false;
  let updates = 0;
  let finished = 0;
  const latencies: number[] = [];
  await schedule([...slots], o.inFlight, async (s) => {
    const t0 = performance.now();
    if (t0 >= close) {
      if (opened && !closed) {
        closed = true;
        o.onClose?.();
      }
      return 'stop';
    }
    if (!opened && t0 >= open) {
      opened = true;
      o.onOpen?.();
    }
    await send(toUpdate(s.person, s.script[s.i]!));
    const t1 = performance.now();
    if (t0 >= open) latencies.push(t1 - t0);
    if (t1 >= open && t1 < close) updates++;
    s.i++;
    if (s.i === s.script.length) {
      finished++;
      people.renew(s);
    }
    return 'again';
  });
  if (opened && !closed) o.onClose?.();
  return { updates, seconds: o.durationMs / 1000, latencies, finished };
}

/** Runs exactly `intakes` people through the script (no timing): for memory per finished intake. */
export async function runIntakes(people: People, intakes: number, inFlight: number, active: number, send: Send): Promise<void> {
  const slots = Array.from({ length: Math.min(active, intakes) }, () => people.slot());
  await schedule(slots, inFlight, async (s) => {
    await send(toUpdate(s.person, s.script[s.i]!));
    s.i++;
    if (s.i < s.script.length) return 'again';
    if (people.started >= intakes) return 'stop';
    people.renew(s);
    return 'again';
  });
}

/** Nearest-rank percentile of `values` (0–100). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export const median = (values: readonly number[]): number => percentile(values, 50);
