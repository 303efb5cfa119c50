import type { CompiledFlow, FlowNode } from '../schema/flow-schema';
import { ACTIONS } from './actions';
import { varName } from './vars';

/**
 * The variables a node reads, by field, as written in the flow: a bare name is the flow's own
 * variable, a dotted one (`diagnosis.decide`) `<flow>.<variable>`. A branch on `state.…` reads
 * a fact of the state, not a variable, and is left out.
 */
export function varRefs(n: FlowNode): [field: string, name: string][] {
  switch (n.type) {
    case 'branch':
      return n.var.startsWith('state.') ? [] : [['var', n.var]];
    case 'rule':
      return Object.entries(n.inputs).map(([k, v]) => [`inputs.${k}`, v]);
    case 'message':
      return [...(n.list ? [['list.var', n.list.var] as [string, string]] : []), ...(n.referrals ? [['referrals.var', n.referrals.var] as [string, string]] : [])];
    case 'action':
      return (ACTIONS[n.action]?.reads ?? []).flatMap((p) => (n.params[p] ? [[`params.${p}`, n.params[p]] as [string, string]] : []));
    default:
      return [];
  }
}

/**
 * Variables read by a flow other than the one they belong to (`welcome` branches on
 * `diagnosis.decide` after the diagnosis ended): they must outlive their flow's frame.
 */
export function sharedVariables(flows: Iterable<CompiledFlow>): Set<string> {
  const shared = new Set<string>();
  const all = [...flows];
  for (const flow of all) {
    for (const n of flow.def.nodes) {
      for (const [, name] of varRefs(n)) {
        const full = varName(flow, name);
        if (full.slice(0, full.indexOf('.')) !== flow.def.id) shared.add(full);
      }
      for (const name of ruleVarsReadElsewhere(n, all)) shared.add(name);
    }
  }
  return shared;
}

/**
 * `record_diagnosis` of another flow's rule (`rule: diagnosis.decide`) reads that rule's inputs
 * and results (`.reasons`, `.provisional`, `.rule_version`): they must outlive the rule's flow.
 */
function ruleVarsReadElsewhere(n: FlowNode, flows: readonly CompiledFlow[]): string[] {
  if (n.type !== 'action' || n.action !== 'record_diagnosis') return [];
  const ref = n.params.rule ?? '';
  const dot = ref.indexOf('.');
  if (dot < 0) return [];
  const other = flows.find((f) => f.def.id === ref.slice(0, dot));
  const rule = other?.nodes.get(ref.slice(dot + 1));
  if (!other || rule?.type !== 'rule') return [];
  return [ref, `${ref}.reasons`, `${ref}.provisional`, `${ref}.rule_version`, ...Object.values(rule.inputs).map((i) => varName(other, i))];
}
