/**
 * The statuses the case list shows, and how a case moves through them (issue 12 §3):
 *
 *   new → claimed → met → assessed → in_plan → closed      (or withdrawn, or erased, at any time)
 *
 * The bot writes `status` on the case hash while a person goes through the intake (`open`,
 * `consented`, `intake_completed`), and `withdrawn` or `erased` when they use their rights; the
 * desk writes `met` when the person came to their meeting, `assessed` when Annex 1 is saved,
 * `in_plan` when a plan is saved, and `closed`. "claimed" is not a stored status: a case the bot
 * left in one of its statuses is `claimed` while someone holds it (`claimed_by`), `new` otherwise.
 */
export const LIST_STATUSES = ['new', 'claimed', 'met', 'assessed', 'in_plan', 'closed', 'withdrawn', 'erased'] as const;
export type ListStatus = (typeof LIST_STATUSES)[number];

/** The first meeting's steps, in order: a case only ever moves forward through them. */
export const MEETING_STATUSES = ['met', 'assessed', 'in_plan'] as const;
export type MeetingStatus = (typeof MEETING_STATUSES)[number];

/** What the bot writes before the first meeting (any other status is a later one). */
export const INTAKE_STATUSES = ['open', 'consented', 'intake_completed'] as const;

/** Statuses after which nothing moves a case forward any more. */
export const FINAL_STATUSES = ['closed', 'withdrawn', 'erased'] as const;

/**
 * The stored statuses a case may leave when it reaches `to`: the bot's and the meeting steps
 * before `to` (never a later step, never a final status).
 * @example replaceableBy('assessed') // ['', 'open', 'consented', 'intake_completed', 'met']
 */
export function replaceableBy(to: MeetingStatus): string[] {
  return ['', ...INTAKE_STATUSES, ...MEETING_STATUSES.slice(0, MEETING_STATUSES.indexOf(to))];
}

/**
 * The list status of a case from its hash's `status` and `claimed_by`. Pure. An unknown stored
 * status counts as `new` (a case from a later version is still listed).
 * @example listStatusOf({ status: 'intake_completed', claimed_by: 's-1' }) // 'claimed'
 */
export function listStatusOf(hash: { status?: string; claimed_by?: string }): ListStatus {
  const s = hash.status ?? '';
  if ((FINAL_STATUSES as readonly string[]).includes(s) || (MEETING_STATUSES as readonly string[]).includes(s)) return s as ListStatus;
  return hash.claimed_by ? 'claimed' : 'new';
}

/**
 * Told after the desk changed a case's stored status (met, assessed, in_plan, closed), so that
 * whatever keeps lists of cases by status (the web workspace's indexes) can follow. Optional on
 * the desk; a failing listener is logged and does not undo the change.
 */
export type CaseStatusChanged = (change: { caseCode: string; status: string; at: Date }) => Promise<void>;
