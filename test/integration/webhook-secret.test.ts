import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { createTelegramBot, webhookHandler } from '../../src/channels/telegram';
import { createTranslator } from '../../src/i18n';
import { loadProgrammeContent } from '../../src/config/programme';
import { silentLogger, type Logger } from '../../src/core/logger';
import type { TelegramCore } from '../../src/channels/telegram/types';

/**
 * The webhook as an attacker meets it: a request without Telegram's secret header is refused
 * before its body is read — a malformed or oversized body gets the same 401, never a parse
 * error — nothing reaches the bot, and refusals are counted and logged at most once a minute.
 */
jest.setTimeout(60_000);

describe('webhook secret', () => {
  const SECRET = 'right-secret_0123456789';
  let server: Server;
  let url: string;
  const handled: number[] = [];
  const warnings: unknown[] = [];
  let hook: ReturnType<typeof webhookHandler>;

  beforeAll(async () => {
    const tr = createTranslator();
    const core = {
      runner: { handle: async () => { handled.push(1); throw new Error('not here'); }, conversationId: () => 'x', replySent: async () => undefined },
      translator: tr,
      content: loadProgrammeContent('config/programme.yaml'),
      flows: { all: () => [] },
    } as unknown as TelegramCore;
    const logger = { ...silentLogger(), warn: (o: unknown) => void warnings.push(o) } as unknown as Logger;
    const bot = createTelegramBot(core, { token: '42:unit-test-token-aaaaaaaaaaaaaaaa', botInfo: { id: 42, is_bot: true, first_name: 'K', username: 'k_bot', can_join_groups: false, can_read_all_group_messages: false, supports_inline_queries: false, can_connect_to_business: false, has_main_web_app: false } as never, logger });
    bot.use(() => void handled.push(1));
    hook = webhookHandler(bot, SECRET, { logger });
    const app = express();
    app.post('/hook', hook);
    server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  });
  afterAll(() => new Promise((r) => server.close(r)));

  const post = (body: string, secret?: string) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...(secret === undefined ? {} : { 'x-telegram-bot-api-secret-token': secret }) }, body }).then((r) => r.status);

  it('refuses 1,000 requests without or with a wrong secret before reading them, logging once', async () => {
    const bodies = ['{"update_id": 1}', '{ not json', 'x'.repeat(2_000_000)];
    const statuses: number[] = [];
    // Twenty at a time, as a flood would come.
    for (let i = 0; i < 1000; i += 20) statuses.push(...(await Promise.all(Array.from({ length: 20 }, (_, j) => post(bodies[(i + j) % 3]!, (i + j) % 2 ? 'wrong-secret_0123456789' : undefined)))));
    expect(new Set(statuses)).toEqual(new Set([401]));
    expect(handled).toEqual([]);
    expect(hook.refused()).toBe(1000);
    expect(warnings).toHaveLength(1);
  });

  it('parses and hands on a request with the right secret', async () => {
    expect(await post(JSON.stringify({ update_id: 5, message: { message_id: 1, date: 0, chat: { id: 5, type: 'private' }, from: { id: 5, is_bot: false, first_name: 'A' }, text: 'hi' } }), SECRET)).toBe(200);
    expect(handled.length).toBeGreaterThan(0);
  });
});
