import type { TextRef } from '../../core/conversation';
import { WAITING_STATUS } from '../escalation';
import { officeOfCase, type DeskDeps } from './desk-deps';
import { redrawAlerts } from './redraw-alerts';
import { repostAlert } from './repost-alert';

/**
 * What follows every release of a claimed case, whichever way it went back to the case workers
 * (its holder's /release or Release in the workspace, a supervisor's, its holder taken off the
 * roster or moved to another office): the case's earlier alerts are redrawn free, with Claim
 * ({@link redrawAlerts}), its alert is posted again under `heading` ({@link repostAlert}), and
 * its escalation to the supervisors is armed again ({@link rearmEscalation}), as the alert of a
 * new intake arms it. `id` is the release's once-only id; `releasedAt`, when it was released.
 * Call it only after the claim store said `released`.
 */
export async function backToGroup(deps: DeskDeps, caseCode: string, o: { id: string; heading: TextRef; releasedAt: Date }): Promise<void> {
  await redrawAlerts(deps, caseCode, o.id);
  await repostAlert(deps, caseCode, o.id, o.heading);
  await rearmEscalation(deps, caseCode, o.releasedAt);
}

/**
 * A released case waits in the group again: unless someone claims it within the same working
 * time as a new intake (the escalation policy, in the case's office, counted from the release),
 * the supervisors are told, and the next claim cancels it again. Only a completed intake that
 * waits ({@link WAITING_STATUS}) is armed, as only such an intake's alert arms one and only such
 * a case is escalated when it falls due: a closed, withdrawn or erased case, a walk-in or a
 * talk before any intake is not. Once per release (the scheduler keeps one job per release).
 * A failure is logged and does not undo the release: the case is back in the group all the same.
 */
async function rearmEscalation(deps: DeskDeps, caseCode: string, releasedAt: Date): Promise<void> {
  if (!deps.escalations) return;
  try {
    if ((await deps.cases.info(caseCode)).status !== WAITING_STATUS) return;
    const officeId = await officeOfCase(deps, caseCode);
    const due = await deps.escalations.rearm(caseCode, releasedAt, deps.offices.find((of) => of.id === officeId));
    deps.logger.info({ case: caseCode, due: due.toISOString() }, 'desk: released case: escalation scheduled again unless claimed');
  } catch (err) {
    deps.logger.error({ case: caseCode, err: { name: (err as Error).name, message: (err as Error).message } }, 'desk: the released case’s escalation could not be scheduled again: nobody will be pushed to take it up');
  }
}
