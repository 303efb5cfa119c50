import type { FlowNode } from '../schema/flow-schema';
import type { ConversationState } from './state';

type ChoiceNode = Extract<FlowNode, { type: 'choice' }>;

/**
 * The options of a choice offered now: one marked `ifGiven` only once the person has given that
 * field, while their intake is not completed (a state from before `given` was kept offers all).
 * What is shown and what a tap or a typed number chooses are the same list.
 */
export function offeredOptions(s: ConversationState, node: ChoiceNode): ChoiceNode['options'] {
  if (s.done || s.given === undefined || !node.options.some((o) => o.ifGiven)) return node.options;
  const given = s.given;
  return node.options.filter((o) => !o.ifGiven || given.includes(o.ifGiven));
}
