import { z } from 'zod';
import type { FieldCipher } from './field-cipher';

/**
 * The messages of a talk between a person and case workers, as kept with the case (a Redis list,
 * `keys.talkMessages`): text and file ids encrypted for the case. Written by the relay
 * (caseworkers/relay-store.ts), read there for the case file and by /mydata for the person.
 */

/** One message of a talk, in clear. */
export interface TalkMessage {
  at: Date;
  from: 'person' | 'worker';
  kind: 'text' | 'photo' | 'document' | 'voice';
  /** The text or caption, if any. */
  text?: string;
  /** Telegram's file id of a photo, document or voice message. */
  fileId?: string;
  /** The worker's staff id, for messages from a worker. */
  worker?: string;
  /** The sender (the person, or the worker) edited a message they had sent in the talk: this is its new text. */
  edit?: true;
}

const StoredMessageSchema = z.object({
  at: z.string(),
  from: z.enum(['person', 'worker']),
  kind: z.enum(['text', 'photo', 'document', 'voice']),
  text: z.string().optional(),
  file: z.string().optional(),
  // A number: kept by a release before staff ids (a Telegram id, which is such a worker's staff id).
  worker: z.union([z.string(), z.number().transform(String)]).optional(),
  edit: z.literal(true).optional(),
});

/** What a talk message's sealed fields are bound to (a sealed text cannot be moved to another case). */
export const talkAad = (caseCode: string): string => `${caseCode}:talk`;

/** One message as stored for case `caseCode`. */
export function sealTalkMessage(cipher: FieldCipher, caseCode: string, m: TalkMessage): string {
  const aad = talkAad(caseCode);
  return JSON.stringify({
    at: m.at.toISOString(),
    from: m.from,
    kind: m.kind,
    ...(m.text ? { text: cipher.encrypt(m.text, aad) } : {}),
    ...(m.fileId ? { file: cipher.encrypt(m.fileId, aad) } : {}),
    ...(m.worker === undefined ? {} : { worker: m.worker }),
    ...(m.edit ? { edit: true } : {}),
  });
}

/** A stored message of case `caseCode` in clear; throws on one that is not a talk message. */
export function openTalkMessage(cipher: FieldCipher, caseCode: string, raw: string): TalkMessage {
  const aad = talkAad(caseCode);
  const s = StoredMessageSchema.parse(JSON.parse(raw));
  return {
    at: new Date(s.at),
    from: s.from,
    kind: s.kind,
    ...(s.text ? { text: cipher.decrypt(s.text, aad) } : {}),
    ...(s.file ? { fileId: cipher.decrypt(s.file, aad) } : {}),
    ...(s.worker === undefined ? {} : { worker: s.worker }),
    ...(s.edit ? { edit: true as const } : {}),
  };
}
