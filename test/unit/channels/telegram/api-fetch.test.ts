import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Api, GrammyError, HttpError, InputFile } from 'grammy';
import { STALE_CONNECTION_MS, telegramFetch } from '../../../../src/channels/telegram/api-fetch';

/** A tiny Bot API: records each call (path, content type, body) and answers as Telegram would. */
interface Seen {
  path: string;
  contentType: string;
  body: string;
}

let server: Server;
let apiRoot: string;
const seen: Seen[] = [];
let stall = false;
/** Drops every connection under a call, unanswered. */
let cut = false;
/** Holds a call this long, then drops its connection unanswered (0: not). */
let holdThenCut = 0;
/** Drops a connection unanswered when a second call comes on it (a keep-alive timeout that ran out as it came). */
let cutReused = false;
const usedSockets = new WeakSet<object>();

function read(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

beforeAll(async () => {
  server = createServer((req, res) => {
    void read(req).then((body) => {
      seen.push({ path: req.url ?? '', contentType: String(req.headers['content-type'] ?? ''), body });
      if (stall) return; // never answers: the caller's timeout must end the call
      if (cut) return void req.socket.destroy();
      if (holdThenCut) return void setTimeout(() => req.socket.destroy(), holdThenCut);
      if (cutReused && usedSockets.has(req.socket)) return void req.socket.destroy();
      usedSockets.add(req.socket);
      const method = (req.url ?? '').split('/').pop();
      res.setHeader('content-type', 'application/json');
      if (method === 'sendMessage' && body.includes('"chat_id":403')) {
        res.statusCode = 403;
        return res.end(JSON.stringify({ ok: false, error_code: 403, description: 'Forbidden: bot was blocked by the user' }));
      }
      res.end(JSON.stringify({ ok: true, result: { message_id: 7, text: 'ünicode ✓ ' + 'x'.repeat(70_000) } }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  apiRoot = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

beforeEach(() => {
  seen.length = 0;
  stall = false;
  cut = false;
  holdThenCut = 0;
  cutReused = false;
});

const api = (timeoutSeconds?: number) => new Api('123:TOKEN', { apiRoot, fetch: telegramFetch as unknown as typeof fetch, ...(timeoutSeconds ? { timeoutSeconds } : {}) });

describe('telegramFetch (the Bot API client under grammY)', () => {
  it('sends a JSON call to the method path and returns Telegram’s answer, however long', async () => {
    const sent = await api().sendMessage(42, 'Salam, ə ş ç ğ ı ö ü', { reply_markup: { inline_keyboard: [[{ text: 'Bəli', callback_data: 'c:q1:yes' }]] } });
    expect(sent.message_id).toBe(7);
    expect(sent.text.startsWith('ünicode ✓ ')).toBe(true);
    expect(sent.text).toHaveLength('ünicode ✓ '.length + 70_000);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.path).toBe('/bot123:TOKEN/sendMessage');
    expect(seen[0]!.contentType).toBe('application/json');
    expect(JSON.parse(seen[0]!.body)).toEqual({ chat_id: 42, text: 'Salam, ə ş ç ğ ı ö ü', reply_markup: { inline_keyboard: [[{ text: 'Bəli', callback_data: 'c:q1:yes' }]] } });
  });

  it('turns an error answer into grammY’s error with Telegram’s code and description', async () => {
    const failed = await api().sendMessage(403, 'hi').catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(GrammyError);
    expect((failed as GrammyError).error_code).toBe(403);
    expect((failed as GrammyError).description).toContain('blocked');
  });

  it('uploads a file as multipart form data (left to grammY’s default client)', async () => {
    await api().sendDocument(42, new InputFile(Buffer.from('BEGIN:VCALENDAR', 'utf8'), 'meeting.ics'));
    expect(seen).toHaveLength(1);
    expect(seen[0]!.path).toBe('/bot123:TOKEN/sendDocument');
    expect(seen[0]!.contentType).toMatch(/^multipart\/form-data/);
    expect(seen[0]!.body).toContain('BEGIN:VCALENDAR');
    expect(seen[0]!.body).toContain('meeting.ics');
  });

  it('uploads on a connection of its own: one kept alive that the server closed meanwhile cannot fail an upload (its body is a stream, not sent again)', async () => {
    await api().sendDocument(42, new InputFile(Buffer.from('BEGIN:VCALENDAR 1', 'utf8'), 'first.ics'));
    cutReused = true;
    await api().sendDocument(42, new InputFile(Buffer.from('BEGIN:VCALENDAR 2', 'utf8'), 'second.ics'));
    expect(seen.map((s) => s.body.includes('second.ics'))).toEqual([false, true]);
  });

  it('gives up on a call Telegram never answers when grammY’s timeout fires, without the token in the error', async () => {
    stall = true;
    const failed = await api(1).sendMessage(42, 'hi').catch((e: unknown) => e as Error);
    // grammY's own network error, as with its default client: the caller retries or gives up.
    expect(failed).toBeInstanceOf(HttpError);
    expect((failed as HttpError).message).toContain('sendMessage');
    expect(String((failed as HttpError).error)).toMatch(/timed out|aborted/);
    expect(String((failed as HttpError).error)).not.toContain('TOKEN');
  });

  it('keeps working after many calls at once (sockets are reused, answers reach their callers)', async () => {
    const ids = await Promise.all(Array.from({ length: 60 }, (_, i) => api().sendMessage(1000 + i, `m${i}`)));
    expect(ids.every((m) => m.message_id === 7)).toBe(true);
    expect(new Set(seen.map((s) => (JSON.parse(s.body) as { chat_id: number }).chat_id)).size).toBe(60);
  });

  it('fails a call whose connections are all cut unanswered, after one try per pooled connection and one on a new connection', async () => {
    await api().sendMessage(42, 'pools a connection');
    seen.length = 0;
    cut = true;
    await expect(api().sendMessage(42, 'cut')).rejects.toBeInstanceOf(HttpError);
    // Every try went out, and the last on a connection of its own: none is left pooled to try again.
    expect(seen.length).toBeGreaterThanOrEqual(2);
    cut = false;
    expect((await api().sendMessage(42, 'after')).message_id).toBe(7);
  });

  it('does not send again a call held and then cut on a kept-alive connection: the server may have read it', async () => {
    await api().sendMessage(42, 'pools a connection');
    seen.length = 0;
    holdThenCut = STALE_CONNECTION_MS + 500;
    await expect(api().sendMessage(42, 'held')).rejects.toBeInstanceOf(HttpError);
    expect(seen.map((s) => JSON.parse(s.body).text)).toEqual(['held']);
  });
});
