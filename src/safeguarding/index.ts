/**
 * Safeguarding (Annex 3): noticing a crisis in a message and keeping the incident report.
 *
 * What a host does with a text message, in this order (the conversation runner and the
 * channels do the wiring; nothing here sends or schedules anything):
 * 1. `detectCrisis(text)`: pure; a `CrisisMatch` `{ category, cue }` or undefined.
 * 2. Reply to the person at once in their language: `SAFEGUARDING_TEXT.reply` with
 *    `{ number }` = the first configured emergency contact, then `SAFEGUARDING_TEXT.contacts`
 *    and one `SAFEGUARDING_TEXT.contactLine` `{ number, name, what }` per
 *    `SafeguardingConfig.emergencyContacts` entry (names and purposes are in the config, per
 *    language).
 * 3. `IncidentStore.createDraft({ id, caseCode, channel, lang, category, cue, at })`: atomic and
 *    idempotent by `id` (use the effect or update id), with the follow-up call due
 *    `followUpAfterMinutes` later. Alert only when `created` is true.
 * 4. If `category` is in `urgentCategories`, send `SAFEGUARDING_TEXT.alert`
 *    `{ code, category: t(categoryTextKey(category)), language }` to the case workers ahead of
 *    every ordinary alert, with `SAFEGUARDING_TEXT.reportLink` `{ url }` (the report in the web
 *    workspace) under it. It names no one: case code, category, language.
 * 5. Case workers complete the report with `update` / `complete`; `followUpsDue(now)` lists the
 *    calls to make, `listDrafts()` the reports still open.
 */
import type { CrisisCategory } from '../config/safeguarding';

export { CRISIS_CATEGORIES, CrisisCategorySchema, type CrisisCategory, type EmergencyContact, type SafeguardingConfig } from '../config/safeguarding';
export { CRISIS_LEXICON, type CrisisCue, type CrisisLexicon, type LexiconLang } from './crisis-lexicon';
export { CRISIS_CUE_IDS, CrisisLexiconError, type CrisisMatch, detectCrisis, foldAzerbaijani, MAX_CHARS, normaliseForMatching } from './detect-crisis';
export {
  type CompleteOutcome,
  type DraftIncident,
  DraftIncidentSchema,
  INCIDENT_ID,
  INCIDENT_TYPES,
  type IncidentField,
  type IncidentPatch,
  IncidentPatchSchema,
  type IncidentReport,
  type IncidentStatus,
  type IncidentType,
  IncidentTypeSchema,
  missingForCompletion,
  suggestedIncidentTypes,
  type UpdateOutcome,
} from './incident-report';
export { INCIDENT_RECORD_VERSION, IncidentRecordError, IncidentStore } from './incident-store';

/**
 * i18n keys of the safeguarding texts (locales/<lang>/safeguarding.json) with their parameters.
 * @example tr.t(lang, SAFEGUARDING_TEXT.reply, { number: contacts[0].number })
 */
export const SAFEGUARDING_TEXT = {
  /** To the person: not alone, call `{{number}}` if in danger now, a case worker will contact them. */
  reply: 'safeguarding:reply.text',
  /** The same in a group, where nothing is kept: not alone, call `{{number}}` (no case worker will call). */
  groupReply: 'safeguarding:reply.group_text',
  /** Heading of the emergency numbers under the reply. */
  contacts: 'safeguarding:reply.contacts',
  /** One emergency number: `{{number}}`, `{{name}}`, `{{what}}`. */
  contactLine: 'safeguarding:reply.contact_line',
  /** To case workers: `{{code}}`, `{{category}}`, `{{language}}`. */
  alert: 'safeguarding:alert.urgent',
  /** Under it: the draft report in the web workspace, `{{url}}` (`<PUBLIC_URL>/desk/incidents/<id>`). */
  reportLink: 'safeguarding:alert.report_link',
  /** Incident report labels; field labels are `safeguarding:incident.<field>`. */
  reportTitle: 'safeguarding:incident.title',
  yes: 'safeguarding:incident.yes',
  no: 'safeguarding:incident.no',
} as const;

/** Key of a category's name in the case workers' alert, e.g. "exploitation or trafficking". */
export function categoryTextKey(category: CrisisCategory): string {
  return `safeguarding:alert.category.${category}`;
}
