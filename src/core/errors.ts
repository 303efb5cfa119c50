/**
 * Base of Körpü's typed errors. `context` carries what a reader of the log needs to act on
 * (never personal data: case codes yes, names and phone numbers no).
 */
export class KorpuError extends Error {
  override name = 'KorpuError';
  constructor(message: string, readonly context: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A flow file (or a set of them) is invalid; `message` names the file, node and field. */
export class FlowDefinitionError extends KorpuError {
  override name = 'FlowDefinitionError';
}

/** A setting is missing or malformed; the message is one line naming it. */
export class ConfigError extends KorpuError {
  override name = 'ConfigError';
}

/** Two updates of one conversation raced and this one lost every retry. */
export class ConcurrentUpdateError extends KorpuError {
  override name = 'ConcurrentUpdateError';
}

/** Encrypted data could not be decrypted (wrong DATA_KEY or tampered value). */
export class DecryptionError extends KorpuError {
  override name = 'DecryptionError';
}

/**
 * An encrypted value is under a key that is not configured (its key id is none of DATA_KEYS'),
 * or, for a value from before key ids, no configured key opens it. Never swallowed as "no
 * value": the data is there and a key is missing, so the operator must be told which.
 */
export class UnknownKeyError extends DecryptionError {
  override name = 'UnknownKeyError';
  constructor(
    message: string,
    /** The key id the value names (`unlabelled` for a value from before key ids). */
    readonly keyId: string,
    context: Record<string, unknown> = {},
  ) {
    super(message, { ...context, keyId });
  }
}

/**
 * An update arrived again while its first delivery is still being handled by another process:
 * the channel answers so that the platform delivers it once more, later (webhook: a 5xx).
 */
export class RedeliverLaterError extends KorpuError {
  override name = 'RedeliverLaterError';
}

/**
 * A step was saved but its reply could not be sent for a passing reason (the platform held the
 * call and it was cut, answered 5xx or kept answering 429 past the retries). The reply is kept
 * with the conversation: a webhook answers 5xx so the platform delivers the update again and
 * the redelivery sends it (at least once: parts already out go again); long polling cannot ask
 * again and tells the person something went wrong.
 */
export class ReplyNotSentError extends KorpuError {
  override name = 'ReplyNotSentError';
}
