import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../core/errors';
import { SUPPORTED_LANGS } from '../core/lang';

/** Text given in every supported language. */
const localized = z.object(Object.fromEntries(SUPPORTED_LANGS.map((l) => [l, z.string().min(1)])) as Record<(typeof SUPPORTED_LANGS)[number], z.ZodString>);

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
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ConfigError(`${file}: cannot read: ${(e as Error).message.split('\n')[0]}`);
  }
  const parsed = ProgrammeContentSchema.safeParse(raw);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new ConfigError(`${file}: ${i.path.join('.') || 'top level'}: ${i.message}`);
  }
  return parsed.data;
}
