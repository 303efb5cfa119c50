import { z } from 'zod';
import { CrisisCategorySchema, type CrisisCategory } from '../config/safeguarding';
import { LangSchema, type Lang } from '../core/lang';

/*
 * The adverse incident report of Annex 3 (spec §6.1) as Körpü keeps it: what the bot fills in
 * when it opens a draft, what a case worker adds, and when the report is complete. Pure;
 * incident-store.ts keeps reports on Redis.
 */

/** Ids of reports and staff: letters, digits and _ . : @ - (effect ids, staff ids, Telegram ids). */
const INCIDENT_ID_PATTERN = /^[A-Za-z0-9_.:@-]{1,200}$/;

/**
 * Annex 3 "what was the adverse incident?" options, in the form's order (spec §6.1). Wire
 * strings; labels are `safeguarding:incident.type.<option>`.
 */
export const INCIDENT_TYPES = ['psychological_stress', 'exploitation', 'suicidal', 'homicide', 'partner_violence', 'substance_influence', 'under_pressure', 'other'] as const;
export const IncidentTypeSchema = z.enum(INCIDENT_TYPES);
export type IncidentType = z.infer<typeof IncidentTypeSchema>;

export type IncidentStatus = 'draft' | 'complete';
/** `bot`: drafted from a crisis message; `staff`: started by a member of staff. */
export type IncidentOrigin = 'bot' | 'staff';

/** What a member of staff gives when they start a report themselves (the rest is filled in like a draft's). */
export const StaffIncidentSchema = z.object({
  caseCode: z.string().min(1).max(64),
  lang: LangSchema,
  urgent: z.boolean(),
  at: z.date(),
  /** The staff id of who starts it. */
  by: z.string().regex(INCIDENT_ID_PATTERN),
});
export type StaffIncident = z.infer<typeof StaffIncidentSchema>;

/** The draft's Annex 3 options from what the bot recognised; the case worker corrects them. */
export function suggestedIncidentTypes(category: CrisisCategory, cue: string): IncidentType[] {
  switch (category) {
    case 'suicide':
      return ['suicidal'];
    case 'exploitation':
      return ['exploitation'];
    case 'violence':
      // Annex 3 has no plain "violence": a homicide is option 4; whether it was a partner
      // (option 5) only the conversation with the person tells.
      return cue.endsWith('.killed') ? ['homicide'] : ['other'];
    case 'medical':
      return ['other'];
  }
}

/** Ids of reports and case workers: letters, digits and _ . : @ - (effect ids, Telegram ids). */
export const INCIDENT_ID = INCIDENT_ID_PATTERN;
const text = z.string().trim().min(1).max(4000);

/** What the bot knows when it opens a draft report. */
export const DraftIncidentSchema = z.object({
  /** Caller-chosen and stable (e.g. the crisis effect's id): a second create is a no-op. */
  id: z.string().regex(INCIDENT_ID, 'must be 1–200 letters, digits or _ . : @ -'),
  caseCode: z.string().min(1).max(64),
  channel: z.string().regex(/^[a-z_]+$/),
  lang: LangSchema,
  category: CrisisCategorySchema,
  /** The lexicon cue id, never the person's words. */
  cue: z.string().regex(/^[a-z_.]+$/),
  /** When the message came in: the incident date of Annex 3 until the worker corrects it. */
  at: z.date(),
  /** The person's own message, if the host keeps it for the worker (stored encrypted). */
  message: text.optional(),
});
export type DraftIncident = z.infer<typeof DraftIncidentSchema>;

/** What a case worker may fill in or correct while the report is a draft. Text is never cleared. */
export const IncidentPatchSchema = z
  .object({
    occurredAt: z.date(),
    types: z.array(IncidentTypeSchema).min(1),
    otherDescription: text,
    whatHappened: text,
    howHandled: text,
    adviceGiven: z.boolean(),
    advice: text,
    referredTo: text,
    nextCallMade: z.boolean(),
    nextCallAt: z.date(),
  })
  .partial()
  .strict();
export type IncidentPatch = z.infer<typeof IncidentPatchSchema>;

/** An incident report, decrypted. Annex 3 field numbers in brackets. */
export interface IncidentReport {
  id: string;
  /** [1] participant code */
  caseCode: string;
  channel: string;
  lang: Lang;
  /** Who opened it: the bot from a crisis message, or a member of staff. */
  origin: IncidentOrigin;
  /** What the bot recognised (reports the bot opened only). */
  category?: CrisisCategory;
  cue?: string;
  status: IncidentStatus;
  /** Urgent reports stay at the top of every list until someone acknowledges them. */
  urgent: boolean;
  /** Who acknowledged an urgent report (staff id), and when. */
  acknowledgedBy?: string;
  acknowledgedAt?: Date;
  /** [2] date the incident occurred */
  occurredAt: Date;
  /** [3] date of this report (draft creation) */
  reportedAt: Date;
  /** When the case worker's follow-up call is due (config `followUpAfterMinutes`; reports the bot opened). */
  followUpDueAt?: Date;
  /** [4] what the incident was */
  types: IncidentType[];
  otherDescription?: string;
  message?: string;
  whatHappened?: string;
  /** [5] how it was handled */
  howHandled?: string;
  /** [6] appropriate recommendations given */
  adviceGiven?: boolean;
  advice?: string;
  /** [7] where the person was referred */
  referredTo?: string;
  /** [8] follow-up call made */
  nextCallMade?: boolean;
  nextCallAt?: Date;
  /** The case worker who last changed the report. */
  workerId?: string;
  updatedAt: Date;
  completedAt?: Date;
}

/** Fields a report needs before it can be completed. */
export type IncidentField = 'types' | 'otherDescription' | 'whatHappened' | 'howHandled' | 'adviceGiven' | 'referredTo' | 'nextCallMade' | 'nextCallAt';

export type UpdateOutcome = { status: 'updated'; report: IncidentReport } | { status: 'not_found' } | { status: 'locked' };
export type CompleteOutcome = UpdateOutcome | { status: 'incomplete'; missing: IncidentField[] };

/**
 * What a report still lacks before it can be completed: the incident types (with a description
 * when "other" is ticked), what happened, how it was handled (Annex 3 field 5), whether advice
 * was given (6), the referral (7), whether a follow-up call was made (8), and its date if so.
 * @example missingForCompletion({ ...draft, howHandled: '…' }) // ['whatHappened', 'adviceGiven', …]
 */
export function missingForCompletion(r: Pick<IncidentReport, IncidentField>): IncidentField[] {
  const missing: IncidentField[] = [];
  if (!r.types.length) missing.push('types');
  if (r.types.includes('other') && !r.otherDescription) missing.push('otherDescription');
  for (const f of ['whatHappened', 'howHandled', 'adviceGiven', 'referredTo', 'nextCallMade'] as const) if (r[f] === undefined) missing.push(f);
  if (r.nextCallMade && !r.nextCallAt) missing.push('nextCallAt');
  return missing;
}
