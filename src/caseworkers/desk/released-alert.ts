import { DEFAULT_LANG } from '../../core/lang';
import { alertButtons } from '../alert-notices';
import { alertText } from '../alert-text';
import type { DeskDeps } from './desk-deps';

/**
 * Tells the case workers' chat that a case is free again because its holder left the roster:
 * a fresh alert, marked "released", with the case as it is now and Claim / Open, so that the
 * person's next message reaches whoever claims it. `id` makes it once-only.
 */
export async function announceReleased(deps: Pick<DeskDeps, 'files' | 'notifier' | 'translator' | 'offices' | 'clock'>, caseCode: string, id: string): Promise<void> {
  const lang = DEFAULT_LANG;
  const summary = await deps.files.summary(caseCode, deps.clock.now(), { names: 'if_consented' });
  const text = alertText('intake', summary, { tr: deps.translator, lang, offices: deps.offices, staffName: (staffId) => `id ${staffId}` });
  await deps.notifier.notify({
    id,
    to: { type: 'caseworkers' },
    lang,
    kind: 'alert',
    caseCode,
    output: { type: 'message', text: [{ key: 'caseworker:release.by_removal', params: { code: caseCode } }, { plain: text }], buttons: alertButtons('intake', summary) },
  });
}
