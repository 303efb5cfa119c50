import { staffNames } from '../alert-notices';
import type { DeskDeps } from './desk-deps';

/** Names of staff by staff id, from one read of the roster; `id <staff id>` for anyone not on it. */
export function staffNameOf(deps: Pick<DeskDeps, 'roster'>): Promise<(staffId: string) => string> {
  return staffNames(deps.roster);
}
