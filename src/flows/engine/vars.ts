import type { CompiledFlow } from '../schema/flow-schema';

/**
 * Variables are named `<flow>.<node>`. Inside a flow, a bare node id refers to that flow's
 * own variable; a dotted name (`diagnosis.q1`) reaches another flow's.
 */
export function varName(flow: CompiledFlow, name: string): string {
  return name.includes('.') ? name : `${flow.def.id}.${name}`;
}

/**
 * The variable listing the "tell me more" options (`info`) a person opened at a choice question
 * (`questionVar`, its own variable): the consent's record says whether the full text was opened.
 */
export function infoShownVar(questionVar: string): string {
  return `${questionVar}.info_shown`;
}
