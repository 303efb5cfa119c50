import { timingSafeEqual } from 'node:crypto';
import express, { type Express } from 'express';
import type { KorpuMetrics } from '../core/metrics';
import type { Logger } from '../core/logger';
import { errorHandler, notFound } from './error-handler';

/**
 * The metrics listener's app: `GET /metrics` in Prometheus's text format, and nothing else.
 * It is served on a port of its own (METRICS_PORT, bound to METRICS_HOST, loopback by
 * default), never on the public one that carries the webhook. With a token, a request without
 * `Authorization: Bearer <token>` gets 401 (compared in constant time).
 *
 * @example
 *   const http = await startHttpServer(metricsApp(metrics, { logger, token: env.METRICS_TOKEN }), { port: env.METRICS_PORT, host: env.METRICS_HOST });
 */
export function metricsApp(metrics: KorpuMetrics, o: { logger: Logger; token?: string }): Express {
  const app = express();
  app.disable('x-powered-by');
  const expected = o.token ? Buffer.from(`Bearer ${o.token}`) : undefined;
  app.get('/metrics', (req, res, next) => {
    if (expected) {
      const given = Buffer.from(req.get('authorization') ?? '');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        res.set('www-authenticate', 'Bearer').status(401).end();
        return;
      }
    }
    metrics.registry
      .metrics()
      .then((text) => res.type(metrics.registry.contentType).send(text))
      .catch(next);
  });
  app.use(notFound);
  app.use(errorHandler(o.logger));
  return app;
}
