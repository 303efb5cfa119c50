import type { CompiledFlow } from '../schema/flow-schema';

/**
 * Variables are named `<flow>.<node>`. Inside a flow, a bare node id refers to that flow's
 * own variable; a dotted name (`diagnosis.q1`) reaches another flow's.
 */
export function varName(flow: CompiledFlow, name: string): string {
  return name.includes('.') ? name : `${flow.def.id}.${name}`;
}
