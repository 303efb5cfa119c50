import { z } from 'zod';
import { Q3_AREAS } from '../../flows/rules/eligibility';
import { formDate, formLine, formText, optionalText, type FieldProblem } from './form-fields';

/**
 * The individual integration plan (spec §3.7), the one definition of what a plan holds:
 * - `needs` in priority order, the most urgent first (the list's order is the priority);
 * - `goals` defined together with the person (each one says so: rule 2);
 * - `activities`, each serving a goal (rule 4), with who carries it out, by when, and how far
 *   it has come;
 * - `reviews` over time: progress and changes, agreed with the person (rule 5).
 * Each problem's message is a {@link FieldProblem} the page translates.
 * Saving it again makes a new version (versioned-forms.ts); nothing of an old one is lost.
 * The person's consent (Annex 4) must be on the case before a plan is prepared (rule 1): the
 * use case that saves it checks that.
 */

/** Where an activity stands. */
export const ACTIVITY_STATUSES = ['planned', 'in_progress', 'done', 'cancelled'] as const;
/** A goal's horizon, as Annex 1 field 22 names them. */
export const GOAL_TERMS = ['short', 'long'] as const;

export const NeedSchema = z.object({
  text: formText,
  /** The service area it belongs to (spec §2), when it belongs to one. */
  area: z.enum(Q3_AREAS, { error: 'not_an_option' }).optional(),
});

export const GoalSchema = z.object({
  text: formText,
  term: z.enum(GOAL_TERMS, { error: 'not_an_option' }),
  /** Rule 2: goals are defined together with the person; a goal they did not agree is not one. */
  agreedWithPerson: z.literal(true, { error: 'not_agreed' }),
});

export const ActivitySchema = z.object({
  /** The goal it serves: its number in `goals`, from 1. */
  goal: z.coerce.number({ error: 'unknown_goal' }).int({ error: 'unknown_goal' }).min(1, { error: 'unknown_goal' }),
  text: formText,
  /** Who carries it out with the person (a name, a service, "the person themself"). */
  owner: formLine,
  /** By when. */
  due: formDate,
  status: z.enum(ACTIVITY_STATUSES, { error: 'not_an_option' }),
});

export const ReviewSchema = z.object({
  on: formDate,
  progress: formText,
  /** What changes, if any (activities changed only with the person's consent: rule 5). */
  changes: optionalText,
  agreedWithPerson: z.boolean(),
});

export const PlanSchema = z
  .object({
    needs: z.array(NeedSchema).min(1, { error: 'none' }).max(50, { error: 'too_many' }),
    goals: z.array(GoalSchema).min(1, { error: 'none' }).max(50, { error: 'too_many' }),
    activities: z.array(ActivitySchema).max(200, { error: 'too_many' }),
    reviews: z.array(ReviewSchema).max(200, { error: 'too_many' }),
  })
  .superRefine((plan, ctx) => {
    plan.activities.forEach((a, i) => {
      if (a.goal > plan.goals.length) ctx.addIssue({ code: 'custom', path: ['activities', i, 'goal'], message: 'unknown_goal' satisfies FieldProblem });
    });
  });
export type Plan = z.infer<typeof PlanSchema>;
export type PlanInput = z.input<typeof PlanSchema>;
export type ActivityStatus = (typeof ACTIVITY_STATUSES)[number];
