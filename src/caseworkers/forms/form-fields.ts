import { z } from 'zod';

/*
 * The field types the first meeting's forms share: what a browser form sends (strings, an
 * empty box for "nothing"), parsed into what is stored.
 */

/** Longest free text a form field keeps (a page of notes). */
export const MAX_TEXT = 4000;

/** An empty or blank box is "not filled in" rather than an empty answer. */
const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

/** Free text, trimmed, 1–4000 characters. */
export const formText = z.string().trim().min(1).max(MAX_TEXT);
/** Free text that may be left empty. */
export const optionalText = z.preprocess(blankToUndefined, formText.optional());
/** A short line (a name, a place, an owner), trimmed, 1–200 characters. */
export const formLine = z.string().trim().min(1).max(200);
export const optionalLine = z.preprocess(blankToUndefined, formLine.optional());

/** A calendar date as forms write it (YYYY-MM-DD), checked to exist (no 31 February). */
export const formDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
  }, 'must be a date that exists');
export const optionalDate = z.preprocess(blankToUndefined, formDate.optional());

/** Yes or no, as the paper forms ask it. */
export const yesNo = z.enum(['yes', 'no']);

/** A list the browser sends as one value or several (checkboxes); nothing ticked is an empty list. */
export const checkboxes = <T extends z.ZodTypeAny>(item: T) => z.preprocess((v) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]), z.array(item));
