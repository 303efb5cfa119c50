import type { Transformer } from 'grammy';
import { AHEAD_KEPT_MS, REPLY_MAX_LATE_MS, REPLY_SLOT_TIMEOUT_MS, ReplyLimit } from '../../../../src/channels/telegram/reply-limit';
import type { Logger } from '../../../../src/core/logger';
import { DEFAULT_TELEGRAM_LIMITS, telegramLimitsFor } from '../../../../src/scheduling/outbox';

/** A logger that keeps its warnings. */
function keptLogger(): { logger: Logger; warnings: string[] } {
  const warnings: string[] = [];
  const logger = { warn: (_o: unknown, msg: string) => void warnings.push(msg), info: () => undefined, error: () => undefined, debug: () => undefined } as unknown as Logger;
  return { logger, warnings };
}

type Prev = Parameters<Transformer>[0];
const okPrev = (log: string[]): Prev => (async (method: string) => (log.push(method), { ok: true, result: true })) as unknown as Prev;

describe('ReplyLimit (the overall limit for direct replies)', () => {
  it('waits the time Redis hands out before a message, and not at all for calls that are not messages', async () => {
    const asked: string[] = [];
    // A quiet window: a timer woken late on a loaded machine (three test files at once) then
    // sends late instead of taking another slot (that case has its own test below).
    const slots = { reserveReply: async (chatId: number | string | undefined) => (asked.push(`slot for ${chatId}`), { waitMs: 120, busy: false }), connected: () => true };
    const t = new ReplyLimit(slots, keptLogger().logger).transformer;
    const log: string[] = [];
    const t0 = Date.now();
    await t(okPrev(log), 'sendMessage', { chat_id: 1, text: 'x' } as never);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(110);
    const t1 = Date.now();
    await t(okPrev(log), 'answerCallbackQuery', { callback_query_id: '1' } as never);
    await t(okPrev(log), 'editMessageText', { chat_id: 1, message_id: 2, text: 'y' } as never);
    expect(Date.now() - t1).toBeLessThan(100);
    // The slot is asked for the chat written to (a group's window counts too).
    expect(asked).toEqual(['slot for 1']);
    expect(log).toEqual(['sendMessage', 'answerCallbackQuery', 'editMessageText']);
  });

  it('sends without a slot when Redis does not answer in time (a person who wrote is answered), and says so once', async () => {
    const { logger, warnings } = keptLogger();
    const hanging = { reserveReply: () => new Promise<{ waitMs: number; busy: boolean }>(() => undefined), connected: () => true };
    const t = new ReplyLimit(hanging, logger).transformer;
    const log: string[] = [];
    const t0 = Date.now();
    await t(okPrev(log), 'sendMessage', { chat_id: 1, text: 'x' } as never);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(REPLY_SLOT_TIMEOUT_MS - 10);
    expect(log).toEqual(['sendMessage']);
    await t(okPrev(log), 'sendMessage', { chat_id: 1, text: 'x' } as never);
    expect(log).toEqual(['sendMessage', 'sendMessage']);
    // Said once a minute, not for every reply.
    expect(warnings).toEqual(['reply limit: Redis gave no slot in time, sending without one']);
  });

  it('sends without a slot when asking for one throws at once, ahead or not (the step and its reply go on)', async () => {
    const { logger, warnings } = keptLogger();
    const throwing = { reserveReply: (): Promise<{ waitMs: number; busy: boolean }> => { throw new Error('no client'); }, connected: () => true };
    const limit = new ReplyLimit(throwing, logger);
    expect(() => limit.askAhead(7)).not.toThrow();
    const log: string[] = [];
    await limit.transformer(okPrev(log), 'sendMessage', { chat_id: 7, text: 'x' } as never);
    await limit.transformer(okPrev(log), 'sendMessage', { chat_id: 8, text: 'x' } as never);
    expect(log).toEqual(['sendMessage', 'sendMessage']);
    expect(warnings).toEqual(['reply limit: no slot from Redis, sending without one']);
  });

  it('says so when Redis fails the call, once a minute', async () => {
    const { logger, warnings } = keptLogger();
    const failing = { reserveReply: () => Promise.reject(new Error('Connection is closed.')), connected: () => true };
    const f = new ReplyLimit(failing, logger).transformer;
    const log: string[] = [];
    await f(okPrev(log), 'sendMessage', { chat_id: 1, text: 'x' } as never);
    await f(okPrev(log), 'sendMessage', { chat_id: 1, text: 'x' } as never);
    expect(log).toEqual(['sendMessage', 'sendMessage']);
    expect(warnings).toEqual(['reply limit: no slot from Redis, sending without one']);
  });

  it('takes another slot when the answer came too late for the one it had in a busy window (the slot has passed: sending now would bunch with the next ones)', async () => {
    const answers: (number | string | undefined)[] = [];
    // The first answer comes 3× the allowed lateness after the script ran; the second at once.
    const slots = {
      reserveReply: async (chatId: number | string | undefined) => {
        answers.push(chatId);
        if (answers.length === 1) await new Promise((r) => setTimeout(r, REPLY_MAX_LATE_MS * 3));
        return { waitMs: 0, busy: true };
      },
      connected: () => true,
    };
    const log: string[] = [];
    await new ReplyLimit(slots, keptLogger().logger).transformer(okPrev(log), 'sendMessage', { chat_id: -100123, text: 'x' } as never);
    // The second slot is an overall one only: the group's place taken first still stands.
    expect(answers).toEqual([-100123, undefined]);
    expect(log).toEqual(['sendMessage']);
  });

  it('goes late in a quiet window rather than spend another round trip (a loaded process would only get slower)', async () => {
    let asked = 0;
    const quiet = { reserveReply: async () => (asked++, await new Promise((r) => setTimeout(r, REPLY_MAX_LATE_MS * 3)), { waitMs: 0, busy: false }), connected: () => true };
    const log: string[] = [];
    await new ReplyLimit(quiet, keptLogger().logger).transformer(okPrev(log), 'sendMessage', { chat_id: 1, text: 'x' } as never);
    expect(asked).toBe(1);
    expect(log).toEqual(['sendMessage']);
  });

  it('goes late after four slots rather than never (a Redis slower than the allowed lateness), and says so', async () => {
    const { logger, warnings } = keptLogger();
    let asked = 0;
    const slow = { reserveReply: async () => (asked++, await new Promise((r) => setTimeout(r, REPLY_MAX_LATE_MS * 2)), { waitMs: 0, busy: true }), connected: () => true };
    const log: string[] = [];
    await new ReplyLimit(slow, logger).transformer(okPrev(log), 'sendMessage', { chat_id: 1, text: 'x' } as never);
    expect(asked).toBe(4);
    expect(log).toEqual(['sendMessage']);
    expect(warnings).toEqual(['reply limit: sending late for its slot (is Redis slow?)']);
  });
});

describe('ReplyLimit.askAhead (the reply\'s slot asked for in the commit\'s round trip)', () => {
  /** Slots that record who asked and answer at once. */
  function countingSlots(slot: { waitMs: number; busy: boolean }, connected = () => true) {
    const asked: (number | string | undefined)[] = [];
    return { asked, slots: { reserveReply: async (chatId: number | string | undefined) => (asked.push(chatId), slot), connected } };
  }
  afterEach(() => jest.restoreAllMocks());

  it('gives the slot asked for ahead to the next message to that chat: no request of its own, and it waits the slot\'s time', async () => {
    // Quiet, as above: the assertion on requests must not depend on how late a timer wakes.
    const { asked, slots } = countingSlots({ waitMs: 120, busy: false });
    const limit = new ReplyLimit(slots, keptLogger().logger);
    limit.askAhead(7);
    expect(asked).toEqual([7]);
    const log: string[] = [];
    const t0 = Date.now();
    await limit.transformer(okPrev(log), 'sendMessage', { chat_id: 7, text: 'x' } as never);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(100);
    expect(asked).toEqual([7]);
    // One message takes it: the answer's second message asks for its own.
    await limit.transformer(okPrev(log), 'sendMessage', { chat_id: 7, text: 'y' } as never);
    expect(asked).toEqual([7, 7]);
    expect(log).toEqual(['sendMessage', 'sendMessage']);
  });

  it('keeps it for that chat only, asks once while it is kept, and not at all while Redis is not connected', async () => {
    const { asked, slots } = countingSlots({ waitMs: 0, busy: false });
    const limit = new ReplyLimit(slots, keptLogger().logger);
    limit.askAhead(7);
    limit.askAhead(7);
    expect(asked).toEqual([7]);
    await limit.transformer(okPrev([]), 'sendMessage', { chat_id: 8, text: 'x' } as never);
    expect(asked).toEqual([7, 8]);
    const down = countingSlots({ waitMs: 0, busy: false }, () => false);
    new ReplyLimit(down.slots, keptLogger().logger).askAhead(7);
    expect(down.asked).toEqual([]);
  });

  it('does not give a slot kept past AHEAD_KEPT_MS (the step sent nothing then): the message asks for a new one, and the old request is forgotten', async () => {
    const { asked, slots } = countingSlots({ waitMs: 0, busy: true });
    const limit = new ReplyLimit(slots, keptLogger().logger);
    let now = Date.now();
    jest.spyOn(Date, 'now').mockImplementation(() => now);
    limit.askAhead(7);
    now += AHEAD_KEPT_MS + 1;
    // Another chat's request clears the stale one, so a later ask for 7 asks again.
    limit.askAhead(8);
    limit.askAhead(7);
    expect(asked).toEqual([7, 8, 7]);
    now += AHEAD_KEPT_MS + 1;
    await limit.transformer(okPrev([]), 'sendMessage', { chat_id: 7, text: 'x' } as never);
    expect(asked).toEqual([7, 8, 7, 7]);
  });

  it('counts lateness from the moment it was asked for: in a busy window a reply that went too long after takes another slot', async () => {
    const { asked, slots } = countingSlots({ waitMs: 0, busy: true });
    const limit = new ReplyLimit(slots, keptLogger().logger);
    limit.askAhead(7);
    // The commit and the rendering took longer than a slot may be late.
    await new Promise((r) => setTimeout(r, REPLY_MAX_LATE_MS * 3));
    const log: string[] = [];
    await limit.transformer(okPrev(log), 'sendMessage', { chat_id: 7, text: 'x' } as never);
    expect(asked).toEqual([7, undefined]);
    expect(log).toEqual(['sendMessage']);
  });
});

describe('telegramLimitsFor (TELEGRAM_MESSAGES_PER_SECOND)', () => {
  it('gives the default limits for Telegram’s 30 a second, and keeps the margin for a paid-broadcast bot', () => {
    expect(telegramLimitsFor(30)).toEqual(DEFAULT_TELEGRAM_LIMITS);
    const fast = telegramLimitsFor(1000);
    // At most 999 in any 1.1 s window and 1 ms apart: never over 1,000 in a second.
    expect([fast.globalMax, fast.globalWindowMs, fast.globalMinGapMs]).toEqual([999, 1100, 1]);
    expect(fast.chatIntervalMs).toBe(DEFAULT_TELEGRAM_LIMITS.chatIntervalMs);
  });
});
