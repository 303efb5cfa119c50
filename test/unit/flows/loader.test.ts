import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FlowDefinitionError } from '../../../src/core/errors';
import { compileFlow, flowKeys, loadFlowDir, type KeyCheck } from '../../../src/flows/loader';
import { migrateFlow, type Migration } from '../../../src/flows/migrations';
import { CURRENT_SPEC_VERSION } from '../../../src/flows/schema/flow-schema';
import { createTranslator } from '../../../src/i18n';
import { FLOWS_DIR } from '../../helpers/engine-env';

/**
 * Flow files are checked when they are loaded, never in the middle of a chat (STYLE
 * principle 4). Every refusal is a FlowDefinitionError whose message names the file, the node
 * and the field, so that whoever edited the YAML can fix it.
 */

const FILE = 'flows/t.yaml';
const flow = (nodes: string, head = `specVersion: ${CURRENT_SPEC_VERSION}\nid: t\nname: Test\nstart: a\n`) => `${head}nodes:\n${nodes}`;
const END = '  - { id: e, type: end }';

function refusal(text: string, file = FILE, keys?: KeyCheck): FlowDefinitionError {
  try {
    compileFlow(text, file, keys);
  } catch (e) {
    expect(e).toBeInstanceOf(FlowDefinitionError);
    return e as FlowDefinitionError;
  }
  throw new Error('the flow was accepted');
}

describe('compileFlow refuses an invalid flow, naming file, node and field', () => {
  it.each([
    ['an unknown target', `  - { id: a, type: yes_no, prompt: "t:a", next: nowhere }\n${END}`, 'node "a", field "next": no node "nowhere" in this flow'],
    ['an unknown option target', `  - { id: a, type: choice, prompt: "t:a", options: [{ value: x, label: "t:x", next: gone }] }\n${END}`, 'node "a", field "options.0.next": no node "gone"'],
    ['a duplicate id', `  - { id: a, type: yes_no, prompt: "t:a", next: a }\n  - { id: a, type: end }`, 'node "a": the id is used twice'],
    ['text instead of an i18n key', `  - { id: a, type: yes_no, prompt: "Are you well?", next: e }\n${END}`, 'node "a", field "prompt": must be an i18n key such as "diagnosis:q1.prompt"'],
    ['an i18n key without namespace', `  - { id: a, type: message, text: ["t:ok", "intro"], next: e }\n${END}`, 'node "a", field "text.1": must be an i18n key'],
    ['an unknown rule', `  - { id: a, type: rule, rule: magic, inputs: {}, routes: { x: e } }\n${END}`, 'node "a", field "rule": unknown rule "magic" (known: eligibility)'],
    ['a rule outcome not routed', `  - { id: a, type: rule, rule: eligibility, inputs: { q1: q1 }, routes: { eligible: e, likely_eligible: e } }\n${END}`, 'node "a", field "routes.not_eligible": rule "eligibility" can return "not_eligible"; route it'],
    ['an input the rule does not have', `  - { id: a, type: rule, rule: eligibility, inputs: { q9: q1 }, routes: { eligible: e, likely_eligible: e, not_eligible: e } }\n${END}`, 'node "a", field "inputs.q9": rule "eligibility" has no input "q9"'],
    ['an unknown action', `  - { id: a, type: action, action: send_fax, next: e }\n${END}`, 'node "a", field "action": unknown action "send_fax"'],
    ['a missing action param', `  - { id: a, type: action, action: set_var, params: { name: x }, next: e }\n${END}`, 'node "a", field "params.value": required'],
    ['a number of the wrong type', `  - { id: a, type: text, prompt: "t:a", example: "t:b", maxLength: long, next: e }\n${END}`, 'node "a", field "maxLength": Invalid input: expected number, received string'],
    ['a nested field of the wrong type', `  - { id: a, type: choice, prompt: "t:a", next: e, options: [{ value: x, label: "t:x" }, { value: y, label: 7 }] }\n${END}`, 'node "a", field "options.1.label": Invalid input: expected string, received number'],
    ['an unknown field', `  - { id: a, type: yes_no, prompt: "t:a", next: e, colour: red }\n${END}`, 'node "a": Unrecognized key: "colour"'],
    ['a yes/no with nowhere to go on "no"', `  - { id: a, type: yes_no, prompt: "t:a", yes: e }\n${END}`, 'node "a", field "next": needed unless both yes and no are given'],
    ['a choice option with nowhere to go', `  - { id: a, type: choice, prompt: "t:a", options: [{ value: x, label: "t:x" }] }\n${END}`, 'node "a", field "next": needed: some options have no next of their own'],
    ['a personal answer with no record field', `  - { id: a, type: text, prompt: "t:a", example: "t:b", personal: true, next: e }\n${END}`, 'node "a", field "field": a personal answer must name the record field'],
    ['a start that is no node', `  - { id: b, type: end }`, 'field "start": no node "a"'],
  ])('%s', (_, nodes, message) => {
    const e = refusal(flow(nodes));
    expect(e.message).toContain(`${FILE}: ${message}`);
    expect(e.context).toEqual({ file: FILE });
  });

  it('names a node whose id itself is broken by its position', () => {
    expect(refusal(flow(`  - { id: a, type: yes_no, prompt: "t:a", next: e }\n  - { id: 7, type: end }`)).message).toContain('node "#2", field "id"');
  });

  it('refuses a YAML syntax error, naming the file', () => {
    expect(refusal('specVersion: 1.0.0\nnodes: [\n').message).toMatch(/^flows\/t\.yaml: YAML: /);
  });

  it('refuses a file whose id is not its name', () => {
    expect(refusal(flow(`  - { id: a, type: end }`), 'flows/other.yaml').message).toBe('flows/other.yaml: field "id": must match the file name ("t.yaml")');
  });

  it('refuses a flow written for a newer spec than this engine runs', () => {
    const e = refusal(flow(`  - { id: a, type: end }`, 'specVersion: 9.0.0\nid: t\nname: Test\nstart: a\n'));
    expect(e.message).toBe(`${FILE}: field "specVersion": specVersion 9.0.0 is newer than this engine's ${CURRENT_SPEC_VERSION}: update Körpü`);
  });

  it('refuses an older spec it has no migration for, and a version that is not one', () => {
    expect(refusal(flow(`  - { id: a, type: end }`, 'specVersion: 0.9.0\nid: t\nname: Test\nstart: a\n')).message).toContain('field "specVersion": no migration from specVersion 0.9.0');
    expect(refusal(flow(`  - { id: a, type: end }`, 'specVersion: one\nid: t\nname: Test\nstart: a\n')).message).toContain('field "specVersion": specVersion "one" is not a version');
  });

  it('refuses a key missing in a locale, naming the node, the field, the key and the languages', () => {
    const keys: KeyCheck = (k) => (k === 't:b' ? ['az', 'ru'] : []);
    const e = refusal(flow(`  - { id: a, type: choice, prompt: "t:a", next: e, options: [{ value: x, label: "t:x", info: "t:b" }, { value: y, label: "t:y" }] }\n${END}`), FILE, keys);
    expect(e.message).toBe(`${FILE}: node "a", field "options.0.info": i18n key "t:b" is missing in: az, ru`);
  });

  it('accepts a valid flow and lists every key it uses', () => {
    const compiled = compileFlow(flow(`  - { id: a, type: choice, prompt: "t:a", next: m, options: [{ value: x, label: "t:x", info: "t:i" }, { value: y, label: "t:y" }] }\n  - { id: m, type: message, text: ["t:m1", "t:m2"], next: q }\n  - { id: q, type: text, prompt: "t:q", example: "t:ex", next: e }\n${END}`), FILE);
    expect(flowKeys(compiled).sort()).toEqual(['t:a', 't:ex', 't:i', 't:m1', 't:m2', 't:q', 't:x', 't:y']);
    expect(compiled.nodes.get('q')?.type).toBe('text');
  });
});

describe('migrations', () => {
  it('brings an older flow up to the current spec, one version at a time', () => {
    const steps: Migration[] = [
      { from: '0.8.0', to: '0.9.0', migrate: (raw) => ({ ...raw, seen: [...((raw.seen as string[]) ?? []), '0.8→0.9'] }) },
      { from: '0.9.0', to: CURRENT_SPEC_VERSION, migrate: (raw) => ({ ...raw, seen: [...((raw.seen as string[]) ?? []), `0.9→${CURRENT_SPEC_VERSION}`] }) },
    ];
    expect(migrateFlow({ specVersion: '0.8.0', id: 'x' }, steps)).toEqual({ specVersion: CURRENT_SPEC_VERSION, id: 'x', seen: ['0.8→0.9', `0.9→${CURRENT_SPEC_VERSION}`] });
    expect(migrateFlow({ specVersion: CURRENT_SPEC_VERSION, id: 'x' }, steps)).toEqual({ specVersion: CURRENT_SPEC_VERSION, id: 'x' });
  });
});

describe('loadFlowDir', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'korpu-flows-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const write = (id: string, nodes: string) => writeFileSync(join(dir, `${id}.yaml`), flow(nodes, `specVersion: ${CURRENT_SPEC_VERSION}\nid: ${id}\nname: ${id}\nstart: a\n`));

  it('refuses a flow node that calls a flow that is not in the folder', () => {
    write('main', `  - { id: a, type: flow, flow: missing, next: e }\n${END}`);
    expect(() => loadFlowDir(dir)).toThrow(`${dir}/main.yaml: node "a", field "flow": no flow "missing" in ${dir}`);
  });

  it("refuses a dotted variable that names no flow, suggesting the flow's own variable", () => {
    write('main', `  - { id: a, type: rule, rule: eligibility, inputs: { q1: q1, q2: q2 }, routes: { eligible: m, likely_eligible: m, not_eligible: m } }
  - { id: m, type: message, text: ["t:m"], list: { var: a.reasons, prefix: "t:reason." }, next: e }
${END}`);
    expect(() => loadFlowDir(dir)).toThrow(`${dir}/main.yaml: node "m", field "list.var": "a.reasons" names no flow "a"; this flow's own variable is "main.a.reasons"`);
  });

  it('accepts a dotted variable of another flow in the folder', () => {
    write('main', `  - { id: a, type: flow, flow: side, next: b }\n  - { id: b, type: branch, var: side.q, cases: { "yes": e }, default: e }\n${END}`);
    write('side', `  - { id: a, type: yes_no, prompt: "t:q", next: e }\n${END}`);
    expect(loadFlowDir(dir).map((f) => f.def.id)).toEqual(['main', 'side']);
  });

  it('loads the real flows/ folder cleanly, with every key present in English', () => {
    const tr = createTranslator();
    const english: KeyCheck = (key) => tr.missing(key).filter((lang) => lang === 'en');
    const flows = loadFlowDir(FLOWS_DIR, english);
    expect(flows.map((f) => f.def.id).sort()).toEqual(['appointment', 'call', 'consent', 'correct', 'diagnosis', 'erase', 'handoff', 'interview', 'welcome', 'withdraw']);
    for (const f of flows) expect(f.def.specVersion).toBe(CURRENT_SPEC_VERSION);
  });
});
