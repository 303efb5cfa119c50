import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startRedisServer, type RedisServerProcess } from '../../src/storage/redis-server-process';
import { FakeBotApi } from '../helpers/fake-bot-api';
import { startTestKorpu, type TestKorpu } from '../helpers/korpu';
import { linkIn, sendPrivate, trackHandled, WebClient } from '../helpers/workspace';

/**
 * The workspace while Redis is out of reach (a redis-server of this test's own, stopped for
 * real): a signed-in case worker's page is answered 503 with Retry-After and "try again in a
 * moment" in the browser's language (the session and its language are in Redis), logged as a warning without a stack trace (an outage, not a bug);
 * when Redis is back the same session opens the page again.
 */
jest.setTimeout(60_000);

describe('workspace with Redis gone', () => {
  let redis: RedisServerProcess;
  let api: FakeBotApi;
  let korpu: TestKorpu;
  let base = '';
  const dir = mkdtempSync(join(tmpdir(), 'korpu-web-gone-'));
  const logged: { level: string; msg: string; stack: boolean }[] = [];
  const logger = Object.fromEntries(
    ['trace', 'debug', 'info', 'warn', 'error', 'fatal'].map((level) => [level, (o: unknown, msg?: string) => void logged.push({ level, msg: typeof o === 'string' ? o : (msg ?? ''), stack: JSON.stringify(o ?? {}).includes('"stack"') })]),
  );
  (logger as Record<string, unknown>).child = () => logger;

  beforeAll(async () => {
    redis = await startRedisServer({ dir, port: await freePort() });
    api = await FakeBotApi.start();
    korpu = await startTestKorpu({ api, env: { REDIS_URL: redis.url }, logger: logger as never });
    base = (await korpu.start()).url;
  });
  afterAll(async () => {
    await korpu?.stop();
    await redis?.stop().catch(() => undefined);
    await api?.close();
  });

  it('answers a signed-in page 503 with "try again in a moment" while Redis is gone, and serves it again once back', async () => {
    const handled = trackHandled(korpu.bot!);
    const worker = api.updates.user({ language_code: 'ru', first_name: 'Rauf' });
    await korpu.roster.put({ telegramId: worker.id, name: 'Rauf Həsənov', langs: ['ru'], office: 'baku', role: 'caseworker', addedAt: new Date(), addedBy: 1 });
    const web = new WebClient(base);
    const link = linkIn(await sendPrivate(api, handled, worker, '/dashboard'));
    await web.get(link);
    expect((await web.post('/desk/signin', { token: new URL(link).searchParams.get('token')! })).status).toBe(303);
    expect((await web.get('/desk/cases')).status).toBe(200);

    await redis.stop();
    const gone = await web.get('/desk/cases');
    expect(gone.status).toBe(503);
    expect(gone.headers.get('retry-after')).toBe('30');
    // The session (and its language) is in Redis: the page speaks the browser's language.
    expect(gone.text).toContain(korpu.core.translator.t('en', 'web:error.server'));
    const failures = logged.filter((l) => l.msg.startsWith('web:'));
    expect(failures.map((l) => [l.level, l.msg, l.stack])).toContainEqual(['warn', 'web: Redis unreachable, the page is answered 503', false]);
    expect(failures.filter((l) => l.level === 'error')).toEqual([]);

    redis = await startRedisServer({ dir, port: redis.port });
    let back = await web.get('/desk/cases');
    for (let i = 0; i < 50 && back.status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 200));
      back = await web.get('/desk/cases');
    }
    expect(back.status).toBe(200);
  });
});
