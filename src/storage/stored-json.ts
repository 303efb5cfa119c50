import type { z } from 'zod';

/**
 * A JSON value as stored in Redis, read with its schema: undefined when it is missing, not JSON
 * or not of that shape (written by another release, or damaged), so a reader can treat it as
 * absent rather than fail the whole page or message.
 * @example readStored(NoticeSchema, await redis.hget(key, id))
 */
export function readStored<S extends z.ZodType>(schema: S, json: string | null | undefined): z.infer<S> | undefined {
  if (typeof json !== 'string') return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return undefined;
  }
  const parsed = schema.safeParse(raw);
  return parsed.success ? parsed.data : undefined;
}
