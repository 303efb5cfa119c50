import { Router, type Request } from 'express';

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
 *
 * The answer is the status alone (`{"status":"ready"}`), which is all a probe reads: what the
 * process depends on and which of it failed is told only to a request made on the machine
 * itself ({@link fromThisMachine}: from inside the container, as the image's HEALTHCHECK asks),
 * never to one that came through a proxy from the internet. deploy/Caddyfile does not pass
 * `/readyz` on at all.
 */
export function healthRouter(redis: { ping(): Promise<string> }, timeoutMs = 1000): Router {
  const router = Router();
  router.get([HEALTH_PATHS.live, HEALTH_PATHS.liveAlias], (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get(HEALTH_PATHS.ready, async (req, res) => {
    const ok = await pingWithin(redis, timeoutMs);
    const status = ok ? 'ready' : 'unavailable';
    res.status(ok ? 200 : 503).json(fromThisMachine(req) ? { status, redis: ok ? 'ok' : 'no answer' } : { status });
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

/** Headers a proxy adds to say whom it passes a request on for. */
const FORWARDING_HEADERS = ['x-forwarded-for', 'forwarded', 'x-real-ip'] as const;

/**
 * Whether a request was made on this machine (or in this container) itself: its connection
 * comes from a loopback address and no proxy passed it on. The connection's own address, not
 * `req.ip`: a proxy on the same machine (Caddy or nginx in front of HOST=127.0.0.1) connects
 * from loopback for every client on the internet, and says so in X-Forwarded-For.
 */
export function fromThisMachine(req: Request): boolean {
  const from = req.socket.remoteAddress ?? '';
  const loopback = from === '::1' || /^(::ffff:)?127\./.test(from);
  return loopback && FORWARDING_HEADERS.every((h) => req.headers[h] === undefined);
}
