import type { Update } from 'grammy/types';

/**
 * How long Körpü waits before it hands an update to the bot again itself, attempt after
 * attempt, when Telegram will not deliver it again and what failed is what a redelivery mends:
 * its reply not taken by Telegram (429s beyond what a reply may wait, 5xx, a call held and cut:
 * the step is saved and its reply kept, sent whole by the next handling), or, by webhook after
 * the early answer (run.ts), Redis away or every race with the chat's other updates lost. Long
 * polling never gets an update again; a webhook update answered 200 early neither. About eight
 * minutes in all; a process stopped meanwhile loses it.
 */
export const HANDLE_AGAIN_AFTER_MS: readonly number[] = [2_000, 10_000, 30_000, 60_000, 120_000, 300_000];

/**
 * Hands `update` to the bot again after `waitMs`, then calls `settled` with how it went (an
 * error thrown by the handling, or nothing). The timer does not hold the process open: a process
 * stopping does not wait for it.
 * @example handleAgainLater(bot, ctx.update, 2_000, (err) => err && logger.warn(…));
 */
export function handleAgainLater(bot: { handleUpdate(update: Update): Promise<void> }, update: Update, waitMs: number, settled: (err?: unknown) => void): void {
  const timer = setTimeout(() => {
    bot.handleUpdate(update).then(() => settled(), settled);
  }, waitMs);
  timer.unref();
}
