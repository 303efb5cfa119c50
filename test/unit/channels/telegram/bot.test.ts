import { Writable } from 'node:stream';
import pino from 'pino';
import type { Update, UserFromGetMe } from 'grammy/types';
import type { Redis } from 'ioredis';
import { createTelegramBot } from '../../../../src/channels/telegram/bot';
import { ConcurrentUpdateError } from '../../../../src/core/errors';
import type { TelegramCore } from '../../../../src/channels/telegram/types';
import { loadProgrammeContent } from '../../../../src/config/programme';
import type { Output } from '../../../../src/core/conversation';
import { createTranslator } from '../../../../src/i18n';
import type { HandledMessage, IncomingMessage } from '../../../../src/intake/conversation-runner';
import { redisKeys } from '../../../../src/storage/keys';
import { UpdateFactory } from '../../../helpers/fake-bot-api';

const botInfo = { id: 42, is_bot: true, first_name: 'Körpü', username: 'korpu_test_bot', can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false } as UserFromGetMe;
const tr = createTranslator();
const content = loadProgrammeContent('config/programme.yaml');
const CASEWORKERS = -1_009_999;

type Call = { method: string; payload: Record<string, any> };

/** A bot on a stub core and a stubbed Bot API (no network): records calls, answers like Telegram. */
function setup(handle: (msg: IncomingMessage) => Partial<HandledMessage> | Promise<Partial<HandledMessage>> = () => ({}), o: { handleAgainAfterMs?: readonly number[] } = {}) {
  const calls: Call[] = [];
  const failures = new Map<string, { error_code: number; description: string }>();
  const logs: string[] = [];
  const logger = pino({ level: 'debug' }, new Writable({ write: (chunk, _enc, cb) => (logs.push(String(chunk)), cb()) }));
  const kv = new Map<string, string>();
  const redis = {
    set: jest.fn(async (k: string, v: string) => (kv.set(k, v), 'OK')),
    del: jest.fn(async (k: string) => Number(kv.delete(k))),
  };
  const runner = {
    conversationId: (channel: string, chatId: string) => `conv-${channel}-${chatId}`,
    replySent: jest.fn(async () => undefined),
    replyNotSent: jest.fn(async () => undefined),
    stillToSend: jest.fn(async (_c: string, _id: string, _u: string, keptAt: number | undefined) => keptAt ?? 0),
    whileSending: <T>(_c: string, _id: string, _u: string, send: () => Promise<T>) => send(),
    peek: jest.fn(async () => undefined),
    openForCase: jest.fn(async () => true),
    handle: jest.fn(async (msg: IncomingMessage): Promise<HandledMessage> => ({ outputs: [], lang: msg.langHint ?? 'az', duplicate: false, effects: [], state: {} as never, ...(await handle(msg)) })),
  };
  const core: TelegramCore = { runner, translator: tr, content, flows: { all: () => [] }, safeguarding: { emergencyContacts: [] } };
  const bot = createTelegramBot(core, { token: '42:unit-test-token-aaaaaaaaaaaaaaaa', botInfo, caseworkerChatId: CASEWORKERS, logger, ...o });
  let messageId = 1000;
  bot.api.config.use(async (_prev, method, payload) => {
    calls.push({ method, payload: payload as Record<string, any> });
    const failure = failures.get(method);
    if (failure) return { ok: false, ...failure } as never;
    const result = method.startsWith('send') || method.startsWith('edit') ? { message_id: ++messageId, date: 0, chat: { id: (payload as any).chat_id, type: 'private' } } : true;
    return { ok: true, result } as never;
  });
  const make = new UpdateFactory(botInfo);
  return { bot, core, runner, calls, failures, logs, kv, make, send: (u: Update) => bot.handleUpdate(u) };
}

const say = (key: string, extra: Partial<Output> = {}): Output => ({ type: 'message', text: [{ key }], ...extra });

describe('createTelegramBot (stubbed API)', () => {
  it('runs a private message through the runner and sends the answer in the conversation language', async () => {
    const t = setup(() => ({ outputs: [say('common:notice.help')], lang: 'ru' }));
    const person = t.make.user({ language_code: 'ru-RU' });
    const update = t.make.text(person, 'Привет');
    await t.send(update);
    expect(t.runner.handle).toHaveBeenCalledWith({ channel: 'telegram', chatId: String(person.id), updateId: `tg:${update.update_id}`, input: { type: 'text', text: 'Привет' }, langHint: 'ru' }, {});
    expect(t.calls).toEqual([{ method: 'sendMessage', payload: { chat_id: person.id, text: tr.t('ru', 'common:notice.help') } }]);
  });

  it('gives no hint for an unsupported app language', async () => {
    const t = setup();
    await t.send(t.make.text(t.make.user({ language_code: 'de' }), 'Hallo'));
    expect(t.runner.handle.mock.calls[0]![0]).not.toHaveProperty('langHint');
  });

  it('answers every button tap and edits the tapped message when the engine says so', async () => {
    const buttons = [[{ label: { key: 'common:button.done' }, action: { type: 'choice' as const, node: 'q3', value: '__done' } }]];
    const t = setup(() => ({ outputs: [say('common:hint.multi_choice', { buttons, edit: true })], lang: 'en' }));
    const person = t.make.user();
    const tapped = { message_id: 77, date: 0, chat: t.make.privateChat(person), text: 'old' };
    await t.send(t.make.callback(person, tapped as never, 'c:q3:planning'));
    expect(t.runner.handle.mock.calls[0]![0].input).toEqual({ type: 'choice', node: 'q3', value: 'planning' });
    expect(t.calls.map((c) => c.method).sort()).toEqual(['answerCallbackQuery', 'editMessageText']);
    expect(t.calls.find((c) => c.method === 'editMessageText')!.payload).toMatchObject({ chat_id: person.id, message_id: 77 });
  });

  it('sends a new message when the tapped one cannot be edited, and nothing extra when it is unchanged', async () => {
    const t = setup(() => ({ outputs: [say('common:hint.multi_choice', { edit: true })], lang: 'en' }));
    const person = t.make.user();
    const tapped = { message_id: 77, date: 0, chat: t.make.privateChat(person), text: 'old' } as never;
    t.failures.set('editMessageText', { error_code: 400, description: "Bad Request: message can't be edited" });
    await t.send(t.make.callback(person, tapped, 'c:q3:planning'));
    expect(t.calls.filter((c) => c.method === 'sendMessage')).toHaveLength(1);
    t.calls.length = 0;
    t.failures.set('editMessageText', { error_code: 400, description: 'Bad Request: message is not modified: specified new message content and reply markup are exactly the same' });
    await t.send(t.make.callback(person, tapped, 'c:q3:planning'));
    expect(t.calls.filter((c) => c.method === 'sendMessage')).toHaveLength(0);
  });

  it('does not fail on a malformed update whose chat and sender have no id', async () => {
    const t = setup(() => ({ outputs: [say('common:notice.help')] }));
    await expect(t.send({ update_id: 9_999, message: { message_id: 1, date: 0, chat: {}, from: {}, text: 'hi' } } as never)).resolves.toBeUndefined();
  });

  it('sends nothing for a redelivered update that was answered', async () => {
    const t = setup(() => ({ outputs: [], duplicate: true }));
    await t.send(t.make.text(t.make.user(), 'hi'));
    expect(t.calls).toEqual([]);
  });

  it('sends the kept reply to a redelivery whose first delivery died before answering, and marks it sent (taking it only marked it in flight)', async () => {
    const t = setup(() => ({ outputs: [say('common:notice.help')], duplicate: true }));
    const user = t.make.user();
    const update = t.make.text(user, 'hi');
    await t.send(update);
    expect(t.calls.map((c) => c.method)).toEqual(['sendMessage']);
    expect(t.runner.replySent).toHaveBeenCalledWith('telegram', String(user.id), `tg:${update.update_id}`);
    expect(t.runner.replyNotSent).not.toHaveBeenCalled();
  });

  it('marks a reply sent once it went out, with the update it answers', async () => {
    const t = setup(() => ({ outputs: [say('common:notice.help')] }));
    const user = t.make.user();
    const update = t.make.text(user, 'hi');
    await t.send(update);
    expect(t.runner.replySent).toHaveBeenCalledWith('telegram', String(user.id), `tg:${update.update_id}`);
  });

  it('answers a redelivery still in flight in another process with an error, so that Telegram delivers it again', async () => {
    const t = setup(() => ({ outputs: [], duplicate: true, retryLater: true }));
    await expect(t.send(t.make.text(t.make.user(), 'hi'))).rejects.toThrow('in flight');
    expect(t.calls).toEqual([]);
  });

  it('shows the contact keyboard, and removes it with the next message when the runner says it is still on screen', async () => {
    let out: Partial<HandledMessage> = { outputs: [say('interview:phone.prompt', { requestContact: { key: 'common:button.share_phone' }, buttons: [[{ label: { key: 'common:button.back' }, action: { type: 'command', name: 'back' } }]] })], lang: 'en' };
    const t = setup(() => out);
    const person = t.make.user();
    await t.send(t.make.text(person, 'Baku'));
    expect(t.calls[0]!.payload.reply_markup).toMatchObject({ keyboard: [[{ text: tr.t('en', 'common:button.share_phone'), request_contact: true }], [{ text: tr.t('en', 'common:button.back') }]] });

    out = { outputs: [say('interview:address.prompt', { buttons: [[{ label: { key: 'common:button.skip' }, action: { type: 'choice', node: 'address', value: '__skip' } }]] })], lang: 'en', removeContactKeyboard: true };
    t.calls.length = 0;
    await t.send(t.make.contact(person, '994501234567'));
    expect(t.runner.handle.mock.calls[1]![0].input).toEqual({ type: 'contact', phone: '+994501234567' });
    expect(t.calls.map((c) => c.method)).toEqual(['sendMessage', 'editMessageReplyMarkup']);
    expect(t.calls[0]!.payload.reply_markup).toEqual({ remove_keyboard: true });
    expect(t.calls[1]!.payload.reply_markup.inline_keyboard[0][0].callback_data).toBe('c:address:__skip');

    out = { ...out, removeContactKeyboard: false };
    t.calls.length = 0;
    await t.send(t.make.text(person, 'Nizami street'));
    expect(t.calls[0]!.payload.reply_markup).toHaveProperty('inline_keyboard');
    // No Redis of its own for this: the flag travels with the conversation's state.
    expect(t.kv.size).toBe(0);
  });

  it('reads the reply-keyboard Back button (its label as text) as the back command', async () => {
    const t = setup();
    await t.send(t.make.text(t.make.user(), tr.t('ru', 'common:button.back')));
    expect(t.runner.handle.mock.calls[0]![0].input).toEqual({ type: 'command', name: 'back' });
  });

  it('points a group to the private chat when addressed, and is silent otherwise', async () => {
    const t = setup();
    const person = t.make.user({ language_code: 'en' });
    const group = t.make.group();
    await t.send(t.make.groupText(person, group, 'hello everyone'));
    await t.send(t.make.groupText(person, group, '/start@other_bot'));
    expect(t.calls).toEqual([]);
    await t.send(t.make.groupText(person, group, '/start'));
    await t.send(t.make.groupText(person, group, 'what does @korpu_test_bot do?'));
    expect(t.calls).toHaveLength(2);
    for (const c of t.calls) expect(c.payload).toEqual({ chat_id: group.id, text: tr.t('en', 'common:channel.group_only_private', { link: 'https://t.me/korpu_test_bot' }) });
    expect(t.runner.handle).not.toHaveBeenCalled();
  });

  it('in the case workers’ chat, answers only a command for the bot, pointing to the private chat', async () => {
    const t = setup();
    const group = t.make.group({ id: CASEWORKERS });
    await t.send(t.make.groupText(t.make.user(), group, 'KP-7G4Q-M2XD called back'));
    await t.send(t.make.groupText(t.make.user(), group, '/start@other_bot'));
    expect(t.calls).toEqual([]);
    const update = t.make.groupText(t.make.user(), group, '/start@korpu_test_bot');
    await t.send(update);
    expect(t.calls).toEqual([
      {
        method: 'sendMessage',
        payload: { chat_id: group.id, text: tr.t('az', 'caseworker:group.private_only', { command: 'start', link: 'https://t.me/korpu_test_bot' }), reply_parameters: { message_id: update.message!.message_id, allow_sending_without_reply: true } },
      },
    ]);
    expect(t.runner.handle).not.toHaveBeenCalled();
  });

  it('tells the person about a failure in their language and logs no personal data', async () => {
    const t = setup(() => {
      throw Object.assign(new Error('store unavailable'), { name: 'StoreError' });
    });
    const person = t.make.user({ language_code: 'ru', first_name: 'Айсель' });
    const update = t.make.text(person, 'Айсель Мамедова +994501234567');
    await t.send(update);
    expect(t.calls).toEqual([{ method: 'sendMessage', payload: { chat_id: person.id, text: tr.t('ru', 'common:channel.error') } }]);
    const log = t.logs.join('');
    expect(log).toContain(String(update.update_id));
    expect(log).toContain('StoreError');
    for (const secret of ['Айсель', '+994501234567', String(person.id)]) expect(log).not.toContain(secret);
  });

  it('long polling: handles again, a moment later, an update that lost every race with changes to its conversation (nothing was saved), instead of telling the person something went wrong', async () => {
    let tries = 0;
    const t = setup(() => {
      if (++tries === 1) throw new ConcurrentUpdateError('conversation kept changing under this update', { attempts: 5, channel: 'telegram' });
      return { outputs: [say('common:notice.help')] };
    }, { handleAgainAfterMs: [20] });
    const person = t.make.user({ language_code: 'en' });
    await t.send(t.make.text(person, 'hello'));
    expect(t.calls).toEqual([]);
    await new Promise((r) => setTimeout(r, 100));
    expect(tries).toBe(2);
    expect(t.calls.map((c) => c.payload.text)).toEqual([tr.t('en', 'common:notice.help')]);
  });

  it('survives a person who blocked the bot (403) and logs it at info', async () => {
    const t = setup(() => ({ outputs: [say('common:notice.help'), say('common:notice.help')] }));
    t.failures.set('sendMessage', { error_code: 403, description: 'Forbidden: bot was blocked by the user' });
    await expect(t.send(t.make.text(t.make.user(), 'hi'))).resolves.toBeUndefined();
    expect(t.calls.filter((c) => c.method === 'sendMessage')).toHaveLength(1); // stopped after the first refusal
    expect(t.logs.join('')).toContain('blocked');
    expect(t.logs.some((l) => JSON.parse(l).level >= 50)).toBe(false);
  });

  it('logs block and unblock without the chat id', async () => {
    const t = setup();
    const person = t.make.user();
    await t.send(t.make.myChatMember(person, 'kicked'));
    await t.send(t.make.myChatMember(person, 'member'));
    expect(t.logs.join('')).toContain('membership blocked');
    expect(t.logs.join('')).toContain('membership unblocked');
    expect(t.logs.join('')).not.toContain(String(person.id));
    expect(t.runner.handle).not.toHaveBeenCalled();
  });

});
