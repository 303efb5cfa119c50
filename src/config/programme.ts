import { loadYamlConfig } from './yaml-file';
import { z } from 'zod';
import { localizedText } from './localized';

/** Text given in every supported language (az, ru, en required; see localized.ts). */
const localized = localizedText(z.string().min(1));

const reasons = z.enum(['q1_no', 'q2_no', 'q3_none', 'q4_yes']);

/**
 * Deployment content that is not conversation text: the programme office and the referral
 * list shown to people the rule does not admit. Kept in `config/programme.yaml` so that
 * programme staff can change it without a release.
 */
export const ProgrammeContentSchema = z.object({
  office: z.object({
    name: localized,
    address: localized.optional(),
    hours: localized.optional(),
  }),
  referrals: z
    .array(
      z.object({
        id: z.string().regex(/^[a-z0-9_]+$/),
        name: localized,
        what: localized,
        contact: z.string().optional(),
        /** Shown when the diagnosis failed for one of these reasons; empty = always. */
        for: z.array(reasons).default([]),
      }),
    )
    .min(1),
});
export type ProgrammeContent = z.infer<typeof ProgrammeContentSchema>;

/** Reads and checks the programme content file; a bad file stops start-up with its path. */
export function loadProgrammeContent(file: string): ProgrammeContent {
  return loadYamlConfig(file, ProgrammeContentSchema);
}
