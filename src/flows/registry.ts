import { createHash } from 'node:crypto';
import type { FlowLookup } from './engine/context';
import { sharedVariables } from './engine/var-refs';
import { varName } from './engine/vars';
import type { Frame } from './engine/state';
import { FlowSchema, type CompiledFlow, type FlowDefinition } from './schema/flow-schema';

/**
 * Where every flow revision ever loaded is kept, so that a conversation stays on the version
 * it started with after a flow file changes and Körpü restarts. Implemented on Redis in
 * storage/; in memory in tests.
 */
export interface FlowArchive {
  put(flow: CompiledFlow): Promise<void>;
  get(id: string, revision: string): Promise<FlowDefinition | undefined>;
}

export class MemoryFlowArchive implements FlowArchive {
  private readonly map = new Map<string, FlowDefinition>();
  async put(flow: CompiledFlow): Promise<void> {
    this.map.set(`${flow.def.id}@${flow.revision}`, flow.def);
  }
  async get(id: string, revision: string): Promise<FlowDefinition | undefined> {
    return this.map.get(`${id}@${revision}`);
  }
}

/** Builds the in-memory form of an archived definition (already checked when first loaded). */
export function compileArchived(def: FlowDefinition, revision: string): CompiledFlow {
  return { def, revision, nodes: new Map(def.nodes.map((n) => [n.id, n])) };
}

/** Content revision of a definition: the same text always gives the same revision. */
export function revisionOf(def: FlowDefinition): string {
  return createHash('sha256').update(JSON.stringify(def)).digest('base64url').slice(0, 10);
}

/**
 * The flows in use: the current revision of each, plus older revisions fetched from the
 * archive when a saved conversation still points at one. `step` only reads it (synchronously);
 * the runtime calls `prepare()` with the state's frames first.
 */
export class FlowRegistry implements FlowLookup {
  private readonly currentById = new Map<string, CompiledFlow>();
  private readonly byRevision = new Map<string, CompiledFlow>();
  /** Variables some flow reads outside their own flow, in any revision in memory. */
  private readonly shared: Set<string>;
  readonly personalVars: readonly string[];

  constructor(
    flows: readonly CompiledFlow[],
    private readonly archive: FlowArchive = new MemoryFlowArchive(),
  ) {
    for (const f of flows) {
      this.currentById.set(f.def.id, f);
      this.byRevision.set(`${f.def.id}@${f.revision}`, f);
    }
    this.shared = sharedVariables(flows);
    this.personalVars = flows.flatMap((f) => [...f.nodes.values()].filter((n) => n.type === 'choice' && n.personal === true).map((n) => varName(f, n.id)));
  }

  /** Stores the current revisions in the archive (once at start-up). */
  async publish(): Promise<void> {
    await Promise.all([...this.currentById.values()].map((f) => this.archive.put(f)));
  }

  current(id: string): CompiledFlow | undefined {
    return this.currentById.get(id);
  }

  get(id: string, revision: string): CompiledFlow | undefined {
    return this.byRevision.get(`${id}@${revision}`);
  }

  readElsewhere(name: string): boolean {
    return this.shared.has(name);
  }

  all(): CompiledFlow[] {
    return [...this.currentById.values()];
  }

  /** Makes sure every revision the frames point at is in memory (the common case costs nothing). */
  async prepare(frames: readonly Frame[]): Promise<void> {
    for (const { f, r } of frames) {
      if (this.byRevision.has(`${f}@${r}`)) continue;
      const def = await this.archive.get(f, r);
      if (!def) continue;
      const flow = compileArchived(FlowSchema.parse(def), r);
      this.byRevision.set(`${f}@${r}`, flow);
      // An older revision may read another flow's variable the current ones no longer read.
      for (const name of sharedVariables([flow])) this.shared.add(name);
    }
  }
}
