import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { BOT_LABELS, type BotName } from './bots/types';
import type { BenchConfig } from './run';
import type { Environment } from './environment';
import { median } from './drive';
import type { AccountRow, Counters, FlatResult, MemoryResult, ThroughputResult } from './worker';
import { INTAKE_LENGTH } from './workload';

export interface HttpResult {
  updatesPerSecond: number;
  p50: number;
  p99: number;
  updates: number;
  non2xx: number;
  errors: number;
}

export interface RunResult {
  bot: BotName;
  run: number;
  concurrent: ThroughputResult;
  sequential: ThroughputResult;
  http: HttpResult;
  counters: Counters;
}

export interface BenchResults {
  environment: Environment;
  config: BenchConfig;
  runs: RunResult[];
  flat: (FlatResult & { bot: BotName; run: number })[];
  /** Per bot: Redis accounting by step, and Bot API calls per update by method (fake API's count). */
  account: { bot: BotName; rows: AccountRow[]; apiCalls: Record<string, number> }[];
  memory: (MemoryResult & { bot: BotName })[];
  startedAt: string;
  seconds: number;
}

export const BEGIN = '<!-- bench:generated:start (npm run bench rewrites everything up to the end marker) -->';
export const END = '<!-- bench:generated:end -->';

/** Answers compared for the flat-cost target (script index = answer number). */
export const FLAT_EARLY = 2;
export const FLAT_LATE = 40;

/**
 * The targets the report checks. `vsSession` and `roundTripsPerAnswer` are issue 9's (Körpü as
 * production wires it at least as fast as the session bot, at most 2 round trips per ordinary
 * answer; an earlier issue asked 0.8× of a lighter Körpü); the others are from earlier issues.
 */
const TARGETS = { vsSession: 1.0, vsConversations: 4, flat: 0.1, bytesPerAnswer: 400, bytesPerIntake: 1024, roundTripsPerAnswer: 2 };

// ---- small numeric helpers --------------------------------------------------------------

function fmt(n: number, digits = 0): string {
  if (!Number.isFinite(n)) return '–';
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** "median (min–max)" of values, or just the value for one run ("min to max" when signed). */
function spread(values: number[], digits = 0, unit = ''): string {
  if (values.length === 0) return '–';
  const m = median(values);
  if (values.length === 1) return `${fmt(m, digits)}${unit}`;
  const [lo, hi] = [Math.min(...values), Math.max(...values)];
  return `${fmt(m, digits)}${unit} (${fmt(lo, digits)}${lo < 0 ? ' to ' : '–'}${fmt(hi, digits)})`;
}

/**
 * The CPU per update of a bot's concurrent windows; when the bot left work for after them
 * (more than 2 % more with it), "window / window and what it left".
 */
function cpuCell(xs: { concurrent: ThroughputResult }[]): string {
  const window = xs.map((x) => x.concurrent.cpuMicrosPerUpdate);
  const drained = xs.map((x) => x.concurrent.cpuWithDrainMicrosPerUpdate ?? x.concurrent.cpuMicrosPerUpdate);
  return median(drained) > median(window) * 1.02 ? `${spread(window)} / ${spread(drained)}` : spread(window);
}

/** Memory deltas within measurement noise (allocator, client buffers) read as zero. */
function bytesOrZero(n: number): string {
  return Math.abs(n) < 100 ? '≈ 0' : fmt(n);
}

/** Met or missed, and by how much (relative to the target). */
function verdict(value: number, target: number, higherIsBetter: boolean): string {
  const ok = higherIsBetter ? value >= target : value <= target;
  if (ok) return '**met**';
  const by = higherIsBetter ? (target - value) / target : (value - target) / target;
  return `**missed** by ${fmt(by * 100)} %`;
}

// ---- sections ---------------------------------------------------------------------------

function header(r: BenchResults): string {
  const e = r.environment;
  const p = e.packages;
  return [
    `Measured ${r.startedAt.slice(0, 16).replace('T', ' ')} UTC in ${fmt(r.seconds)} s, ${r.config.runs} run(s), commit ${e.commit}.`,
    '',
    `- Machine: ${e.cpuModel}, ${e.cores} cores (nproc), ${fmt(e.ramGb, 1)} GB RAM; ${e.os}.`,
    `- Versions: Node ${e.node}, Redis ${e.redis} (its own redis-server on a free port, no persistence, started as Körpü starts its embedded one: hash-max-listpack-value 128), grammY ${p.grammy},`,
    `  @grammyjs/runner ${p['@grammyjs/runner']}, @grammyjs/auto-retry ${p['@grammyjs/auto-retry']}, @grammyjs/storage-redis ${p['@grammyjs/storage-redis']},`,
    `  @grammyjs/conversations ${p['@grammyjs/conversations']}, telegraf ${p.telegraf ?? '–'}, ioredis ${p.ioredis}, Express ${p.express}, autocannon ${p.autocannon}, tsx ${p.tsx}.`,
    `- Load: ${r.config.people} people active at once, ≤ ${r.config.inFlight} updates in flight (sequential: 1), each person's updates strictly in order;`,
    `  ${fmt(r.config.warmupMs)} ms warm-up, then ${fmt(r.config.concurrentMs)} ms (concurrent), ${fmt(r.config.sequentialMs)} ms (sequential), ${r.config.httpSeconds} s (HTTP) measured.`,
    '- Rerun: `npm run bench` (writes this section and `bench/results/<time>.json`); `npm run bench -- --runs 5` for more runs.',
    '',
    'Figures are medians of the runs with (min–max). Ratios are computed within each run (both bots on the same machine minutes apart) and then summarised the same way.',
  ].join('\n');
}

function byBot(r: BenchResults): Map<BotName, RunResult[]> {
  const m = new Map<BotName, RunResult[]>();
  for (const x of r.runs) m.set(x.bot, [...(m.get(x.bot) ?? []), x]);
  return m;
}

/** Per-run ratio of Körpü's value to another bot's (same run). */
function ratios(r: BenchResults, other: BotName, pick: (x: RunResult) => number): number[] {
  const out: number[] = [];
  for (const k of r.runs.filter((x) => x.bot === 'korpu')) {
    const o = r.runs.find((x) => x.bot === other && x.run === k.run);
    if (o) out.push(pick(k) / pick(o));
  }
  return out;
}

function throughputSection(r: BenchResults): string {
  const rows = [...byBot(r)].map(([bot, xs]) => {
    const calls = r.account.find((a) => a.bot === bot)?.apiCalls ?? {};
    const apiPerUpdate = Object.values(calls).reduce((a, b) => a + b, 0);
    return `| ${BOT_LABELS[bot]} | ${spread(xs.map((x) => x.concurrent.updatesPerSecond))} | ${spread(xs.map((x) => x.concurrent.p50), 1)} | ${spread(xs.map((x) => x.concurrent.p99), 1)} | ${spread(xs.map((x) => x.sequential.updatesPerSecond))} | ${spread(xs.map((x) => x.sequential.p50), 2)} | ${spread(xs.map((x) => x.sequential.p99), 2)} | ${spread(xs.map((x) => x.http.updatesPerSecond))} | ${spread(xs.map((x) => x.http.p50))} | ${spread(xs.map((x) => x.http.p99))} | ${cpuCell(xs)} | ${spread(xs.map((x) => x.concurrent.rssPeakMb))} | ${fmt(apiPerUpdate, 2)} |`;
  });
  const ratioRow = (other: BotName, target: number | undefined, note = '(the ceiling)') => {
    const c = ratios(r, other, (x) => x.concurrent.updatesPerSecond);
    const s = ratios(r, other, (x) => x.sequential.updatesPerSecond);
    const h = ratios(r, other, (x) => x.http.updatesPerSecond);
    const cpu = ratios(r, other, (x) => 1 / x.concurrent.cpuMicrosPerUpdate);
    const t = target === undefined ? '–' : `≥ ${target}×`;
    const v = target === undefined ? note : `in-process ${verdict(median(c), target, true)}; HTTP ${verdict(median(h), target, true)}`;
    return `| Körpü ÷ ${BOT_LABELS[other]} | ${spread(c, 2, '×')} | ${spread(s, 2, '×')} | ${spread(h, 2, '×')} | ${spread(cpu, 2, '×')} | ${t} | ${v} |`;
  };
  const present = new Set(r.runs.map((x) => x.bot));
  return [
    '### 1. Throughput and latency',
    '',
    'In-process: `bot.handleUpdate(update)` awaited (the bot\'s Bot API calls go over HTTP to the fake server, Redis over TCP). HTTP: the bot\'s real webhook route (Express + grammY `webhookCallback`, or telegraf\'s `bot.webhookCallback` with its webhook reply off, secret-token header) driven by autocannon, latency = request to response, which grammY and telegraf send when the update is handled. Throughput counts updates (not intakes): every bot gets the same ' + INTAKE_LENGTH + '-update intake, booking included. CPU per update is the bot process\'s user + system time in the concurrent window divided by the updates handled (it includes the in-process load generator, the same for every bot); it drifts less than throughput on a shared machine. Where a bot left work for after the window (Körpü: effects still in its stream when the window closed), the figure after the slash also counts the CPU of finishing it, before the next phase starts (an upper bound: it may include some left from the warm-up).',
    '',
    '| Bot | in-process upd/s (≤ 50 in flight) | p50 ms | p99 ms | sequential upd/s | p50 ms | p99 ms | HTTP upd/s (50 conns) | p50 ms | p99 ms | bot process CPU µs / update (in-process) | RSS peak MB (in-process load) | Bot API calls / update |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    '| Ratio of throughputs (same run) | in-process, ≤ 50 in flight | sequential | HTTP | CPU per update (theirs ÷ Körpü\'s) | target | status |',
    '|---|---|---|---|---|---|---|',
    ...(present.has('session') ? [ratioRow('session', TARGETS.vsSession)] : []),
    ...(present.has('conversations') ? [ratioRow('conversations', TARGETS.vsConversations)] : []),
    ...(present.has('telegraf') ? [ratioRow('telegraf', undefined, '(no target: the other framework\'s usual way)')] : []),
    ...(present.has('bare') ? [ratioRow('bare', undefined)] : []),
  ].join('\n');
}

function flatSection(r: BenchResults): string {
  const steps = [FLAT_EARLY, 10, 20, 30, FLAT_LATE];
  const bots = [...new Set(r.flat.map((f) => f.bot))];
  const rows = bots.map((bot) => {
    const fs = r.flat.filter((f) => f.bot === bot);
    const rel = fs.map((f) => f.medianByStep[FLAT_LATE]! / f.medianByStep[FLAT_EARLY]!);
    const change = median(rel) - 1;
    const status = Math.abs(change) <= TARGETS.flat ? '**met**' : `**missed** by ${fmt((Math.abs(change) - TARGETS.flat) * 100)} points`;
    const state = fs[0]!.stateBytesByStep;
    return `| ${BOT_LABELS[bot]} | ${steps.map((s) => spread(fs.map((f) => f.medianByStep[s]!), 2)).join(' | ')} | ${spread(rel.map((x) => (x - 1) * 100), 0, ' %')} | ${status} | ${fmt(state[FLAT_EARLY] ?? NaN)} → ${fmt(state[FLAT_LATE] ?? NaN)} |`;
  });
  return [
    '### 2. Flat cost per step',
    '',
    `A generated test flow of 44 questions after a data-use option (\`workload.ts\` \`longFlowYaml\`, loaded by buildCore through compileFlow as the entry flow): odd questions typed (personal, to the encrypted record), even ones tapped yes/no (kept in the state, as a real questionnaire's choices are). The conversations plugin runs the same 45 answers as one conversation. Sequential: ${r.config.flatPeople} people, person k first brought to answer k (unmeasured, also the warm-up), then ${r.config.flatRounds} rounds in which every person answers once (a finished person is replaced by a newcomer), so every answer number is timed once per round, at the same moments of the run; ms per update = median of the rounds. Answers ${FLAT_EARLY} and ${FLAT_LATE} are both typed answers.`,
    '',
    `| Bot | answer ${steps.join(' ms | answer ')} ms | answer ${FLAT_LATE} vs ${FLAT_EARLY} | target ±10 % | state bytes at answer ${FLAT_EARLY} → ${FLAT_LATE} |`,
    `|---|${steps.map(() => '---|').join('')}---|---|---|`,
    ...rows,
  ].join('\n');
}

function mean(rows: AccountRow[], f: (r: AccountRow) => number): number {
  return rows.reduce((n, r) => n + f(r), 0) / Math.max(1, rows.length);
}

const commandsOf = (r: AccountRow) => Object.values(r.commands).reduce((a, b) => a + b, 0);

/** Ordinary answers: taps and typed answers after /start (not the command itself). */
const ordinary = (rows: AccountRow[]) => rows.filter((r) => r.kind !== 'command');

function redisSection(r: BenchResults): string {
  const rows = r.account.map(({ bot, rows: a }) => {
    const ord = ordinary(a);
    const mix = new Map<string, number>();
    for (const row of a) for (const [k, v] of Object.entries(row.commands)) mix.set(k, (mix.get(k) ?? 0) + v);
    const mixText = [...mix].sort((x, y) => y[1] - x[1]).map(([k, v]) => `${k} ${fmt(v / a.length, 2)}`).join(', ');
    return `| ${BOT_LABELS[bot]} | ${fmt(mean(a, (x) => x.roundTrips), 2)} | ${fmt(mean(a, commandsOf), 2)} | ${mixText || '–'} | ${fmt(mean(a, (x) => x.bytesIn))} | ${fmt(median(ord.map((x) => x.bytesIn)))} / ${fmt(Math.max(...ord.map((x) => x.bytesIn)))} | ${fmt(mean(a, (x) => x.bytesOut))} | ${fmt(Math.max(...a.map((x) => x.stateBytes)))} |`;
  });
  const korpu = r.account.find((x) => x.bot === 'korpu');
  const perStep = korpu
    ? [
        '',
        'Körpü, step by step (one person; bytes written = bytes the bot sent to Redis: the commit script\'s keys and arguments — the state (compressed), encrypted record fields — plus any other command; the first update of a conversation also reads it; the state JSON column is its size before compression):',
        '',
        '| # | update | round trips | commands executed | bytes written | bytes read | state JSON bytes after |',
        '|---|---|---|---|---|---|---|',
        ...korpu.rows.map((x, i) => `| ${i} | ${x.kind}${STEP_NAMES[i] ? ` (${STEP_NAMES[i]})` : ''} | ${x.roundTrips} | ${commandsOf(x)} | ${fmt(x.bytesIn)} | ${fmt(x.bytesOut)} | ${fmt(x.stateBytes)} |`),
      ]
    : [];
  const ord = korpu ? ordinary(korpu.rows) : [];
  const over = ord.filter((x) => x.bytesIn > TARGETS.bytesPerAnswer).length;
  return [
    '### 3. Redis round trips and bytes per update',
    '',
    'Sequential, INFO (stats, commandstats) read before and after every update; the INFO requests themselves are taken out. Round trips are counted on the bot\'s own connection (ioredis `sendCommand`; a pipeline, written and answered at once, counts as one); commands executed include those a Lua script runs (commandstats counts them).',
    '',
    '| Bot | round trips / update | commands executed / update | command mix / update | bytes written / update (mean) | bytes written per ordinary answer (median / max) | bytes read / update | largest state (bytes) |',
    '|---|---|---|---|---|---|---|---|',
    ...rows,
    ...perStep,
    ...(korpu
      ? ['', `Target ≤ ${TARGETS.bytesPerAnswer} bytes written per ordinary answer: median ${fmt(median(ord.map((x) => x.bytesIn)))} B → ${verdict(median(ord.map((x) => x.bytesIn)), TARGETS.bytesPerAnswer, false)}; ${over} of ${ord.length} answers are over ${TARGETS.bytesPerAnswer} B (max ${fmt(Math.max(...ord.map((x) => x.bytesIn)))} B).`]
      : []),
  ].join('\n');
}

/**
 * Issue 9's "≤ 2 Redis round trips per ordinary update", one person at a time: the median over
 * the answers (every update but /start), and each answer over the target by name, so that a
 * median met is not read as every answer.
 */
export function roundTripsLine(rows: AccountRow[]): string {
  const answers = rows.map((row, i) => ({ row, name: STEP_NAMES[i] ?? `#${i}` })).filter((a) => a.row.kind !== 'command');
  const m = median(answers.map((a) => a.row.roundTrips));
  const over = answers.filter((a) => a.row.roundTrips > TARGETS.roundTripsPerAnswer);
  const overText = over.length ? ` (over it: ${over.map((a) => `${a.name} ${a.row.roundTrips}`).join(', ')})` : '';
  return `≤ ${TARGETS.roundTripsPerAnswer} Redis round trips per ordinary answer (one person at a time): median ${fmt(m)} → ${verdict(m, TARGETS.roundTripsPerAnswer, false)}; ${answers.length - over.length} of ${answers.length} answers within it${overText}.`;
}

/** What each step of the intake script is (bench/workload.ts intakeScript). */
const STEP_NAMES = ['/start', 'language', 'menu', 'age', 'Q1', 'Q2', 'Q3 tick', 'Q3 tick', 'Q3 done', 'continue → consent', 'agree B', 'birth date', 'first name', 'surname', 'country', 'reason', 'phone → free times', 'time → booked, complete'];

const KEEPS: Record<BotName, string> = {
  korpu: 'conversation state, encrypted case record, diagnosis and consent records, questions, case index, the booking (its hash, its place in the slot, the day index); the conversation keeps its latest update ids (redelivery guard) in its own key',
  bare: 'nothing',
  session: 'the session with every answer in clear (no separate record); the booking (its hash, its place in the slot, the day index)',
  conversations: 'the booking (its hash, its place in the slot, the day index); the conversation\'s replay log (every update and API result so far, answers in clear), still waiting at the optional referral question after the booking; no record',
  telegraf: 'the booking (its hash, its place in the slot, the day index); the session (the scene\'s cursor and state, answers in clear), still in the scene at the optional referral question after the booking; no record',
};

/** Key patterns with slots and dates folded together (one row per family), largest first. */
function keyFamilies(byPattern: MemoryResult['byPattern']): MemoryResult['byPattern'] {
  const families = new Map<string, MemoryResult['byPattern'][number]>();
  for (const p of byPattern) {
    const pattern = p.pattern
      .replace(/(bookings:[a-z0-9_]+:)\d{4}-\d{2}-\d{2}$/, '$1<date>')
      .replace(/(slot:)[a-z0-9_]+@[0-9T:-]+$/, '$1<slot>')
      // BullMQ job hashes (and their locks) by queue; pseudonyms in limit, talk and reply keys (also in results saved before redis-stats folded them).
      .replace(/(bull:[a-z]+:)(?!(?:wait|active|delayed|completed|failed|paused|prioritized|events|meta|id|marker|stalled-check|pc)$)[^:]+(:lock)?$/, '$1<job>$2')
      .replace(/(limit:(?:chat|group):)[A-Za-z0-9_<>-]{6,}/, '$1<chat>')
      .replace(/(reply|talk|held):[A-Za-z0-9_-]{8,}$/, '$1:<id>');
    const f = families.get(pattern) ?? { pattern, keys: 0, bytesPerIntake: 0 };
    f.keys += p.keys;
    f.bytesPerIntake += p.bytesPerIntake;
    families.set(pattern, f);
  }
  return [...families.values()].sort((a, b) => b.bytesPerIntake - a.bytesPerIntake);
}

function memorySection(r: BenchResults): string {
  const rows = r.memory.map((m) => {
    const rss = r.runs.filter((x) => x.bot === m.bot).map((x) => x.concurrent.rssPeakMb);
    return `| ${BOT_LABELS[m.bot]} | ${bytesOrZero(m.bytesPerIntake)} | ${KEEPS[m.bot]} | ${spread(rss)} |`;
  });
  const korpu = r.memory.find((m) => m.bot === 'korpu');
  const seen = korpu?.byPattern.filter((p) => p.pattern.includes('seen:')).reduce((n, p) => n + p.bytesPerIntake, 0) ?? 0;
  const breakdown = korpu
    ? [
        '',
        `Körpü, by key family (MEMORY USAGE of every key, per finished intake; the sum differs from used_memory by allocator overhead):`,
        '',
        '| keys | keys per intake | bytes per intake |',
        '|---|---|---|',
        ...keyFamilies(korpu.byPattern).map((p) => `| \`${p.pattern}\` | ${fmt(p.keys / korpu.intakes, 2)} | ${fmt(p.bytesPerIntake)} |`),
        '',
        `Target ≤ 1 KB per finished intake: ${fmt(korpu.bytesPerIntake)} B → ${verdict(korpu.bytesPerIntake, TARGETS.bytesPerIntake, false)}${seen > 0 ? `; after the redelivery markers expire (24 h): about ${fmt(korpu.bytesPerIntake - seen)} B → ${verdict(korpu.bytesPerIntake - seen, TARGETS.bytesPerIntake, false)}` : ''}.`,
      ]
    : [];
  return [
    '### 4. Memory',
    '',
    `Redis \`used_memory\` before and after ${korpu?.intakes ?? r.memory[0]?.intakes ?? 0} finished intakes (100 people at a time), divided by their number. RSS: the bot's worker process (Node, the bot, and the in-process load generator) sampled every 50 ms during the concurrent in-process window.`,
    '',
    '| Bot | Redis bytes per finished intake | what it keeps | bot process RSS peak MB |',
    '|---|---|---|---|',
    ...rows,
    ...breakdown,
  ].join('\n');
}

function targetsSection(r: BenchResults): string {
  const lines: string[] = [];
  const c = (other: BotName) => median(ratios(r, other, (x) => x.concurrent.updatesPerSecond));
  const h = (other: BotName) => median(ratios(r, other, (x) => x.http.updatesPerSecond));
  if (r.runs.some((x) => x.bot === 'session')) lines.push(`- Throughput ≥ ${fmt(TARGETS.vsSession, 1)}× the Redis-session state machine: in-process ${fmt(c('session'), 2)}× → ${verdict(c('session'), TARGETS.vsSession, true)}; HTTP ${fmt(h('session'), 2)}× → ${verdict(h('session'), TARGETS.vsSession, true)}.`);
  if (r.runs.some((x) => x.bot === 'conversations')) lines.push(`- Throughput ≥ 4× the conversations plugin: in-process ${fmt(c('conversations'), 2)}× → ${verdict(c('conversations'), 4, true)}; HTTP ${fmt(h('conversations'), 2)}× → ${verdict(h('conversations'), 4, true)}.`);
  const kf = r.flat.filter((f) => f.bot === 'korpu');
  if (kf.length) {
    const rel = median(kf.map((f) => f.medianByStep[FLAT_LATE]! / f.medianByStep[FLAT_EARLY]!)) - 1;
    lines.push(`- Flat cost, answer ${FLAT_LATE} within 10 % of answer ${FLAT_EARLY}: ${rel >= 0 ? '+' : ''}${fmt(rel * 100)} % → ${Math.abs(rel) <= 0.1 ? '**met**' : `**missed** by ${fmt((Math.abs(rel) - 0.1) * 100)} points`}.`);
  }
  const ka = r.account.find((x) => x.bot === 'korpu');
  if (ka) {
    const m = median(ordinary(ka.rows).map((x) => x.bytesIn));
    lines.push(`- ≤ 400 bytes written to Redis per ordinary answer: median ${fmt(m)} B → ${verdict(m, 400, false)}.`);
    lines.push(`- ${roundTripsLine(ka.rows)}`);
  }
  const km = r.memory.find((x) => x.bot === 'korpu');
  if (km) lines.push(`- ≤ 1 KB of Redis per finished intake: ${fmt(km.bytesPerIntake)} B → ${verdict(km.bytesPerIntake, 1024, false)}.`);
  lines.push('- 5. Reminders (20,000 due within 60 s; lateness): measured on its own (`npm run bench -- --only reminders`), see section 5 below.');
  lines.push("- 6. The outbox against Telegram's limits: measured on its own (`npm run bench -- --only outbox`), see section 6 below.");
  return ['### Targets', '', ...lines].join('\n');
}

/** The generated part of BENCHMARKS.md. */
export function renderGenerated(r: BenchResults): string {
  return [BEGIN, '', '## Latest run', '', header(r), '', targetsSection(r), '', throughputSection(r), '', flatSection(r), '', redisSection(r), '', memorySection(r), '', END].join('\n');
}

const DEFAULT_DOCUMENT = (generated: string) => `# Körpü benchmarks\n\n${generated}\n`;

/**
 * Writes the report: replaces the generated section of an existing file (everything else in
 * it — method, analysis — is kept), or creates the file.
 */
export function writeReport(file: string, r: BenchResults): void {
  const generated = renderGenerated(r);
  if (!existsSync(file)) return writeFileSync(file, DEFAULT_DOCUMENT(generated));
  const text = readFileSync(file, 'utf8');
  const a = text.indexOf(BEGIN);
  const b = text.indexOf(END);
  if (a < 0 || b < a) return writeFileSync(file, `${text.trimEnd()}\n\n${generated}\n`);
  writeFileSync(file, text.slice(0, a) + generated + text.slice(b + END.length));
}
