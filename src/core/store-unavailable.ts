/**
 * Whether an error says the data store (Redis) could not be reached, rather than that the
 * update itself is wrong: ioredis gives up on a command after its retries
 * (`MaxRetriesPerRequestError`), a closed or refused connection, a Redis still loading its
 * append-only file. Such an update was not handled, and must not be acknowledged as if it were:
 * in webhook mode Telegram should deliver it again.
 */
export function isStoreUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (err.name === 'MaxRetriesPerRequestError') return true;
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'EPIPE' || code === 'ETIMEDOUT') return true;
  return /^(Connection is closed|Stream isn't writeable|LOADING|CLUSTERDOWN|MASTERDOWN|READONLY)/.test(err.message);
}
