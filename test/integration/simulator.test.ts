import { createHash, randomBytes } from 'node:crypto';
import { loadProgrammeContent } from '../../src/config/programme';
import { silentLogger } from '../../src/core/logger';
import { SESSION_LIFE_MS, SimulatorSessions, toEngineInput, STRING_KEYS } from '../../src/channels/simulator';
import type { IncomingMessage } from '../../src/intake/conversation-runner';
import { createHttpApp, startHttpServer, type HttpAppOptions, type RunningHttpServer } from '../../src/http';
import { createTranslator } from '../../src/i18n';
import { FieldCipher } from '../../src/storage/field-cipher';
import { testRedis } from '../helpers/redis';

/**
 * The simulator's HTTP contract with a recording runner: validation, what reaches the engine,
 * the page's strings and its Content-Security-Policy, the server-issued session ids. (The real
 * runner: test/e2e/simulator.)
 */
describe('simulator API', () => {
  const translator = createTranslator();
  const received: IncomingMessage[] = [];
  const redis = testRedis();
  const cipher = new FieldCipher(randomBytes(32));
  /** A session id as this server issues them (same key): for the tests that are not about sessions. */
  const session = new SimulatorSessions(cipher).issue();
  let server: RunningHttpServer;
  let base: string;

  beforeAll(async () => {
    const core: HttpAppOptions['core'] & NonNullable<HttpAppOptions['simulator']> = {
      ping: () => redis.ping(),
      cipher,
      translator,
      content: loadProgrammeContent('config/programme.yaml'),
      runner: {
        conversationId: (channel: string, chatId: string) => `pseudo-${createHash('sha256').update(`${channel}:${chatId}`).digest('hex').slice(0, 8)}`,
        handle: async (msg: IncomingMessage) => {
          received.push(msg);
          return { outputs: [{ type: 'message', text: [{ key: 'common:notice.help' }], buttons: [[{ label: { key: 'common:button.yes' }, action: { type: 'choice', node: 'q1', value: 'yes' }, selected: true }]] }], lang: 'en', duplicate: false, effects: [], state: {} as never };
        },
      } as unknown as NonNullable<HttpAppOptions['simulator']>['runner'],
    };
    server = await startHttpServer(createHttpApp({ core, logger: silentLogger(), simulator: core }), { port: 0, host: '127.0.0.1' });
    base = server.url;
  });
  afterAll(async () => {
    await server.close(100);
    await redis.quit();
  });
  beforeEach(() => received.splice(0));

  const post = (body: unknown) => fetch(`${base}/api/simulator/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const issue = async () => {
    const res = await fetch(`${base}/api/simulator/sessions`, { method: 'POST' });
    expect(res.status).toBe(201);
    return ((await res.json()) as { session: string }).session;
  };

  it('runs the message on channel "simulator" with the session as chat id and renders the answer', async () => {
    const res = await post({ session, input: { type: 'choice', node: 'q1', value: 'yes' }, id: 'm0000001', langHint: 'ru-RU' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      lang: 'en',
      dir: 'ltr',
      duplicate: false,
      messages: [{ text: translator.t('en', 'common:notice.help'), buttons: [[{ label: translator.t('en', 'common:button.yes'), action: { type: 'choice', node: 'q1', value: 'yes' }, selected: true }]], edit: false }],
    });
    expect(received).toEqual([{ channel: 'simulator', chatId: session, updateId: expect.stringMatching(/^sim:pseudo-[0-9a-f]{8}:m0000001$/), input: { type: 'choice', node: 'q1', value: 'yes' }, langHint: 'ru' }]);
    expect(received[0]!.updateId).not.toContain(session);
  });

  it.each([
    ['a short session', { session: 'short', input: { type: 'text', text: 'hi' } }, 'session'],
    ['a session the page made up (the old 16–64 characters)', { session: 'abcdefghijklmnop_0123-XYZ', input: { type: 'text', text: 'hi' } }, 'session'],
    ['a session with odd characters', { session: 'abcdefghijklmnop/../x', input: { type: 'text', text: 'hi' } }, 'session'],
    ['an unknown input type', { session, input: { type: 'photo' } }, 'input.type'],
    ['an unknown command', { session, input: { type: 'command', name: 'rm' } }, 'input.name'],
    ['an over-long text', { session, input: { type: 'text', text: 'x'.repeat(5000) } }, 'input.text'],
    ['no body', undefined, 'session'],
  ])('refuses %s with 400 naming the field', async (_what, body, path) => {
    const res = await post(body);
    expect(res.status).toBe(400);
    const json = (await res.json()) as { error: string; issues: { path: string }[] };
    expect(json.error).toBe('invalid_request');
    expect(json.issues.map((i) => i.path)).toContain(path);
    expect(received).toEqual([]);
  });

  it('issues a fresh session id on each request, and runs messages under it', async () => {
    const [a, b] = [await issue(), await issue()];
    expect(a).not.toBe(b);
    expect(a).toMatch(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{22}$/);
    const res = await post({ session: a, input: { type: 'command', name: 'start' } });
    expect(res.status).toBe(200);
    expect(received.map((m) => m.chatId)).toEqual([a]);
  });

  it.each([
    ['a guessed id of the right shape', () => `${randomBytes(16).toString('base64url')}.${randomBytes(16).toString('base64url')}`],
    ['an issued id with its random part changed', () => `${randomBytes(16).toString('base64url')}.${session.split('.')[1]}`],
    ['an issued id with its signature changed', () => `${session.split('.')[0]}.${'A'.repeat(22)}`],
    ['an id issued by a server with another key', () => new SimulatorSessions(new FieldCipher(randomBytes(32))).issue()],
    ['an id issued more than a day ago (its life is over: live sessions are counted by the day)', () => new SimulatorSessions(cipher, { now: () => Date.now() - SESSION_LIFE_MS - 1000 }).issue()],
  ])('refuses %s with 403 and a clear error, running nothing', async (_what, forge) => {
    const res = await post({ session: forge(), input: { type: 'command', name: 'start' } });
    expect(res.status).toBe(403);
    const json = (await res.json()) as { error: string; message: string };
    expect(json.error).toBe('unknown_session');
    expect(json.message).toContain('POST /api/simulator/sessions');
    expect(received).toEqual([]);
  });

  it('turns typed commands into commands, as Telegram does', () => {
    expect(toEngineInput({ type: 'text', text: '/back' })).toEqual({ type: 'command', name: 'back' });
    expect(toEngineInput({ type: 'text', text: ' /Restart@korpu_bot ' })).toEqual({ type: 'command', name: 'restart' });
    expect(toEngineInput({ type: 'text', text: '/fly' })).toEqual({ type: 'unknown_command', name: 'fly' });
    expect(toEngineInput({ type: 'text', text: '/back please' })).toEqual({ type: 'text', text: '/back please' });
    expect(toEngineInput({ type: 'contact', phone: '+994501234567' })).toEqual({ type: 'contact', phone: '+994501234567' });
  });

  it('serves the page texts in the asked language, falling back to Azerbaijani', async () => {
    for (const [asked, lang] of [['ru', 'ru'], ['en-GB', 'en'], ['xx', 'az'], ['', 'az']] as const) {
      const res = await fetch(`${base}/api/simulator/strings?lang=${asked}`);
      const json = (await res.json()) as { lang: string; dir: string; strings: Record<string, string>; commands: Record<string, string> };
      expect(json.lang).toBe(lang);
      expect(json.dir).toBe('ltr');
      expect(Object.keys(json.strings).sort()).toEqual([...STRING_KEYS].sort());
      for (const key of STRING_KEYS) expect(json.strings[key]).toBe(translator.t(lang, `common:simulator.${key}`));
      expect(json.commands.back).toBe(translator.t(lang, 'common:commands.back'));
    }
  });

  it('every page text exists in English (the translators add az and ru)', () => {
    for (const key of STRING_KEYS) expect(translator.i18n.exists(`simulator.${key}`, { lng: 'en', ns: 'common', fallbackLng: [] })).toBe(true);
  });

  it('serves the page with a CSP that allows exactly its inline script and style', async () => {
    const res = await fetch(`${base}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await res.text();
    const csp = res.headers.get('content-security-policy')!;
    for (const tag of ['script', 'style']) {
      const body = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(html.replace(/<!--[\s\S]*?-->/g, ''))![1]!;
      expect(csp).toContain(`'sha256-${createHash('sha256').update(body).digest('base64')}'`);
    }
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+stylesheet|https?:\/\//);
  });
});
