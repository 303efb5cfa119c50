import { randomIds } from '../../src/core/clock';
import type { Redis } from 'ioredis';
import type { KorpuCore } from '../../src/app';
import type { Input, Output } from '../../src/core/conversation';
import { idInCell, personCell, redisKeys } from '../../src/storage/keys';
import { testOfficesFile } from '../helpers/office';
import { startTestKorpu, type TestKorpu } from '../helpers/korpu';
import { dropPrefix, testRedis } from '../helpers/redis';

/**
 * ConversationRunner.amend: a change to a conversation from outside a message (staff booked the
 * person's meeting), committed with the runner's compare-and-set like a step, its effects run
 * from the effect stream; a race with the person's own steps loses neither.
 */
describe('ConversationRunner.amend', () => {
  let redis: Redis;
  let korpu: TestKorpu;
  let core: KorpuCore;
  const offices = testOfficesFile();

  beforeAll(async () => {
    redis = testRedis();
    korpu = await startTestKorpu({ offices });
    core = korpu.core;
  });
  afterAll(async () => {
    await korpu.stop();
    await dropPrefix(redis, korpu.prefix);
    await redis.quit();
  });

  const send = (chatId: string, input: Input) => core.runner.handle({ channel: 'simulator', chatId, input });
  const keys = (outs: Output[]) => outs.flatMap((o) => o.text.flatMap((t) => ('key' in t ? [t.key] : [])));
  const meeting = (caseCode: string) => ({ slot: 'baku@2026-12-30T10:00', office: 'baku', start: '2026-12-30T06:00:00.000Z', end: '2026-12-30T07:00:00.000Z', caseCode });

  it('answers none without a conversation and unchanged when the edit changes nothing', async () => {
    const chat = { channel: 'simulator', chatId: 'amend-none-00000001' };
    expect(await core.runner.amend(chat, 'ref-none', () => [])).toBe('none');
    await send(chat.chatId, { type: 'command', name: 'start' });
    const before = await redis.get(redisKeys(korpu.prefix).conversation(core.runner.conversationId(chat.channel, chat.chatId)));
    expect(await core.runner.amend(chat, 'ref-unchanged', () => undefined)).toBe('unchanged');
    expect(await redis.get(redisKeys(korpu.prefix).conversation(core.runner.conversationId(chat.channel, chat.chatId)))).toBe(before);
  });

  it("commits the state and its effects: the record is written, and the person's next step sees the change", async () => {
    const chat = { channel: 'simulator', chatId: 'amend-book-00000001' };
    await send(chat.chatId, { type: 'command', name: 'start' });
    await send(chat.chatId, { type: 'choice', node: 'language', value: 'en' });
    // A case of this conversation, as the one it opened would be: in its person cell.
    const code = idInCell(() => randomIds.caseCode(), personCell(core.runner.conversationId(chat.channel, chat.chatId)));
    await redis.hset(redisKeys(korpu.prefix).case(code), { code, status: 'intake_completed' });
    const m = meeting(code);
    const outcome = await core.runner.amend(chat, `behalf:${code}`, (state) => {
      state.caseCode = code;
      state.booking = { slot: m.slot, office: m.office, start: m.start, end: m.end };
      return [{ type: 'booking_made', caseCode: code, slot: m.slot, office: m.office, start: m.start, end: m.end, lang: 'en' }];
    });
    expect(outcome).toBe('ok');
    await korpu.settled();
    // The effect's record write: the case's `booking` field.
    expect(await redis.hget(redisKeys(korpu.prefix).case(code), 'booking')).toBe(m.slot);
    // /appointment shows the meeting (with its details filled in by the booking desk).
    const shown = await send(chat.chatId, { type: 'command', name: 'appointment' });
    expect(keys(shown.outputs)).toContain('booking:details');
  });

  it('loses neither change when it races the person’s own steps', async () => {
    const chat = { channel: 'simulator', chatId: 'amend-race-00000001' };
    await send(chat.chatId, { type: 'command', name: 'start' });
    for (let i = 0; i < 5; i++) {
      const [, amended] = await Promise.all([
        send(chat.chatId, { type: 'choice', node: 'language', value: i % 2 ? 'ru' : 'az' }),
        core.runner.amend(chat, `race-${i}`, (state) => {
          state.vars[`staff.mark${i}`] = 'yes';
          return [];
        }),
      ]);
      expect(amended).toBe('ok');
    }
    const state = (await core.runner.peek(core.runner.conversationId(chat.channel, chat.chatId)))!;
    for (let i = 0; i < 5; i++) expect(state.vars[`staff.mark${i}`]).toBe('yes');
  });
});
