import type { FlowDefinition, FlowNode } from './schema/flow-schema';

/**
 * A flow drawn as a Mermaid flowchart (`flowchart TD`), so programme staff can check a
 * conversation against the paper forms beside its YAML. Pure: the same definition always gives
 * the same text. Each node is a box labelled with its id, its type and what it asks or does
 * (the i18n key of its prompt, the rule, the action, the flow it runs); each edge is one way
 * on, labelled with the answer that takes it (an option's value, yes/no, a rule's route, a
 * branch's case).
 *
 * Mermaid's syntax is text the browser parses: ids are made safe (`n_<id>`) and labels are
 * quoted with `"` written as `#quot;`, so no flow text can break out of a label.
 *
 * With `words` (a text key → its text in the reader's language), each question and message
 * also shows what the person reads, cut to {@link WORDS_SHOWN} characters, above its key: staff
 * checking a flow against the paper form read the question, not `diagnosis:q1.prompt`.
 *
 * @example
 *   flowToMermaid({ id: 'x', name: 'X', specVersion: '1.0.0', start: 'a', nodes: [{ id: 'a', type: 'end' }] })
 *   // 'flowchart TD\n  start((start)) --> n_a\n  n_a(["a · end"])\n'
 */
export function flowToMermaid(flow: FlowDefinition, words?: (key: string) => string | undefined): string {
  const lines = ['flowchart TD', `  start((start)) --> ${nodeRef(flow.start)}`];
  for (const node of flow.nodes) {
    lines.push(`  ${nodeRef(node.id)}${shape(node, words)}`);
    for (const e of edgesOf(node)) {
      lines.push(e.label ? `  ${nodeRef(node.id)} -->|${label(e.label)}| ${nodeRef(e.to)}` : `  ${nodeRef(node.id)} --> ${nodeRef(e.to)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** One way out of a node: where it leads and the answer that takes it (none for "next"). */
export interface FlowEdge {
  to: string;
  label?: string;
}

/**
 * Every way out of a node, in the order the file gives them; duplicates (two options leading to
 * the same node) are kept apart, as each is a separate answer.
 */
export function edgesOf(node: FlowNode): FlowEdge[] {
  switch (node.type) {
    case 'choice':
      // An "info" option shows a text and asks again: no way out.
      return node.options.flatMap((o) => {
        const to = o.info ? undefined : (o.next ?? node.next);
        return to ? [{ to, label: o.value }] : [];
      });
    case 'yes_no':
      return [
        ...((node.yes ?? node.next) ? [{ to: (node.yes ?? node.next)!, label: 'yes' }] : []),
        ...((node.no ?? node.next) ? [{ to: (node.no ?? node.next)!, label: 'no' }] : []),
      ];
    case 'rule':
      return Object.entries(node.routes).map(([outcome, to]) => ({ to, label: outcome }));
    case 'branch':
      return [...Object.entries(node.cases).map(([value, to]) => ({ to, label: value })), { to: node.default, label: 'default' }];
    case 'booking':
      return [{ to: node.next, label: 'booked' }, { to: node.none, label: 'none' }];
    case 'appointment':
      return [
        { to: node.next, label: 'keep' },
        { to: node.reschedule, label: 'reschedule' },
        { to: node.cancel, label: 'cancel' },
        { to: node.none, label: 'none' },
      ];
    case 'end':
      return [];
    default:
      return [{ to: node.next }];
  }
}

/** How much of a text a box shows (the whole question is one click away, in the file's keys). */
export const WORDS_SHOWN = 90;

/** The node's box: what it is, in Mermaid's shape for it (a stadium for end, a rhombus for decisions). */
function shape(node: FlowNode, words?: (key: string) => string | undefined): string {
  const said = words ? textKeys(node).map(words).filter((w): w is string => !!w).map(cut).join('\n') : '';
  const text = label(`${node.id} · ${node.type}${said ? `\n${said}` : ''}${detail(node) ? `\n${detail(node)}` : ''}`);
  switch (node.type) {
    case 'end':
      return `([${text}])`;
    case 'rule':
    case 'branch':
      return `{${text}}`;
    case 'flow':
      return `[[${text}]]`;
    default:
      return `[${text}]`;
  }
}

/** What the node says or does, as its file names it (i18n keys, rule, action, flow). */
function detail(node: FlowNode): string {
  switch (node.type) {
    case 'message':
      return node.text.join(', ');
    case 'rule':
      return `rule: ${node.rule}`;
    case 'branch':
      return `var: ${node.var}`;
    case 'action':
      return `action: ${node.action}`;
    case 'flow':
      return `flow: ${node.flow}`;
    case 'end':
      return '';
    default:
      return node.prompt;
  }
}

/** The text keys a node shows the person: a message's texts, a question's prompt. */
function textKeys(node: FlowNode): string[] {
  if (node.type === 'message') return node.text;
  return 'prompt' in node && typeof node.prompt === 'string' ? [node.prompt] : [];
}

/** A text on one line, cut at WORDS_SHOWN characters. */
function cut(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > WORDS_SHOWN ? `${line.slice(0, WORDS_SHOWN - 1).trimEnd()}…` : line;
}

/** A node id as a Mermaid id: prefixed, so an id like `end` or `graph` is never a keyword. */
const nodeRef = (id: string): string => `n_${id}`;

/** A quoted Mermaid label: `"` and `#` are written as entities, line breaks as `<br/>`. */
function label(text: string): string {
  const safe = text.replace(/#/g, '#35;').replace(/"/g, '#quot;').replace(/[<>]/g, (c) => (c === '<' ? '#lt;' : '#gt;')).replace(/\n/g, '<br/>');
  return `"${safe}"`;
}
