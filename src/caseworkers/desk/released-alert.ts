import { DEFAULT_LANG } from '../../core/lang';
import { drawCaseAlert } from '../alert-notices';
import type { DeskDeps } from './desk-deps';

/**
 * Tells the case workers' chat that a case is free again because its holder left the roster:
 * a fresh alert, marked "released", with the case as it is now and Claim / Open, so that the
 * person's next message reaches whoever claims it. The alert is of the kind the case stands for
 * (a request to talk, a completed intake, a meeting …), read from the case's records: nothing
 * keeps which alert the holder claimed it from. `id` makes it once-only.
 */
export async function announceReleased(deps: Pick<DeskDeps, 'files' | 'notifier' | 'translator' | 'offices' | 'clock' | 'roster'>, caseCode: string, id: string): Promise<void> {
  const lang = DEFAULT_LANG;
  const { output } = await drawCaseAlert(deps, 'current', caseCode, lang, deps.clock.now(), { buttons: true });
  await deps.notifier.notify({
    id,
    to: { type: 'caseworkers' },
    lang,
    kind: 'alert',
    caseCode,
    output: { ...output, text: [{ key: 'caseworker:release.by_removal', params: { code: caseCode } }, ...output.text] },
  });
}
