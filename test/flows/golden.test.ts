import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { EffectSchema, EngineInputSchema, MetMeetingSchema, OutputSchema } from '../../src/core/conversation';
import { initialState, StateSchema, type ConversationState } from '../../src/flows/engine/state';
import { loadSafeguardingConfig, SAFEGUARDING_FILE } from '../../src/config/safeguarding';
import { offerRequests, repeatQuestion, step } from '../../src/flows/engine/step';
import { requestOffer } from '../../src/flows/engine/prompt';
import { loadRequestLexicon, REQUESTS_FILE } from '../../src/config/requests';
import { compileRequestMatcher } from '../../src/intake/typed-requests';
import { holdsBackCrisis, offersRequest, respondToCrisis } from '../../src/intake/conversation-runner';
import { detectCrisis } from '../../src/safeguarding';
import { crisisReply } from '../../src/safeguarding/crisis-reply';
import { engineEnv, FIXED_NOW, loadRealFlows } from '../helpers/engine-env';

/**
 * Golden scenarios (STYLE principle 6): each `test/flows/<flow>.<scenario>.json` holds inputs
 * and the exact outputs, effects and final state the real flows must give for them, replayed
 * with seeded case codes (seed 1) and the clock at FIXED_NOW. After a deliberate change, run
 * `UPDATE_SNAPSHOTS=1 npx jest --selectProjects unit -- test/flows` and read the diff: it is
 * the change in behaviour a person would see.
 *
 * Flow revisions (content hashes) in the final state are written as "current" when they are
 * the loaded revision, so that editing one flow does not rewrite every scenario's state.
 */

const DIR = __dirname;
const UPDATE = process.env.UPDATE_SNAPSHOTS === '1';
const FILE = /^([a-z][a-z0-9_]*)\.([a-z0-9-]+)\.json$/;

const ScenarioSchema = z.strictObject({
  description: z.string().min(20),
  /** The flow the conversation starts in, when not `welcome` (`call`: a case worker's /call). */
  entryFlow: z.string().optional(),
  /**
   * What the conversation holds before the first input, when it was opened for a case that
   * exists (a case worker's call with a walk-in: `{ caseCode, walkIn: true }`, as ConversationRunner.openForCase).
   */
  startState: z.strictObject({ caseCode: z.string(), walkIn: z.literal(true).optional(), hint: z.string().optional() }).optional(),
  /**
   * What staff changed in the conversation between two inputs, as the desk does through the
   * runner's `amend` (meeting-conversations.ts): after input number `after` (1-based), these
   * facts of the state are set. `met`: a case worker recorded that the person came to their meeting.
   */
  staff: z.array(z.strictObject({ after: z.number().int().min(1), met: MetMeetingSchema })).optional(),
  inputs: z.array(EngineInputSchema).min(1),
  expected: z
    .strictObject({
      steps: z.array(z.strictObject({ outputs: z.array(z.unknown()), effects: z.array(z.unknown()) })),
      finalState: z.unknown(),
    })
    .optional(),
});

const files = readdirSync(DIR).filter((f) => FILE.test(f)).sort();
const flows = loadRealFlows();
const currentRevision = new Map(flows.map((f) => [f.def.id, f.revision]));

function normalise(state: ConversationState): ConversationState {
  return { ...state, frames: state.frames.map((fr) => ({ ...fr, r: currentRevision.get(fr.f) === fr.r ? 'current' : fr.r })) };
}

/** JSON with anything short enough (a button, an effect, an input) kept on one line, so diffs read well. */
function pretty(value: unknown, indent = ''): string {
  const flat = JSON.stringify(value);
  if (flat === undefined || flat.length + indent.length <= 180 || value === null || typeof value !== 'object') return flat ?? 'null';
  const inner = `${indent}  `;
  if (Array.isArray(value)) return `[\n${value.map((v) => inner + pretty(v, inner)).join(',\n')}\n${indent}]`;
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${pretty(v, inner)}`).join(',\n')}\n${indent}}`;
}

const safeguarding = loadSafeguardingConfig(join(__dirname, '..', '..', SAFEGUARDING_FILE));
const requests = compileRequestMatcher(loadRequestLexicon(join(__dirname, '..', '..', REQUESTS_FILE)));

/**
 * Replays the inputs as the conversation runner does: a typed message that shows crisis (the
 * real lexicon and emergency contacts) is not given to the flow; it gets the emergency reply,
 * the crisis effect and the open question again (a message for the case workers goes on to them).
 * Words that ask for a right (config/requests.yaml) get the offer of it instead of being the
 * answer, or besides where they are kept for case workers; not in a case worker's `call`, where
 * a worker types the answers.
 */
function replay(inputs: z.infer<typeof ScenarioSchema>['inputs'], entryFlow?: string, startState?: z.infer<typeof ScenarioSchema>['startState'], staff: z.infer<typeof ScenarioSchema>['staff'] = []) {
  const env = engineEnv({ now: FIXED_NOW, seed: 1, ...(entryFlow ? { entryFlow } : {}) });
  const steps: { outputs: unknown[]; effects: unknown[] }[] = [];
  let state: ConversationState | undefined = startState ? StateSchema.parse({ ...initialState(), ...startState }) : undefined;
  for (const input of inputs) {
    const crisis = input.type === 'text' ? detectCrisis(input.text) : undefined;
    const asked = !crisis && !entryFlow && input.type === 'text' ? requests(input.text) : undefined;
    const offer = asked ? offersRequest(env.flows, state) : undefined;
    const result = crisis && holdsBackCrisis(env.flows, state) ? repeatQuestion(env, state) : offer === 'instead' ? offerRequests(env, state!, asked!) : step(env, state, input);
    if (offer === 'besides') result.outputs.unshift(requestOffer(asked!, false));
    if (crisis) respondToCrisis(result, crisis, { reply: (lang) => crisisReply(safeguarding, lang) }, env.ids);
    steps.push({ outputs: result.outputs, effects: result.effects });
    state = result.state;
    for (const change of staff.filter((c) => c.after === steps.length)) state = StateSchema.parse({ ...state, met: change.met });
  }
  return { steps, finalState: normalise(state!) };
}

describe('golden scenarios', () => {
  it('there is at least one scenario for every flow, and every scenario names a flow', () => {
    const covered = new Set(files.map((f) => FILE.exec(f)![1]!));
    expect([...covered].filter((id) => !currentRevision.has(id))).toEqual([]);
    expect([...currentRevision.keys()].filter((id) => !covered.has(id))).toEqual([]);
  });

  it.each(files)('%s', (file) => {
    const path = join(DIR, file);
    const scenario = ScenarioSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
    const actual = replay(scenario.inputs, scenario.entryFlow, scenario.startState, scenario.staff);
    // What the engine produced must itself be valid wire data.
    for (const s of actual.steps) {
      for (const o of s.outputs) OutputSchema.parse(o);
      for (const e of s.effects) EffectSchema.parse(e);
    }
    StateSchema.parse(actual.finalState);
    expect(actual.steps).toHaveLength(scenario.inputs.length);

    if (UPDATE) {
      writeFileSync(path, `${pretty({ description: scenario.description, ...(scenario.entryFlow ? { entryFlow: scenario.entryFlow } : {}), ...(scenario.startState ? { startState: scenario.startState } : {}), ...(scenario.staff ? { staff: scenario.staff } : {}), inputs: scenario.inputs, expected: actual })}\n`);
      return;
    }
    if (!scenario.expected) throw new Error(`${file} has no "expected" yet: run with UPDATE_SNAPSHOTS=1 and review the result`);
    // Step by step first, so a failure names the first input whose answer changed.
    scenario.expected.steps.forEach((want, i) => {
      expect({ step: i + 1, input: scenario.inputs[i], ...actual.steps[i] }).toEqual({ step: i + 1, input: scenario.inputs[i], ...want });
    });
    expect(actual.finalState).toEqual(scenario.expected.finalState);
  });
});
