import { CURRENT_SPEC_VERSION } from '../schema/flow-schema';

/**
 * Flow-file migrations, one per spec version, each a pure `(raw) => raw` that brings a file
 * written for an older spec up to the next. The loader applies them in order, so a flow
 * written years ago still loads. There are none yet: 1.0.0 is the first spec. A new spec
 * version adds an entry here, a fixture in test/flows/migrations/ and bumps
 * CURRENT_SPEC_VERSION.
 */
export interface Migration {
  from: string;
  to: string;
  migrate(raw: Record<string, unknown>): Record<string, unknown>;
}

export const MIGRATIONS: readonly Migration[] = [];

const parse = (v: string) => v.split('.').map(Number) as [number, number, number];
export function compareVersions(a: string, b: string): number {
  const [x, y] = [parse(a), parse(b)];
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return 0;
}

/** Brings a raw flow object to CURRENT_SPEC_VERSION, or says why it cannot. */
export function migrateFlow(raw: Record<string, unknown>, migrations: readonly Migration[] = MIGRATIONS): Record<string, unknown> {
  let flow = raw;
  let version = String(flow.specVersion ?? '');
  if (!/^\d+\.\d+\.\d+$/.test(version)) throw new Error(`specVersion "${version}" is not a version like "${CURRENT_SPEC_VERSION}"`);
  if (compareVersions(version, CURRENT_SPEC_VERSION) > 0) {
    throw new Error(`specVersion ${version} is newer than this engine's ${CURRENT_SPEC_VERSION}: update Körpü`);
  }
  while (compareVersions(version, CURRENT_SPEC_VERSION) < 0) {
    const m = migrations.find((x) => x.from === version);
    if (!m) throw new Error(`no migration from specVersion ${version}`);
    flow = { ...m.migrate(flow), specVersion: m.to };
    version = m.to;
  }
  return flow;
}
