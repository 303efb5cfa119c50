import { z } from 'zod';
import { CommandSchema } from '../../core/conversation';
import { ISSUED_SESSION } from './simulator-sessions';

/**
 * The simulator's wire format: what the page may send. Parsed once here; the adapter trusts
 * the types. Limits keep one request small whatever a script sends.
 */

/**
 * A session id as the server issues them (`POST /api/simulator/sessions`): the simulator's
 * "chat id". Only its shape is checked here; whether this server issued it, by the router.
 */
export const SessionIdSchema = z.string().regex(ISSUED_SESSION, 'must be a session id issued by POST /api/simulator/sessions');

/** The engine inputs a person can produce in the simulator. */
export const SimulatorInputSchema = z.discriminatedUnion('type', [
  /** Typed text; `/back` and other commands typed by hand are recognised by the adapter. */
  z.object({ type: z.literal('text'), text: z.string().max(4096) }),
  z.object({ type: z.literal('choice'), node: z.string().min(1).max(100), value: z.string().min(1).max(100) }),
  z.object({ type: z.literal('command'), name: CommandSchema }),
  /** The "share phone" button, with a test number typed on the page. */
  z.object({ type: z.literal('contact'), phone: z.string().min(1).max(40) }),
]);
export type SimulatorInput = z.infer<typeof SimulatorInputSchema>;

/** Body of `POST /api/simulator/messages`. */
export const MessageRequestSchema = z.object({
  session: SessionIdSchema,
  input: SimulatorInputSchema,
  /** A per-message id made by the page, so a double submit is processed once. */
  id: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/).optional(),
  /** The browser's language (navigator.language), a hint for a new conversation. */
  langHint: z.string().max(35).optional(),
});
export type MessageRequest = z.infer<typeof MessageRequestSchema>;
