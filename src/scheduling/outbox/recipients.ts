import type { Redis } from 'ioredis';
import type { Recipient } from '../../core/notifier';
import type { StaffDirectory } from '../../core/staff-directory';
import { readContact } from '../../storage/case-contact';
import type { FieldCipher } from '../../storage/field-cipher';
import type { RedisKeys } from '../../storage/keys';
import type { ChannelAddress } from './channel-sender';

/** Finds the chat of a notice's recipient when it is sent; undefined when there is none (any more). */
export type RecipientResolver = (to: Recipient) => Promise<ChannelAddress | undefined>;

/** What {@link recipientResolver} reads. */
export interface RecipientSources {
  /** For `{type:'case'}`: the case's sealed contact (channel and chat). */
  redis: Pick<Redis, 'hget'>;
  keys: Pick<RedisKeys, 'case'>;
  cipher: Pick<FieldCipher, 'decrypt'>;
  /** For `{type:'staff'}`. */
  staff: StaffDirectory;
  /** For `{type:'caseworkers'}`: the case workers' shared chat (CASEWORKER_CHAT_ID on Telegram), if configured. */
  caseworkers?: ChannelAddress;
}

/**
 * The usual resolver: a case → its sealed contact (undefined when the case was erased, has no
 * contact, or the contact cannot be decrypted); a member of staff → the staff directory; the
 * case workers → the configured chat.
 * @example recipientResolver({ redis, keys, cipher, staff, caseworkers: { channel: 'telegram', chatId: '-100123' } })
 */
export function recipientResolver(s: RecipientSources): RecipientResolver {
  return async (to) => {
    switch (to.type) {
      case 'case':
        return readContact(s, to.caseCode);
      case 'staff':
        return s.staff.chatOf(to.staffId);
      case 'caseworkers':
        return s.caseworkers;
    }
  };
}
