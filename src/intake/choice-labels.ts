/**
 * Answers chosen from a list are stored as the choice's value (`reason: family`); where they are
 * shown — to the person (/mydata), in a case worker's alert, in the workspace's case file — they
 * are shown in words, in the reader's language. This says where those words are.
 */
const CHOICE_LABELS: Readonly<Record<string, string>> = {
  reason: 'interview:reason.',
  referral_source: 'interview:referral.',
  telegram: 'common:button.',
  q4_concern: 'common:button.',
};

/** The text key of a stored choice (`reason`, `family` → `interview:reason.family`), or undefined for a typed answer. */
export function choiceLabelKey(field: string, value: string): string | undefined {
  const prefix = CHOICE_LABELS[field];
  return prefix ? `${prefix}${value}` : undefined;
}
