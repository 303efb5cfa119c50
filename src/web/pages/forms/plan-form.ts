import type { Plan, PlanInput } from '../../../caseworkers/desk';

/*
 * The integration plan's page sends flat fields, one set per row (`need_text_0`, `goal_term_1`,
 * `activity_due_2` …), so that it works without script and with the plain form parser; the
 * page always offers a few empty rows to add to. This turns them into the plan's shape
 * (PlanSchema parses it), leaving out rows left entirely empty.
 */

/** Empty rows the page adds after the filled ones, so a need, goal, activity or review can be added. */
export const SPARE_ROWS = { needs: 2, goals: 1, activities: 2, reviews: 1 } as const;

/** The most rows of each list the page reads back. */
const MAX_ROWS = 60;

type Body = Record<string, unknown>;
const str = (b: Body, k: string): string => (typeof b[k] === 'string' ? (b[k] as string) : '');

/** Rows 0, 1, … of a list while any of its fields is present in the body. */
function rows<T>(b: Body, fields: readonly string[], prefix: string, read: (i: number) => T): T[] {
  const out: T[] = [];
  for (let i = 0; i < MAX_ROWS; i++) {
    const present = fields.some((f) => `${prefix}_${f}_${i}` in b);
    if (!present) break;
    const filled = fields.some((f) => str(b, `${prefix}_${f}_${i}`).trim() !== '' && !['status', 'term', 'goal', 'agreed'].includes(f));
    if (filled) out.push(read(i));
  }
  return out;
}

/** The plan as the page's form sent it, ready for PlanSchema. */
export function planFromForm(b: Body): PlanInput {
  return {
    needs: rows(b, ['text', 'area'], 'need', (i) => ({ text: str(b, `need_text_${i}`), ...(str(b, `need_area_${i}`) ? { area: str(b, `need_area_${i}`) } : {}) })) as PlanInput['needs'],
    goals: rows(b, ['text', 'term', 'agreed'], 'goal', (i) => ({ text: str(b, `goal_text_${i}`), term: str(b, `goal_term_${i}`), agreedWithPerson: b[`goal_agreed_${i}`] === 'on' })) as PlanInput['goals'],
    activities: rows(b, ['text', 'owner', 'due', 'goal', 'status'], 'activity', (i) => ({
      goal: str(b, `activity_goal_${i}`),
      text: str(b, `activity_text_${i}`),
      owner: str(b, `activity_owner_${i}`),
      due: str(b, `activity_due_${i}`),
      status: str(b, `activity_status_${i}`),
    })) as PlanInput['activities'],
    reviews: rows(b, ['on', 'progress', 'changes', 'agreed'], 'review', (i) => ({
      on: str(b, `review_on_${i}`),
      progress: str(b, `review_progress_${i}`),
      ...(str(b, `review_changes_${i}`) ? { changes: str(b, `review_changes_${i}`) } : {}),
      agreedWithPerson: b[`review_agreed_${i}`] === 'on',
    })) as PlanInput['reviews'],
  };
}

/** What the plan's form shows: the saved (or just sent) rows, then empty ones to add to. */
export function planRows(plan: Partial<Plan> | PlanInput | undefined) {
  const blank = <T>(n: number, row: T) => Array.from({ length: n }, () => ({ ...row }));
  const p = plan ?? {};
  return {
    needs: [...((p.needs ?? []) as { text: string; area?: string }[]), ...blank(SPARE_ROWS.needs, { text: '', area: '' })],
    goals: [...((p.goals ?? []) as { text: string; term: string; agreedWithPerson: boolean }[]), ...blank(SPARE_ROWS.goals, { text: '', term: 'short', agreedWithPerson: false })],
    activities: [...((p.activities ?? []) as { goal: number | string; text: string; owner: string; due: string; status: string }[]), ...blank(SPARE_ROWS.activities, { goal: 1, text: '', owner: '', due: '', status: 'planned' })],
    reviews: [...((p.reviews ?? []) as { on: string; progress: string; changes?: string; agreedWithPerson: boolean }[]), ...blank(SPARE_ROWS.reviews, { on: '', progress: '', changes: '', agreedWithPerson: false })],
  };
}
