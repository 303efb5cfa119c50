import { Api, GrammyError, InputFile } from 'grammy';
import { FakeBotApi } from '../helpers/fake-bot-api';

/** The fake Bot API server itself: what the Telegram and outbox tests rely on. */
describe('FakeBotApi', () => {
  let fake: FakeBotApi;
  let api: Api;
  beforeEach(async () => {
    fake = await FakeBotApi.start();
    api = new Api(fake.token, { apiRoot: fake.apiRoot });
  });
  afterEach(async () => {
    await fake.close();
  });

  const raw = (method: string, init: RequestInit = {}, token = fake.token) => fetch(`${fake.apiRoot}/bot${token}/${method}`, init).then(async (r) => ({ status: r.status, body: await r.json() }));

  it('answers getMe and records every call', async () => {
    expect(await api.getMe()).toEqual(fake.botInfo);
    expect(fake.calls).toEqual([expect.objectContaining({ seq: 0, method: 'getMe', params: {}, at: expect.any(Number) })]);
  });

  it('refuses a wrong token (401) and an unknown method (404)', async () => {
    expect(await raw('getMe', {}, '1:wrong')).toEqual({ status: 401, body: { ok: false, error_code: 401, description: 'Unauthorized' } });
    expect((await raw('frobnicate')).status).toBe(404);
  });

  it('reads JSON, form and query-string parameters', async () => {
    await raw('sendMessage', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ chat_id: '5', text: '123', reply_markup: JSON.stringify({ inline_keyboard: [[{ text: 'A', callback_data: 'a' }]] }) }) });
    await raw('sendMessage?chat_id=6&text=hi');
    expect(fake.calls.map((c) => c.params)).toEqual([
      { chat_id: '5', text: '123', reply_markup: { inline_keyboard: [[{ text: 'A', callback_data: 'a' }]] } },
      { chat_id: '6', text: 'hi' },
    ]);
    expect(fake.lastMessage(5)).toMatchObject({ text: '123', reply_markup: { inline_keyboard: [[{ text: 'A', callback_data: 'a' }]] } });
  });

  it('takes multipart uploads (file name and size recorded)', async () => {
    const sent = await api.sendDocument(7, new InputFile(Buffer.from('%PDF-1.4 test'), 'card.pdf'), { caption: 'Your appointment' });
    expect(sent.document).toBeDefined();
    expect(fake.calls[0]!.files).toEqual([expect.objectContaining({ filename: 'card.pdf', size: 13 })]);
    expect(fake.calls[0]!.params.caption).toBe('Your appointment');
  });

  it('answers other send methods with the content they imply', async () => {
    expect((await api.sendLocation(8, 40.4, 49.8)).location).toEqual({ latitude: 40.4, longitude: 49.8 });
    expect((await api.sendVenue(8, 40.4, 49.8, 'Office', 'Baku')).venue).toMatchObject({ title: 'Office', address: 'Baku' });
  });

  it('checks what Telegram checks: empty and too long texts, callback data over 64 bytes', async () => {
    await expect(api.sendMessage(1, ' ')).rejects.toThrow(/message text is empty/);
    await expect(api.sendMessage(1, 'x'.repeat(4097))).rejects.toThrow(/message is too long/);
    await expect(api.sendMessage(1, 'ok', { reply_markup: { inline_keyboard: [[{ text: 'b', callback_data: 'd'.repeat(65) }]] } })).rejects.toThrow(/BUTTON_DATA_INVALID/);
  });

  it('edits messages it keeps, refusing unknown ones and identical content', async () => {
    const m = await api.sendMessage(9, 'Question', { reply_markup: { inline_keyboard: [[{ text: '☐ A', callback_data: 'a' }]] } });
    await expect(api.editMessageText(9, 999, 'x')).rejects.toThrow(/message to edit not found/);
    await expect(api.editMessageText(9, m.message_id, 'Question', { reply_markup: { inline_keyboard: [[{ text: '☐ A', callback_data: 'a' }]] } })).rejects.toThrow(/message is not modified/);
    await api.editMessageText(9, m.message_id, 'Question', { reply_markup: { inline_keyboard: [[{ text: '☑ A', callback_data: 'a' }]] } });
    expect(fake.message(9, m.message_id)!.reply_markup!.inline_keyboard[0]![0]!.text).toBe('☑ A');
    const plain = await api.sendMessage(9, 'no buttons', { reply_markup: { remove_keyboard: true } });
    await api.editMessageReplyMarkup(9, plain.message_id, { reply_markup: { inline_keyboard: [[{ text: 'B', callback_data: 'b' }]] } });
    expect(fake.lastMessage(9)!.reply_markup).toBeDefined();
  });

  it('fails the next calls of a method as told: 429 with retry_after, 403, 500, 400', async () => {
    fake.failNext('sendMessage', { code: 429, retryAfter: 3 });
    fake.failNext('sendMessage', { code: 403 });
    fake.failNext('sendMessage', { code: 500 });
    fake.failNext('sendMessage', { code: 400, description: 'Bad Request: chat not found' });
    const errors: GrammyError[] = [];
    for (let i = 0; i < 4; i++) await api.sendMessage(1, 'hi').catch((e: GrammyError) => errors.push(e));
    expect(errors.map((e) => [e.error_code, e.parameters.retry_after])).toEqual([[429, 3], [403, undefined], [500, undefined], [400, undefined]]);
    expect(errors[1]!.description).toBe('Forbidden: bot was blocked by the user');
    await expect(api.sendMessage(1, 'hi')).resolves.toMatchObject({ text: 'hi' });
    expect(fake.calls.map((c) => c.failedWith)).toEqual([429, 403, 500, 400, undefined]);
  });

  it('long-polls: serves pushed updates, honours offset and timeout', async () => {
    const person = fake.updates.user();
    const a = fake.updates.text(person, 'one');
    const b = fake.updates.text(person, 'two');
    fake.pushUpdate(a, b);
    expect((await api.getUpdates({ offset: 0, timeout: 0 })).map((u) => u.update_id)).toEqual([a.update_id, b.update_id]);
    expect((await api.getUpdates({ offset: b.update_id, timeout: 0 })).map((u) => u.update_id)).toEqual([b.update_id]);
    expect(fake.pendingUpdates()).toBe(1); // a is confirmed and forgotten
    const started = Date.now();
    expect(await api.getUpdates({ offset: b.update_id + 1, timeout: 1 })).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    const waiting = api.getUpdates({ offset: b.update_id + 1, timeout: 10 });
    await fake.waitForCalls((c) => c.method === 'getUpdates', 4);
    const c = fake.updates.command(person, '/start');
    fake.pushUpdate(c);
    expect((await waiting).map((u) => u.update_id)).toEqual([c.update_id]);
  });

  it('refuses getUpdates while a webhook is set (409), until deleteWebhook', async () => {
    await api.setWebhook('https://example.org/telegram/webhook', { secret_token: 'abc' });
    expect(fake.webhook).toEqual({ url: 'https://example.org/telegram/webhook', secret_token: 'abc' });
    await expect(api.getUpdates({ timeout: 0 })).rejects.toMatchObject({ error_code: 409 });
    await api.deleteWebhook();
    await expect(api.getUpdates({ timeout: 0 })).resolves.toEqual([]);
  });

  it('waits for calls after a mark, and says what arrived when they do not come', async () => {
    await api.sendMessage(1, 'before');
    const mark = fake.mark();
    const waiting = fake.waitForCalls((c) => c.method === 'sendMessage', 1, 2000, mark);
    await api.sendMessage(1, 'after');
    expect((await waiting).map((c) => c.params.text)).toEqual(['after']);
    await expect(fake.waitForCalls((c) => c.method === 'sendPhoto', 1, 50)).rejects.toThrow(/sendMessage, sendMessage/);
  });

  it('builds realistic updates', () => {
    const u = fake.updates;
    const person = u.user({ language_code: 'az', first_name: 'Aysel' });
    const cmd = u.command(person, '/start@korpu_test_bot payload');
    expect(cmd.message).toMatchObject({ chat: { id: person.id, type: 'private' }, from: person, entities: [{ type: 'bot_command', offset: 0, length: 21 }] });
    const group = u.group();
    expect(u.groupText(person, group, 'hi @korpu_test_bot').message).toMatchObject({ chat: { type: 'supergroup' }, entities: [{ type: 'mention', offset: 3, length: 15 }] });
    const tapped = u.callback(person, cmd.message!, 'c:q1:yes');
    expect(tapped.callback_query).toMatchObject({ from: person, data: 'c:q1:yes', message: { message_id: cmd.message!.message_id } });
    expect(u.contact(person, '994501234567').message!.contact).toEqual({ phone_number: '994501234567', first_name: 'Aysel', user_id: person.id });
    expect(u.myChatMember(person, 'kicked').my_chat_member!.new_chat_member.status).toBe('kicked');
    expect(u.edited(person, 'x').edited_message!.edit_date).toEqual(expect.any(Number));
    const ids = [u.sticker(person), u.photo(person), u.voice(person), u.document(person), u.location(person)].map((x) => x.update_id);
    expect(new Set(ids).size).toBe(5);
  });
});
