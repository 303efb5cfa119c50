import { createHash } from 'node:crypto';
import { loadProgrammeContent } from '../../src/config/programme';
import { silentLogger } from '../../src/core/logger';
import { toEngineInput, STRING_KEYS } from '../../src/channels/simulator';
import type { IncomingMessage } from '../../src/intake/conversation-runner';
import { createHttpApp, startHttpServer, type HttpAppOptions, type RunningHttpServer } from '../../src/http';
import { createTranslator } from '../../src/i18n';
import { testRedis } from '../helpers/redis';

/**
 * The simulator's HTTP contract with a recording runner: validation, what reaches the engine,
 * the page's strings and its Content-Security-Policy. (The real runner: test/e2e/simulator.)
 */
describe('simulator API', () => {
  const translator = createTranslator();
  const received: IncomingMessage[] = [];
  const redis = testRedis();
  let server: RunningHttpServer;
  let base: string;

  beforeAll(async () => {
    const core: HttpAppOptions['core'] = {
      ping: () => redis.ping(),
      translator,
      content: loadProgrammeContent('config/programme.yaml'),
      runner: {
        conversationId: (channel: string, chatId: string) => `pseudo-${createHash('sha256').update(`${channel}:${chatId}`).digest('hex').slice(0, 8)}`,
        handle: async (msg: IncomingMessage) => {
          received.push(msg);
          return { outputs: [{ type: 'message', text: [{ key: 'common:notice.help' }], buttons: [[{ label: { key: 'common:button.yes' }, action: { type: 'choice', node: 'q1', value: 'yes' }, selected: true }]] }], lang: 'en', duplicate: false, effects: [], state: {} as never };
        },
      } as unknown as HttpAppOptions['core']['runner'],
    };
    server = await startHttpServer(createHttpApp({ core, logger: silentLogger(), simulator: true }), { port: 0, host: '127.0.0.1' });
    base = server.url;
  });
  afterAll(async () => {
    await server.close(100);
    await redis.quit();
  });
  beforeEach(() => received.splice(0));

  const post = (body: unknown) => fetch(`${base}/api/simulator/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const session = 'abcdefghijklmnop_0123-XYZ';

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
