import type { EngineInput, Input } from '../../../../src/core/conversation';
import { FlowRuntimeError } from '../../../../src/flows/engine/context';
import { DONE, SKIP } from '../../../../src/flows/engine/prompt';
import { cloneState, HISTORY_LIMIT, StateSchema, type ConversationState } from '../../../../src/flows/engine/state';
import { step } from '../../../../src/flows/engine/step';
import { compileFlow } from '../../../../src/flows/loader';
import { FlowRegistry, MemoryFlowArchive } from '../../../../src/flows/registry';
import { at, booked, cmd, converse, engineEnv, freshState, last, say, singleFlowEnv, tap, textKeys } from '../../../helpers/engine-env';

/**
 * What is kept between messages: a saved state resumes exactly; a conversation stays on the
 * flow revision it started on; personal answers never enter the state; the state does not
 * grow with the number of answers.
 */

const roundTrip = (s: ConversationState): ConversationState => StateSchema.parse(JSON.parse(JSON.stringify(s)));

describe('resume', () => {
  it('a saved state, reloaded from JSON, continues at the same question with the same ticks', () => {
    const env = engineEnv();
    const turns = converse(env, [cmd('start'), tap('language', 'en'), tap('menu', 'eligibility'), tap('age', 'adult'), tap('q1', 'yes'), tap('q2', 'yes'), tap('q3', 'planning')]);
    const saved = last(turns).state;
    const reloaded = roundTrip(saved);
    expect(at(reloaded)).toBe('diagnosis/q3');
    expect(reloaded.sel).toEqual(['planning']);
    // Same inputs on the saved object and on the reloaded copy give the same conversation.
    const next: Input[] = [tap('q3', 'language'), tap('q3', DONE)];
    const direct = converse(engineEnv(), next, saved);
    const resumed = converse(engineEnv(), next, reloaded);
    expect(resumed).toEqual(direct);
    expect(last(resumed).state.vars['diagnosis.q3']).toEqual(['planning', 'language']);
    expect(at(last(resumed).state)).toBe('diagnosis/continue');
  });

  it('step never changes the state it is given', () => {
    const env = engineEnv();
    const [first] = converse(env, [cmd('start')]);
    const before = JSON.stringify(first!.state);
    step(env, first!.state, tap('language', 'en'));
    expect(JSON.stringify(first!.state)).toBe(before);
  });
});

describe('version pinning', () => {
  const v1 = `specVersion: 1.0.0
id: survey
name: Survey
start: q1
nodes:
  - { id: q1, type: yes_no, prompt: "t:q1", next: q2 }
  - { id: q2, type: text, prompt: "t:q2_v1", example: "t:example", next: bye }
  - { id: bye, type: message, text: ["t:bye_v1"], next: end }
  - { id: end, type: end }
`;
  // The flow file was then edited: q2 became a yes/no question with other words, and q3 left.
  const v2 = `specVersion: 1.0.0
id: survey
name: Survey
start: q1
nodes:
  - { id: q1, type: yes_no, prompt: "t:q1", next: q2 }
  - { id: q2, type: yes_no, prompt: "t:q2_v2", next: bye }
  - { id: bye, type: message, text: ["t:bye_v2"], next: end }
  - { id: end, type: end }
`;
  const rev1 = compileFlow(v1, '<survey v1>');
  const rev2 = compileFlow(v2, '<survey v2>');

  async function pinnedAtQ2() {
    const archive = new MemoryFlowArchive();
    const before = new FlowRegistry([rev1], archive);
    await before.publish();
    const turns = converse(engineEnv({ registry: before, entryFlow: 'survey' }), [cmd('start'), tap('q1', 'yes')], freshState());
    // Körpü restarts with the edited file; the old revision is only in the archive.
    const after = new FlowRegistry([rev2], archive);
    return { saved: roundTrip(last(turns).state), after };
  }

  it('the two revisions differ', () => {
    expect(rev1.revision).not.toBe(rev2.revision);
    expect(compileFlow(v1, '<again>').revision).toBe(rev1.revision);
  });

  it('a conversation started on the old revision finishes on it', async () => {
    const { saved, after } = await pinnedAtQ2();
    expect(saved.frames[0]).toMatchObject({ f: 'survey', r: rev1.revision, n: 'q2' });
    expect(after.get('survey', rev1.revision)).toBeUndefined();
    await after.prepare(saved.frames);
    expect(after.get('survey', rev1.revision)).toBeDefined();
    const env = engineEnv({ registry: after, entryFlow: 'survey' });
    const turn = step(env, saved, say('My answer'));
    // Taken as the old revision's text answer (the new q2 is a yes/no question): the flow ends.
    expect(textKeys(turn)).toEqual(['t:bye_v1']);
    expect(turn.state.frames).toEqual([]);
  });

  it('a re-asked question of the old revision is asked in its old words', async () => {
    const { saved, after } = await pinnedAtQ2();
    await after.prepare(saved.frames);
    const turn = step(engineEnv({ registry: after, entryFlow: 'survey' }), saved, cmd('help'));
    expect(textKeys(turn)).toEqual(['common:notice.help', 't:q2_v1']);
    expect(turn.state.frames[0]!.r).toBe(rev1.revision);
  });

  it('a new conversation runs the current revision', async () => {
    const { after } = await pinnedAtQ2();
    const turns = converse(engineEnv({ registry: after, entryFlow: 'survey' }), [cmd('start'), tap('q1', 'yes')], freshState());
    expect(textKeys(last(turns))).toEqual(['t:q2_v2']);
    expect(last(turns).state.frames[0]!.r).toBe(rev2.revision);
  });

  it('when the old revision is lost and its node is gone, that flow starts again on the current revision', () => {
    const env = engineEnv({ flows: [rev2], entryFlow: 'survey' });
    const lost: ConversationState = { ...freshState(), frames: [{ f: 'survey', r: 'gone', n: 'q9' }] };
    const turn = step(env, lost, cmd('help'));
    expect(turn.state.frames[0]).toMatchObject({ r: rev2.revision, n: 'q1' });
    expect(textKeys(turn)).toEqual(['common:notice.help', 't:q1']);
  });
});

describe('personal data', () => {
  const NAME = 'Aysel';
  const SURNAME = 'Qurbanova';
  const COUNTRY = 'Tajikistan';
  const PHONE = '050 765 43 21';
  const ADDRESS = 'Yasamal district, Sharifzade 12';
  const REASON = 'medical treatment';
  const QUESTION = 'Can my husband Farid come?';
  const inputs: EngineInput[] = [
    cmd('start'), tap('language', 'en'), tap('menu', 'book'), tap('age', 'adult'), tap('q1', 'yes'), tap('q2', 'yes'),
    tap('q3', 'health_social'), tap('q3', DONE), tap('agree', 'C'), say('07.11.1987'), say(NAME), say(SURNAME), say(COUNTRY), tap('reason', 'other'),
    say(REASON), say(PHONE), booked('pick_time'), tap('referral', 'leaflet'), say(ADDRESS), say(QUESTION),
  ];
  const turns = converse(engineEnv(), inputs);

  it('reaches the end of the interview', () => {
    expect(turns.flatMap((t) => t.effects).some((e) => e.type === 'intake_completed')).toBe(true);
  });

  it('is never kept in the conversation state, at any step', () => {
    const secrets = [NAME, SURNAME, COUNTRY, '1987', '7654321', '765 43 21', 'Yasamal', 'Sharifzade', REASON, 'Farid'];
    for (const t of turns) {
      const json = JSON.stringify(t.state);
      for (const secret of secrets) expect({ input: t.input, leaked: json.includes(secret) ? secret : undefined }).toEqual({ input: t.input, leaked: undefined });
    }
  });

  it('goes to the record as personal answers, after consent', () => {
    const recorded = turns.flatMap((t) => t.effects).filter((e) => e.type === 'answer_recorded');
    expect(recorded.map((e) => (e.type === 'answer_recorded' ? [e.field, e.value, e.personal] : []))).toEqual([
      ['birth_date', '1987-11-07', true],
      ['first_name', NAME, true],
      ['last_name', SURNAME, true],
      ['country', COUNTRY, true],
      // The reason for coming is personal ("asylum" says the person seeks asylum): sealed too.
      ['reason', 'other', true],
      ['reason_detail', REASON, true],
      ['phone', '+994507654321', true],
      ['referral_source', 'leaflet', false],
      ['address', ADDRESS, true],
    ]);
    const consentAt = turns.findIndex((t) => t.effects.some((e) => e.type === 'consent_recorded'));
    const firstPersonal = turns.findIndex((t) => t.effects.some((e) => e.type === 'answer_recorded' && e.personal));
    expect(consentAt).toBeGreaterThan(-1);
    expect(firstPersonal).toBeGreaterThan(consentAt);
    // …and never in the conversation's state.
    expect(turns.map((t) => Object.keys(t.state.vars)).flat()).not.toContain('interview.reason');
  });

  it('a state saved when the reason was not yet personal (holding interview.reason in clear) loses it at its next step', () => {
    const env = engineEnv();
    // The state after the reason's own words, waiting for the phone number.
    const old = turns[inputs.findIndex((i) => i.type === 'text' && i.text === REASON)]!.state;
    const saved: ConversationState = { ...old, vars: { ...old.vars, 'interview.reason': 'asylum' } };
    const next = step(env, roundTrip(saved), say(PHONE));
    expect(next.effects).toContainEqual(expect.objectContaining({ type: 'answer_recorded', field: 'phone' }));
    expect(Object.keys(next.state.vars)).not.toContain('interview.reason');
    expect(JSON.stringify(next.state)).not.toContain('asylum');
  });

  it('asking for personal data before consent is a flow bug: step throws FlowRuntimeError', () => {
    const env = singleFlowEnv(`  - { id: q, type: text, prompt: "t:q", example: "t:e", personal: true, field: first_name, next: e }\n  - { id: e, type: end }`);
    const [start] = converse(env, [cmd('start')], freshState());
    expect(() => step(env, start!.state, say(NAME))).toThrow(FlowRuntimeError);
    expect(() => step(env, start!.state, say(NAME))).toThrow(/t\/q: asks for personal data before consent/);
    expect(() => step(env, { ...start!.state, consent: 'declined' }, say(NAME))).toThrow(FlowRuntimeError);
    // With consent the same answer is taken, and kept only on the record.
    const ok = step(env, { ...start!.state, consent: 'B' }, say(NAME));
    expect(ok.effects).toContainEqual(expect.objectContaining({ type: 'answer_recorded', field: 'first_name', value: NAME, personal: true }));
    expect(JSON.stringify(ok.state)).not.toContain(NAME);
  });

  it('consent to a call back only (`phone`) lets the flow take a phone number, and nothing else personal', () => {
    const phone = singleFlowEnv(`  - { id: q, type: phone, prompt: "t:q", personal: true, field: phone, next: e }\n  - { id: e, type: end }`);
    const [p0] = converse(phone, [cmd('start')], freshState());
    const ok = step(phone, { ...p0!.state, consent: 'phone' }, say('050 123 45 67'));
    expect(ok.effects).toContainEqual(expect.objectContaining({ type: 'answer_recorded', field: 'phone', value: '+994501234567', personal: true }));
    const name = singleFlowEnv(`  - { id: q, type: text, prompt: "t:q", example: "t:e", personal: true, field: first_name, next: e }\n  - { id: e, type: end }`);
    const [n0] = converse(name, [cmd('start')], freshState());
    expect(() => step(name, { ...n0!.state, consent: 'phone' }, say(NAME))).toThrow(/asks for personal data before consent/);
  });

  it('a skipped optional personal question records nothing', () => {
    const i = inputs.indexOf(inputs.find((x) => x.type === 'text' && x.text === ADDRESS)!);
    const skipped = converse(engineEnv(), [...inputs.slice(0, i), tap('address', SKIP)]);
    expect(last(skipped).effects).toEqual([]);
    expect(at(last(skipped).state)).toBe('interview/questions');
  });
});

describe('flat cost', () => {
  it(`after 40 answers the state is no bigger than after ${HISTORY_LIMIT}: the back trail is capped`, () => {
    const count = 45;
    const id = (i: number) => `p${String(i).padStart(2, '0')}`;
    const nodes = Array.from({ length: count }, (_, i) => `  - { id: ${id(i + 1)}, type: text, prompt: "t:q", example: "t:e", personal: true, field: f${id(i + 1)}, next: ${i + 1 < count ? id(i + 2) : 'e'} }`);
    const env = singleFlowEnv([...nodes, '  - { id: e, type: end }'].join('\n'), id(1));
    const answers = Array.from({ length: 40 }, (_, i) => say(`answer number ${i + 1} ${'x'.repeat(i * 6)}`));
    const turns = converse(env, [cmd('start'), ...answers], { ...freshState(), consent: 'A' });
    const sizes = turns.map((t) => JSON.stringify(t.state).length);
    expect(at(last(turns).state)).toBe(`t/${id(41)}`);
    for (const t of turns) expect((t.state.frames[0]!.b ?? []).length).toBeLessThanOrEqual(HISTORY_LIMIT);
    // From the moment the trail is full, every answer leaves a state of exactly the same size.
    const steady = sizes.slice(HISTORY_LIMIT);
    expect(new Set(steady).size).toBe(1);
    expect(sizes[40]).toBe(sizes[HISTORY_LIMIT]);
    expect(sizes[40]).toBeLessThan(600);
    // And the answers themselves (up to 250 characters each) went to the record, not the state.
    expect(last(turns).effects).toHaveLength(1);
  });
});

describe('what a finished flow leaves behind', () => {
  const main = `specVersion: 1.0.0
id: main
name: Main
start: pick
nodes:
  - { id: pick, type: yes_no, prompt: "t:pick", next: run_sub }
  - { id: run_sub, type: flow, flow: sub, next: route }
  - { id: route, type: branch, var: sub.q2, cases: { "yes": z }, default: z }
  - { id: z, type: yes_no, prompt: "t:z", next: end }
  - { id: end, type: end }
`;
  const sub = `specVersion: 1.0.0
id: sub
name: Sub
start: q1
nodes:
  - { id: q1, type: yes_no, prompt: "t:q1", next: q2 }
  - { id: q2, type: yes_no, prompt: "t:q2", next: end }
  - { id: end, type: end }
`;
  const env = () => engineEnv({ flows: [compileFlow(main, '<main>'), compileFlow(sub, '<sub>')], entryFlow: 'main' });

  it('keeps what another flow reads (its result) and drops the rest of its variables', () => {
    const e = env();
    expect(e.flows.readElsewhere('sub.q2')).toBe(true);
    expect(e.flows.readElsewhere('sub.q1')).toBe(false);
    const turns = converse(e, [cmd('start'), tap('pick', 'yes'), tap('q1', 'no')], freshState());
    expect(last(turns).state.vars).toEqual({ 'main.pick': 'yes', 'sub.q1': 'no' });
    const done = step(e, last(turns).state, tap('q2', 'yes'));
    expect(at(done.state)).toBe('main/z');
    expect(done.state.vars).toEqual({ 'main.pick': 'yes', 'sub.q2': 'yes' });
  });

  it('keeps the language hint only until a language is chosen', () => {
    const e = singleFlowEnv(`  - { id: lang, type: language, prompt: "t:lang", next: q }
  - { id: q, type: yes_no, prompt: "t:q", next: end }
  - { id: end, type: end }`, 'lang');
    const turns = converse(e, [cmd('start', 'ru'), tap('lang', 'az')]);
    expect(turns[0]!.state.hint).toBe('ru');
    expect(last(turns).state).toMatchObject({ lang: 'az' });
    expect(last(turns).state).not.toHaveProperty('hint');
    expect(step(e, last(turns).state, cmd('start', 'en')).state).not.toHaveProperty('hint');
  });
});

describe('cloneState', () => {
  it('copies every level, so a step never changes the state it was given', () => {
    const s: ConversationState = { v: 1, lang: 'en', frames: [{ f: 'a', r: 'r1', n: 'q', b: ['x'] }], vars: { 'a.q': ['one', 'two'], 'a.p': 'yes' }, sel: ['one'], booking: { slot: 's', office: 'o', start: '2026-03-17T06:00:00.000Z', end: '2026-03-17T07:00:00.000Z' }, at: 5, done: true };
    const c = cloneState(s);
    expect(c).toEqual(s);
    expect(c).toEqual(structuredClone(s));
    c.frames[0]!.b!.push('y');
    (c.vars['a.q'] as string[]).push('three');
    c.sel!.pop();
    c.booking!.slot = 't';
    expect(s.frames[0]!.b).toEqual(['x']);
    expect(s.vars['a.q']).toEqual(['one', 'two']);
    expect(s.sel).toEqual(['one']);
    expect(s.booking!.slot).toBe('s');
  });
});
