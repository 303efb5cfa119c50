import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { createTelegramBot, webhookHandler } from '../../src/channels/telegram';
import { createTranslator } from '../../src/i18n';
import { loadProgrammeContent } from '../../src/config/programme';
import { ReplyNotSentError } from '../../src/core/errors';
import { silentLogger, type Logger } from '../../src/core/logger';
import type { TelegramCore } from '../../src/channels/telegram/types';

/**
 * An update that takes longer than Telegram waits for the webhook's answer (a reply held up by
 * 429s or by a Bot API that does not answer) is answered 200 early and finishes in the
 * background. If it then fails the way a redelivery mends, this process handles it again, since
 * Telegram will not; otherwise, or after the last attempt, that is logged: it must not become an
 * unhandled rejection, which stops src/main.ts (every other update in flight with it).
 */
jest.setTimeout(30_000);

describe('webhook: an update failing after its early answer', () => {
  const SECRET = 'right-secret_0123456789';
  let server: Server;
  let url: string;
  const logged: { level: string; msg: string; fields: Record<string, unknown> }[] = [];
  /** How each update's handlings end, in turn: a failure to throw, or undefined for done. */
  const outcomes = new Map<number, (Error | undefined)[]>();
  const handled: number[] = [];
  /** Handlings of each update that have ended (failed or done), in turn. */
  const ended: number[] = [];
  /** Resolves once `n` handlings of update `id` have ended (however late the test looks). */
  const endedTimes = async (id: number, n: number) => {
    while (ended.filter((e) => e === id).length < n) await new Promise((r) => setTimeout(r, 10));
    // What follows a failure (the log line, the next wait) runs in the same turn as it.
    await new Promise((r) => setImmediate(r));
  };

  beforeAll(async () => {
    // The first handling outlasts the early answer (600 ms against 100 ms), then fails as its update says.
    const handle = async (msg: { updateId?: string }) => {
      const id = Number(msg.updateId?.replace(/^tg:/, ''));
      const first = !handled.includes(id);
      handled.push(id);
      if (first) await new Promise((r) => setTimeout(r, 600));
      const outcome = outcomes.get(id)?.shift();
      ended.push(id);
      if (outcome) throw outcome;
      return { outputs: [], lang: 'en', duplicate: true, effects: [] };
    };
    const core = {
      runner: { handle, conversationId: () => 'x', replySent: async () => undefined },
      translator: createTranslator(),
      content: loadProgrammeContent('config/programme.yaml'),
      flows: { all: () => [] },
    } as unknown as TelegramCore;
    const record = (level: string) => (fields: Record<string, unknown>, msg: string) => void logged.push({ level, msg, fields });
    const logger = { ...silentLogger(), info: record('info'), warn: record('warn'), error: record('error') } as unknown as Logger;
    const bot = createTelegramBot(core, { token: '42:unit-test-token-aaaaaaaaaaaaaaaa', botInfo: { id: 42, is_bot: true, first_name: 'K', username: 'k_bot', can_join_groups: false, can_read_all_group_messages: false, supports_inline_queries: false, can_connect_to_business: false, has_main_web_app: false } as never, logger, webhook: true });
    const app = express();
    app.post('/hook', webhookHandler(bot, SECRET, { logger, timeoutMs: 100, handleAgainAfterMs: [50] }));
    server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
  });

  const post = (update_id: number) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET }, body: JSON.stringify({ update_id, message: { message_id: 1, date: 0, chat: { id: update_id, type: 'private' }, from: { id: update_id, is_bot: false, first_name: 'A' }, text: 'hi' } }) });
  const of = (update_id: number) => logged.filter((l) => l.fields.update_id === update_id).map((l) => [l.level, l.msg]);
  const EARLY: [string, string] = ['warn', 'telegram: update still being handled: answered 200 now, it finishes in the background'];
  const AGAIN: [string, string] = ['warn', 'telegram: update failed after it was answered 200 (it took too long): handled here again, as Telegram would deliver it again'];
  const LOST: [string, string] = ['error', 'telegram: update failed after it was answered 200 (it took too long): Telegram will not deliver it again'];

  it('is answered 200 in time; its reply refused later, it is handled here again (Telegram will not), and that is done', async () => {
    outcomes.set(7, [new ReplyNotSentError('the reply could not be sent now', { update_id: 7 }), undefined]);
    expect((await post(7)).status).toBe(200);
    await endedTimes(7, 2);
    await new Promise((r) => setTimeout(r, 50));
    expect(handled.filter((id) => id === 7)).toHaveLength(2);
    expect(of(7)).toEqual([EARLY, AGAIN, ['info', 'telegram: update answered early handled here again: done']]);
  });

  it('gives up after the last wait, logged as an error, never an unhandled rejection', async () => {
    outcomes.set(8, [new ReplyNotSentError('the reply could not be sent now', { update_id: 8 }), new ReplyNotSentError('the reply could not be sent now', { update_id: 8 })]);
    expect((await post(8)).status).toBe(200);
    await endedTimes(8, 2);
    // A rejection left unhandled is reported after the microtasks of its turn, and Jest fails
    // the test it happened in with it (as it did here before: the ReplyNotSentError itself).
    await new Promise((r) => setTimeout(r, 50));
    expect(handled.filter((id) => id === 8)).toHaveLength(2);
    expect(of(8)).toEqual([EARLY, AGAIN, LOST]);
  });

  it('does not handle again an update that failed in a way a redelivery would not mend (a bug): the error boundary’s, as always', async () => {
    outcomes.set(9, [new TypeError('x is undefined')]);
    expect((await post(9)).status).toBe(200);
    await endedTimes(9, 1);
    await new Promise((r) => setTimeout(r, 150));
    expect(handled.filter((id) => id === 9)).toHaveLength(1);
    expect(of(9)[0]).toEqual(EARLY);
    expect(of(9)).toContainEqual(['error', 'telegram: update failed']);
    expect(of(9)).not.toContainEqual(AGAIN);
  });
});
