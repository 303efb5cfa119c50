import { Router } from 'express';

/**
 * Paths of the health endpoints (the Docker HEALTHCHECK and load balancers use them). `/health`
 * answers as `/healthz` does: it is what many checks and people try first, and a 404 there
 * reads as a process that is down.
 */
export const HEALTH_PATHS = { live: '/healthz', liveAlias: '/health', ready: '/readyz' } as const;

/**
 * `GET /healthz` (and `/health`): the process runs and serves HTTP (liveness; never touches Redis, so a Redis
 * outage does not get the process restarted in a loop). `GET /readyz`: Redis answers PING
 * within `timeoutMs` → 200, else 503 (readiness: take this instance out of rotation).
 */
export function healthRouter(redis: { ping(): Promise<string> }, timeoutMs = 1000): Router {
  const router = Router();
  router.get([HEALTH_PATHS.live, HEALTH_PATHS.liveAlias], (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get(HEALTH_PATHS.ready, async (_req, res) => {
    const ok = await pingWithin(redis, timeoutMs);
    res.status(ok ? 200 : 503).json({ status: ok ? 'ready' : 'unavailable', redis: ok ? 'ok' : 'no answer' });
  });
  return router;
}

async function pingWithin(redis: { ping(): Promise<string> }, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      redis.ping().then((r) => r === 'PONG'),
      new Promise<boolean>((res) => {
        timer = setTimeout(() => res(false), ms);
      }),
    ]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
