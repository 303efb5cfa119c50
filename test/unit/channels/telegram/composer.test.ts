import { Context, type Api } from 'grammy';
import type { Update, UserFromGetMe } from 'grammy/types';
import { KorpuComposer } from '../../../../src/channels/telegram/composer';

const me: UserFromGetMe = { id: 1, is_bot: true, first_name: 'Körpü', username: 'korpu_bot', can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false, can_connect_to_business: false, has_main_web_app: false } as UserFromGetMe;

function contextOf(update: Update): Context {
  return new Context(update, {} as Api, me);
}
const commandEntity = (text: string) => (text.startsWith('/') ? { entities: [{ type: 'bot_command' as const, offset: 0, length: text.split(' ')[0]!.length }] } : {});
const privateText = (text: string): Update => ({ update_id: 1, message: { message_id: 1, date: 0, chat: { id: 5, type: 'private', first_name: 'A' }, from: { id: 5, is_bot: false, first_name: 'A' }, text, ...commandEntity(text) } }) as Update;
const groupText = (text: string): Update => ({ update_id: 2, message: { message_id: 1, date: 0, chat: { id: -7, type: 'supergroup', title: 'G' }, from: { id: 5, is_bot: false, first_name: 'A' }, text } }) as Update;
const tap = (data: string): Update => ({ update_id: 3, callback_query: { id: 'q', chat_instance: 'c', data, from: { id: 5, is_bot: false, first_name: 'A' }, message: { message_id: 1, date: 0, chat: { id: 5, type: 'private', first_name: 'A' } } } }) as Update;

/** Runs `update` through the composer; `end` is noted in `seen` when the update reached its end. */
async function run(composer: KorpuComposer<Context>, update: Update, seen: string[]): Promise<void> {
  await composer.middleware()(contextOf(update), async () => {
    seen.push('end');
  });
}

describe('KorpuComposer (filters that cost nothing on a miss)', () => {
  it('runs a matching filter’s handler and skips the others, as grammY’s filters do', async () => {
    const seen: string[] = [];
    const c = new KorpuComposer<Context>();
    c.chatType('private').on('message:text', (ctx) => void seen.push(`private ${ctx.message.text}`));
    c.on('callback_query:data', (ctx) => void seen.push(`tap ${ctx.callbackQuery.data}`));
    c.use((_ctx, next) => {
      seen.push('fallthrough');
      return next();
    });
    await run(c, privateText('salam'), seen);
    expect(seen.splice(0)).toEqual(['private salam']);
    await run(c, tap('yes'), seen);
    expect(seen.splice(0)).toEqual(['tap yes']);
    await run(c, groupText('hi'), seen);
    expect(seen.splice(0)).toEqual(['fallthrough', 'end']);
  });

  it('passes an update on with next from a handler, and commands match only their command', async () => {
    const c = new KorpuComposer<Context>();
    const seen: string[] = [];
    c.command('today', async (_ctx, next) => {
      seen.push('today');
      await next();
    });
    c.command('roster', () => void seen.push('roster'));
    c.on('message', () => void seen.push('message'));
    await run(c, privateText('/today'), seen);
    expect(seen).toEqual(['today', 'message']);
    seen.length = 0;
    await run(c, privateText('/roster'), seen);
    expect(seen).toEqual(['roster']);
  });

  it('awaits an asynchronous predicate, and sees middleware added to a filter’s composer after it was set up', async () => {
    const c = new KorpuComposer<Context>();
    const seen: string[] = [];
    const staff = c.filter(async (ctx) => {
      await new Promise((r) => setTimeout(r, 1));
      return ctx.from?.id === 5;
    });
    staff.use((_ctx, next) => {
      seen.push('staff');
      return next();
    });
    staff.on('message:text', () => void seen.push('staff text'));
    c.branch((ctx) => ctx.chat?.type === 'private', (_ctx, next) => (seen.push('yes'), next()), [(_ctx, next) => (seen.push('no'), next())]);
    await run(c, privateText('x'), seen);
    expect(seen).toEqual(['staff', 'staff text']);
    seen.length = 0;
    await run(c, tap('x'), seen);
    expect(seen).toEqual(['staff', 'yes', 'end']);
    seen.length = 0;
    await run(c, groupText('x'), seen);
    expect(seen).toEqual(['staff', 'staff text']);
  });

  it('lets an error of a handler or a predicate reach the caller', async () => {
    const c = new KorpuComposer<Context>();
    c.filter(() => {
      throw new Error('predicate failed');
    });
    await expect(run(c, privateText('x'), [])).rejects.toThrow('predicate failed');
    const d = new KorpuComposer<Context>();
    d.on('message', () => {
      throw new Error('handler failed');
    });
    await expect(run(d, privateText('x'), [])).rejects.toThrow('handler failed');
  });

  it('keeps grammY’s rules of next: always a promise, twice is an error, and a later use is seen', async () => {
    const outer = new KorpuComposer<Context>();
    const inner = new KorpuComposer<Context>();
    outer.use(inner);
    const seen: string[] = [];
    // Added after `inner` was installed: still run.
    inner.use((_ctx, next) => {
      seen.push('inner');
      const p = next();
      expect(p).toBeInstanceOf(Promise);
      return p;
    });
    outer.use(() => void seen.push('sync handler, no next'));
    await run(outer, privateText('x'), seen);
    expect(seen).toEqual(['inner', 'sync handler, no next']);

    const twice = new KorpuComposer<Context>();
    twice.use(async (_ctx, next) => {
      await next();
      await next();
    });
    await expect(run(twice, privateText('x'), [])).rejects.toThrow('`next` already called before!');
  });
});
