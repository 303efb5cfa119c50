import { z } from 'zod';
import { Q3_AREAS } from '../../flows/rules/eligibility';
import { formDate, formLine, formText, optionalText } from './form-fields';

/**
 * The individual integration plan (spec §3.7), the one definition of what a plan holds:
 * - `needs` in priority order, the most urgent first (the list's order is the priority);
 * - `goals` defined together with the person (each one says so: rule 2);
 * - `activities`, each serving a goal (rule 4), with who carries it out, by when, and how far
 *   it has come;
 * - `reviews` over time: progress and changes, agreed with the person (rule 5).
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
  area: z.enum(Q3_AREAS).optional(),
});

export const GoalSchema = z.object({
  text: formText,
  term: z.enum(GOAL_TERMS),
  /** Rule 2: goals are defined together with the person; a goal they did not agree is not one. */
  agreedWithPerson: z.literal(true, { error: 'a goal must be agreed with the person' }),
});

export const ActivitySchema = z.object({
  /** The goal it serves: its number in `goals`, from 1. */
  goal: z.coerce.number().int().min(1),
  text: formText,
  /** Who carries it out with the person (a name, a service, "the person themself"). */
  owner: formLine,
  /** By when. */
  due: formDate,
  status: z.enum(ACTIVITY_STATUSES),
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
    needs: z.array(NeedSchema).min(1).max(50),
    goals: z.array(GoalSchema).min(1).max(50),
    activities: z.array(ActivitySchema).max(200),
    reviews: z.array(ReviewSchema).max(200),
  })
  .superRefine((plan, ctx) => {
    plan.activities.forEach((a, i) => {
      if (a.goal > plan.goals.length) ctx.addIssue({ code: 'custom', path: ['activities', i, 'goal'], message: `must name one of the plan's ${plan.goals.length} goals` });
    });
  });
export type Plan = z.infer<typeof PlanSchema>;
export type PlanInput = z.input<typeof PlanSchema>;
export type ActivityStatus = (typeof ACTIVITY_STATUSES)[number];
