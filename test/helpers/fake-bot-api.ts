/**
 * A fake Telegram Bot API server for end-to-end tests: the real bot (grammY, auto-retry,
 * runner) talks HTTP to it exactly as it would to api.telegram.org.
 *
 *   const api = await FakeBotApi.start();                 // random port on 127.0.0.1
 *   const korpu = await startTestKorpu({ api });           // Körpü as createKorpu builds it (test/helpers/korpu.ts)
 *   await korpu.start();                                  // long polling
 *   const person = api.updates.user({ language_code: 'ru' });
 *   api.pushUpdate(api.updates.command(person, '/start'));  // served to getUpdates
 *   const [reply] = await api.waitForCalls((c) => c.method === 'sendMessage');
 *   await korpu.stop();
 *   await api.close();
 *
 * What it does:
 * - serves `/bot<token>/<method>` with JSON, form (`application/x-www-form-urlencoded`),
 *   multipart (files are recorded by name and size, never stored) or query-string parameters;
 *   a wrong token gets 401, an unknown method 404, as Telegram does;
 * - records every call `{seq, method, params, at}` in `calls` (failed ones too, with `failedWith`);
 * - keeps the messages the bot sent per chat (edits applied), so `editMessageText` of an
 *   unknown message fails ("message to edit not found") and an edit to identical content
 *   fails ("message is not modified"), like the real API;
 * - checks what Telegram checks and tests should catch: empty text, text over 4096
 *   characters, a caption over 1024 (sent or given to copyMessage), `callback_data` over 64 bytes (BUTTON_DATA_INVALID), a message with both
 *   inline and reply keyboards is impossible by type anyway;
 * - `getUpdates` long-polls: serves updates queued with `pushUpdate`, honours `offset`
 *   (confirmed updates are forgotten), `limit` and `timeout` (answers `[]` after it), and
 *   refuses with 409 while a webhook is set; a second poller's request answers the first
 *   with `[]` (lenient, so that a stopped runner's last request never breaks the next test);
 * - `failNext(method, failure, times)` fails the next calls of a method with 429
 *   (`retry_after`), 403 (blocked), 500 or any 400 description;
 * - `slowNext(method, ms, chatId)` delivers the next call of a method (to that chat) at once but
 *   answers it only `ms` later (Telegram slow to confirm, or a starved network);
 * - `closeReusedConnection(method)` drops the connection under the next call of a method that
 *   comes on a kept-alive connection, unanswered (a keep-alive timeout that ran out as it came);
 * - answers getMe, sendMessage, editMessageText, editMessageReplyMarkup, answerCallbackQuery,
 *   setMyCommands/getMyCommands/deleteMyCommands, setWebhook/deleteWebhook/getWebhookInfo,
 *   deleteMessage, getChat and getChatMember (`chatInfo`, `chatRights`), banChatMember (in a group), sendChatAction, copyMessage (recording what was copied), and every other `send*` method generically (a Message with
 *   the content the method implies: location, venue, document, photo …).
 *
 * `api.updates` builds realistic updates (see {@link UpdateFactory}); ids never repeat within
 * one server, and message ids are shared with the messages the bot sends, as in a real chat.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { BotCommand, Chat, InlineKeyboardMarkup, Message, MessageEntity, Update, User, UserFromGetMe } from 'grammy/types';

/** One recorded Bot API call. */
export interface ApiCall {
  /** Position in `calls` (0-based); use with `mark()` to look only at later calls. */
  seq: number;
  method: string;
  params: Record<string, any>;
  /** Milliseconds since the epoch when the request arrived. */
  at: number;
  /** Set when the call was failed on purpose by `failNext`, `closeReusedConnection` or a misbehaviour (0: cut without an answer). */
  failedWith?: number;
  /** The `retry_after` (seconds) of a 429 given by a misbehaviour. */
  retryAfter?: number;
  /** Files uploaded with multipart (name and size only). */
  files?: { field: string; filename: string; size: number }[];
}

/** How to fail a call: rate limit, blocked by the person, server error, or a 400 with a description. */
export type Failure = { code: 429; retryAfter?: number } | { code: 403; description?: string } | { code: 500 } | { code: 400; description: string };

export interface FakeBotApiOptions {
  token?: string;
  username?: string;
  botId?: number;
}

/**
 * Misbehaving on purpose (issue 13, item 8), for the calls that send a message: a share answered
 * 429 with `retry_after`, a share 500, a share held without an answer for `hangMs` and then cut
 * (nothing delivered), and every send to a `blocked` chat 403. Drawn from a seeded generator, so
 * a run can be repeated. Each such call is recorded with `failedWith` (429, 500, 403, or 0 for a
 * hang) and, for a 429, `retryAfter`.
 */
export interface Misbehaviour {
  rate429: number;
  /** Seconds, in the 429's `parameters.retry_after`. */
  retryAfter: number;
  rate5xx: number;
  rateHang: number;
  hangMs: number;
  blocked: readonly (string | number)[];
  seed?: number;
}

/** The methods that deliver a message to a chat (what Telegram's limits count). */
export const SENDING_METHODS = new Set(['sendmessage', 'senddocument', 'sendvenue', 'sendlocation', 'sendphoto', 'copymessage', 'forwardmessage']);

/** The most of `calls` (in the order they came) within any window of `ms`: a rate limit as Telegram would see it. */
export function mostWithin(calls: readonly ApiCall[], ms: number): number {
  let best = 0;
  for (let i = 0, j = 0; i < calls.length; i++) {
    while (calls[j]!.at <= calls[i]!.at - ms) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

type ApiResult = { ok: true; result: unknown } | { ok: false; error_code: number; description: string; parameters?: { retry_after?: number } };

const TEXT_MAX = 4096;
/** Telegram's limit for a caption (a photo's, a document's, a copy's). */
const CAPTION_MAX = 1024;
const CALLBACK_DATA_MAX = 64;

const fail = (error_code: number, description: string, parameters?: { retry_after: number }): ApiResult => ({ ok: false, error_code, description, ...(parameters ? { parameters } : {}) });
const ok = (result: unknown): ApiResult => ({ ok: true, result });

export class FakeBotApi {
  readonly token: string;
  readonly botInfo: UserFromGetMe;
  readonly updates: UpdateFactory;
  /** Every call so far, oldest first. */
  readonly calls: ApiCall[] = [];
  /** The webhook set with setWebhook (url and secret_token), if any. */
  webhook: { url: string; secret_token?: string } | undefined;
  /** Command lists by `<scope type>:<language_code>` (`default:` for the plain list). */
  readonly commands = new Map<string, BotCommand[]>();
  /** What getChat adds for a chat (`{ username }`: a public group), or `null`: "chat not found". */
  readonly chatInfo = new Map<string, Partial<Chat> | null>();
  /** What getChatMember answers for the bot in a chat (its status and rights); an admin allowed to ban by default. */
  readonly chatRights = new Map<string, Record<string, unknown>>();

  private server!: Server;
  private port = 0;
  private readonly queue: Update[] = [];
  private readonly failures = new Map<string, Failure[]>();
  private readonly chats = new Map<string, Chat>();
  private readonly messages = new Map<string, Map<number, Message>>();
  private poller: { offset: number; limit: number; answer: (updates: Update[]) => void } | undefined;
  private readonly watchers = new Set<() => void>();
  private misbehaviour: (Misbehaviour & { random: () => number }) | undefined;
  private readonly held = new Set<ServerResponse>();
  /** Connections that have carried a call (a later call on one comes on a kept-alive connection). */
  private readonly used = new WeakSet<Socket>();
  /** Methods whose next call on a kept-alive connection finds it closed (see closeReusedConnection). */
  private readonly closeReused = new Map<string, number>();
  private readonly slow: { method: string; ms: number; chatId?: string }[] = [];

  private constructor(opts: FakeBotApiOptions) {
    this.token = opts.token ?? '123456789:TEST-fake-bot-api-token_0123456789';
    this.botInfo = {
      id: opts.botId ?? Number(this.token.split(':')[0]),
      is_bot: true,
      first_name: 'Körpü',
      username: opts.username ?? 'korpu_test_bot',
      can_join_groups: true,
      can_read_all_group_messages: false,
      supports_inline_queries: false,
      can_connect_to_business: false,
      has_main_web_app: false,
      has_topics_enabled: false,
      allows_users_to_create_topics: false,
    } as UserFromGetMe;
    this.updates = new UpdateFactory(this.botInfo);
  }

  /** Starts a server on a random free port of 127.0.0.1. */
  static async start(opts: FakeBotApiOptions = {}): Promise<FakeBotApi> {
    const api = new FakeBotApi(opts);
    api.server = createServer((req, res) => void api.serve(req, res));
    await new Promise<void>((resolve) => api.server.listen(0, '127.0.0.1', resolve));
    api.port = (api.server.address() as AddressInfo).port;
    return api;
  }

  /** The `apiRoot` to give grammY (`client: { apiRoot }`). */
  get apiRoot(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Queues updates for getUpdates (a long poll in progress receives them at once). */
  pushUpdate(...updates: Update[]): void {
    for (const u of updates) {
      const chat = u.message?.chat ?? u.edited_message?.chat ?? u.callback_query?.message?.chat ?? u.my_chat_member?.chat;
      if (chat) this.chats.set(String(chat.id), chat);
      this.queue.push(u);
    }
    this.serveWaitingPoller();
  }

  /** Updates queued and not yet confirmed by a later getUpdates offset. */
  pendingUpdates(): number {
    return this.queue.length;
  }

  /** Fails the next `times` calls of `method` with `failure`. */
  failNext(method: string, failure: Failure, times = 1): void {
    const list = this.failures.get(method.toLowerCase()) ?? [];
    for (let i = 0; i < times; i++) list.push(failure);
    this.failures.set(method.toLowerCase(), list);
  }

  /**
   * The next call of `method` (to `chatId`, if given) is delivered when it comes (recorded, its
   * message in the chat) but answered only `ms` later: a send that takes that long to confirm.
   */
  slowNext(method: string, ms: number, chatId?: number | string): void {
    this.slow.push({ method: method.toLowerCase(), ms, ...(chatId === undefined ? {} : { chatId: String(chatId) }) });
  }

  /**
   * The next `times` calls of `method` that come on a connection which carried an earlier call
   * find it closed: the connection is dropped without an answer and nothing is delivered, as
   * when a server's keep-alive timeout runs out just as the client sends a call on the idle
   * connection. Recorded with `failedWith: 0`.
   */
  closeReusedConnection(method: string, times = 1): void {
    this.closeReused.set(method.toLowerCase(), (this.closeReused.get(method.toLowerCase()) ?? 0) + times);
  }

  /** The current position in `calls`, to wait for or look at later calls only. */
  mark(): number {
    return this.calls.length;
  }

  /** Calls since `mark` (optionally of one method). */
  callsSince(mark: number, method?: string): ApiCall[] {
    return this.calls.slice(mark).filter((c) => method === undefined || c.method === method);
  }

  /**
   * Resolves with the calls matching `predicate` (from position `since` on) as soon as there
   * are at least `count` of them; rejects after `timeoutMs` naming what did arrive.
   *
   * The default wait is generous on purpose: it is a deadline for something that must come, not
   * a measure of speed (speed is bench/'s). Messages to one chat go out at Telegram's pace (one
   * per 1.1 s per chat, through the outbox), so four notices to the case workers' chat take
   * 3.3 s at best; with three test files at once on 2 cores and a Redis Cluster, 5 s was
   * crossed (retention-notices.test.ts, a clean-clone CI run of 6 December).
   */
  waitForCalls(predicate: (call: ApiCall) => boolean, count = 1, timeoutMs = 15_000, since = 0): Promise<ApiCall[]> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.calls.slice(since).filter(predicate);
        if (found.length < count) return false;
        cleanup();
        resolve(found);
        return true;
      };
      const timer = setTimeout(() => {
        cleanup();
        const seen = this.calls.slice(since).map((c) => c.method + (c.failedWith ? `(${c.failedWith})` : ''));
        reject(new Error(`waitForCalls: wanted ${count} matching call(s) within ${timeoutMs} ms; got ${this.calls.slice(since).filter(predicate).length}. Calls since ${since}: ${seen.slice(-30).join(', ') || 'none'}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.watchers.delete(watcher);
      };
      const watcher = () => void check();
      if (!check()) this.watchers.add(watcher);
    });
  }

  /** The messages the bot has in a chat (edits applied), oldest first. */
  sentMessages(chatId: number | string): Message[] {
    return [...(this.messages.get(String(chatId))?.values() ?? [])];
  }

  /** One message the bot sent, as it looks now. */
  message(chatId: number | string, messageId: number): Message | undefined {
    return this.messages.get(String(chatId))?.get(messageId);
  }

  /** The bot's latest message in a chat. */
  lastMessage(chatId: number | string): Message | undefined {
    return this.sentMessages(chatId).at(-1);
  }

  /** Forgets calls, failures and queued updates (ids keep counting up). */
  reset(): void {
    this.calls.length = 0;
    this.failures.clear();
    this.queue.length = 0;
  }

  /** Starts (or, with undefined, stops) misbehaving on the sending methods: see {@link Misbehaviour}. */
  misbehave(m: Misbehaviour | undefined): void {
    let seed = m?.seed ?? 13;
    // mulberry32: small, seeded, good enough to draw shares of calls.
    const random = () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    this.misbehaviour = m ? { ...m, random } : undefined;
  }

  /** The misbehaviour drawn for a call, if any. */
  private misbehaviourFor(method: string, params: Record<string, any>): Failure | 'hang' | undefined {
    const m = this.misbehaviour;
    if (!m || !SENDING_METHODS.has(method.toLowerCase())) return undefined;
    if (m.blocked.some((c) => String(c) === String(params.chat_id))) return { code: 403, description: 'Forbidden: bot was blocked by the user' };
    const r = m.random();
    if (r < m.rate429) return { code: 429, retryAfter: m.retryAfter };
    if (r < m.rate429 + m.rate5xx) return { code: 500 };
    if (r < m.rate429 + m.rate5xx + m.rateHang) return 'hang';
    return undefined;
  }

  /** Answers a waiting long poll with `[]` and closes the server and its connections. */
  async close(): Promise<void> {
    this.poller?.answer([]);
    this.poller = undefined;
    for (const res of this.held) res.destroy();
    this.held.clear();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  // ---- HTTP ---------------------------------------------------------------------------

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const match = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(url.pathname);
    if (!match) return send(res, 404, fail(404, 'Not Found'));
    if (match[1] !== this.token) return send(res, 401, fail(401, 'Unauthorized'));
    let body: ParsedBody;
    try {
      body = await readBody(req);
    } catch {
      return send(res, 400, fail(400, 'Bad Request: cannot parse request body'));
    }
    const params = { ...Object.fromEntries([...url.searchParams].map(([k, v]) => [k, loose(v)])), ...body.params };
    const method = match[2]!;
    const call: ApiCall = { seq: this.calls.length, method, params, at: Date.now(), ...(body.files.length ? { files: body.files } : {}) };
    const reused = this.used.has(req.socket);
    this.used.add(req.socket);
    const closing = this.closeReused.get(method.toLowerCase()) ?? 0;
    if (reused && closing > 0) {
      this.closeReused.set(method.toLowerCase(), closing - 1);
      call.failedWith = 0;
      this.record(call);
      req.socket.destroy();
      return;
    }
    const drawn = this.failures.get(method.toLowerCase())?.shift() ?? this.misbehaviourFor(method, params);
    if (drawn === 'hang') {
      call.failedWith = 0;
      this.record(call);
      // Held without an answer, then cut: the client sees its connection drop, nothing is delivered.
      this.held.add(res);
      setTimeout(() => {
        this.held.delete(res);
        res.destroy();
      }, this.misbehaviour?.hangMs ?? 15_000).unref();
      return;
    }
    const failure = drawn;
    if (failure) call.failedWith = failure.code;
    if (failure?.code === 429) call.retryAfter = failure.retryAfter ?? 1;
    this.record(call);
    if (failure) return send(res, failure.code, failureResult(failure));
    if (method.toLowerCase() === 'getupdates') return this.getUpdates(params, res);
    const result = this.answer(method, params);
    const slow = this.slow.findIndex((w) => w.method === method.toLowerCase() && (w.chatId === undefined || w.chatId === String(params.chat_id)));
    if (slow >= 0) {
      const ms = this.slow.splice(slow, 1)[0]!.ms;
      await new Promise((r) => setTimeout(r, ms));
    }
    send(res, result.ok ? 200 : result.error_code, result);
  }

  private record(call: ApiCall): void {
    this.calls.push(call);
    for (const w of [...this.watchers]) w();
  }

  // ---- methods ------------------------------------------------------------------------

  private answer(method: string, p: Record<string, any>): ApiResult {
    switch (method.toLowerCase()) {
      case 'getme':
        return ok(this.botInfo);
      case 'logout':
      case 'close':
      case 'sendchataction':
        return ok(true);
      case 'answercallbackquery':
        return p.callback_query_id ? ok(true) : fail(400, 'Bad Request: query_id is empty');
      case 'setwebhook':
        if (!p.url) return fail(400, 'Bad Request: bad webhook: URL must not be empty');
        this.webhook = { url: String(p.url), ...(p.secret_token ? { secret_token: String(p.secret_token) } : {}) };
        return ok(true);
      case 'deletewebhook':
        this.webhook = undefined;
        if (p.drop_pending_updates === true || p.drop_pending_updates === 'true') this.queue.length = 0;
        return ok(true);
      case 'getwebhookinfo':
        return ok({ url: this.webhook?.url ?? '', has_custom_certificate: false, pending_update_count: this.queue.length });
      case 'setmycommands':
        if (!Array.isArray(p.commands)) return fail(400, 'Bad Request: commands must be an array');
        this.commands.set(commandsKey(p), p.commands);
        return ok(true);
      case 'getmycommands':
        return ok(this.commands.get(commandsKey(p)) ?? []);
      case 'deletemycommands':
        this.commands.delete(commandsKey(p));
        return ok(true);
      case 'getchat': {
        // A group as Telegram shows it to a member bot: private unless a test gave it a public @username.
        const id = Number(p.chat_id);
        if (!Number.isFinite(id)) return fail(400, 'Bad Request: chat not found');
        const extra = this.chatInfo.get(String(p.chat_id));
        if (extra === null) return fail(400, 'Bad Request: chat not found');
        return ok({ id, type: id > 0 ? 'private' : 'supergroup', ...(id > 0 ? { first_name: 'Someone' } : { title: 'Case workers' }), ...extra });
      }
      case 'getchatmember':
        // The bot an admin allowed to ban in every group, unless a test said otherwise.
        return ok({ user: { id: Number(p.user_id), is_bot: Number(p.user_id) === this.botInfo.id, first_name: 'Member' }, ...(this.chatRights.get(String(p.chat_id)) ?? { status: 'administrator', can_restrict_members: true, can_be_edited: false, is_anonymous: false, can_manage_chat: true, can_delete_messages: true, can_manage_video_chats: false, can_promote_members: false, can_change_info: false, can_invite_users: true, can_post_stories: false, can_edit_stories: false, can_delete_stories: false }) });
      case 'banchatmember':
        // Someone taken out of a group: Telegram refuses it in a private chat, and without a user.
        if (p.chat_id === undefined || p.user_id === undefined) return fail(400, 'Bad Request: chat_id and user_id are required');
        if (Number(p.chat_id) > 0) return fail(400, "Bad Request: can't ban members in private chats");
        return ok(true);
      case 'deletemessage':
        return this.messages.get(String(p.chat_id))?.delete(Number(p.message_id)) ? ok(true) : fail(400, 'Bad Request: message to delete not found');
      case 'sendmessage':
        return this.sendMessage(p);
      case 'editmessagetext':
        return this.edit(p, true);
      case 'editmessagereplymarkup':
        return this.edit(p, false);
      case 'copymessage': {
        // The copy keeps no trace of who sent the original (as Telegram's does): it records
        // only what was copied from where, and the caption given.
        if (p.chat_id === undefined || p.from_chat_id === undefined || p.message_id === undefined) return fail(400, 'Bad Request: chat_id, from_chat_id and message_id are required');
        if (typeof p.caption === 'string' && p.caption.length > CAPTION_MAX) return fail(400, 'Bad Request: message caption is too long');
        const copy = this.store(p.chat_id, { ...(typeof p.caption === 'string' ? { caption: p.caption } : {}), copy_of: { chat_id: String(p.from_chat_id), message_id: Number(p.message_id) } } as Partial<Message>);
        return ok({ message_id: copy.message_id });
      }
      default:
        if (/^send[a-z]+$/i.test(method)) return this.sendOther(method, p);
        return fail(404, 'Not Found: method not found');
    }
  }

  private sendMessage(p: Record<string, any>): ApiResult {
    if (p.chat_id === undefined || p.chat_id === '') return fail(400, 'Bad Request: chat_id is empty');
    const text = typeof p.text === 'string' ? p.text : '';
    if (text.trim().length === 0) return fail(400, 'Bad Request: message text is empty');
    if (text.length > TEXT_MAX) return fail(400, 'Bad Request: message is too long');
    const markupProblem = checkMarkup(p.reply_markup);
    if (markupProblem) return fail(400, markupProblem);
    return ok(this.store(p.chat_id, { text, ...inlineOf(p.reply_markup) }));
  }

  private sendOther(method: string, p: Record<string, any>): ApiResult {
    if (p.chat_id === undefined || p.chat_id === '') return fail(400, 'Bad Request: chat_id is empty');
    if (typeof p.caption === 'string' && p.caption.length > CAPTION_MAX) return fail(400, 'Bad Request: message caption is too long');
    const fileId = (name: string) => ({ file_id: `file-${name}-${Date.now()}`, file_unique_id: `u-${name}` });
    const content: Record<string, unknown> = {};
    const m = method.toLowerCase();
    if (m === 'sendlocation') content.location = { latitude: Number(p.latitude), longitude: Number(p.longitude) };
    else if (m === 'sendvenue') {
      content.location = { latitude: Number(p.latitude), longitude: Number(p.longitude) };
      content.venue = { location: content.location, title: String(p.title ?? ''), address: String(p.address ?? '') };
    } else if (m === 'senddocument') content.document = { ...fileId('document'), file_name: typeof p.document === 'object' ? p.document?.filename : undefined };
    else if (m === 'sendphoto') content.photo = [{ ...fileId('photo'), width: 1, height: 1 }];
    else content[m.replace(/^send/, '')] = { ...fileId(m) };
    if (typeof p.caption === 'string') content.caption = p.caption;
    return ok(this.store(p.chat_id, { ...content, ...inlineOf(p.reply_markup) }));
  }

  private edit(p: Record<string, any>, withText: boolean): ApiResult {
    if (p.inline_message_id) return ok(true);
    const msg = this.messages.get(String(p.chat_id))?.get(Number(p.message_id));
    if (!msg) return fail(400, 'Bad Request: message to edit not found');
    if (withText && (typeof p.text !== 'string' || p.text.trim() === '')) return fail(400, 'Bad Request: message text is empty');
    if (withText && p.text.length > TEXT_MAX) return fail(400, 'Bad Request: MESSAGE_TOO_LONG');
    const markup = p.reply_markup as InlineKeyboardMarkup | undefined;
    if (markup && !('inline_keyboard' in markup)) return fail(400, 'Bad Request: inline keyboard expected');
    const problem = checkMarkup(markup);
    if (problem) return fail(400, problem);
    const next: Message = { ...msg, ...(withText ? { text: p.text as string } : {}), edit_date: now() } as Message;
    if (markup && markup.inline_keyboard.length > 0) next.reply_markup = markup;
    else delete next.reply_markup;
    if (next.text === msg.text && JSON.stringify(next.reply_markup) === JSON.stringify(msg.reply_markup)) {
      return fail(400, 'Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message');
    }
    this.messages.get(String(p.chat_id))!.set(msg.message_id, next);
    return ok(next);
  }

  private store(chatId: number | string, content: Record<string, unknown>): Message {
    const key = String(chatId);
    const message = { message_id: this.updates.nextMessageId(), date: now(), chat: this.chatFor(chatId), from: this.botInfo, ...content } as unknown as Message;
    if (!this.messages.has(key)) this.messages.set(key, new Map());
    this.messages.get(key)!.set(message.message_id, message);
    return message;
  }

  private chatFor(chatId: number | string): Chat {
    const known = this.chats.get(String(chatId));
    if (known) return known;
    const id = Number(chatId);
    if (id > 0) return { id, type: 'private', first_name: 'Person' };
    return String(chatId).startsWith('-100') ? { id, type: 'supergroup', title: 'Group' } : { id, type: 'group', title: 'Group' };
  }

  // ---- long polling -------------------------------------------------------------------

  private getUpdates(p: Record<string, any>, res: ServerResponse): void {
    if (this.webhook) return send(res, 409, fail(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"));
    const offset = Number(p.offset ?? 0);
    const limit = Math.min(100, Math.max(1, Number(p.limit ?? 100)));
    const timeout = Math.max(0, Number(p.timeout ?? 0));
    // Telegram forgets updates once a later offset confirms them.
    if (offset > 0) for (let i = this.queue.length - 1; i >= 0; i--) if (this.queue[i]!.update_id < offset) this.queue.splice(i, 1);
    const ready = this.queue.filter((u) => u.update_id >= offset).slice(0, limit);
    if (ready.length > 0 || timeout === 0) return send(res, 200, ok(ready));
    this.poller?.answer([]);
    let timer: NodeJS.Timeout | undefined;
    const poller = {
      offset,
      limit,
      answer: (updates: Update[]) => {
        clearTimeout(timer);
        if (this.poller === poller) this.poller = undefined;
        if (!res.writableEnded && !res.destroyed) send(res, 200, ok(updates));
      },
    };
    this.poller = poller;
    timer = setTimeout(() => poller.answer([]), timeout * 1000);
    // The bot aborts a pending poll when it stops: forget it.
    res.on('close', () => {
      clearTimeout(timer);
      if (this.poller === poller) this.poller = undefined;
    });
  }

  private serveWaitingPoller(): void {
    const p = this.poller;
    if (!p) return;
    const ready = this.queue.filter((u) => u.update_id >= p.offset).slice(0, p.limit);
    if (ready.length > 0) p.answer(ready);
  }
}

/**
 * Builders of realistic updates, as Telegram sends them. Every builder takes the sender
 * (`user(...)`) and returns a complete Update with a fresh `update_id`.
 */
export class UpdateFactory {
  private updateId = 100_000;
  private messageId = 1;
  private userId = 700_000_000;
  private callbackId = 1;

  constructor(readonly bot: UserFromGetMe) {}

  nextUpdateId(): number {
    return ++this.updateId;
  }

  nextMessageId(): number {
    return this.messageId++;
  }

  /** A person; `language_code` as their Telegram app reports it (e.g. `ru`, `en-US`, absent). */
  user(opts: { id?: number; first_name?: string; last_name?: string; username?: string; language_code?: string } = {}): User {
    const id = opts.id ?? ++this.userId;
    return { id, is_bot: false, first_name: opts.first_name ?? 'Test', ...(opts.last_name ? { last_name: opts.last_name } : {}), ...(opts.username ? { username: opts.username } : {}), ...(opts.language_code ? { language_code: opts.language_code } : {}) };
  }

  /** The private chat of a person with the bot (its id is the person's id). */
  privateChat(user: User): Chat.PrivateChat {
    return { id: user.id, type: 'private', first_name: user.first_name, ...(user.last_name ? { last_name: user.last_name } : {}), ...(user.username ? { username: user.username } : {}) };
  }

  /** A group chat (`supergroup` ids start with -100). */
  group(opts: { id?: number; title?: string; type?: 'group' | 'supergroup' } = {}): Chat.GroupChat | Chat.SupergroupChat {
    const type = opts.type ?? 'supergroup';
    const id = opts.id ?? (type === 'supergroup' ? -1_001_000_000_000 - this.callbackId++ : -4_000_000 - this.callbackId++);
    return type === 'supergroup' ? { id, type, title: opts.title ?? 'Group' } : { id, type, title: opts.title ?? 'Group' };
  }

  /** Any message from `user` (private chat unless `chat` is given), with extra fields. */
  message(user: User, fields: Partial<Message>, chat: Chat = this.privateChat(user)): Update {
    const message = { message_id: this.nextMessageId(), date: now(), chat, from: user, ...fields } as Message;
    return { update_id: this.nextUpdateId(), message } as Update;
  }

  text(user: User, text: string, chat?: Chat): Update {
    return this.message(user, { text, ...entitiesOf(text) }, chat);
  }

  /** `/start`, `/help@korpu_test_bot payload` … with the bot_command entity Telegram adds. */
  command(user: User, text: string, chat?: Chat): Update {
    return this.text(user, text, chat);
  }

  /** A tap on a button of `message` (one the bot sent, e.g. `api.lastMessage(chat)`). */
  callback(user: User, message: Message, data: string): Update {
    return {
      update_id: this.nextUpdateId(),
      callback_query: { id: String(this.callbackId++ * 1_000_003), from: user, message, chat_instance: `ci-${message.chat.id}`, data },
    } as Update;
  }

  /** A shared contact; `of` is whose contact it is (the sender's own by default, `null` = not a Telegram user). */
  contact(user: User, phone: string, of: User | null = user): Update {
    const contact = { phone_number: phone, first_name: of?.first_name ?? 'Someone', ...(of ? { user_id: of.id } : {}) };
    return this.message(user, { contact } as Partial<Message>);
  }

  sticker(user: User): Update {
    return this.message(user, { sticker: { file_id: 'st1', file_unique_id: 'ust1', type: 'regular', width: 512, height: 512, is_animated: false, is_video: false, emoji: '👍' } } as Partial<Message>);
  }

  photo(user: User, caption?: string): Update {
    const sizes = [90, 320, 800].map((w, i) => ({ file_id: `ph${i}`, file_unique_id: `uph${i}`, width: w, height: w, file_size: w * 100 }));
    return this.message(user, { photo: sizes, ...(caption ? { caption } : {}) } as Partial<Message>);
  }

  voice(user: User): Update {
    return this.message(user, { voice: { file_id: 'vc1', file_unique_id: 'uvc1', duration: 3, mime_type: 'audio/ogg' } } as Partial<Message>);
  }

  document(user: User, fileName = 'passport.pdf'): Update {
    return this.message(user, { document: { file_id: 'doc1', file_unique_id: 'udoc1', file_name: fileName, mime_type: 'application/pdf' } } as Partial<Message>);
  }

  location(user: User): Update {
    return this.message(user, { location: { latitude: 40.4093, longitude: 49.8671 } } as Partial<Message>);
  }

  /** The person edited an earlier message of theirs. */
  edited(user: User, text: string, messageId?: number): Update {
    const edited_message = { message_id: messageId ?? this.nextMessageId(), date: now() - 60, edit_date: now(), chat: this.privateChat(user), from: user, text };
    return { update_id: this.nextUpdateId(), edited_message } as Update;
  }

  /** A message in a group, with mention/command entities computed from the text. */
  groupText(user: User, chat: Chat, text: string): Update {
    return this.text(user, text, chat);
  }

  /** The person blocked (`kicked`) or unblocked (`member`) the bot in their private chat. */
  myChatMember(user: User, status: 'kicked' | 'member', chat: Chat = this.privateChat(user)): Update {
    const member = (s: string) => ({ user: this.bot, status: s, ...(s === 'kicked' ? { until_date: 0 } : {}) });
    const my_chat_member = { chat, from: user, date: now(), old_chat_member: member(status === 'kicked' ? 'member' : 'kicked'), new_chat_member: member(status) };
    return { update_id: this.nextUpdateId(), my_chat_member } as Update;
  }
}

// ---- helpers ----------------------------------------------------------------------------

function now(): number {
  return Math.floor(Date.now() / 1000);
}

/** bot_command and mention entities, as Telegram computes them (UTF-16 offsets). */
function entitiesOf(text: string): { entities?: MessageEntity[] } {
  const entities: MessageEntity[] = [];
  const command = /^\/[A-Za-z0-9_]+(@[A-Za-z0-9_]+)?/.exec(text);
  if (command) entities.push({ type: 'bot_command', offset: 0, length: command[0].length });
  for (const m of text.matchAll(/(^|\s)(@[A-Za-z0-9_]{5,32})/g)) entities.push({ type: 'mention', offset: m.index! + m[1]!.length, length: m[2]!.length });
  return entities.length ? { entities } : {};
}

function commandsKey(p: Record<string, any>): string {
  return `${p.scope?.type ?? 'default'}:${p.language_code ?? ''}`;
}

function inlineOf(markup: unknown): { reply_markup?: InlineKeyboardMarkup } {
  return markup && typeof markup === 'object' && 'inline_keyboard' in markup ? { reply_markup: markup as InlineKeyboardMarkup } : {};
}

/** What Telegram would refuse in a reply markup, or undefined. */
function checkMarkup(markup: any): string | undefined {
  if (markup === undefined) return undefined;
  if (typeof markup !== 'object' || markup === null) return "Bad Request: can't parse reply keyboard markup JSON object";
  const rows = markup.inline_keyboard ?? markup.keyboard;
  if (markup.remove_keyboard === true || markup.force_reply === true) return undefined;
  if (!Array.isArray(rows) || rows.some((r: unknown) => !Array.isArray(r))) return 'Bad Request: field "inline_keyboard" must be an Array';
  for (const button of rows.flat()) {
    const text = typeof button === 'string' ? button : button?.text;
    if (typeof text !== 'string' || text.length === 0) return 'Bad Request: text buttons are unallowed in the inline keyboard';
    if (markup.inline_keyboard && typeof button.callback_data === 'string' && Buffer.byteLength(button.callback_data) > CALLBACK_DATA_MAX) return 'Bad Request: BUTTON_DATA_INVALID';
  }
  return undefined;
}

function failureResult(f: Failure): ApiResult {
  switch (f.code) {
    case 429:
      return fail(429, `Too Many Requests: retry after ${f.retryAfter ?? 1}`, { retry_after: f.retryAfter ?? 1 });
    case 403:
      return fail(403, f.description ?? 'Forbidden: bot was blocked by the user');
    case 500:
      return fail(500, 'Internal Server Error');
    case 400:
      return fail(400, f.description);
  }
}

function send(res: ServerResponse, status: number, body: ApiResult): void {
  const json = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
  res.end(json);
}

/** Form values are strings; Telegram reads JSON-encoded objects (reply_markup, commands) as JSON. */
function loose(v: string): unknown {
  if (!/^\s*[[{]/.test(v)) return v;
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}

interface ParsedBody {
  params: Record<string, unknown>;
  files: { field: string; filename: string; size: number }[];
}

async function readBody(req: IncomingMessage): Promise<ParsedBody> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  const type = req.headers['content-type'] ?? '';
  if (raw.length === 0) return { params: {}, files: [] };
  if (type.includes('application/json')) return { params: JSON.parse(raw.toString('utf8')) as Record<string, unknown>, files: [] };
  if (type.includes('application/x-www-form-urlencoded')) {
    return { params: Object.fromEntries([...new URLSearchParams(raw.toString('utf8'))].map(([k, v]) => [k, loose(v)])), files: [] };
  }
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(type);
  if (type.includes('multipart/form-data') && boundary) return parseMultipart(raw, boundary[1] ?? boundary[2]!);
  return { params: {}, files: [] };
}

/** Minimal multipart/form-data reader: text fields as values, files as name and size. */
function parseMultipart(raw: Buffer, boundary: string): ParsedBody {
  const params: Record<string, unknown> = {};
  const files: ParsedBody['files'] = [];
  const delimiter = Buffer.from(`--${boundary}`);
  let start = raw.indexOf(delimiter);
  while (start !== -1) {
    const next = raw.indexOf(delimiter, start + delimiter.length);
    if (next === -1) break;
    const part = raw.subarray(start + delimiter.length + 2, next - 2); // skip CRLF after the delimiter and before the next
    const split = part.indexOf('\r\n\r\n');
    if (split !== -1) {
      const headers = part.subarray(0, split).toString('utf8');
      const content = part.subarray(split + 4);
      const name = dispositionParam(headers, 'name');
      const filename = dispositionParam(headers, 'filename');
      if (name !== undefined && filename !== undefined) {
        files.push({ field: name, filename, size: content.length });
        params[name] = { filename, size: content.length };
      } else if (name !== undefined) params[name] = loose(content.toString('utf8'));
    }
    start = next;
  }
  // `attach://<field>` references resolve to the uploaded file's description.
  for (const [k, v] of Object.entries(params)) {
    if (typeof v === 'string' && v.startsWith('attach://')) params[k] = params[v.slice('attach://'.length)] ?? v;
  }
  return { params, files };
}

/** A parameter of Content-Disposition, quoted (`name="x"`) or not (`filename=card.pdf`, as grammY sends it). */
function dispositionParam(headers: string, param: string): string | undefined {
  const m = new RegExp(`(?:^|[;\\s:])${param}=(?:"([^"]*)"|([^;\\r\\n]+))`, 'i').exec(headers);
  return m ? (m[1] ?? m[2]!.trim()) : undefined;
}
