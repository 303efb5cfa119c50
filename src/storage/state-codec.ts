import { deflateRawSync, inflateRawSync } from 'node:zlib';

/**
 * How a conversation's state JSON is stored: raw DEFLATE with a preset dictionary of what
 * states look like (their field names, the shipped flows' ids, node ids and common values), so
 * that a 500–800-byte state goes over the wire and sits in Redis as ≈ 80–120 bytes. It is sent
 * on every update, so this is most of the bytes Körpü writes per answer. Cost: ≈ 10 µs to
 * compress per update (most of it setting up a zlib stream and its dictionary, which Node's
 * synchronous API does anew on every call), ≈ 10 µs to expand (only when a process reads a
 * conversation it does not have in memory).
 *
 * Format of the stored bytes: `{…}` is plain JSON (written by earlier releases, readable);
 * a first byte 0x01 means DEFLATE with {@link DICTIONARY_V1}. The dictionary only helps
 * compression: a state unlike it (edited flows, other languages) still round-trips, just
 * less small. Changing the dictionary needs a new first byte, keeping this one for reading:
 * test/unit/storage/state-codec.test.ts pins its digest.
 */
const V1 = 0x01;

/**
 * Fragments of typical states, rarest first (DEFLATE reaches nearer text with shorter codes).
 * Never edit: add DICTIONARY_V2 instead.
 */
export const DICTIONARY_V1 = Buffer.from(
  [
    '{"f":"appointment","r":"","n":"pick"},{"f":"handoff","r":"","n":"more"},{"f":"call","r":"","n":"',
    '"hint":"az","hint":"ru","hint":"en","picking":"language","quiet":true,"kb":true,"sel":["',
    '"booking":{"slot":"baku@2026-","office":"baku","start":"2026-","end":"2026-","T06:00:00.000Z"},"done":true',
    '"consent":"declined","consent":"A","consent":"C","lang":"ru","lang":"az",',
    '"handoff.reason":"eligibility_review","handoff.more":"menu","diagnosis.minor":"yes",',
    '"diagnosis.decide":"not_eligible","diagnosis.decide.reasons":["q1_no","q2_no","q3_none"],"diagnosis.review":"yes",',
    '"diagnosis.q3":["planning","health_social","employment_education","culture_social","language"],',
    '"interview.pick_time.page":"1","interview.reason":"work","interview.reason":"family","interview.reason":"asylum","interview.reason":"other",',
    '{"v":1,"frames":[{"f":"welcome","r":"","n":"menu","b":["language","menu"]},',
    '{"f":"diagnosis","r":"","n":"done","b":["age","q1","q2","q3","continue"]},',
    '{"f":"consent","r":"","n":"agree","b":["statement","option"]}],',
    '{"f":"interview","r":"","n":"","b":["meet","first_name","last_name","birth_date","country","reason","phone","address","questions"]}],',
    '"vars":{"welcome.menu":"eligibility","diagnosis.age":"adult","diagnosis.q1":"yes","diagnosis.q2":"yes",',
    '"diagnosis.decide":"likely_eligible","diagnosis.decide.reasons":[],"diagnosis.decide.provisional":"true","diagnosis.decide.rule_version":"annex2-v1",',
    '"diagnosis.continue":"yes","interview.meet":"yes","consent.statement":"continue","consent.option":"B","consent.agree":"yes",',
    '"interview.age_group":"adult","interview.reason":"study"},"at":17,"lang":"en","caseCode":"KP-","consent":"B"}',
  ].join(''),
);

// A small window and little memory per call: states are short, and a zlib stream is set up anew each time.
const OPTIONS = { dictionary: DICTIONARY_V1, windowBits: 12, memLevel: 2 } as const;
// A compressed state is ≈ 100–300 bytes: a 1 KB output chunk (from Node's buffer pool) instead
// of the default fresh 16 KB on every update; a longer output just takes more chunks.
const DEFLATE_OPTIONS = { ...OPTIONS, chunkSize: 1024 } as const;

/** The stored form of a state's JSON. */
export function encodeState(json: string): Buffer {
  const packed = deflateRawSync(json, DEFLATE_OPTIONS);
  const out = Buffer.allocUnsafe(packed.length + 1);
  out[0] = V1;
  packed.copy(out, 1);
  return out;
}

/** The state JSON back from its stored form (plain JSON as saved by earlier releases, or compressed). */
export function decodeState(stored: Buffer): string {
  if (stored[0] === V1) return inflateRawSync(stored.subarray(1), OPTIONS).toString('utf8');
  return stored.toString('utf8');
}
