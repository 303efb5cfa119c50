import { join } from 'node:path';
import { loadFlowDir } from '../../../src/flows/loader';
import { edgesOf, flowToMermaid, WORDS_SHOWN } from '../../../src/flows/flow-diagram';
import type { FlowDefinition } from '../../../src/flows/schema/flow-schema';

const tiny: FlowDefinition = {
  specVersion: '1.0.0',
  id: 'tiny',
  name: 'Tiny',
  start: 'ask',
  nodes: [
    { id: 'ask', type: 'choice', prompt: 'tiny:ask.prompt', columns: 1, options: [{ value: 'yes', label: 'tiny:ask.yes', next: 'done' }, { value: 'more', label: 'tiny:ask.more', info: 'tiny:ask.info' }, { value: 'no', label: 'tiny:ask.no' }], next: 'sorry' },
    { id: 'sorry', type: 'message', text: ['tiny:sorry'], list: undefined, referrals: undefined, office: false, meeting: false, next: 'done' },
    { id: 'done', type: 'end' },
  ],
};

describe('flowToMermaid', () => {
  it('draws every node once and every way on with the answer that takes it', () => {
    const text = flowToMermaid(tiny);
    expect(text.startsWith('flowchart TD\n  start((start)) --> n_ask\n')).toBe(true);
    expect(text).toContain('n_ask["ask · choice<br/>tiny:ask.prompt"]');
    expect(text).toContain('n_ask -->|"yes"| n_done');
    expect(text).toContain('n_ask -->|"no"| n_sorry');
    // "Tell me more" asks again: it leads nowhere.
    expect(text).not.toContain('"more"');
    expect(text).toContain('n_sorry --> n_done');
    expect(text).toContain('n_done(["done · end"])');
  });

  it('shows what the person reads above each key when given the words, cut short, quoted like any label', () => {
    const long = `Do you "really" want this? ${'very '.repeat(40)}long <b>question</b>`;
    const words: Record<string, string> = { 'tiny:ask.prompt': long, 'tiny:sorry': 'Sorry,\nnot this time.' };
    const text = flowToMermaid(tiny, (k) => words[k]);
    const box = /n_ask\["(.*)"\]/.exec(text)![1]!;
    const [head, said, key] = box.split('<br/>');
    expect(head).toBe('ask · choice');
    expect(said!.startsWith('Do you #quot;really#quot; want this? very')).toBe(true);
    expect(said!.endsWith('…')).toBe(true);
    expect(said!.replace(/#quot;/g, '"').length).toBe(WORDS_SHOWN);
    expect(key).toBe('tiny:ask.prompt');
    expect(text).toContain('n_sorry["sorry · message<br/>Sorry, not this time.<br/>tiny:sorry"]');
    // A key without words shows the key alone.
    expect(flowToMermaid(tiny, () => undefined)).toBe(flowToMermaid(tiny));
  });

  it('quotes labels so no flow text can break out of one', () => {
    const evil: FlowDefinition = { ...tiny, nodes: [{ id: 'done', type: 'end', comment: 'x' }], start: 'done' };
    const node = { id: 'b', type: 'branch', var: 'a"]-->x["<script>', cases: { 'k"': 'done' }, default: 'done' } as const;
    const text = flowToMermaid({ ...evil, nodes: [...evil.nodes, node] });
    expect(text).not.toMatch(/<script>/);
    expect(text).toContain('#quot;');
    expect(edgesOf(node)).toEqual([{ to: 'done', label: 'k"' }, { to: 'done', label: 'default' }]);
  });

  it('draws each real flow with every node and an edge for each target', () => {
    const flows = loadFlowDir(join(__dirname, '..', '..', '..', 'flows'));
    for (const flow of flows) {
      const text = flowToMermaid(flow.def);
      for (const node of flow.def.nodes) {
        expect(text).toContain(`  n_${node.id}`);
        for (const e of edgesOf(node)) expect(text).toContain(`n_${node.id} -->${e.label ? `|"` : ' '}`);
      }
    }
  });
});
