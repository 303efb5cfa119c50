import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from '../core/logger';

/** The JSON body of every error answer. */
export interface ErrorBody {
  error: string;
}

/** `404 {"error":"not_found"}` for any path no route answered. */
export const notFound: RequestHandler = (_req, res) => {
  res.status(404).json({ error: 'not_found' } satisfies ErrorBody);
};

/**
 * The one error-handling middleware. Client errors raised by body parsing (bad JSON, too
 * large) get their own status and a short code; anything else is logged and answered with
 * `500 {"error":"internal"}`. The log has the error's name, message, stack and context, the
 * method and the route pattern: never bodies, query strings or headers, which may hold
 * personal data or session ids.
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) return next(err);
    const e = (err ?? {}) as { status?: number; statusCode?: number; type?: string; name?: string; message?: string; stack?: string; context?: unknown };
    const status = e.status ?? e.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      const code = e.type === 'entity.too.large' ? 'payload_too_large' : e.type === 'entity.parse.failed' ? 'invalid_json' : 'bad_request';
      res.status(status).json({ error: code } satisfies ErrorBody);
      return;
    }
    logger.error(
      { err: { name: e.name, message: e.message, stack: e.stack, context: e.context }, method: req.method, route: (req.route as { path?: string } | undefined)?.path ?? req.baseUrl },
      'request failed',
    );
    res.status(500).json({ error: 'internal' } satisfies ErrorBody);
  };
}
