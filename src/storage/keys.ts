import calculateSlot from 'cluster-key-slot';

/**
 * Every Redis key Körpü uses, in one place. `prefix` (REDIS_PREFIX) lets deployments and tests
 * share a server. Records are keyed by the pseudonymous case code, conversations by a keyed
 * hash of the chat, so no key reveals who a person is.
 *
 * Hash tags (`{…}`, Redis Cluster: only the tag decides a key's slot) group the keys one script
 * or transaction touches, so each such call stays on one slot of a cluster (issue 13, item 12):
 * - `{p<n>}`, one of {@link PERSON_CELLS} person cells: a conversation, its kept reply and open
 *   talk, the case it opened with every key of that case, and the cell's effect stream. The
 *   cell of a conversation and of a case code is {@link personCell}; a new case's code is drawn
 *   until its cell is its conversation's ({@link idInCell}), so one commit script can save
 *   the step, the records and the effects atomically.
 * - `{o:<office>}`: an office's slots, its days' bookings and its closures.
 * - `{s:<staff id>}`: one member of staff's calls and held cases.
 * - `{ix}` the case index, `{inc}` incident reports, `{audit}` the audit trail, `{lim}` the
 *   Telegram send limits, `{web}` the workspace's sign-in and sessions, `{bull}` BullMQ's queues
 *   and the outbox's sent marks (read before each send: on one server, a chat's messages reach
 *   the limiter in the order the worker took them).
 * Keys used only alone (one command, one key) carry no tag.
 */
/**
 * The simulator's own prefix inside REDIS_PREFIX (`<prefix>sim:`): its conversations, cases,
 * bookings and effects live apart from the real ones, so trying a flow never takes a real
 * office place or shows up among real cases. No real key name starts with `sim:`.
 */
export function simulatorPrefix(prefix: string): string {
  return `${prefix}sim:`;
}

/** How many person cells there are. Fixed for a deployment's life: a case's cell is read from its code. */
export const PERSON_CELLS = 16;

/** Cells worked out lately, by id: the same few ids are asked for many times per update. */
const cells = new Map<string, number>();
/** How many ids {@link cells} keeps before it is emptied. */
const CELLS_KEPT = 20_000;

/**
 * The person cell (0 … PERSON_CELLS − 1) of a conversation id or a case code. Kept for the
 * ids asked lately: an update builds several keys of its conversation and case (≈ 0.4 µs each
 * to hash, bench/profile.ts), a lookup costs a tenth of that.
 */
export function personCell(id: string): number {
  let cell = cells.get(id);
  if (cell === undefined) {
    cell = cellOf(id);
    if (cells.size >= CELLS_KEPT) cells.clear();
    cells.set(id, cell);
  }
  return cell;
}

function cellOf(id: string): number {
  return calculateSlot(id) % PERSON_CELLS;
}

/** Every person cell, for whoever reads all of them (the effect consumers, counts). */
export const ALL_PERSON_CELLS: readonly number[] = Array.from({ length: PERSON_CELLS }, (_, i) => i);

/** Draws before {@link idInCell} gives up: a random source misses 1,000 times in about 1 in 10^28. */
const MAX_DRAWS = 1000;

/**
 * Draws ids with `draw` until one falls in `cell` (on average PERSON_CELLS draws): a new case's
 * code, so that the case's keys share the slot of the conversation that opens it (tests also
 * draw conversation ids so).
 * @throws Error when `draw` keeps missing the cell (a source that repeats itself)
 */
export function idInCell(draw: () => string, cell: number): string {
  for (let i = 0; i < MAX_DRAWS; i++) {
    // Not kept: most drawn ids are thrown away.
    const id = draw();
    if (cellOf(id) === cell) return id;
  }
  throw new Error(`no id in person cell ${cell} after ${MAX_DRAWS} draws: the id source does not draw at random`);
}

const person = (id: string) => `{p${personCell(id)}}`;
/** `<office>@<local start>` → the office's tag. */
const officeOfSlot = (slot: string) => `{o:${slot.slice(0, slot.indexOf('@'))}}`;

export function redisKeys(prefix: string) {
  return {
    prefix,
    /** STRING `<version> <latest update ids>\n<state JSON>` (see redis-conversation-store.ts) */
    conversation: (id: string) => `${prefix}conv:${person(id)}:${id}`,
    /** HASH of the case: status, language, timestamps, fields (personal ones encrypted) */
    case: (code: string) => `${prefix}case:${person(code)}:${code}`,
    /** LIST of JSON diagnosis records (Annex 2), oldest first */
    diagnoses: (code: string) => `${prefix}case:${person(code)}:${code}:diagnoses`,
    /** LIST of JSON consent records (Annex 4), oldest first */
    consents: (code: string) => `${prefix}case:${person(code)}:${code}:consents`,
    /**
     * HASH of the fields a person corrected in a row (`f:<field>` → order, `seq` → notices
     * queued), no values: one notice tells them all once the person stops (caseworkers/correction-notices.ts).
     * Expires by itself a moment after the last correction.
     */
    corrections: (code: string) => `${prefix}case:${person(code)}:${code}:corrections`,
    /** LIST of JSON {at, text (encrypted)}: what the person asked or wrote for case workers */
    questions: (code: string) => `${prefix}case:${person(code)}:${code}:questions`,
    /** ZSET case code → creation time (ms): the case index */
    cases: () => `${prefix}{ix}:cases`,
    /** STRING JSON of a flow definition at a revision (flow archive) */
    flow: (id: string, revision: string) => `${prefix}flow:${id}:${revision}`,
    /** HASH of a case's (first) meeting: case, slot, office, start, end, status, lang, confirmed, booked_at, cancelled_at */
    booking: (code: string) => `${prefix}booking:${person(code)}:${code}`,
    /** SET of the case codes holding a place in a slot (`<office>@<local start>`) */
    slot: (slot: string) => `${prefix}slot:${officeOfSlot(slot)}:${slot}`,
    /** ZSET case code → start (ms): an office's bookings of one local date (YYYY-MM-DD) */
    dayBookings: (office: string, date: string) => `${prefix}bookings:{o:${office}}:${date}`,
    /** STREAM of effects committed with their steps, consumed by the effect handlers' group */
    effects: (cell: number) => `${prefix}effects:{p${cell}}`,
    /** HASH stream entry id → failed attempts of its handler */
    effectAttempts: (cell: number) => `${prefix}effects:{p${cell}}:attempts`,
    /** STREAM of effect entries whose handler failed too often (kept for a person to look at) */
    deadEffects: (cell: number) => `${prefix}effects:{p${cell}}:dead`,
    /** STRING `<update id>\n<sealed reply>`: a step's reply until it is sent (see redis-conversation-store.ts) */
    pendingReply: (id: string) => `${prefix}reply:${person(id)}:${id}`,
    /** STRING, the Telegram user id of the case worker who claimed a case (SET NX: first tap wins) */
    claim: (code: string) => `${prefix}claim:${person(code)}:${code}`,
    /** SET of the case codes a member of staff holds (claims made since staff ids; kept with the claim key) */
    heldCases: (staffId: string) => `${prefix}held:{s:${staffId}}`,

    // --- incident reports (safeguarding/incident-store.ts) ---
    /** HASH of one incident report (Annex 3); free text encrypted per field */
    incident: (id: string) => `${prefix}{inc}:incident:${id}`,
    /** ZSET incident id → report time (ms): every report */
    incidents: () => `${prefix}{inc}:incidents`,
    /** ZSET incident id → report time (ms): reports still in draft */
    incidentDrafts: () => `${prefix}{inc}:incidents:drafts`,
    /** ZSET incident id → follow-up due time (ms): follow-up calls not yet made */
    incidentFollowUps: () => `${prefix}{inc}:incidents:follow_ups`,
    /** ZSET incident id → report time (ms): one case's reports */
    caseIncidents: (code: string) => `${prefix}{inc}:case:${code}`,

    // --- talks with a case worker (caseworkers/relay-store.ts) ---
    /** STRING case code, expiring: the talk open in a conversation (by the conversation's pseudonym) */
    talk: (conversation: string) => `${prefix}talk:${person(conversation)}:${conversation}`,
    /** STRING, expiring: the person was told lately that their message in a talk was passed on (not again in a burst) */
    talkAcknowledged: (conversation: string) => `${prefix}talkack:${person(conversation)}:${conversation}`,
    /**
     * STRING JSON {caseCode, conversation}, expiring: the case a relayed message in a case
     * worker's chat stands for. `staffChatRef` is a pseudonym of that chat, never its id.
     */
    talkMessage: (staffChatRef: string, messageId: number) => `${prefix}talkmsg:${staffChatRef}:${messageId}`,
    /** LIST of JSON messages of the case's talks (texts and file ids encrypted), oldest first */
    talkMessages: (code: string) => `${prefix}case:${person(code)}:${code}:talk`,
    /** ZSET message ref (an update id) → time kept (ms), expiring: the talk's messages kept lately, so none is kept twice */
    talkRefs: (code: string) => `${prefix}case:${person(code)}:${code}:talkrefs`,

    // --- phone calls taken down by a case worker (caseworkers/phone-calls.ts) ---
    /** STRING counter: how many calls a case worker (staff id) has started */
    callCounter: (worker: string) => `${prefix}calls:{s:${worker}}`,
    /** HASH {n, case}, expiring: the case worker's open call */
    openCall: (worker: string) => `${prefix}call:{s:${worker}}`,
    /** HASH {case code: call number}, expiring: which of the case worker's calls opened each case (to resume one) */
    callsByCase: (worker: string) => `${prefix}callcases:{s:${worker}}`,

    // --- who can no longer be written to (scheduling/reachability.ts) ---
    /** STRING JSON {reason, at}, expiring: a chat (by its pseudonym) that blocked the bot */
    unreachableChat: (chatRef: string) => `${prefix}unreachable:chat:${chatRef}`,
    /** STRING JSON {reason, at}, expiring: a case whose person blocked the bot */
    unreachableCase: (code: string) => `${prefix}unreachable:case:${person(code)}:${code}`,
    /**
     * STRING '1', expiring: the case workers' chat was asked lately to have this member of staff
     * (staff id) open a private chat with the bot (caseworkers/staff-unreachable.ts): asked once a period
     */
    staffUnreachableAsked: (staffId: string) => `${prefix}unreachable:staff:{s:${staffId}}`,

    // --- the case-worker roster (caseworkers/roster.ts) ---
    /** HASH Telegram user id → JSON case worker */
    caseworkers: () => `${prefix}{staff}:caseworkers`,
    /** HASH Telegram user id → staff id (written once, never deleted: a worker added again keeps their id) */
    caseworkerIds: () => `${prefix}{staff}:caseworkers:ids`,
    /** HASH Telegram user id → JSON of what to tell a member taken off the roster on their next message (taken once) */
    caseworkersLeft: () => `${prefix}{staff}:caseworkers:left`,

    // --- Telegram send limits (scheduling/outbox/telegram-limits.ts); chats by pseudonym ---
    /** ZSET holder → send time (ms): every send of the bot, for the global window */
    limitGlobal: () => `${prefix}{lim}:global`,
    /** STRING, expiring: the time (ms) of the last send to a chat */
    limitChat: (chatRef: string) => `${prefix}{lim}:chat:${chatRef}`,
    /** ZSET holder → slot (ms): the sends waiting in line for a chat */
    limitChatLine: (chatRef: string) => `${prefix}{lim}:chat:${chatRef}:line`,
    /** ZSET holder → when it was told its turn: places in a chat's line forgotten if not taken */
    limitChatLineDue: (chatRef: string) => `${prefix}{lim}:chat:${chatRef}:line:due`,
    /** ZSET holder → send time (ms): sends to a group, for the group window */
    limitGroup: (chatRef: string) => `${prefix}{lim}:group:${chatRef}`,
    /** STRING, expiring: set while every send is paused after Telegram's 429 */
    limitPause: () => `${prefix}{lim}:pause`,

    // --- the audit trail (storage/redis-audit-trail.ts): no personal data, kept AUDIT_KEEP_MONTHS ---
    /** STREAM of the audit entries of one month (`YYYY-MM`, UTC), expiring AUDIT_KEEP_MONTHS after the month ends */
    audit: (month: string) => `${prefix}{audit}:${month}`,
    /** STRING, expiring: set once an effect's audit entry is appended (a redelivery appends nothing) */
    auditOnce: (id: string) => `${prefix}{audit}:once:${id}`,
    // --- retention (intake/retention-purge.ts) ---
    /** STRING token, expiring: a purge is working on this case (SET NX: one process at a time) */
    purgeLock: (code: string) => `${prefix}purge:${code}`,

    // --- the outbox's sends acknowledged by the platform (scheduling/outbox/outbox-worker.ts) ---
    /** STRING `1`, expiring after a day: the platform accepted outbox job <id>'s message; a retry of the job (its ack lost to a crash) does not send it again */
    outboxSent: (jobId: string) => `${prefix}{bull}:sent:${jobId}`,
    /**
     * ZSET `latest` → order of arrival (seq), expiring after a week: the newest edit queued of
     * message <message id> in chat <chat pseudonym>; an older queued edit of it is not sent
     * (scheduling/outbox: only the newest text of a message goes out). Ids and numbers only.
     */
    outboxLatestEdit: (chatRef: string, messageId: number) => `${prefix}{bull}:edit:${chatRef}:${messageId}`,

    // --- BullMQ (reminders, outbox, escalations) ---
    /** BullMQ's own `prefix` option: the queues' keys go under `<prefix>bull:<queue>:…` */
    bull: () => `${prefix}{bull}`,

    // --- data keys (storage/pseudonym-key-check.ts, rotate-key.ts) ---
    /** STRING, the id (dataKeyId) of the key this deployment's pseudonyms are made with, set at the first start */
    pseudonymKeyId: () => `${prefix}keys:pseudonym`,
    /** STRING, the key layout the keys are in (key-layout.ts: `2`, hash-tagged), set once they are */
    keyLayout: () => `${prefix}keys:layout`,

    // --- the web workspace (src/web/): sign-in links, sessions, rate limits; ids and tokens only by their SHA-256 ---
    /** STRING JSON {staffId, exp}, expiring: a one-time sign-in link, by the SHA-256 of its token (GETDEL: used once) */
    webSignIn: (tokenHash: string) => `${prefix}{web}:signin:${tokenHash}`,
    /** HASH {staffId, csrf, lang, created, seen}, expiring: a workspace session, by the SHA-256 of its cookie */
    webSession: (idHash: string) => `${prefix}{web}:session:${idHash}`,
    /** SET of the session hashes of one member of staff ("sign out everywhere", leaving the roster) */
    webStaffSessions: (staffId: string) => `${prefix}{web}:sessions:${staffId}`,
    /** Key prefix of one rate limiter (rate-limiter-flexible adds `:<ip or session>`) */
    webRateLimit: (name: string) => `${prefix}web:rate:${name}`,
    /**
     * ZSET case code → creation time (ms): the case list's index `facet` (`all`, `o:<office>`,
     * `s:<status>`, `o:<office>:s:<status>`, `l:<lang>`, `e:<eligibility>`, `h:<staff id>`, `u`
     * urgent), kept by caseworkers/case-index.ts
     */
    caseIndex: (facet: string) => `${prefix}{ix}:${facet}`,
    /** STRING JSON: the facets a case is indexed under now (what the next reindex takes it out of) */
    caseIndexEntry: (code: string) => `${prefix}{ix}:case:${code}`,
    /** ZSET, expiring: a filtered list's intersection of facets, kept a few seconds for paging */
    caseIndexQuery: (hash: string) => `${prefix}{ix}:q:${hash}`,
    /** STRING: set once every case has been indexed (the backfill of a deployment that had cases before the index) */
    caseIndexBuilt: () => `${prefix}{ix}:built`,
    /**
     * ZSET of the case search's blind index for one person cell, every score 0: members
     * `<token>:<case code>:<field>` (intake/search-tokens.ts: HMACs of the normalised words of a
     * name and of the phone number, never the words), read by prefix (ZRANGEBYLEX). Beside the
     * cases of its cell (their tokens are written with their fields, in one script); the
     * tokens a case is in are on its hash (`sx:<field>`), to take them out again.
     */
    searchIndex: (cell: number) => `${prefix}search:{p${cell}}`,
    /** The {@link searchIndex} of a case's person cell. */
    caseSearchIndex: (code: string) => `${prefix}search:${person(code)}`,
    /** STRING: set once the cases from before the case search have their tokens (caseworkers/case-search.ts `backfillSearch`) */
    searchBuilt: () => `${prefix}search:built`,
    /** LIST of JSON notes staff wrote on a case {at, by, text (encrypted)}, oldest first */
    caseNotes: (code: string) => `${prefix}case:${person(code)}:${code}:notes`,
    /**
     * ZSET `<message id>:<alert kind>:<chat pseudonym>` → when it was sent (ms), expiring: the
     * case's alerts in the case workers' group, edited in place when the case changes hands
     * (caseworkers/alert-messages.ts). Ids only; forgotten at the erasure.
     */
    caseAlerts: (code: string) => `${prefix}case:${person(code)}:${code}:alerts`,
    /**
     * ZSET `<message id>:escalation:<chat pseudonym>:<staff id>` → when it was sent (ms), expiring:
     * the case's escalations in supervisors' private chats, edited in place as the group's alerts
     * are (caseworkers/alert-messages.ts). Ids only; forgotten at the erasure.
     */
    caseEscalations: (code: string) => `${prefix}case:${person(code)}:${code}:escalations`,

    // --- reports: office closures, the funnel's counts (caseworkers/reports, desk/close-office-day.ts) ---
    /** SET of an office's local dates (YYYY-MM-DD) closed by staff from the calendar, besides config/offices.yaml's `closed` */
    officeClosures: (office: string) => `${prefix}closures:{o:${office}}`,
    /** STRING JSON {at, cells}: the funnel's counts by week, language, office, route and source (no personal data) */
    funnelCube: () => `${prefix}reports:funnel`,
    /** STRING token, expiring: a process is counting the funnel again (SET NX: one at a time) */
    funnelLock: () => `${prefix}reports:funnel:lock`,

    // --- the first meeting's forms and incident follow-through (caseworkers/forms/, the web workspace) ---
    /** LIST of JSON versions of the case's initial assessment (Annex 1), oldest first; each body sealed */
    assessmentVersions: (code: string) => `${prefix}case:${person(code)}:${code}:assessment`,
    /** LIST of JSON versions of the case's individual integration plan (spec §3.7), oldest first; each body sealed */
    planVersions: (code: string) => `${prefix}case:${person(code)}:${code}:plan`,
    /** ZSET incident id → report time (ms): urgent incident reports nobody has acknowledged yet */
    incidentsUnacknowledged: () => `${prefix}{inc}:incidents:urgent`,

    // --- several processes (ROLE): the one process that long-polls Telegram (storage/polling-lease.ts) ---
    /** STRING token, expiring and renewed while it polls: which process long-polls Telegram (SET NX: one at a time) */
    pollingLease: () => `${prefix}telegram:poller`,

    // --- the case file's history (storage/redis-audit-trail.ts): the audit trail per case ---
    /** ZSET `<month> <stream id>` → entry time (ms): one case's audit entries, expiring with the newest month it points into */
    auditOfCase: (code: string) => `${prefix}{audit}:case:${code}`,
    /** STRING: set once the entries appended before the per-case index existed have been listed in it */
    auditOfCaseBuilt: () => `${prefix}{audit}:case-index-built`,
  };
}
export type RedisKeys = ReturnType<typeof redisKeys>;
