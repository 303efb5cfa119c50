import { ENTRY_AAD, SEALED_PREFIX, STARTED_CHAT_AAD } from '../core/effect-entry';
import { CHAT_AAD, NOTICE_CHAT_AAD, noticeOutputAad, NOTIFY_JOB, OUTBOX_QUEUE, SEND_JOB } from '../scheduling/outbox/outbox';
import { NUDGE_AAD, REMINDER_QUEUE } from '../scheduling/reminders';
import { FieldCipher } from '../storage/field-cipher';
import { talkAad } from '../storage/talk-messages';

/**
 * Where Körpü keeps encrypted values, and the additional authenticated data each is bound to:
 * what a key rotation must know to open a value and seal it again under the newest key. Each
 * function returns the stored value re-encrypted, or undefined when nothing in it is under an
 * older key (then there is nothing to write). They throw what FieldCipher.decrypt throws.
 *
 * A new kind of encrypted value belongs here too; until it is, `npm run rotate-key` counts it
 * among the values "in places it does not know" (sealedLeft) and tells the operator.
 */

/** Re-encrypts one value under the newest key (FieldCipher.reseal). */
export type Reseal = (token: string, aad: string) => string;

/** The AAD of a case hash's field: `f:<name>` → `<code>:<name>`, `contact` → `<code>:contact`; undefined for a field not known to be sealed. */
export function caseFieldAad(caseCode: string, field: string): string | undefined {
  if (field === 'contact') return `${caseCode}:contact`;
  if (field.startsWith('f:')) return `${caseCode}:${field.slice(2)}`;
  return undefined;
}

/**
 * Case hash fields once kept in clear that are encrypted now: `f:reason`, the reason for coming
 * (a choice from a list, but "asylum" says the person seeks asylum), sealed since December 2026.
 * Readers take both (a value that is not a ciphertext is read as it is); the rotation seals a
 * value still in clear, so that `npm run rotate-key` also finishes this change.
 */
export const ONCE_PLAIN_CASE_FIELDS: ReadonlySet<string> = new Set(['f:reason']);

/** The AAD of an incident report's sealed field (safeguarding/incident-store.ts). */
export const incidentFieldAad = (caseCode: string, id: string, field: string): string => `${caseCode}:incident:${id}:${field}`;

/** A question the person left (`case:<code>:questions` item, JSON `{at, text}`). */
export function resealQuestion(json: string, caseCode: string, reseal: Reseal): string | undefined {
  return resealFields(json, { text: `${caseCode}:question` }, reseal);
}

/** A message of a talk with a case worker (`case:<code>:talk` item, JSON `{…, text?, file?}`). */
export function resealTalkMessage(json: string, caseCode: string, reseal: Reseal): string | undefined {
  const aad = talkAad(caseCode);
  return resealFields(json, { text: aad, file: aad }, reseal);
}

/** A kept reply, `<update id>\n<process> <at ms>\n<sealed reply>` (storage/redis-conversation-store.ts). */
export function resealKeptReply(value: string, conversation: string, reseal: Reseal): string | undefined {
  const first = value.indexOf('\n');
  const second = first < 0 ? -1 : value.indexOf('\n', first + 1);
  if (second < 0) return undefined;
  const sealed = value.slice(second + 1);
  const next = reseal(sealed, `reply:${conversation}`);
  return next === sealed ? undefined : value.slice(0, second + 1) + next;
}

/**
 * A BullMQ job's `data` (JSON): the outbox's raw sends (`chat`) and notices (`output`, and
 * `to.chat` for a notice to a chat), the reminder queue's nudges (`chat`). Other jobs hold no
 * sealed value.
 */
export function resealJobData(queue: string, name: string, jobId: string, data: string, reseal: Reseal): string | undefined {
  if (queue === OUTBOX_QUEUE && name === SEND_JOB) return resealFields(data, { chat: CHAT_AAD }, reseal);
  if (queue === REMINDER_QUEUE && name === 'nudge') return resealFields(data, { chat: NUDGE_AAD }, reseal);
  if (queue === OUTBOX_QUEUE && name === NOTIFY_JOB) {
    const job = JSON.parse(data) as { output?: unknown; to?: { type?: unknown; chat?: unknown } };
    let changed = false;
    const swap = (token: unknown, aad: string): unknown => {
      if (typeof token !== 'string') return token;
      const next = reseal(token, aad);
      if (next !== token) changed = true;
      return next;
    };
    job.output = swap(job.output, noticeOutputAad(jobId));
    if (job.to?.type === 'chat') job.to.chat = swap(job.to.chat, NOTICE_CHAT_AAD);
    return changed ? JSON.stringify(job) : undefined;
  }
  return undefined;
}

/**
 * An effect-stream entry's `e` field: `sealed:<ciphertext>` of the entry's JSON, in which a
 * `conversation_started` entry's `chat` is sealed again, on its own. Plain entries hold nothing sealed.
 */
export function resealEntryField(field: string, cipher: Pick<FieldCipher, 'decrypt' | 'encrypt' | 'isCurrent'>): string | undefined {
  if (!field.startsWith(SEALED_PREFIX)) return undefined;
  const token = field.slice(SEALED_PREFIX.length);
  if (cipher.isCurrent(token)) return undefined;
  const entry = JSON.parse(cipher.decrypt(token, ENTRY_AAD)) as { kind?: unknown; chat?: unknown };
  if (entry.kind === 'conversation_started' && typeof entry.chat === 'string' && !cipher.isCurrent(entry.chat)) {
    entry.chat = cipher.encrypt(cipher.decrypt(entry.chat, STARTED_CHAT_AAD), STARTED_CHAT_AAD);
  }
  return SEALED_PREFIX + cipher.encrypt(JSON.stringify(entry), ENTRY_AAD);
}

/**
 * How many encrypted values under another than the newest key a stored value still holds,
 * looking into JSON: what a rotation did not re-encrypt because it does not know the place.
 */
export function sealedLeft(value: string, cipher: Pick<FieldCipher, 'isCurrent'>): number {
  const count = (v: unknown): number => {
    if (typeof v === 'string') return FieldCipher.isSealed(v) && !cipher.isCurrent(v) ? 1 : 0;
    if (Array.isArray(v)) return v.reduce((n: number, x) => n + count(x), 0);
    if (v && typeof v === 'object') return Object.values(v).reduce((n: number, x) => n + count(x), 0);
    return 0;
  };
  if (value.startsWith('{') || value.startsWith('[')) {
    try {
      return count(JSON.parse(value));
    } catch {
      // not JSON after all: looked at as text below
    }
  }
  return count(value);
}

/** Top-level string fields of a JSON object re-encrypted, each with its AAD; undefined when none changed. */
function resealFields(json: string, fields: Record<string, string>, reseal: Reseal): string | undefined {
  const o = JSON.parse(json) as Record<string, unknown>;
  let changed = false;
  for (const [name, aad] of Object.entries(fields)) {
    const token = o[name];
    if (typeof token !== 'string') continue;
    const next = reseal(token, aad);
    if (next !== token) {
      o[name] = next;
      changed = true;
    }
  }
  return changed ? JSON.stringify(o) : undefined;
}
