/**
 * Every Redis key Körpü uses, in one place. `prefix` (REDIS_PREFIX) lets deployments and tests
 * share a server. Records are keyed by the pseudonymous case code, conversations by a keyed
 * hash of the chat, so no key reveals who a person is.
 */
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
    /** HASH of a case's (first) meeting: slot, office, start, end, status, lang, confirmed */
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
    /** STRING, set once an effect's side effect (an alert) was performed */
    effectDone: (effectId: string) => `${prefix}effect:${effectId}`,
    /** STRING, the Telegram user id of the case worker who claimed a case (SET NX: first tap wins) */
    claim: (code: string) => `${prefix}claim:${code}`,
  };
}
export type RedisKeys = ReturnType<typeof redisKeys>;
