import type { Office } from '../config/offices';
import type { Output } from '../core/conversation';
import type { Lang } from '../core/lang';
import type { Translator } from '../i18n';
import { drawCaseAlert } from './alert-notices';
import type { CaseFiles } from './case-file';
import type { RosterStore } from './roster';

/** What drawing a supervisor's escalation needs. */
export interface EscalationNoticeDeps {
  translator: Translator;
  files: Pick<CaseFiles, 'summary'>;
  offices: readonly Office[];
  /** For the names of staff ("taken by …"); without it, staff ids are shown. */
  roster?: Pick<RosterStore, 'list'>;
}

/**
 * The escalation worker's message to one supervisor (caseworkers/escalation.ts `output`), as an
 * engine Output in their first language: the case's summary without names, drawn here as plain
 * text (it is the desk's, not a flow's), under it Claim (while nobody has) and Open as staff
 * buttons, which each channel encodes as its staff callback data.
 * @example createEscalationWorker({ …, output: escalationOutput(deps, clock) })
 */
export function escalationOutput(d: EscalationNoticeDeps, clock: { now(): Date }) {
  // The heading's "since" is the case's (completed, or given back to the group), as redraws draw it.
  return async (caseCode: string, supervisor: { langs: readonly Lang[] }): Promise<Output> =>
    (await drawCaseAlert(d, 'escalation', caseCode, supervisor.langs[0] ?? 'az', clock.now(), { buttons: true })).output;
}
