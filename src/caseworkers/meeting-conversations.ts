import type { Redis } from 'ioredis';
import type { MetMeeting } from '../core/conversation';
import type { MeetingConversations, StaffBookedMeeting } from './desk/desk-deps';
import type { FieldCipher } from '../storage/field-cipher';
import type { RedisKeys } from '../storage/keys';
import { readContact } from '../storage/case-contact';
import type { ConversationRunner } from '../intake/conversation-runner';

export interface MeetingConversationsDeps {
  redis: Redis;
  keys: RedisKeys;
  cipher: FieldCipher;
  runner: Pick<ConversationRunner, 'amend'>;
}

/**
 * The person's conversation kept in step with a meeting changed from staff's side, through the
 * runner's own commit (compare-and-set with the person's steps): a meeting booked or moved on
 * their behalf becomes the conversation's booking with a `booking_made` effect — so its records
 * and reminders follow exactly the path of a booking made in the bot — and a meeting staff
 * cancelled (an office closed for the day) leaves it, a case closed for good is marked so
 * that the conversation books no meeting for it, and a first meeting the person came to is
 * marked so that it books no other first meeting.
 */
export function meetingConversations(d: MeetingConversationsDeps): MeetingConversations {
  const chatOf = (caseCode: string) => readContact({ redis: d.redis, keys: d.keys, cipher: d.cipher }, caseCode);
  return {
    async booked(m: StaffBookedMeeting, ref: string): Promise<boolean> {
      const chat = await chatOf(m.caseCode);
      if (!chat) return false;
      const outcome = await d.runner.amend(chat, ref, (state) => {
        // A conversation that started over for another case (after an erasure) is not this case's.
        if (state.caseCode && state.caseCode !== m.caseCode) return undefined;
        // The slot the conversation shows may be older than the store's (the person's own move
        // meanwhile): both lose their reminders; reminders check the booking when due anyway.
        const shown = state.booking && state.booking.slot !== m.slot ? state.booking.slot : undefined;
        const previousSlot = m.previousSlot ?? shown;
        state.booking = { slot: m.slot, office: m.office, start: m.start, end: m.end };
        return [{ type: 'booking_made', caseCode: m.caseCode, slot: m.slot, office: m.office, start: m.start, end: m.end, lang: state.lang ?? m.lang, ...(previousSlot ? { previousSlot } : {}) }];
      });
      return outcome === 'ok';
    },
    async cancelled(caseCode: string, slot: string): Promise<void> {
      const chat = await chatOf(caseCode);
      if (!chat) return;
      await d.runner.amend(chat, `staff_cancel:${caseCode}:${slot}`, (state) => {
        if (state.booking?.slot !== slot) return undefined;
        delete state.booking;
        return [];
      });
    },
    async caseClosed(caseCode: string): Promise<void> {
      const chat = await chatOf(caseCode);
      if (!chat) return;
      await d.runner.amend(chat, `case_closed:${caseCode}`, (state) => {
        // Not a conversation that started over for another case (after an erasure), nor twice.
        if (state.caseCode !== caseCode || state.closed) return undefined;
        state.closed = true;
        return [];
      });
    },
    async attendance(caseCode: string, status: 'attended' | 'no_show', meeting: MetMeeting): Promise<void> {
      const chat = await chatOf(caseCode);
      if (!chat) return;
      await d.runner.amend(chat, `attendance:${caseCode}:${meeting.slot}:${status}`, (state) => {
        if (state.caseCode !== caseCode) return undefined;
        if (status === 'attended') {
          // The first meeting come to stays the one told (as the case's met_at): a later one changes nothing.
          if (state.met) return undefined;
          state.met = { slot: meeting.slot, office: meeting.office, start: meeting.start };
          return [];
        }
        // "Did not come" after all: only the meeting marked "came" by mistake is forgotten.
        if (state.met?.slot !== meeting.slot) return undefined;
        delete state.met;
        return [];
      });
    },
  };
}
