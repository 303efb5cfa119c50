import { redrawCaseAlerts, type AlertRedrawDeps, type CaseAlertMessage } from '../alert-messages';

/**
 * After the desk changed a case's holder or ended it (claimed, released, reassigned, closed):
 * the case's earlier alerts in the case workers' group are edited in place into the case as it
 * is now ({@link redrawCaseAlerts}: who holds it, Claim only while it is free), so that a busy
 * case worker reading the group sees the truth on every one of them. `cause` is the action's
 * once-only id. A failure is logged, never undoes the action: the alerts' buttons still answer
 * with the truth when tapped. `except`: the alert the claim was tapped on, which the channel
 * redraws itself at once. Takes the desk's deps (typed by what it uses: desk-deps.ts calls
 * it, so it does not import that module back).
 * @example await redrawAlerts(deps, 'KP-7G4Q-M2XD', `claim:KP-7G4Q-M2XD:${now.getTime()}`)
 */
export async function redrawAlerts(deps: AlertRedrawDeps, caseCode: string, cause: string, except?: Pick<CaseAlertMessage, 'chatRef' | 'messageId'>): Promise<void> {
  await redrawCaseAlerts(deps, caseCode, cause, undefined, except).catch((err: Error) => deps.logger.warn({ case: caseCode, err: { name: err.name, message: err.message } }, 'desk: the case’s earlier alerts could not be queued for redrawing'));
}
