import type { Update, User } from 'grammy/types';
import type { KorpuBot } from '../../src/channels/telegram';
import type { FakeBotApi } from './fake-bot-api';

/** Resolves when the bot has finished handling an update (polling goes through handleUpdate). */
export function trackHandled(bot: KorpuBot): (id: number) => Promise<void> {
  const done = new Set<number>();
  const waiters = new Map<number, () => void>();
  const original = bot.handleUpdate.bind(bot);
  bot.handleUpdate = async (...args: Parameters<KorpuBot['handleUpdate']>) => {
    try {
      return await original(...args);
    } finally {
      done.add(args[0].update_id);
      waiters.get(args[0].update_id)?.();
    }
  };
  return (id: number) => (done.has(id) ? Promise.resolve() : new Promise<void>((resolve) => waiters.set(id, resolve)));
}

/** Sends `text` as `user` in their private chat; the texts the bot answered there. */
export async function sendPrivate(api: FakeBotApi, handled: (id: number) => Promise<void>, user: User, text: string): Promise<string[]> {
  const mark = api.mark();
  const update: Update = api.updates.command(user, text);
  api.pushUpdate(update);
  await handled(update.update_id);
  return api
    .callsSince(mark, 'sendMessage')
    .filter((c) => String(c.params.chat_id) === String(user.id) && !c.failedWith)
    .map((c) => String(c.params.text));
}

/** The sign-in link in the bot's answer to `/dashboard`. */
export function linkIn(texts: string[]): string {
  const m = /https?:\/\/\S+\/desk\/signin\?token=[A-Za-z0-9_-]+/.exec(texts.join('\n'));
  if (!m) throw new Error(`no sign-in link in: ${texts.join(' | ')}`);
  return m[0];
}

/** One HTTP answer, redirects not followed. */
export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  location?: string;
}

/**
 * A browser stand-in for integration tests: keeps cookies (by name, as the server set them,
 * whatever Secure says: the test talks plain http to 127.0.0.1), follows nothing, and reads
 * the CSRF token from the last page for `post`.
 */
/**
 * A member of staff signed in to the workspace at `base`, as a case worker does it: /dashboard
 * in their private chat with the bot, its one-time link opened, the sign-in form posted (303).
 */
export async function signInAs(api: FakeBotApi, handled: (id: number) => Promise<void>, base: string, user: User): Promise<WebClient> {
  const web = new WebClient(base);
  const link = linkIn(await sendPrivate(api, handled, user, '/dashboard'));
  await web.get(link);
  expect((await web.post('/desk/signin', { token: new URL(link).searchParams.get('token')! })).status).toBe(303);
  return web;
}

export class WebClient {
  readonly cookies = new Map<string, string>();
  lastPage = '';

  constructor(readonly base: string) {}

  /** The CSRF token of the last page's forms. */
  csrf(): string {
    const m = /name="_csrf" value="([^"]+)"/.exec(this.lastPage);
    if (!m) throw new Error('no CSRF token on the last page');
    return m[1]!;
  }

  async get(path: string): Promise<Answer> {
    return this.request('GET', path);
  }

  /** POSTs a form; `_csrf` is taken from the last page unless `fields` sets it (or sets it to null: none). */
  async post(path: string, fields: Record<string, string | null> = {}): Promise<Answer> {
    const body = new URLSearchParams();
    const withCsrf = '_csrf' in fields ? fields : { _csrf: this.lastPage.includes('name="_csrf"') ? this.csrf() : null, ...fields };
    for (const [k, v] of Object.entries(withCsrf)) if (v !== null) body.set(k, v);
    return this.request('POST', path, body);
  }

  private async request(method: string, path: string, body?: URLSearchParams): Promise<Answer> {
    const url = path.startsWith('http') ? path : `${this.base}${path}`;
    const headers: Record<string, string> = { 'accept-language': 'en' };
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (body) headers['content-type'] = 'application/x-www-form-urlencoded';
    const res = await fetch(url, { method, headers, redirect: 'manual', ...(body ? { body: body.toString() } : {}) });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const text = await res.text();
    if ((res.headers.get('content-type') ?? '').includes('html')) this.lastPage = text;
    const location = res.headers.get('location') ?? undefined;
    return { status: res.status, headers: res.headers, text, ...(location ? { location } : {}) };
  }
}
