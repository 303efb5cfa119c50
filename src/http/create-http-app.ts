import express, { type Express, type RequestHandler } from 'express';
import { createSimulatorLimits, simulatorRouter, type SimulatorCore, type SimulatorLimitDeps, type SimulatorLimitSettings } from '../channels/simulator';
import type { Logger } from '../core/logger';
import { errorHandler, notFound } from './error-handler';
import { healthRouter } from './health';

/** Largest JSON body the API accepts (simulator messages are a few hundred bytes). */
export const JSON_LIMIT = '64kb';
/** Telegram updates can be larger (long texts with entities); their route has its own limit. */
export const WEBHOOK_JSON_LIMIT = '1mb';

export interface HttpAppOptions {
  /** What the health routes need from the core (KorpuCore satisfies it). */
  core: { ping(): Promise<string> };
  logger: Logger;
  /** The Telegram webhook: POST `path` (the path of WEBHOOK_URL) goes to `handler`. */
  telegramWebhook?: { path: string; handler: RequestHandler };
  /**
   * The core the web simulator runs on, served at `/` and `/api/simulator/*`; absent, the
   * simulator is off. Körpü gives it the simulator's own core (its own key prefix), never the real one.
   */
  simulator?: SimulatorCore;
  /**
   * Where the simulator's rate limit and session cap keep their counts, and how high they are
   * (SIMULATOR_REQUESTS_PER_MINUTE, SIMULATOR_MAX_SESSIONS); absent, the simulator has none.
   */
  simulatorLimits?: Omit<SimulatorLimitDeps, 'logger'> & { settings: SimulatorLimitSettings };
  /** The counsellors' web workspace (src/web), served under `/desk`; absent, there is none. */
  workspace?: RequestHandler;
  /** The reverse proxies whose X-Forwarded-For is believed (TRUST_PROXY); absent, none. */
  trustProxy?: number | string[];
}

/**
 * Körpü's HTTP surface: health (`/healthz`, `/readyz`), the workspace under `/desk` when given, the simulator when enabled, the
 * Telegram webhook when given, 404 JSON for anything else and one error middleware.
 *
 * @example
 * const app = createHttpApp({ core, logger, simulator: simulatorCore });
 * const server = await startHttpServer(app, { port: 3000, host: '127.0.0.1' });
 */
export function createHttpApp(o: HttpAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  // The client's address (req.ip, which the workspace's sign-in limit counts by) comes from
  // X-Forwarded-For only through the proxies TRUST_PROXY names; else it is the connection's.
  app.set('trust proxy', o.trustProxy ?? false);
  app.use((_req, res, next) => {
    res.set('x-content-type-options', 'nosniff');
    next();
  });
  app.use(healthRouter(o.core));
  // The webhook handler checks Telegram's secret header before it reads the body (run.ts).
  if (o.telegramWebhook) app.post(o.telegramWebhook.path, o.telegramWebhook.handler);
  if (o.workspace) app.use('/desk', o.workspace);
  if (o.simulator) {
    const limits = o.simulatorLimits ? createSimulatorLimits({ ...o.simulatorLimits, logger: o.logger }, o.simulatorLimits.settings) : undefined;
    app.use(express.json({ limit: JSON_LIMIT }), simulatorRouter(o.simulator, limits));
  }
  app.use(notFound);
  app.use(errorHandler(o.logger));
  return app;
}
