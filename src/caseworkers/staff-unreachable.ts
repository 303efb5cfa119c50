import type { Redis } from 'ioredis';
import type { Clock } from '../core/clock';
import { DEFAULT_LANG, type Lang } from '../core/lang';
import type { Logger } from '../core/logger';
import type { Notifier } from '../core/notifier';
import type { RedisKeys } from '../storage/keys';
import { staffNames } from './alert-notices';
import type { RosterStore } from './roster';

/** How long after asking the case workers' chat about one member of staff it is not asked again. */
export const STAFF_UNREACHABLE_QUIET_SECONDS = 24 * 3600;

export interface StaffUnreachableDeps {
  redis: Pick<Redis, 'set'>;
  keys: Pick<RedisKeys, 'staffUnreachableAsked'>;
  notifier: Pick<Notifier, 'notify'>;
  roster: Pick<RosterStore, 'list'>;
  clock: Clock;
  logger: Logger;
  /** The bot's username (for the t.me link), found when first needed; undefined when it cannot be. */
  botUsername: () => Promise<string | undefined>;
  /** The case workers' chat's language (as its alerts'). */
  lang?: Lang;
  quietSeconds?: number;
}

/**
 * A notice to a member of staff that Telegram refused (403: they never opened a private chat
 * with the bot, or blocked it) would leave them never told. The case workers' chat is asked
 * instead to have them open a private chat with the bot: a line naming the worker (as the
 * alerts do) with the bot's link, and nothing of the notice itself (it may be about a person).
 * Once per worker per {@link STAFF_UNREACHABLE_QUIET_SECONDS}, not once per notice refused, so
 * that a burst of notices does not flood the chat.
 */
export function askCaseworkersToReachStaff(d: StaffUnreachableDeps): (staffId: string) => Promise<void> {
  const quiet = d.quietSeconds ?? STAFF_UNREACHABLE_QUIET_SECONDS;
  return async (staffId) => {
    const first = await d.redis.set(d.keys.staffUnreachableAsked(staffId), '1', 'EX', quiet, 'NX');
    if (first !== 'OK') return;
    const username = await d.botUsername().catch(() => undefined);
    const worker = (await staffNames(d.roster))(staffId);
    const key = username ? 'caseworker:staff_unreachable.ask' : 'caseworker:staff_unreachable.ask_no_link';
    // One id per worker and period: asked again by a second process at once, it is sent once.
    const period = Math.floor(d.clock.now().getTime() / (quiet * 1000));
    await d.notifier.notify({
      id: `staff_unreachable:${staffId}:${period}`,
      to: { type: 'caseworkers' },
      lang: d.lang ?? DEFAULT_LANG,
      kind: 'notice',
      output: { type: 'message', text: [{ key, params: { worker, ...(username ? { link: `https://t.me/${username}` } : {}) } }] },
    });
    d.logger.info({}, 'outbox: a notice to a member of staff was refused (403); the case workers’ chat was asked to have them open a private chat with the bot');
  };
}

/** What {@link tellHolderAnswerNotDelivered} reads and tells through. */
export interface AnswerNotDeliveredDeps {
  claims: { get(caseCode: string): Promise<{ by: string } | undefined> };
  roster: Pick<RosterStore, 'byStaff'>;
  notifier: Pick<Notifier, 'notify'>;
  clock: Clock;
}

/**
 * A worker's answer in a talk (a text or a file, kind `relay`) that Telegram refused because
 * the person blocked the bot since the worker's answer was accepted: the worker holding the
 * case is told, as they are when the block was known before they answered. Once per block: the
 * person's chat is marked then, and the answers queued behind it are dropped without a try.
 */
export function tellHolderAnswerNotDelivered(d: AnswerNotDeliveredDeps): (blocked: { kind: string; caseCode?: string }) => Promise<void> {
  return async ({ kind, caseCode }) => {
    if (kind !== 'relay' || !caseCode) return;
    const claim = await d.claims.get(caseCode);
    const holder = claim ? await d.roster.byStaff(claim.by) : undefined;
    if (!holder) return;
    await d.notifier.notify({
      id: `relay_blocked:${caseCode}:${d.clock.now().getTime()}`,
      to: { type: 'staff', staffId: holder.staffId },
      lang: holder.worker?.langs[0] ?? DEFAULT_LANG,
      kind: 'notice',
      caseCode,
      output: { type: 'message', text: [{ key: 'handoff:talk.staff.blocked', params: { code: caseCode } }] },
    });
  };
}
