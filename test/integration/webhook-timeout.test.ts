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
 * background. If it then fails, that is logged: it must not become an unhandled rejection,
 * which stops src/main.ts (every other update in flight with it).
 */
jest.setTimeout(30_000);

describe('webhook: an update failing after its early answer', () => {
  const SECRET = 'right-secret_0123456789';
  let server: Server;
  let url: string;
  const logged: { level: string; msg: string; fields: Record<string, unknown> }[] = [];
  let failed!: () => void;
  const failedLate = new Promise<void>((r) => (failed = r));

  beforeAll(async () => {
    // The step is saved, and its reply is still waiting on Telegram when the answer is due; then Telegram refuses it.
    const handle = async () => {
      await new Promise((r) => setTimeout(r, 600));
      setImmediate(failed);
      throw new ReplyNotSentError('the reply could not be sent now', { update_id: 7 });
    };
    const core = {
      runner: { handle, conversationId: () => 'x', replySent: async () => undefined },
      translator: createTranslator(),
      content: loadProgrammeContent('config/programme.yaml'),
      flows: { all: () => [] },
    } as unknown as TelegramCore;
    const record = (level: string) => (fields: Record<string, unknown>, msg: string) => void logged.push({ level, msg, fields });
    const logger = { ...silentLogger(), warn: record('warn'), error: record('error') } as unknown as Logger;
    const bot = createTelegramBot(core, { token: '42:unit-test-token-aaaaaaaaaaaaaaaa', botInfo: { id: 42, is_bot: true, first_name: 'K', username: 'k_bot', can_join_groups: false, can_read_all_group_messages: false, supports_inline_queries: false, can_connect_to_business: false, has_main_web_app: false } as never, logger, webhook: true });
    const app = express();
    app.post('/hook', webhookHandler(bot, SECRET, { logger, timeoutMs: 100 }));
    server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
  });

  it('is answered 200 in time, and its later failure is logged as an error, not left an unhandled rejection', async () => {
    const update = { update_id: 7, message: { message_id: 1, date: 0, chat: { id: 5, type: 'private' }, from: { id: 5, is_bot: false, first_name: 'A' }, text: 'hi' } };
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET }, body: JSON.stringify(update) });
    expect(res.status).toBe(200);
    await failedLate;
    // A rejection left unhandled is reported after the microtasks of its turn, and Jest fails
    // the test it happened in with it (as it did here before: the ReplyNotSentError itself).
    await new Promise((r) => setTimeout(r, 50));
    expect(logged.map((l) => [l.level, l.msg, l.fields.update_id])).toEqual([
      ['warn', 'telegram: update still being handled: answered 200 now, it finishes in the background', 7],
      ['error', 'telegram: update failed after it was answered 200 (it took too long): Telegram will not deliver it again', 7],
    ]);
  });
});
