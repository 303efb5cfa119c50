/**
 * Where a member of staff is written to. The roster knows its members by staff id (see
 * staff.ts); the outbox worker asks this port for the channel and chat of a `{type:'staff'}`
 * notice when it sends, so that queued notices hold the staff id, never a chat id, and a
 * member removed from the roster meanwhile is not written to.
 */
export interface StaffDirectory {
  /** The member's channel and chat, or undefined when nobody on the roster has this id. */
  chatOf(staffId: string): Promise<{ channel: string; chatId: string } | undefined>;
}
