/**
 * A minimal, fast fake Telegram Bot API for the benchmarks: answers `/bot<token>/<method>` the
 * way api.telegram.org would for the methods the bots call, with no checks and no recording
 * (test/helpers/fake-bot-api.ts is the faithful one for tests; this one must not be the
 * bottleneck). Runs in its own process during `npm run bench`, so its cost is not charged to
 * the bot being measured, as Telegram's would not be.
 *
 *   const api = await startFakeBotApi();        // in-process (smoke test)
 *   // or: node --import tsx bench/fake-bot-api.ts  → prints {"port": …} and serves
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { UserFromGetMe } from 'grammy/types';

/** The token every benchmark bot uses (the fake server accepts any token). */
export const BENCH_TOKEN = '7000000001:BENCH-fake-bot-api-token_0123456789';

/** The bot's own user, given to every bot as `botInfo` so that nobody calls getMe. */
export const BENCH_BOT_INFO: UserFromGetMe = {
  id: 7000000001,
  is_bot: true,
  first_name: 'Körpü',
  username: 'korpu_bench_bot',
  can_join_groups: true,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
  can_connect_to_business: false,
  has_main_web_app: false,
  has_topics_enabled: false,
  allows_users_to_create_topics: false,
} as UserFromGetMe;

export interface FakeBotApiServer {
  /** `http://127.0.0.1:<port>`: give it to grammY as `client.apiRoot`. */
  apiRoot: string;
  /** Calls answered so far, by method. */
  calls: Map<string, number>;
  close(): Promise<void>;
}

const TRUE_RESULT = Buffer.from('{"ok":true,"result":true}');

/** Starts the fake Bot API on `port` (0: a free one) of 127.0.0.1. */
export async function startFakeBotApi(port = 0): Promise<FakeBotApiServer> {
  const calls = new Map<string, number>();
  let messageId = 1_000;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => answer(req, res, chunks.length ? Buffer.concat(chunks).toString('utf8') : ''));
  });
  server.keepAliveTimeout = 60_000;

  function answer(req: IncomingMessage, res: ServerResponse, body: string): void {
    const url = req.url ?? '/';
    const method = url.slice(url.lastIndexOf('/') + 1).split('?')[0]!;
    calls.set(method, (calls.get(method) ?? 0) + 1);
    let result: Buffer;
    switch (method) {
      case 'getMe':
        result = Buffer.from(JSON.stringify({ ok: true, result: BENCH_BOT_INFO }));
        break;
      case 'sendMessage':
      case 'editMessageText':
      case 'editMessageReplyMarkup': {
        const p = parse(body);
        const message = {
          message_id: method === 'sendMessage' ? ++messageId : Number(p.message_id ?? 0),
          from: { id: BENCH_BOT_INFO.id, is_bot: true, first_name: BENCH_BOT_INFO.first_name, username: BENCH_BOT_INFO.username },
          chat: { id: Number(p.chat_id ?? 0), type: 'private', first_name: 'Person' },
          date: Math.floor(Date.now() / 1000),
          text: typeof p.text === 'string' ? p.text : '',
          ...(p.reply_markup && typeof p.reply_markup === 'object' && 'inline_keyboard' in p.reply_markup ? { reply_markup: p.reply_markup } : {}),
        };
        result = Buffer.from(JSON.stringify({ ok: true, result: message }));
        break;
      }
      default:
        // answerCallbackQuery, setMyCommands, deleteWebhook, sendChatAction …
        result = TRUE_RESULT;
    }
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': result.length });
    res.end(result);
  }

  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const actual = (server.address() as AddressInfo).port;
  return {
    apiRoot: `http://127.0.0.1:${actual}`,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function parse(body: string): Record<string, any> {
  if (!body) return {};
  try {
    return JSON.parse(body) as Record<string, any>;
  } catch {
    return {};
  }
}

// Run as its own process: report the port to the parent (IPC or stdout) and serve until killed.
if (require.main === module) {
  void startFakeBotApi().then((api) => {
    const port = Number(new URL(api.apiRoot).port);
    if (process.send) process.send({ type: 'ready', port });
    else console.log(JSON.stringify({ port }));
    process.on('message', (m: { type?: string }) => {
      if (m?.type === 'stats') process.send?.({ type: 'stats', calls: Object.fromEntries(api.calls) });
    });
    process.on('disconnect', () => void api.close().then(() => process.exit(0)));
  });
}
