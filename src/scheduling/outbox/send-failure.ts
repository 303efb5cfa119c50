/**
 * What a failed Bot API call means for the outbox, from the error grammY throws (GrammyError:
 * `error_code`, `description`, `parameters.retry_after`) or any other error (a network failure,
 * grammY's HttpError):
 * - `rate_limited`: 429, wait `retryMs` (Telegram's retry_after, at least 1 s) and send again;
 * - `blocked`: 403, the person blocked the bot or deleted their account, or the bot was removed
 *   from a group;
 * - `refused`: another 4xx, the message itself is wrong: sending it again cannot help;
 * - `transient`: network errors, 5xx, and 401/404 (a wrong token or API root, a configuration
 *   problem rather than the message's): retry with backoff.
 * @example classifyFailure(new GrammyError(…429…)) // { kind: 'rate_limited', retryMs: 3000 }
 */
export function classifyFailure(err: unknown): SendFailure {
  const e = (err ?? {}) as { error_code?: unknown; description?: unknown; parameters?: { retry_after?: unknown } };
  const code = typeof e.error_code === 'number' ? e.error_code : undefined;
  const description = typeof e.description === 'string' ? e.description : '';
  if (code === 429) {
    const after = Number(e.parameters?.retry_after);
    return { kind: 'rate_limited', retryMs: Math.max(1, Number.isFinite(after) ? after : 1) * 1000 };
  }
  if (code === 403) return { kind: 'blocked', description };
  if (code !== undefined && code >= 400 && code < 500 && code !== 401 && code !== 404) return { kind: 'refused', code, description };
  return { kind: 'transient' };
}

export type SendFailure =
  | { kind: 'rate_limited'; retryMs: number }
  | { kind: 'blocked'; description: string }
  | { kind: 'refused'; code: number; description: string }
  | { kind: 'transient' };
