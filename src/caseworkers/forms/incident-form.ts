import { z } from 'zod';
import { IncidentTypeSchema, type IncidentPatch } from '../../safeguarding/incident-report';
import { checkboxes, optionalDate, optionalText, yesNo } from './form-fields';

/** A form date (YYYY-MM-DD) as the report's instant: noon UTC, so it is that day in every programme time zone. */
const asDay = (d: string | undefined) => (d === undefined ? undefined : new Date(`${d}T12:00:00Z`));

/**
 * Annex 3 as a browser sends it (spec §6.1): every field optional, since a draft is filled in
 * over time; an empty box leaves a field as it was (report text is never cleared). Parses into
 * the store's IncidentPatch (safeguarding/incident-report.ts), the report's one definition.
 */
export const IncidentFormSchema = z
  .object({
    /** [2] Date the incident occurred. */
    occurredOn: optionalDate,
    /** [4] What the incident was: one or more of the eight types. */
    types: checkboxes(IncidentTypeSchema),
    otherDescription: optionalText,
    whatHappened: optionalText,
    /** [5] How it was handled. */
    howHandled: optionalText,
    /** [6] Appropriate recommendations given? */
    adviceGiven: z.preprocess((v) => (v === '' ? undefined : v), yesNo.optional()),
    advice: optionalText,
    /** [7] Where the person was referred. */
    referredTo: optionalText,
    /** [8] Follow-up call made? */
    nextCallMade: z.preprocess((v) => (v === '' ? undefined : v), yesNo.optional()),
    nextCallOn: optionalDate,
  })
  .transform((f): IncidentPatch => {
    const patch: IncidentPatch = {};
    const occurredAt = asDay(f.occurredOn);
    if (occurredAt) patch.occurredAt = occurredAt;
    if (f.types.length) patch.types = f.types;
    for (const k of ['otherDescription', 'whatHappened', 'howHandled', 'advice', 'referredTo'] as const) if (f[k] !== undefined) patch[k] = f[k];
    if (f.adviceGiven) patch.adviceGiven = f.adviceGiven === 'yes';
    if (f.nextCallMade) patch.nextCallMade = f.nextCallMade === 'yes';
    const nextCallAt = asDay(f.nextCallOn);
    if (nextCallAt) patch.nextCallAt = nextCallAt;
    return patch;
  });
export type IncidentFormInput = z.input<typeof IncidentFormSchema>;
