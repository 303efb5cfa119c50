import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Redis } from 'ioredis';

/**
 * Every Lua script Körpü runs, one file each beside this module, as BullMQ keeps its
 * `commands/*.lua`: `<name>-<number of keys>.lua`, with a header saying what it does, its KEYS
 * and ARGV and what it returns. Each script touches only keys passed in KEYS (built by
 * storage/keys.ts), never a key made inside Lua, so that Redis Cluster can route it and a
 * reader sees every key at the call site.
 *
 * `<name>.lua` without a count is a script whose number of keys varies (see numberOfKeys).
 *
 * The files are read once per process (they reach dist/ through the build script) and defined
 * on each connection with `defineCommand` (EVALSHA, falling back to EVAL after a SCRIPT FLUSH).
 */
export const SCRIPT_FILES = {
  takePlace: 'take-place-2',
  writeBooking: 'write-booking-2',
  releasePlace: 'release-place-2',
  markAttendance: 'mark-attendance-2',
  claimCase: 'claim-case-2',
  releaseCase: 'release-case-2',
  reassignCase: 'reassign-case-2',
  startCall: 'start-call-2',
  touchCall: 'touch-call-2',
  resumeCall: 'resume-call-2',
  closeCall: 'close-call-1',
  createIncident: 'create-incident-6',
  updateIncident: 'update-incident-3',
  commitConversation: 'commit-conversation',
  reserveSend: 'reserve-send-6',
  reserveReply: 'reserve-reply-2',
  closeCase: 'close-case-1',
  putStaff: 'put-staff-2',
  pauseSends: 'pause-sends-1',
  saveFormVersion: 'save-form-version-1',
  takeReply: 'take-reply-1',
  releaseReply: 'release-reply-1',
  confirmReply: 'confirm-reply-1',
  repliesSent: 'replies-sent',
  appendAudit: 'append-audit-3',
  releaseLock: 'release-lock-1',
  swapSealed: 'swap-sealed-1',
  resealStream: 'reseal-stream-2',
  indexCase: 'index-case',
  cancelBooking: 'cancel-booking-2',
  acknowledgeIncident: 'acknowledge-incident-2',
  renewLock: 'renew-lock-1',
  setSearchTokens: 'set-search-tokens-2',
  keepTalkMessage: 'keep-talk-message-2',
} as const;
export type ScriptName = keyof typeof SCRIPT_FILES;

/** Directory of the .lua files (src/storage/lua under tsx and jest, dist/storage/lua when built). */
export const SCRIPTS_DIR = __dirname;

/**
 * How many of a script's arguments are keys, from its file name (`take-place-2` → 2), or
 * undefined for a name without a count (`commit-conversation`): a script whose keys vary, to
 * which the caller passes their number first, as to EVAL.
 */
export function numberOfKeys(file: string): number | undefined {
  const m = /-(\d+)$/.exec(file);
  return m ? Number(m[1]) : undefined;
}

let sources: Record<ScriptName, string> | undefined;

/** The scripts' source, read from disk on first use. */
export function scriptSources(): Record<ScriptName, string> {
  sources ??= Object.fromEntries(
    (Object.entries(SCRIPT_FILES) as [ScriptName, string][]).map(([name, file]) => [name, withIncludes(readFileSync(join(SCRIPTS_DIR, `${file}.lua`), 'utf8'))]),
  ) as Record<ScriptName, string>;
  return sources;
}

/**
 * Code that two scripts must run alike (Telegram's overall window, taken by the outbox's sends
 * and by the direct replies) is written once, in `include/<name>.lua`; a script's line
 * `--#include <name>` is replaced by it when the script is read. Redis has no `require`, and a
 * copy kept "in step" by a comment drifts.
 */
function withIncludes(source: string): string {
  return source.replace(/^--#include ([\w-]+)$/gm, (_, name: string) => readFileSync(join(SCRIPTS_DIR, 'include', `${name}.lua`), 'utf8').trimEnd());
}

/** The command name a script gets on a connection (`takePlace` → `korpuTakePlace`). */
const commandName = (name: ScriptName) => `korpu${name[0]!.toUpperCase()}${name.slice(1)}`;

/**
 * The commands of the scripts whose number of keys is given at each call (its file name has no
 * `-<keys>` ending), as ioredis names them. On a cluster, auto-pipelining places a command by
 * its first argument, which for these is the count, not a key: they go unpipelined there.
 */
export const KEY_COUNT_FIRST_COMMANDS: readonly string[] = (Object.keys(SCRIPT_FILES) as ScriptName[]).filter((n) => numberOfKeys(SCRIPT_FILES[n]) === undefined).map(commandName);

type Command = (...args: (string | number | Buffer)[]) => Promise<unknown>;

/** What `takePlace` answers; `held`: the case was in the slot already. */
export type TakePlaceReply = 'taken' | 'held' | 'full';
/** What `writeBooking` answers; `retry`: the booking changed since the caller read it; `closed`: the case is closed, nothing written. */
export type WriteBookingReply = 'already' | 'written' | 'retry' | 'closed';
/** What `updateIncident` answers. */
export type UpdateIncidentReply = 'updated' | 'locked' | 'not_found';

/**
 * The scripts as typed functions, keys first (see each .lua file for their meaning). Stores
 * call these; nothing else runs Lua.
 */
export interface Scripts {
  /** Office keys only (see take-place-2.lua). */
  takePlace(keys: { slot: string; day: string }, args: { caseCode: string; capacity: number; startMs: number }): Promise<TakePlaceReply>;
  /** The case's keys only: its booking, and its case HASH for the status (see write-booking-2.lua). */
  writeBooking(keys: { booking: string; case: string }, args: { caseCode: string; slot: string; startMs: number; endMs: number; office: string; lang: string; now: string; heldSlotId: string; closedStatus: string }): Promise<WriteBookingReply>;
  /** Office keys only: 1 when the case held a place in the slot (see release-place-2.lua). */
  releasePlace(keys: { slot: string; day: string }, args: { caseCode: string; leaveDay: boolean }): Promise<number>;
  /** The case's keys: its booking and its case HASH (attendance, `met_at`; see mark-attendance-2.lua). */
  markAttendance(keys: { booking: string; case: string }, args: { status: 'attended' | 'no_show'; slot: string; by: string; now: string; correct: boolean; metAt: string }): Promise<number>;
  claimCase(keys: { claim: string; case: string }, args: { worker: string; now: string }): Promise<[string, string]>;
  releaseCase(keys: { claim: string; case: string }, args: { worker: string; now: string }): Promise<[string, string]>;
  reassignCase(keys: { claim: string; case: string }, args: { worker: string; now: string }): Promise<[string, string]>;
  /** `[1, n]`: call n opened; `[0, n, case]`: call n is open already (see start-call-2.lua). */
  startCall(keys: { counter: string; open: string }, args: { ttlSeconds: number }): Promise<[number, number, string?]>;
  touchCall(keys: { open: string; byCase: string }, args: { n: string; caseCode: string; ttlSeconds: number; byCaseTtlSeconds: number; chat?: string }): Promise<number>;
  /** `[1, n]`: call n, which opened the case, open again; `[0, n, case]`: call n is open already; `[2]`: no call of the worker's opened it (see resume-call-2.lua). */
  resumeCall(keys: { open: string; byCase: string }, args: { caseCode: string; ttlSeconds: number }): Promise<[number, number?, string?]>;
  closeCall(keys: { open: string }, args: { n: string }): Promise<number>;
  createIncident(keys: { incident: string; all: string; drafts: string; followUps: string; ofCase: string; unacknowledged: string }, args: { id: string; reportedMs: number; dueMs: number | undefined; urgent: boolean; fields: Record<string, string> }): Promise<number>;
  updateIncident(keys: { incident: string; drafts: string; followUps: string }, args: { id: string; mode: 'complete' | 'update'; dropFollowUp: boolean; fields: Record<string, string> }): Promise<UpdateIncidentReply>;
  /** Keys vary (the records a step writes): see commit-conversation.lua for their order and the arguments'. */
  commitConversation(keys: string[], args: (string | number | Buffer)[]): Promise<'ok' | 'conflict' | 'duplicate' | 'talk'>;
  takeReply(keys: { reply: string }, args: { updateId: string; processId: string; cutoffMs: number; nowMs: number; ownNotInFlight: boolean }): Promise<string>;
  releaseReply(keys: { reply: string }, args: { updateId: string; processId: string }): Promise<number>;
  confirmReply(keys: { reply: string }, args: { updateId: string; processId: string; nowMs: number }): Promise<number>;
  /** Keys vary: one kept reply per conversation, each with the update id whose reply was sent. */
  repliesSent(sent: { reply: string; updateId: string }[]): Promise<number>;
  /** Keys and arguments in the order of reserve-send-6.lua's header. */
  reserveSend(keys: [string, string, string, string, string, string], args: (string | number)[]): Promise<unknown>;
  reserveReply(keys: { global: string; group: string }, args: { globalMax: number; globalWindowMs: number; globalMinGapMs: number; member: string; group: boolean; groupMax: number; groupWindowMs: number }): Promise<[waitMs: number, busy: 0 | 1]>;
  pauseSends(keys: { pause: string }, args: { ms: number }): Promise<number>;
  saveFormVersion(keys: { versions: string }, args: { entry: string; digest: string }): Promise<number>;
  closeCase(keys: { case: string }, args: { reason: string; by: string; now: string; closedStatus: string; extra?: Record<string, string> }): Promise<'closed' | 'already' | 'missing'>;
  putStaff(keys: { roster: string; ids: string }, args: { telegramId: string; json: string; newId: string; onlyNew?: boolean }): Promise<[number, string]>;
  /** Answers the entry's stream id, or '' when its once marker was set already. */
  appendAudit(
    keys: { stream: string; once: string; caseIndex: string },
    args: { expireAtSeconds: number; onceTtlSeconds: number; month: string; atMs: number; keptFromMs: number; fields: Record<string, string> },
  ): Promise<string>;
  releaseLock(keys: { lock: string }, args: { token: string }): Promise<number>;
  /** 1 when the value was still `old` and is now `next`, 0 otherwise (npm run rotate-key). */
  swapSealed(keys: { key: string }, args: { where: 'hash' | 'list' | 'string'; at: string; old: string; next: string }): Promise<number>;
  /** How many of the given stream entries were replaced by their re-encrypted copies (npm run rotate-key). */
  resealStream(keys: { stream: string; attempts: string }, args: { field: string; entries: { id: string; old: string; next: string }[] }): Promise<number>;
  /** Keys: the entry, the `old` sets, the `now` sets (see index-case.lua). */
  indexCase(keys: { entry: string; generation: string; old: string[]; now: string[] }, args: { read: string; entry: string; score: number; caseCode: string }): Promise<number>;
  /** The case's keys only: the caller frees the place after (see cancel-booking-2.lua). */
  cancelBooking(keys: { booking: string; case: string }, args: { slot: string; now: string; reason: string }): Promise<number>;
  acknowledgeIncident(keys: { incident: string; unacknowledged: string }, args: { id: string; by: string; now: string }): Promise<'acknowledged' | 'already' | 'not_urgent' | 'not_found'>;
  /** 1 when the lock was still the caller's and now lives `ttlMs` longer, 0 otherwise. */
  renewLock(keys: { lock: string }, args: { token: string; ttlMs: number }): Promise<number>;
  /**
   * The case's keys: its hash and its cell's blind index; `fields` written, then each searched
   * field's tokens moved; 0 and nothing written when `onlyIf.field` no longer holds `onlyIf.equals` (see set-search-tokens-2.lua).
   */
  setSearchTokens(keys: { case: string; index: string }, args: { caseCode: string; fields: Record<string, string>; tokens: Record<string, string[]>; onlyIf?: { field: string; equals: string } }): Promise<number>;
  /** The case's talk list and its refs: 1 when kept, 0 when a message of that ref was kept already (see keep-talk-message-2.lua). */
  keepTalkMessage(keys: { talk: string; refs: string }, args: { sealed: string; ref: string; nowMs: number; refTtlMs: number }): Promise<number>;
}

/**
 * Defines every script on `redis` (once per connection) and returns the typed functions.
 *
 * @example
 *   const scripts = redisScripts(redis);
 *   await scripts.claimCase({ claim: keys.claim(code), case: keys.case(code) }, { worker: 's-1', now: new Date().toISOString() });
 */
export function redisScripts(redis: Redis): Scripts {
  const src = scriptSources();
  const target = redis as unknown as Record<string, Command>;
  // Every script is defined at once, before the connection runs any of them: ioredis's
  // auto-pipelining builds each batch from the commands the connection has when the batch
  // starts, so a script defined later, in the middle of traffic, would be missing from a batch
  // already open ("pipeline[name] is not a function", then misaligned replies: "results[i] is
  // not iterable").
  for (const name of Object.keys(SCRIPT_FILES) as ScriptName[]) {
    const command = commandName(name);
    if (command in redis) continue;
    const keys = numberOfKeys(SCRIPT_FILES[name]);
    redis.defineCommand(command, keys === undefined ? { lua: src[name] } : { numberOfKeys: keys, lua: src[name] });
  }
  const run = (name: ScriptName, ...args: (string | number | Buffer)[]) => target[commandName(name)]!.call(redis, ...args);
  const pairs = (fields: Record<string, string>) => Object.entries(fields).flat();
  return {
    takePlace: (k, a) => run('takePlace', k.slot, k.day, a.caseCode, a.capacity, a.startMs) as Promise<TakePlaceReply>,
    writeBooking: (k, a) => run('writeBooking', k.booking, k.case, a.caseCode, a.slot, a.startMs, a.endMs, a.office, a.lang, a.now, a.heldSlotId, a.closedStatus) as Promise<WriteBookingReply>,
    releasePlace: (k, a) => run('releasePlace', k.slot, k.day, a.caseCode, a.leaveDay ? '1' : '0') as Promise<number>,
    markAttendance: (k, a) => run('markAttendance', k.booking, k.case, a.status, a.slot, a.by, a.now, a.correct ? '1' : '0', a.metAt) as Promise<number>,
    claimCase: (k, a) => run('claimCase', k.claim, k.case, a.worker, a.now) as Promise<[string, string]>,
    releaseCase: (k, a) => run('releaseCase', k.claim, k.case, a.worker, a.now) as Promise<[string, string]>,
    reassignCase: (k, a) => run('reassignCase', k.claim, k.case, a.worker, a.now) as Promise<[string, string]>,
    startCall: (k, a) => run('startCall', k.counter, k.open, a.ttlSeconds) as Promise<[number, number, string?]>,
    touchCall: (k, a) => run('touchCall', k.open, k.byCase, a.n, a.caseCode, a.ttlSeconds, a.byCaseTtlSeconds, a.chat ?? '') as Promise<number>,
    resumeCall: (k, a) => run('resumeCall', k.open, k.byCase, a.caseCode, a.ttlSeconds) as Promise<[number, number?, string?]>,
    closeCall: (k, a) => run('closeCall', k.open, a.n) as Promise<number>,
    createIncident: (k, a) => run('createIncident', k.incident, k.all, k.drafts, k.followUps, k.ofCase, k.unacknowledged, a.id, a.reportedMs, a.dueMs ?? '', a.urgent ? '1' : '0', ...pairs(a.fields)) as Promise<number>,
    updateIncident: (k, a) => run('updateIncident', k.incident, k.drafts, k.followUps, a.id, a.mode, a.dropFollowUp ? '1' : '0', ...pairs(a.fields)) as Promise<UpdateIncidentReply>,
    commitConversation: (k, a) => run('commitConversation', k.length, ...k, ...a) as Promise<'ok' | 'conflict' | 'duplicate' | 'talk'>,
    takeReply: (k, a) => run('takeReply', k.reply, a.updateId, a.processId, a.cutoffMs, a.nowMs, a.ownNotInFlight ? '1' : '0') as Promise<string>,
    releaseReply: (k, a) => run('releaseReply', k.reply, a.updateId, a.processId) as Promise<number>,
    confirmReply: (k, a) => run('confirmReply', k.reply, a.updateId, a.processId, a.nowMs) as Promise<number>,
    repliesSent: (sent) => run('repliesSent', sent.length, ...sent.map((s) => s.reply), ...sent.map((s) => s.updateId)) as Promise<number>,
    reserveSend: (k, a) => run('reserveSend', ...k, ...a),
    reserveReply: (k, a) => run('reserveReply', k.global, k.group, a.globalMax, a.globalWindowMs, a.globalMinGapMs, a.member, a.group ? '1' : '0', a.groupMax, a.groupWindowMs) as Promise<[number, 0 | 1]>,
    pauseSends: (k, a) => run('pauseSends', k.pause, a.ms) as Promise<number>,
    saveFormVersion: (k, a) => run('saveFormVersion', k.versions, a.entry, a.digest) as Promise<number>,
    closeCase: (k, a) => run('closeCase', k.case, a.reason, a.by, a.now, a.closedStatus, ...pairs(a.extra ?? {})) as Promise<'closed' | 'already' | 'missing'>,
    putStaff: (k, a) => run('putStaff', k.roster, k.ids, a.telegramId, a.json, a.newId, a.onlyNew ? 'add' : '') as Promise<[number, string]>,
    appendAudit: (k, a) => run('appendAudit', k.stream, k.once, k.caseIndex, a.expireAtSeconds, a.onceTtlSeconds, a.month, a.atMs, a.keptFromMs, ...pairs(a.fields)) as Promise<string>,
    releaseLock: (k, a) => run('releaseLock', k.lock, a.token) as Promise<number>,
    swapSealed: (k, a) => run('swapSealed', k.key, a.where, a.at, a.old, a.next) as Promise<number>,
    resealStream: (k, a) => run('resealStream', k.stream, k.attempts, a.field, ...a.entries.flatMap((e) => [e.id, e.old, e.next])) as Promise<number>,
    indexCase: (k, a) => run('indexCase', 2 + k.old.length + k.now.length, k.entry, k.generation, ...k.old, ...k.now, a.read, a.entry, k.old.length, a.score, a.caseCode) as Promise<number>,
    cancelBooking: (k, a) => run('cancelBooking', k.booking, k.case, a.slot, a.now, a.reason) as Promise<number>,
    acknowledgeIncident: (k, a) => run('acknowledgeIncident', k.incident, k.unacknowledged, a.id, a.by, a.now) as Promise<'acknowledged' | 'already' | 'not_urgent' | 'not_found'>,
    renewLock: (k, a) => run('renewLock', k.lock, a.token, a.ttlMs) as Promise<number>,
    setSearchTokens: (k, a) =>
      run('setSearchTokens', k.case, k.index, a.caseCode, a.onlyIf?.field ?? '', a.onlyIf?.equals ?? '', Object.keys(a.fields).length, ...pairs(a.fields), ...Object.entries(a.tokens).flatMap(([f, t]) => [f, t.join(' ')])) as Promise<number>,
    keepTalkMessage: (k, a) => run('keepTalkMessage', k.talk, k.refs, a.sealed, a.ref, a.nowMs, a.refTtlMs) as Promise<number>,
  };
}
