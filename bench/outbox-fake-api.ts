/**
 * A fake Bot API that enforces Telegram's broadcast limits, for the outbox benchmark: it counts
 * every sliding one-second window and answers 429 (`retry_after`) to a message that would be the
 * 31st accepted within one second overall, the 2nd to one chat within one second, or the 21st to
 * one group within a minute; everything else gets a Message. It records every request (arrival
 * time in fractional milliseconds, chat, text, answer) for bench/outbox.ts to analyse.
 *
 * Runs in its own process (as Telegram would be elsewhere), so that the arrival times are not
 * those of the sender's event loop:
 *   const api = await startLimitedFakeApiProcess();   // { apiRoot, records(), reset(), stop() }
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { disconnectAndWait, firstMessage, forkBench } from './processes';

/** Telegram's limits as the fake applies them. */
export const TELEGRAM = { perSecond: 30, perChatMs: 1000, perGroupMinute: 20 } as const;

/** One request: `t` ms since the epoch (fractional), `status` 200 or 429 and why. */
export interface ApiRecord {
  t: number;
  chat: string;
  text: string;
  status: 200 | 429;
  limit?: 'global' | 'chat' | 'group';
}

/** The server itself (in the child process, or in-process for a smoke run). */
export async function startLimitedFakeApi(port = 0): Promise<{ apiRoot: string; records: ApiRecord[]; reset(): void; close(): Promise<void> }> {
  let records: ApiRecord[] = [];
  let accepted: number[] = []; // times of accepted messages within the last second, oldest first
  let head = 0;
  let lastByChat = new Map<string, number>();
  let groupTimes = new Map<string, number[]>();
  let messageId = 1;
  const now = () => performance.timeOrigin + performance.now();

  const server = createServer((req, res) => {
    const t = now();
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => answer(req, res, t, Buffer.concat(chunks).toString('utf8')));
  });
  server.keepAliveTimeout = 60_000;

  function answer(req: IncomingMessage, res: ServerResponse, t: number, body: string): void {
    const method = (req.url ?? '').slice((req.url ?? '').lastIndexOf('/') + 1).split('?')[0];
    if (method !== 'sendMessage') return reply(res, 200, { ok: true, result: true });
    const p = parse(body, req.headers['content-type'] ?? '');
    const chat = String(p.chat_id ?? '');
    const text = String(p.text ?? '');
    while (head < accepted.length && t - accepted[head]! >= 1000) head++;
    let limit: ApiRecord['limit'];
    let retryAfter = 1;
    const last = lastByChat.get(chat);
    const group = Number(chat) < 0 ? (groupTimes.get(chat) ?? []).filter((x) => t - x < 60_000) : [];
    if (accepted.length - head >= TELEGRAM.perSecond) limit = 'global';
    else if (last !== undefined && t - last < TELEGRAM.perChatMs) limit = 'chat';
    else if (group.length >= TELEGRAM.perGroupMinute) {
      limit = 'group';
      retryAfter = Math.max(1, Math.ceil((group[0]! + 60_000 - t) / 1000));
    }
    records.push({ t, chat, text, status: limit ? 429 : 200, ...(limit ? { limit } : {}) });
    if (limit) return reply(res, 429, { ok: false, error_code: 429, description: `Too Many Requests: retry after ${retryAfter}`, parameters: { retry_after: retryAfter } });
    accepted.push(t);
    if (head > 10_000) {
      accepted = accepted.slice(head);
      head = 0;
    }
    lastByChat.set(chat, t);
    if (Number(chat) < 0) groupTimes.set(chat, [...group, t]);
    reply(res, 200, { ok: true, result: { message_id: messageId++, date: Math.floor(t / 1000), chat: { id: Number(chat), type: Number(chat) < 0 ? 'supergroup' : 'private' }, text } });
  }

  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    apiRoot: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get records() {
      return records;
    },
    reset: () => {
      records = [];
      accepted = [];
      head = 0;
      lastByChat = new Map();
      groupTimes = new Map();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function parse(body: string, type: string): Record<string, unknown> {
  if (!body) return {};
  if (type.includes('application/json')) return JSON.parse(body) as Record<string, unknown>;
  return Object.fromEntries(new URLSearchParams(body));
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  const json = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
  res.end(json);
}

/** The fake in its own process (this file run through tsx), driven over IPC. */
export async function startLimitedFakeApiProcess(): Promise<{ apiRoot: string; records(): Promise<ApiRecord[]>; reset(): Promise<void>; stop(): Promise<void> }> {
  const child = forkBench('outbox-fake-api.ts');
  const ask = <T>(type: string) =>
    new Promise<T>((resolve) => {
      child.once('message', (m: { data: T }) => resolve(m.data));
      child.send({ type });
    });
  const { apiRoot } = await firstMessage<{ apiRoot: string }>(child, 'limited fake Bot API');
  return {
    apiRoot,
    records: () => ask<ApiRecord[]>('records'),
    reset: () => ask<void>('reset'),
    stop: () => disconnectAndWait(child),
  };
}

if (require.main === module && process.send) {
  void startLimitedFakeApi().then((api) => {
    process.on('message', (m: { type: string }) => {
      if (m.type === 'records') process.send!({ data: api.records });
      if (m.type === 'reset') {
        api.reset();
        process.send!({ data: null });
      }
    });
    process.on('disconnect', () => void api.close().then(() => process.exit(0)));
    process.send!({ apiRoot: api.apiRoot });
  });
}
