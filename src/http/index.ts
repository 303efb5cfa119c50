/** Körpü's HTTP layer: the Express app (health, simulator, webhook) and its server. */
export { createHttpApp, JSON_LIMIT, WEBHOOK_JSON_LIMIT } from './create-http-app';
export type { HttpAppOptions } from './create-http-app';
export { startHttpServer } from './http-server';
export type { RunningHttpServer } from './http-server';
export { healthRouter, HEALTH_PATHS } from './health';
export { errorHandler, notFound } from './error-handler';
export { metricsApp } from './metrics-app';
