import type { Clock } from '../../core/clock';
import type { TextRef } from '../../core/conversation';
import { DEFAULT_LANG, type Lang } from '../../core/lang';
import type { Notifier } from '../../core/notifier';
import { drawCaseAlert, type CaseAlertDeps } from '../alert-notices';
import { alertState, type AlertKind } from '../alert-text';

/**
 * Posts a case's alert again in the case workers' chat after its holder changed outside the
 * alert's buttons (the holder left the roster, released it, or a supervisor gave it to someone
 * else): a fresh alert under `heading`, with the case as it is now (who holds it, if anyone) and
 * its buttons (Claim while nobody holds it, Open), in the group's language, so that the group
 * never reads an older alert as the truth and a free case can be claimed again. The alert is of
 * the kind the case stands for (a request to talk, a completed intake, a meeting …), read from
 * the case's records: nothing keeps which alert it was claimed from. `id` makes it once-only.
 * Returns the kind drawn (a button to the case elsewhere names it). Takes the desk's deps (typed
 * by what it uses: desk-deps.ts calls it, so it does not import that module back).
 * @example await repostAlert(deps, 'KP-7G4Q-M2XD', `release:KP-7G4Q-M2XD:${now}`, { key: 'caseworker:release.notice', params: { code: 'KP-7G4Q-M2XD' } })
 */
export async function repostAlert(deps: CaseAlertDeps & { notifier: Notifier; clock: Clock; chatLang?: Lang }, caseCode: string, id: string, heading: TextRef): Promise<AlertKind> {
  const lang = deps.chatLang ?? DEFAULT_LANG;
  const drawn = await drawCaseAlert(deps, 'current', caseCode, lang, deps.clock.now(), { buttons: true });
  // Kept up to date like the alert it repeats (edited without the heading when the case changes hands again).
  await deps.notifier.notify({ id, to: { type: 'caseworkers' }, lang, kind: 'alert', caseCode, output: { ...drawn.output, text: [heading, ...drawn.output.text] }, track: { kind: drawn.kind, state: alertState(drawn.summary) } });
  // 'current' draws one of the group's alert kinds, never an escalation.
  return drawn.kind as AlertKind;
}
