import { z } from 'zod';

/*
 * The field types the first meeting's forms share: what a browser form sends (strings, an
 * empty box for "nothing"), parsed into what is stored.
 */

/** Longest free text a form field keeps (a page of notes). */
export const MAX_TEXT = 4000;

/**
 * What is wrong with a form field, as the schemas' issue message: a wire value that the pages
 * translate (`casework:form.issue.<problem>`), so that a case worker reads "Fill this in" in
 * their language rather than zod's English. Any other message shows as "Check this field".
 */
export const FIELD_PROBLEMS = ['required', 'too_long', 'not_a_date', 'no_such_date', 'future_date', 'after_assessment', 'before_case', 'not_an_option', 'not_agreed', 'unknown_goal', 'none', 'too_many'] as const;
export type FieldProblem = (typeof FIELD_PROBLEMS)[number];

/** An empty or blank box is "not filled in" rather than an empty answer. */
const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

/** Free text, trimmed, 1–4000 characters. */
export const formText = z.string({ error: 'required' }).trim().min(1, { error: 'required' }).max(MAX_TEXT, { error: 'too_long' });
/** Free text that may be left empty. */
export const optionalText = z.preprocess(blankToUndefined, formText.optional());
/** A short line (a name, a place, an owner), trimmed, 1–200 characters. */
export const formLine = z.string({ error: 'required' }).trim().min(1, { error: 'required' }).max(200, { error: 'too_long' });
export const optionalLine = z.preprocess(blankToUndefined, formLine.optional());

/** A calendar date as forms write it (YYYY-MM-DD), checked to exist (no 31 February). */
export const formDate = z
  .string({ error: 'not_a_date' })
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'not_a_date' })
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
  }, { error: 'no_such_date' });
export const optionalDate = z.preprocess(blankToUndefined, formDate.optional());

/** Yes or no, as the paper forms ask it. */
export const yesNo = z.enum(['yes', 'no'], { error: 'not_an_option' });

/** A list the browser sends as one value or several (checkboxes); nothing ticked is an empty list. */
export const checkboxes = <T extends z.ZodTypeAny>(item: T) => z.preprocess((v) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]), z.array(item));
