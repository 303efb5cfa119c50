import { loadYamlConfig } from './yaml-file';
import { z } from 'zod';
import { localizedText } from './localized';

/** Where the safeguarding settings live by default, relative to the project root. */
export const SAFEGUARDING_FILE = 'config/safeguarding.yaml';

/**
 * The kinds of crisis Körpü recognises in a message (Annex 3 of the guidelines, narrowed to
 * what needs a human at once). Wire string values; `detectCrisis` returns one of them.
 */
export const CRISIS_CATEGORIES = ['suicide', 'violence', 'exploitation', 'medical'] as const;
export const CrisisCategorySchema = z.enum(CRISIS_CATEGORIES);
export type CrisisCategory = z.infer<typeof CrisisCategorySchema>;

/** Text given in every supported language (az, ru, en required; see localized.ts). */
const localized = localizedText(z.string().trim().min(1));

/**
 * One emergency number shown to a person in crisis, e.g. 112.
 * @example { id: 'emergency_112', number: '112', name: { az: '…', ru: '…', en: 'Emergency number' }, what: { … } }
 */
export const EmergencyContactSchema = z.object({
  id: z.string().regex(/^[a-z0-9_]+$/, 'must be lower-case letters, digits and _'),
  /** What people dial: short numbers (112) or full ones (+994 12 …). */
  number: z.string().regex(/^\+?[0-9][0-9 ()-]{1,24}$/, 'must be a phone number: digits, spaces, ( ) - and an optional leading +'),
  name: localized,
  /** What to call it for, in a few words. */
  what: localized,
});
export type EmergencyContact = z.infer<typeof EmergencyContactSchema>;

/**
 * Safeguarding settings (config/safeguarding.yaml): the emergency numbers given to a person in
 * crisis, when the case worker's follow-up call is due, and which crisis categories are urgent
 * (alerted ahead of every ordinary alert).
 */
export const SafeguardingConfigSchema = z.object({
  emergencyContacts: z
    .array(EmergencyContactSchema)
    .min(1, 'must list at least one number (112)')
    .superRefine((list, ctx) => {
      const seen = new Set<string>();
      list.forEach((c, i) => {
        if (seen.has(c.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `duplicate id "${c.id}"` });
        seen.add(c.id);
      });
    }),
  /** Minutes from the crisis message to the follow-up call on the draft report (1440 = 24 h). */
  followUpAfterMinutes: z.number().int().min(5).max(14 * 24 * 60).default(1440),
  /** Categories whose alert jumps the queue. All of them unless the programme decides otherwise. */
  urgentCategories: z.array(CrisisCategorySchema).default([...CRISIS_CATEGORIES]),
});
export type SafeguardingConfig = z.infer<typeof SafeguardingConfigSchema>;

/**
 * Reads and checks the safeguarding file. A bad file stops start-up: the ConfigError has one
 * line per problem, each naming the file and the field (`config/safeguarding.yaml:
 * emergencyContacts.0.number: must be a phone number…`).
 * @example const sg = loadSafeguardingConfig(resolve(cwd, SAFEGUARDING_FILE));
 */
export function loadSafeguardingConfig(file: string): SafeguardingConfig {
  return loadYamlConfig(file, SafeguardingConfigSchema);
}
