import type { Redis } from 'ioredis';
import { UnknownKeyError } from '../core/errors';
import type { FieldCipher } from './field-cipher';
import type { RedisKeys } from './keys';

/** How a case is reached: `telegram` + the chat id, `phone` + `<worker>:<call>`, `simulator` + the session. */
export interface CaseContact {
  channel: string;
  chatId: string;
}

/** The case hash's `contact` field: the channel and chat, encrypted and bound to the case. */
export function sealContact(cipher: Pick<FieldCipher, 'encrypt'>, caseCode: string, contact: CaseContact): string {
  return cipher.encrypt(`${contact.channel}:${contact.chatId}`, `${caseCode}:contact`);
}

/**
 * Reads how a case is reached. Undefined when the case has no contact, or when it cannot be
 * decrypted (another key, a moved value): nothing can be sent then, and retrying will not help.
 */
export async function readContact(
  d: { redis: Pick<Redis, 'hget'>; keys: Pick<RedisKeys, 'case'>; cipher: Pick<FieldCipher, 'decrypt'> },
  caseCode: string,
): Promise<CaseContact | undefined> {
  const sealed = await d.redis.hget(d.keys.case(caseCode), 'contact');
  if (!sealed) return undefined;
  let contact: string;
  try {
    contact = d.cipher.decrypt(sealed, `${caseCode}:contact`);
  } catch (e) {
    // A key missing from DATA_KEYS: the contact is there; failing lets the message wait for the key.
    if (e instanceof UnknownKeyError) throw e;
    return undefined;
  }
  const at = contact.indexOf(':');
  return at > 0 ? { channel: contact.slice(0, at), chatId: contact.slice(at + 1) } : undefined;
}
