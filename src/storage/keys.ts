/**
 * Every Redis key Körpü uses, in one place. `prefix` (REDIS_PREFIX) lets deployments and tests
 * share a server. Records are keyed by the pseudonymous case code, conversations by a keyed
 * hash of the chat, so no key reveals who a person is.
 */
/**
 * The simulator's own prefix inside REDIS_PREFIX (`<prefix>sim:`): its conversations, cases,
 * bookings and effects live apart from the real ones, so trying a flow never takes a real
 * office place or shows up among real cases. No real key name starts with `sim:`.
 */
export function simulatorPrefix(prefix: string): string {
  return `${prefix}sim:`;
}

export function redisKeys(prefix: string) {
  return {
    prefix,
    /** STRING `<version> <latest update ids>\n<state JSON>` (see redis-conversation-store.ts) */
    conversation: (id: string) => `${prefix}conv:${id}`,
    /** HASH of the case: status, language, timestamps, fields (personal ones encrypted) */
    case: (code: string) => `${prefix}case:${code}`,
    /** LIST of JSON diagnosis records (Annex 2), oldest first */
    diagnoses: (code: string) => `${prefix}case:${code}:diagnoses`,
    /** LIST of JSON consent records (Annex 4), oldest first */
    consents: (code: string) => `${prefix}case:${code}:consents`,
    /** LIST of JSON {at, text (encrypted)}: what the person asked or wrote for case workers */
    questions: (code: string) => `${prefix}case:${code}:questions`,
    /** ZSET case code → creation time (ms): the case index */
    cases: () => `${prefix}cases`,
    /** STRING JSON of a flow definition at a revision (flow archive) */
    flow: (id: string, revision: string) => `${prefix}flow:${id}:${revision}`,
    /** HASH of a case's (first) meeting: case, slot, office, start, end, status, lang, confirmed, booked_at, cancelled_at */
    booking: (code: string) => `${prefix}booking:${code}`,
    /** SET of the case codes holding a place in a slot (`<office>@<local start>`) */
    slot: (slot: string) => `${prefix}slot:${slot}`,
    /** ZSET case code → start (ms): an office's bookings of one local date (YYYY-MM-DD) */
    dayBookings: (office: string, date: string) => `${prefix}bookings:${office}:${date}`,
    /** STREAM of effects committed with their steps, consumed by the effect handlers' group */
    effects: () => `${prefix}effects`,
    /** HASH stream entry id → failed attempts of its handler */
    effectAttempts: () => `${prefix}effects:attempts`,
    /** STREAM of effect entries whose handler failed too often (kept for a person to look at) */
    deadEffects: () => `${prefix}effects:dead`,
    /** STRING `<update id>\n<sealed reply>`: a step's reply until it is sent (see redis-conversation-store.ts) */
    pendingReply: (id: string) => `${prefix}reply:${id}`,
    /** STRING, the Telegram user id of the case worker who claimed a case (SET NX: first tap wins) */
    claim: (code: string) => `${prefix}claim:${code}`,
    /** SET of the case codes a member of staff holds (claims made since staff ids; kept with the claim key) */
    heldCases: (staffId: string) => `${prefix}held:${staffId}`,

    // --- incident reports (safeguarding/incident-store.ts) ---
    /** HASH of one incident report (Annex 3); free text encrypted per field */
    incident: (id: string) => `${prefix}incident:${id}`,
    /** ZSET incident id → report time (ms): every report */
    incidents: () => `${prefix}incidents`,
    /** ZSET incident id → report time (ms): reports still in draft */
    incidentDrafts: () => `${prefix}incidents:drafts`,
    /** ZSET incident id → follow-up due time (ms): follow-up calls not yet made */
    incidentFollowUps: () => `${prefix}incidents:follow_ups`,
    /** ZSET incident id → report time (ms): one case's reports */
    caseIncidents: (code: string) => `${prefix}case:${code}:incidents`,

    // --- talks with a case worker (caseworkers/relay-store.ts) ---
    /** STRING case code, expiring: the talk open in a conversation (by the conversation's pseudonym) */
    talk: (conversation: string) => `${prefix}talk:${conversation}`,
    /**
     * STRING JSON {caseCode, conversation}, expiring: the case a relayed message in a case
     * worker's chat stands for. `staffChatRef` is a pseudonym of that chat, never its id.
     */
    talkMessage: (staffChatRef: string, messageId: number) => `${prefix}talkmsg:${staffChatRef}:${messageId}`,
    /** LIST of JSON messages of the case's talks (texts and file ids encrypted), oldest first */
    talkMessages: (code: string) => `${prefix}case:${code}:talk`,

    // --- phone calls taken down by a case worker (caseworkers/phone-calls.ts) ---
    /** STRING counter: how many calls a case worker (staff id) has started */
    callCounter: (worker: string) => `${prefix}calls:${worker}`,
    /** HASH {n, case}, expiring: the case worker's open call */
    openCall: (worker: string) => `${prefix}call:${worker}`,

    // --- who can no longer be written to (scheduling/reachability.ts) ---
    /** STRING JSON {reason, at}, expiring: a chat (by its pseudonym) that blocked the bot */
    unreachableChat: (chatRef: string) => `${prefix}unreachable:chat:${chatRef}`,
    /** STRING JSON {reason, at}, expiring: a case whose person blocked the bot */
    unreachableCase: (code: string) => `${prefix}unreachable:case:${code}`,

    // --- the case-worker roster (caseworkers/roster.ts) ---
    /** HASH Telegram user id → JSON case worker */
    caseworkers: () => `${prefix}caseworkers`,
    /** HASH Telegram user id → staff id (written once, never deleted: a worker added again keeps their id) */
    caseworkerIds: () => `${prefix}caseworkers:ids`,

    // --- Telegram send limits (scheduling/outbox/telegram-limits.ts); chats by pseudonym ---
    /** ZSET holder → send time (ms): every send of the bot, for the global window */
    limitGlobal: () => `${prefix}limit:global`,
    /** STRING, expiring: the time (ms) of the last send to a chat */
    limitChat: (chatRef: string) => `${prefix}limit:chat:${chatRef}`,
    /** ZSET holder → slot (ms): the sends waiting in line for a chat */
    limitChatLine: (chatRef: string) => `${prefix}limit:chat:${chatRef}:line`,
    /** ZSET holder → when it was told its turn: places in a chat's line forgotten if not taken */
    limitChatLineDue: (chatRef: string) => `${prefix}limit:chat:${chatRef}:line:due`,
    /** ZSET holder → send time (ms): sends to a group, for the group window */
    limitGroup: (chatRef: string) => `${prefix}limit:group:${chatRef}`,
    /** STRING, expiring: set while every send is paused after Telegram's 429 */
    limitPause: () => `${prefix}limit:pause`,

    // --- the audit trail (storage/redis-audit-trail.ts): no personal data, kept AUDIT_KEEP_MONTHS ---
    /** STREAM of the audit entries of one month (`YYYY-MM`, UTC), expiring AUDIT_KEEP_MONTHS after the month ends */
    audit: (month: string) => `${prefix}audit:${month}`,
    /** STRING, expiring: set once an effect's audit entry is appended (a redelivery appends nothing) */
    auditOnce: (id: string) => `${prefix}audit:once:${id}`,
    // --- retention (intake/retention-purge.ts) ---
    /** STRING token, expiring: a purge is working on this case (SET NX: one process at a time) */
    purgeLock: (code: string) => `${prefix}purge:${code}`,

    // --- the outbox's sends acknowledged by the platform (scheduling/outbox/outbox-worker.ts) ---
    /** STRING `1`, expiring after a day: the platform accepted outbox job <id>'s message; a retry of the job (its ack lost to a crash) does not send it again */
    outboxSent: (jobId: string) => `${prefix}outbox:sent:${jobId}`,

    // --- BullMQ (reminders, outbox, escalations) ---
    /** BullMQ's own `prefix` option: the queues' keys go under `<prefix>bull:<queue>:…` */
    bull: () => `${prefix}bull`,
  };
}
export type RedisKeys = ReturnType<typeof redisKeys>;
