import { createHash } from 'node:crypto';
import { CommandSchema, type Button, type Input } from '../../core/conversation';

/** What a button does when tapped (the engine's button action). */
/** The actions of a person's buttons (staff buttons are encoded by staff-callback-data.ts). */
export type ButtonAction = Exclude<Button['action'], { type: 'staff' }>;

/** Telegram refuses `callback_data` longer than this many bytes (BUTTON_DATA_INVALID). */
export const CALLBACK_DATA_MAX_BYTES = 64;

/**
 * Node id the engine never has (ids start with a letter): a choice for it is always answered
 * with `common:notice.stale_button` and the current question asked again.
 */
export const STALE_NODE = '__stale';

/** The input sent for a button we cannot read (old format, another bot's, tampered). */
export const STALE_INPUT: Input = { type: 'choice', node: STALE_NODE, value: 'x' };

// Wire tags (version 1 of the format). A new format gets new tags; old buttons then fail to
// parse and are answered as stale, which is what a person tapping a very old button expects.
const TAG_CHOICE = 'c';
const TAG_CHOICE_HASHED = 'h';
const TAG_COMMAND = 'k';
const SEP = ':';

/**
 * The wire format as one pattern: a tag, then a node id and an option value (ASCII, no
 * separator, as flows and the engine make them), a node digest and a value, or a command.
 * Read on every tap: a regular expression instead of a zod schema of tuples (a few µs less),
 * with the command checked by its zod enum as before.
 */
const CALLBACK_DATA = /^(?:c:([A-Za-z0-9_]+):([A-Za-z0-9_]+)|h:([A-Za-z0-9_-]{8}):([A-Za-z0-9_]+)|k:([^:]*))$/;

/** Short, stable digest of a node id, used when the id is too long to fit. */
export function nodeDigest(node: string): string {
  return createHash('sha256').update(node).digest('base64url').slice(0, 8);
}

/**
 * Finds the node id behind a digest (see {@link callbackLookup}). Needed only for node ids
 * so long that `c:<node>:<value>` would pass 64 bytes.
 */
export type NodeLookup = (digest: string) => string | undefined;

/** Builds a {@link NodeLookup} over the given node ids (every node of every loaded flow). */
export function callbackLookup(nodeIds: Iterable<string>): NodeLookup {
  const map = new Map<string, string>();
  for (const id of nodeIds) map.set(nodeDigest(id), id);
  return (digest) => map.get(digest);
}

/**
 * Encodes a button action as Telegram `callback_data` (at most 64 bytes):
 * `c:<node>:<value>` for a choice, `h:<digest of node>:<value>` when the node id is too long,
 * `k:<command>` for a command.
 * @throws RangeError when even the short form does not fit (an option value over 52
 *   characters: a flow-authoring mistake the flow check should have caught).
 * @example encodeCallbackData({ type: 'choice', node: 'q1', value: 'yes' }) // 'c:q1:yes'
 */
export function encodeCallbackData(action: ButtonAction): string {
  if (action.type === 'command') return [TAG_COMMAND, action.name].join(SEP);
  const plain = [TAG_CHOICE, action.node, action.value].join(SEP);
  if (Buffer.byteLength(plain) <= CALLBACK_DATA_MAX_BYTES) return plain;
  const short = [TAG_CHOICE_HASHED, nodeDigest(action.node), action.value].join(SEP);
  if (Buffer.byteLength(short) <= CALLBACK_DATA_MAX_BYTES) return short;
  throw new RangeError(`button value "${action.value.slice(0, 20)}…" of node "${action.node}" is too long for Telegram callback data`);
}

/**
 * Reads `callback_data` back into an engine Input. Never throws: data that does not parse
 * (a button from an older release, another bot's, hand-crafted) gives {@link STALE_INPUT}.
 * @example decodeCallbackData('c:q1:yes') // { type: 'choice', node: 'q1', value: 'yes' }
 */
export function decodeCallbackData(data: string | undefined, lookup?: NodeLookup): Input {
  // Within 64 bytes every part is within 64 bytes too.
  if (data === undefined || Buffer.byteLength(data) > CALLBACK_DATA_MAX_BYTES) return STALE_INPUT;
  const m = CALLBACK_DATA.exec(data);
  if (!m) return STALE_INPUT;
  if (m[1] !== undefined) return { type: 'choice', node: m[1], value: m[2]! };
  if (m[3] !== undefined) {
    const node = lookup?.(m[3]);
    return node ? { type: 'choice', node, value: m[4]! } : STALE_INPUT;
  }
  const command = CommandSchema.safeParse(m[5]);
  return command.success ? { type: 'command', name: command.data } : STALE_INPUT;
}
