import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startRedisServer } from '../../src/storage/redis-server-process';
import { FakeBotApi } from '../helpers/fake-bot-api';
import { dropPrefix, testPrefix, testRedis, testRedisUrl } from '../helpers/redis';

/**
 * `npm start` as a person runs it: src/main.ts under tsx, in a child process with an
 * environment built from scratch (nothing of the developer's own REDIS_URL or BOT_TOKEN leaks in).
 */
const TSX = join(process.cwd(), 'node_modules', '.bin', 'tsx');

function launch(env: Record<string, string>): { child: ChildProcess; out: () => string; err: () => string; exit: Promise<number | null> } {
  const child = spawn(TSX, ['src/main.ts'], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
  const exit = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
  return { child, out: () => out, err: () => err, exit };
}

async function waitFor(check: () => Promise<boolean> | boolean, what: string, ms = 30_000): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('start-up (src/main.ts)', () => {
  jest.setTimeout(60_000);

  it.each([
    ['PORT=abc', { PORT: 'abc' }, /^korpu: config: PORT: .+$/],
    ['a malformed BOT_TOKEN', { BOT_TOKEN: 'bad' }, /^korpu: config: BOT_TOKEN: must look like 123456:ABC-DEF… \(from @BotFather\)$/],
    ['production without DATA_KEY', { NODE_ENV: 'production' }, /^korpu: config: DATA_KEY: is required in production \(or DATA_KEYS, or DATA_KEY_FILE\)$/],
    ['a bot token in development', { BOT_TOKEN: '123456:ABCDEFGHIJKLMNOPQRSTUVWX' }, /^korpu: config: BOT_TOKEN: is set but NODE_ENV is not production: set NODE_ENV=production \(or ALLOW_DEV_WITH_TOKEN=1 for a developer test bot\)$/],
    ['METRICS_PORT equal to PORT', { PORT: '3210', METRICS_PORT: '3210' }, /^korpu: config: METRICS_PORT: is the same as PORT \(3210\): the metrics listener needs a port of its own; set METRICS_PORT to another port$/],
  ])('exits 1 with one line naming the variable for %s', async (_what, env, line) => {
    const run = launch({ ...env, REDIS_URL: testRedisUrl(), DATA_DIR: mkdtempSync(join(tmpdir(), 'korpu-start-')) });
    expect(await run.exit).toBe(1);
    const lines = run.err().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(line);
    expect(run.err()).not.toMatch(/\bat .+:\d+:\d+/); // no stack trace
  });

  it('exits 1 with one line when REDIS_URL does not answer', async () => {
    const port = await freePort();
    const run = launch({ REDIS_URL: `redis://127.0.0.1:${port}`, DATA_DIR: mkdtempSync(join(tmpdir(), 'korpu-start-')), PORT: '0' });
    expect(await run.exit).toBe(1);
    expect(run.err().trim()).toBe(`korpu: redis: cannot reach Redis at 127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}`);
  });

  it('in production refuses a Redis that keeps nothing on disk, in one line', async () => {
    const run = launch({ NODE_ENV: 'production', DATA_KEY: '3f9a1c7e5b2d8046af13c9e7b5d2084f6a1e3c9b7d5f20846e1a3c5b7d9f0284', REDIS_URL: testRedisUrl(), DATA_DIR: mkdtempSync(join(tmpdir(), 'korpu-start-')), PORT: '0' });
    expect(await run.exit).toBe(1);
    expect(run.err().trim().split('\n')).toHaveLength(1);
    expect(run.err().trim()).toMatch(/^korpu: redis: production needs a durable Redis: nothing is kept on disk: appendonly is no and there are no save points \(/);
  });

  it('serves the simulator and readiness, then stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    const prefix = testPrefix();
    const dataDir = mkdtempSync(join(tmpdir(), 'korpu-start-'));
    const run = launch({ REDIS_URL: testRedisUrl(), REDIS_PREFIX: prefix, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir });
    const base = `http://127.0.0.1:${port}`;
    try {
      await waitFor(() => run.out().includes('Körpü simulator:') || run.child.exitCode !== null, 'the start-up log line');
      expect(run.child.exitCode).toBeNull();
      expect(run.out()).toContain(`Körpü simulator: ${base}/`);
      expect(run.out()).toContain('DATA_KEY is not set');
      expect(statSync(join(dataDir, 'dev-data-key')).mode & 0o777).toBe(0o600);

      const page = await fetch(`${base}/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<main id="log"');
      expect((await fetch(`${base}/readyz`)).status).toBe(200);
      expect((await fetch(`${base}/api/simulator/strings?lang=en`)).status).toBe(200);

      run.child.kill('SIGTERM');
      expect(await run.exit).toBe(0);
      expect(run.err()).toBe('');
    } finally {
      if (run.child.exitCode === null) run.child.kill('SIGKILL');
      const redis = testRedis();
      await dropPrefix(redis, prefix);
      await redis.quit();
    }
  });

  // A supervisor that signals the process it started (timeout, supervisord, pm2, systemd with
  // KillMode=process, a CI job's cancel) signals `npm`, not Körpü: npm passes SIGTERM to its
  // shell, and a shell that forked the command rather than exec'ing it dies without passing it on.
  it.each([
    ['npm start', ['start'], 'Körpü simulator:'],
    ['npm run worker', ['run', 'worker'], 'Körpü worker is running'],
  ])('%s stopped with SIGTERM (sent to npm alone) stops Körpü cleanly', async (_what, args, ready) => {
    const port = await freePort();
    const prefix = testPrefix();
    // Its own process group, so that whatever is left of it can be killed at the end (and only it).
    const child = spawn('npm', args, {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), REDIS_URL: testRedisUrl(), REDIS_PREFIX: prefix, PORT: String(port), WORKER_PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'debug', DATA_DIR: mkdtempSync(join(tmpdir(), 'korpu-start-')) },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let out = '';
    child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
    const health = () => fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false);
    try {
      await waitFor(async () => out.includes(ready) && (await health()), 'the start-up log line');
      process.kill(child.pid!, 'SIGTERM');
      await waitFor(async () => out.includes('"reason":"SIGTERM"') && out.includes('stopped redis') && !(await health()), 'Körpü to stop');
    } finally {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // the group is gone: nothing was left behind
      }
      const redis = testRedis();
      await dropPrefix(redis, prefix);
      await redis.quit();
    }
  });

  it('production: no simulator without SIMULATOR=on, even without a bot token; with it, the page and its API', async () => {
    const server = await startRedisServer({ dir: mkdtempSync(join(tmpdir(), 'korpu-prod-')), persist: true });
    const prefix = testPrefix();
    const env = { NODE_ENV: 'production', DATA_KEY: '5b1e9d3c7a2f4e6081c3d5e7f9a0b2c4d6e8f1a3b5c7d9e0f2a4b6c8d0e1f3a5', REDIS_URL: server.url, REDIS_PREFIX: prefix, HOST: '127.0.0.1', DATA_DIR: mkdtempSync(join(tmpdir(), 'korpu-start-')) };
    try {
      for (const [simulator, status, host] of [[undefined, 404, '0.0.0.0'], ['on', 200, '127.0.0.1'], ['on', 200, '0.0.0.0']] as const) {
        const port = await freePort();
        const run = launch({ ...env, PORT: String(port), HOST: host, ...(simulator ? { SIMULATOR: simulator } : {}) });
        try {
          await waitFor(() => /Körpü simulator:|Körpü is running/.test(run.out()) || run.child.exitCode !== null, 'the start-up log line');
          expect(run.child.exitCode).toBeNull();
          expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
          expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(status);
          expect((await fetch(`http://127.0.0.1:${port}/api/simulator/sessions`, { method: 'POST' })).status).toBe(status === 200 ? 201 : 404);
          // The simulator served beyond loopback in production: one warning line at start-up.
          const warnings = run.out().split('\n').filter((l) => l.includes('the simulator has no login'));
          expect(warnings).toHaveLength(simulator && host === '0.0.0.0' ? 1 : 0);
          run.child.kill('SIGTERM');
          expect(await run.exit).toBe(0);
        } finally {
          if (run.child.exitCode === null) run.child.kill('SIGKILL');
        }
      }
    } finally {
      await server.stop();
    }
  });

  describe('with Telegram (a fake Bot API)', () => {
    let api: FakeBotApi;
    let prefix: string;
    beforeEach(async () => {
      api = await FakeBotApi.start();
      prefix = testPrefix();
    });
    afterEach(async () => {
      await api.close();
      const redis = testRedis();
      await dropPrefix(redis, prefix);
      await redis.quit();
    });
    const base = () => ({ ALLOW_DEV_WITH_TOKEN: '1', REDIS_URL: testRedisUrl(), REDIS_PREFIX: prefix, DATA_DIR: mkdtempSync(join(tmpdir(), 'korpu-start-')), TELEGRAM_API_ROOT: api.apiRoot });

    it('polling: removes the webhook, sets the commands, answers /start, stops on SIGTERM', async () => {
      const run = launch({ ...base(), BOT_TOKEN: api.token, PORT: String(await freePort()) });
      try {
        await api.waitForCalls((c) => c.method === 'getUpdates', 1, 30_000);
        expect(api.calls.map((c) => c.method)).toEqual(expect.arrayContaining(['getMe', 'setMyCommands', 'deleteWebhook']));
        const person = api.updates.user({ language_code: 'en' });
        api.pushUpdate(api.updates.command(person, '/start'));
        const [reply] = await api.waitForCalls((c) => c.method === 'sendMessage', 1, 10_000);
        expect(String(reply!.params.chat_id)).toBe(String(person.id));
        run.child.kill('SIGTERM');
        expect(await run.exit).toBe(0);
        expect(run.out()).toContain('Telegram long polling started');
      } finally {
        if (run.child.exitCode === null) run.child.kill('SIGKILL');
      }
    });

    it('webhook: serves the path of WEBHOOK_URL with the secret and registers it', async () => {
      const port = await freePort();
      const secret = 'test-secret-0123456789';
      const run = launch({ ...base(), BOT_TOKEN: api.token, PORT: String(port), MODE: 'webhook', WEBHOOK_URL: `https://korpu.example.az/tg/hook`, WEBHOOK_SECRET: secret });
      try {
        await api.waitForCalls((c) => c.method === 'setWebhook', 1, 30_000);
        expect(api.webhook).toMatchObject({ url: 'https://korpu.example.az/tg/hook', secret_token: secret });
        await waitFor(() => run.out().includes('Telegram webhook registered'), 'the webhook log line');
        const person = api.updates.user({ language_code: 'ru' });
        const update = JSON.stringify(api.updates.command(person, '/start'));
        const hook = `http://127.0.0.1:${port}/tg/hook`;
        const refused = await fetch(hook, { method: 'POST', headers: { 'content-type': 'application/json' }, body: update });
        expect(refused.status).toBe(401);
        const accepted = await fetch(hook, { method: 'POST', headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret }, body: update });
        expect(accepted.status).toBe(200);
        await api.waitForCalls((c) => c.method === 'sendMessage', 1, 10_000);
        // In development the simulator runs beside the bot.
        expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(200);
        run.child.kill('SIGTERM');
        expect(await run.exit).toBe(0);
      } finally {
        if (run.child.exitCode === null) run.child.kill('SIGKILL');
      }
    });

    it('production: checks Redis durability and does not expose the simulator beside the bot', async () => {
      const server = await startRedisServer({ dir: mkdtempSync(join(tmpdir(), 'korpu-prod-')), persist: true });
      const port = await freePort();
      const run = launch({ ...base(), REDIS_URL: server.url, NODE_ENV: 'production', DATA_KEY: 'c47e2a9f1b3d5e7a092c4e6f8a1b3d5c7e9f0a2b4c6d8e1f3a5b7c9d0e2f4a68', BOT_TOKEN: api.token, PORT: String(port) });
      try {
        await waitFor(() => run.out().includes('Körpü is running') || run.child.exitCode !== null, 'the start-up log line');
        expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
        expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(404);
        expect((await fetch(`http://127.0.0.1:${port}/api/simulator/strings`)).status).toBe(404);
        run.child.kill('SIGTERM');
        expect(await run.exit).toBe(0);
      } finally {
        if (run.child.exitCode === null) run.child.kill('SIGKILL');
        await server.stop();
      }
    });

    it('exits 1 with one line when Telegram refuses the token', async () => {
      const run = launch({ ...base(), BOT_TOKEN: `${api.token.split(':')[0]}:WRONGwrongWRONGwrongWRONG`, PORT: '0' });
      expect(await run.exit).toBe(1);
      expect(run.err().trim()).toMatch(/^korpu: telegram: getMe: .*\(check BOT_TOKEN\)$/);
    });
  });
});
