import { join } from 'node:path';
import { seededIds } from '../../src/core/clock';
import type { EngineInput, Input } from '../../src/core/conversation';
import type { Lang } from '../../src/core/lang';
import type { StepEnv, StepResult } from '../../src/flows/engine/context';
import { step } from '../../src/flows/engine/step';
import type { LabelText } from '../../src/flows/engine/typed-choice';
import { createTranslator, type Translator } from '../../src/i18n';
import { initialState, type ConversationState } from '../../src/flows/engine/state';
import { compileFlow, loadFlowDir } from '../../src/flows/loader';
import { FlowRegistry, type FlowArchive } from '../../src/flows/registry';
import { RULES } from '../../src/flows/rules/registry';
import type { CompiledFlow } from '../../src/flows/schema/flow-schema';

/**
 * Test helpers for the pure engine: a StepEnv over the real `flows/` folder (or over test
 * flows written inline as YAML), a fixed clock and seeded ids, and `converse`, a driver that
 * feeds inputs one by one and keeps every step's result.
 *
 * @example
 *   const env = engineEnv();
 *   const steps = converse(env, [{ type: 'command', name: 'start' }, { type: 'choice', node: 'language', value: 'en' }]);
 *   expect(steps.at(-1)!.state.lang).toBe('en');
 */

/** The project's flow folder. */
export const FLOWS_DIR = join(__dirname, '..', '..', 'flows');

/** The clock every engine test and golden scenario runs at: Monday 16 March 2026, 09:00 UTC. */
export const FIXED_NOW = new Date('2026-03-16T09:00:00.000Z');

let translator: Translator | undefined;
/**
 * Buttons' texts from the real locales (as the runner gives the engine), loaded once per test
 * file. A test flow's made-up keys ("t:tea") have no text: i18next would answer "tea".
 */
export const realLabels: LabelText = (lang, key) => {
  translator ??= createTranslator();
  return translator.missing(key).length > 0 ? '' : translator.t(lang, key);
};

let realFlows: CompiledFlow[] | undefined;
/** The real flows, loaded (and checked) once per test file. */
export function loadRealFlows(): CompiledFlow[] {
  realFlows ??= loadFlowDir(FLOWS_DIR);
  return realFlows;
}

/** A StepEnv whose `flows` is a real FlowRegistry (so `prepare` and `all` are at hand). */
export type TestEnv = StepEnv & { flows: FlowRegistry };

export interface EngineEnvOptions {
  /** Flows to run (default: the real `flows/` folder). */
  flows?: readonly CompiledFlow[];
  /** Use this registry instead of building one from `flows`. */
  registry?: FlowRegistry;
  archive?: FlowArchive;
  entryFlow?: string;
  now?: Date;
  /** Seed of the case-code generator (default 1). */
  seed?: number;
  /** `false`: no buttons' texts, so only taps and typed numbers choose (default: the real locales'). */
  labels?: false;
}

/** Builds a StepEnv: real flows and rules, entry flow `welcome`, FIXED_NOW and seededIds(). */
export function engineEnv(opts: EngineEnvOptions = {}): TestEnv {
  return {
    flows: opts.registry ?? new FlowRegistry(opts.flows ?? loadRealFlows(), opts.archive),
    rules: RULES,
    entryFlow: opts.entryFlow ?? 'welcome',
    now: opts.now ?? FIXED_NOW,
    ids: seededIds(opts.seed ?? 1),
    ...(opts.labels === false ? {} : { label: realLabels }),
  };
}

/**
 * Compiles flows written inline as YAML (file names `<test:id>` skip the file-name check).
 * @example testFlows(`specVersion: 1.0.0\nid: t\nname: T\nstart: a\nnodes: [...]`)
 */
export function testFlows(...yamls: string[]): CompiledFlow[] {
  return yamls.map((y, i) => compileFlow(y, `<test-flow-${i + 1}>`));
}

/**
 * A new conversation in which the person has already chosen `lang` (so test flows without a
 * language question are asked straight away).
 */
export function freshState(lang: Lang = 'en'): ConversationState {
  return { ...initialState(), lang };
}

/**
 * A one-flow test environment: the flow `t` made of `nodes` (YAML list items, indented two
 * spaces), starting at `start`, as entry flow.
 * @example singleFlowEnv(`  - { id: q, type: yes_no, prompt: "t:q", next: end }\n  - { id: end, type: end }`)
 */
export function singleFlowEnv(nodes: string, start = 'q', opts: Omit<EngineEnvOptions, 'flows' | 'entryFlow'> = {}): TestEnv {
  const flow = compileFlow(`specVersion: 1.0.0\nid: t\nname: Test flow\nstart: ${start}\nnodes:\n${nodes}`, '<test:t>');
  return engineEnv({ ...opts, flows: [flow], entryFlow: 't' });
}

/** One step of a conversation: the input given and what `step` returned for it. */
export interface Turn extends StepResult {
  input: EngineInput;
}

/**
 * Feeds `inputs` to `step` one after another, starting from `start` (a new conversation by
 * default), and returns every step's result. The state of each turn is the state after it.
 */
export function converse(env: StepEnv, inputs: readonly EngineInput[], start?: ConversationState): Turn[] {
  const turns: Turn[] = [];
  let state = start;
  for (const input of inputs) {
    const result = step(env, state, input);
    turns.push({ input, ...result });
    state = result.state;
  }
  return turns;
}

/** The last turn of a conversation (throws on an empty one, which is a test bug). */
export function last(turns: readonly Turn[]): Turn {
  const t = turns.at(-1);
  if (!t) throw new Error('converse() was given no inputs');
  return t;
}

/** Every i18n key an output shows, in order (texts, then button labels), for terse assertions. */
export function keysOf(result: Pick<StepResult, 'outputs'>): string[] {
  return result.outputs.flatMap((o) => [
    ...o.text.flatMap((t) => ('key' in t ? [t.key] : 'list' in t ? t.list : 'plain' in t ? [t.plain] : [`<${t.content}>`])),
    ...(o.buttons ?? []).flat().flatMap((b) => ('key' in b.label ? [b.label.key] : [])),
  ]);
}

/** The text keys of the outputs only (no button labels). */
export function textKeys(result: Pick<StepResult, 'outputs'>): string[] {
  return result.outputs.flatMap((o) => o.text.flatMap((t) => ('key' in t ? [t.key] : 'list' in t ? t.list : 'plain' in t ? [t.plain] : [`<${t.content}>`])));
}

/** The node the conversation waits at (`flow/node`), or undefined when no flow is open. */
export function at(state: ConversationState): string | undefined {
  const f = state.frames.at(-1);
  return f ? `${f.f}/${f.n}` : undefined;
}

/** Input shorthands. */
export const say = (text: string): Input => ({ type: 'text', text });
export const tap = (node: string, value: string): Input => ({ type: 'choice', node, value });
export const cmd = (name: Extract<Input, { type: 'command' }>['name'], langHint?: 'az' | 'ru' | 'en'): Input =>
  langHint ? { type: 'command', name, langHint } : { type: 'command', name };

/** What the host gives the engine after booking `slot` (2026-03-17 10:00 Baku, after FIXED_NOW) atomically. */
export const booked = (node: string, slot = 'baku@2026-03-17T10:00', start = '2026-03-17T06:00:00.000Z', end = '2026-03-17T06:45:00.000Z'): EngineInput => ({
  type: 'booking_result',
  node,
  outcome: 'booked',
  slot,
  office: slot.split('@')[0]!,
  start,
  end,
});
