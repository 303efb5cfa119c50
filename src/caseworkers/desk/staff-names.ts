import type { DeskDeps } from './desk-deps';

/** Names of staff by staff id, from one read of the roster; `id <staff id>` for anyone not on it. */
export async function staffNameOf(deps: Pick<DeskDeps, 'roster'>): Promise<(staffId: string) => string> {
  const names = new Map((await deps.roster.list()).map((w) => [w.staffId, w.name]));
  return (id) => names.get(id) ?? `id ${id}`;
}
