import { z } from 'zod';

/**
 * A member of staff as the desk knows them: a roster id, never a platform id. Channels turn
 * their own identities (a Telegram user id, a web session) into a StaffRef through the roster
 * before they call a desk use case, and the use case checks the role itself.
 */
export const StaffRefSchema = z.object({ staffId: z.string().min(1) });
export type StaffRef = z.infer<typeof StaffRefSchema>;
