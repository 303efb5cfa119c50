import { intakeScript, toUpdate } from '../../bench/workload';
import { person, type Person } from '../../bench/telegram-updates';
import { deliverUntilOk, type Statuses } from './main-process';

/**
 * The steady load of the checks that kill or stop Körpü (items 5 and 10): `lanes` people at a
 * time through the whole intake, each update resent until it gets a 2xx. New people keep coming
 * until there were `least` and `stopsDone()` holds, but never more than `most`: each person
 * costs about three alerts to the case workers' chat, sent at 1/s, so people who came while a
 * slow machine took its time to restart the process would otherwise make the wait for those
 * alerts (and the check) grow without bound. Past `most` the stops go on while the outbox is
 * still sending those people's alerts, so they still fall on work in flight.
 */
export function intakeLoad(o: { lanes: number; least: number; most: number; age: number; firstIndex: number; port: () => number; statuses: Statuses; stopsDone: () => boolean }): { people: Person[]; updates: () => number; done: Promise<void> } {
  const people: Person[] = [];
  let updates = 0;
  const next = (): Person | undefined => {
    if (people.length >= o.most || (people.length >= o.least && o.stopsDone())) return undefined;
    const p = person(people.length + o.firstIndex, o.age);
    people.push(p);
    return p;
  };
  const lane = async () => {
    for (let p = next(); p; p = next()) for (const answer of intakeScript(p)) (await deliverUntilOk(toUpdate(p, answer), o.port, o.statuses), updates++);
  };
  const done = Promise.all(Array.from({ length: o.lanes }, lane)).then(() => undefined);
  return { people, updates: () => updates, done };
}

/** A process the killer may kill: how to kill it (SIGKILL, resolved once it is gone) and start it again. */
export interface KillTarget {
  name: string;
  kill(): Promise<void>;
  launch(): Promise<void>;
}

/** A src/main.ts process as a kill target: `current()` is the running one, `launch` starts the next. */
export function processTarget(name: string, current: () => { child: { kill(signal: NodeJS.Signals): boolean }; exited: Promise<unknown> }, launch: () => Promise<unknown>): KillTarget {
  return {
    name,
    kill: async () => {
      current().child.kill('SIGKILL');
      await current().exited;
    },
    launch: async () => void (await launch()),
  };
}

/**
 * The killer of the crash checks: `kills` times, at a random moment (0.5–3.5 s apart), SIGKILL
 * one of `targets` (in turn, so each is killed as often as the others) and start it again at
 * once. Resolves with each kill's target and its recovery time (kill to ready).
 */
export async function killAtRandom(targets: readonly KillTarget[], kills: number, onKill: () => void): Promise<{ target: string; recoveryMs: number }[]> {
  const done: { target: string; recoveryMs: number }[] = [];
  for (let k = 0; k < kills; k++) {
    await new Promise((r) => setTimeout(r, 500 + Math.random() * 3_000));
    const target = targets[k % targets.length]!;
    const at = Date.now();
    await target.kill();
    onKill();
    await target.launch();
    done.push({ target: target.name, recoveryMs: Date.now() - at });
  }
  return done;
}

/** Median and worst of some durations (ms), as seconds with one decimal. */
export function medianAndWorst(ms: readonly number[]): { median: number; worst: number; text: string } {
  const sorted = [...ms].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
  const worst = sorted.at(-1) ?? 0;
  return { median, worst, text: `median ${(median / 1000).toFixed(1)} s, worst ${(worst / 1000).toFixed(1)} s` };
}
