import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import pino from 'pino';
import { loadProgrammeContent } from '../../src/config/programme';
import { silentLogger } from '../../src/core/logger';
import { createHttpApp, startHttpServer, type HttpAppOptions, type RunningHttpServer } from '../../src/http';
import { createTranslator } from '../../src/i18n';
import { FieldCipher } from '../../src/storage/field-cipher';
import { freePort } from '../../src/storage/redis-server-process';
import { testRedis } from '../helpers/redis';

type SimulatorCore = NonNullable<HttpAppOptions['simulator']>;

/** A core whose runner is replaced: these tests are about HTTP, not conversations. */
function fakeCore(redis: { ping(): Promise<string> }, handle: () => Promise<never> = async () => { throw new Error('not used'); }): HttpAppOptions['core'] & SimulatorCore {
  return {
    ping: () => redis.ping(),
    runner: { handle, conversationId: () => 'pseudonym' } as unknown as SimulatorCore['runner'],
    translator: createTranslator(),
    content: loadProgrammeContent('config/programme.yaml'),
    cipher: new FieldCipher(randomBytes(32)),
  };
}

/** Collects log lines, to check what reaches the log. */
function memoryLogger() {
  const lines: string[] = [];
  const stream = new Writable({ write: (chunk, _enc, done) => { lines.push(String(chunk)); done(); } });
  return { logger: pino({ level: 'info' }, stream), lines };
}

describe('HTTP app', () => {
  const servers: RunningHttpServer[] = [];
  const clients: Redis[] = [];
  async function serve(o: HttpAppOptions): Promise<string> {
    const s = await startHttpServer(createHttpApp(o), { port: 0, host: '127.0.0.1' });
    servers.push(s);
    return s.url;
  }
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close(100)));
    await Promise.all(clients.splice(0).map((c) => c.quit().catch(() => c.disconnect())));
  });

  it('answers /healthz, and /readyz while Redis answers', async () => {
    const redis = testRedis();
    clients.push(redis);
    const base = await serve({ core: fakeCore(redis), logger: silentLogger() });
    const live = await fetch(`${base}/healthz`);
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready' });
    expect(live.headers.get('x-powered-by')).toBeNull();
  });

  it('answers /health as /healthz (what a check tried first should not read as a process down)', async () => {
    const redis = testRedis();
    clients.push(redis);
    const base = await serve({ core: fakeCore(redis), logger: silentLogger() });
    const live = await fetch(`${base}/health`);
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ status: 'ok' });
  });

  it('answers /readyz with 503 (and /healthz still 200) when Redis does not answer', async () => {
    const dead = new Redis(`redis://127.0.0.1:${await freePort()}`, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
    dead.on('error', () => undefined);
    const base = await serve({ core: fakeCore(dead), logger: silentLogger() });
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: 'unavailable' });
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    dead.disconnect();
  });

  it('tells a request passed on by a proxy (TRUST_PROXY as compose sets it) the readiness alone, and names Redis only on this machine', async () => {
    const redis = testRedis();
    clients.push(redis);
    const dead = new Redis(`redis://127.0.0.1:${await freePort()}`, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
    dead.on('error', () => undefined);
    const up = await serve({ core: fakeCore(redis), logger: silentLogger(), trustProxy: 1 });
    const down = await serve({ core: fakeCore(dead), logger: silentLogger(), trustProxy: 1 });
    // As Caddy passes a request on: from loopback (a proxy on the same machine) or not, with the client's address.
    const passedOn: Record<string, string>[] = [{ 'x-forwarded-for': '203.0.113.7' }, { 'x-forwarded-for': '127.0.0.1' }, { forwarded: 'for=203.0.113.7' }, { 'x-real-ip': '203.0.113.7' }];
    for (const headers of passedOn) {
      const ready = await fetch(`${up}/readyz`, { headers });
      expect([ready.status, await ready.json()]).toEqual([200, { status: 'ready' }]);
      const unavailable = await fetch(`${down}/readyz`, { headers });
      expect([unavailable.status, await unavailable.json()]).toEqual([503, { status: 'unavailable' }]);
      for (const path of ['/healthz', '/health']) expect(await (await fetch(`${up}${path}`, { headers })).json()).toEqual({ status: 'ok' });
    }
    // Asked on the machine itself (docker compose exec web …): which dependency failed.
    expect(await (await fetch(`${down}/readyz`)).json()).toEqual({ status: 'unavailable', redis: 'no answer' });
    expect(await (await fetch(`${up}/readyz`)).json()).toEqual({ status: 'ready', redis: 'ok' });
    dead.disconnect();
  });

  it('answers 404 JSON for unknown paths, and for the simulator when it is off', async () => {
    const redis = testRedis();
    clients.push(redis);
    const base = await serve({ core: fakeCore(redis), logger: silentLogger() });
    for (const path of ['/api/nothing', '/', '/api/simulator/strings']) {
      const res = await fetch(`${base}${path}`);
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await res.json()).toEqual({ error: 'not_found' });
    }
  });

  it('refuses bodies over 64 kb with 413, and broken JSON with 400', async () => {
    const redis = testRedis();
    clients.push(redis);
    const core = fakeCore(redis);
    const base = await serve({ core, logger: silentLogger(), simulator: core });
    const big = JSON.stringify({ session: 'a'.repeat(20), input: { type: 'text', text: 'x'.repeat(70 * 1024) } });
    const res = await fetch(`${base}/api/simulator/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: big });
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ error: 'payload_too_large' });
    const broken = await fetch(`${base}/api/simulator/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"session":' });
    expect(broken.status).toBe(400);
    expect(await broken.json()).toEqual({ error: 'invalid_json' });
  });

  it('answers a failure with 500 JSON and logs it without the body, the session or the text', async () => {
    const redis = testRedis();
    clients.push(redis);
    const { logger, lines } = memoryLogger();
    const failing = async (): Promise<never> => {
      throw Object.assign(new Error('store unavailable'), { name: 'StoreError' });
    };
    const core = fakeCore(redis, failing);
    const base = await serve({ core, logger, simulator: core });
    const { session } = (await (await fetch(`${base}/api/simulator/sessions`, { method: 'POST' })).json()) as { session: string };
    const res = await fetch(`${base}/api/simulator/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ session, input: { type: 'text', text: 'My name is Leyla Hasanova' } }),
    });
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ error: 'internal' });
    const log = lines.join('');
    expect(log).toContain('StoreError');
    expect(log).toContain('store unavailable');
    expect(log).not.toContain(session);
    expect(log).not.toContain('Leyla');
  });

  it('mounts the Telegram webhook route and leaves its body to the handler (which checks the secret first)', async () => {
    const redis = testRedis();
    clients.push(redis);
    const seen: unknown[] = [];
    const base = await serve({
      core: fakeCore(redis),
      logger: silentLogger(),
      telegramWebhook: { path: '/telegram/hook', handler: (req, res) => { seen.push(req.body); res.json({ ok: true }); } },
    });
    const res = await fetch(`${base}/telegram/hook`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ update_id: 1 }) });
    expect(res.status).toBe(200);
    // Unread: the webhook handler parses it only once the secret header is right (run.ts).
    expect(seen).toEqual([undefined]);
    expect((await fetch(`${base}/telegram/hook`)).status).toBe(404);
  });
});
