import type { Command, EngineInput } from '../../core/conversation';
import { LangSchema } from '../../core/lang';
import { WAITING_TYPES, type CompiledFlow, type FlowNode } from '../schema/flow-schema';
import { typedOption } from './typed-choice';
import { ACTIONS, showMyData } from './actions';
import { answer, consentAllows, readLanguage, suggestWrittenLanguage, type Answered } from './answer';
import { FlowRuntimeError, StepContext, type StepEnv, type StepResult } from './context';
import { APPOINTMENT_BUTTONS, readMeetingButton, slotMark } from './meeting-buttons';
import { menuFrame } from './place';
import { ask, askLanguage, CARRY_ON, canGoBack, LANGUAGE_PICKER, requestOffer } from './prompt';
import { cloneState, HISTORY_LIMIT, initialState, type ConversationState, type Frame } from './state';
import { westernDigits } from './parse-reply';
import { varName } from './vars';

/** Non-waiting nodes one step may pass through before the flow is declared looping. */
const MAX_HOPS = 200;

/**
 * Runs one step of a conversation: takes the saved state and one input, returns the new
 * state, the messages to send and the effects to perform. Pure: no I/O, no clock, no
 * randomness (time and ids come from `env`). The cost does not depend on how many answers were
 * given before: only the current node and a bounded back-stack are looked at.
 *
 * @example
 *   const { state, outputs, effects } = step(env, saved, { type: 'text', text: 'Aysel' });
 */
export function step(env: StepEnv, prev: ConversationState | undefined, input: EngineInput): StepResult {
  const ctx = new StepContext(env, prev ? cloneState(prev) : initialState());
  ctx.s.at = env.now.getTime();
  handle(ctx, input);
  ctx.flush();
  for (const name of env.flows.personalVars ?? []) if (name in ctx.s.vars) delete ctx.s.vars[name];
  // The platform's language hint matters only until the person has chosen one.
  if (ctx.s.lang) delete ctx.s.hint;
  return { state: ctx.s, outputs: ctx.outputs, effects: ctx.effects };
}

/**
 * The same question asked again, nothing answered: for a message that must not be taken as an
 * answer (one that shows crisis). The state moves on only in its clock; a new conversation
 * starts as `/start` would start it. Pure, like `step`.
 */
export function repeatQuestion(env: StepEnv, prev: ConversationState | undefined): StepResult {
  const ctx = new StepContext(env, prev ? cloneState(prev) : initialState());
  ctx.s.at = env.now.getTime();
  reask(ctx);
  ctx.flush();
  if (ctx.s.lang) delete ctx.s.hint;
  return { state: ctx.s, outputs: ctx.outputs, effects: ctx.effects };
}

/**
 * Typed words that ask for one of the person's rights (`kinds`: withdraw, delete, mydata,
 * correct) while a question is open: they are not the answer. The person is offered those
 * rights, each a button, or to carry on with the question; nothing else changes (the question
 * stays open: typing the answer still answers it). Pure, like `step`.
 */
export function offerRequests(env: StepEnv, prev: ConversationState, kinds: readonly Command[]): StepResult {
  const ctx = new StepContext(env, cloneState(prev));
  ctx.s.at = env.now.getTime();
  ctx.emit(requestOffer(kinds, true));
  return { state: ctx.s, outputs: ctx.outputs, effects: ctx.effects };
}

/** Questions answered only by buttons, where typing the Back button's text goes back. */
const TYPED_BACK_NODES: ReadonlySet<FlowNode['type']> = new Set(['choice', 'yes_no', 'multi_choice', 'booking', 'appointment']);
const BACK = [{ value: 'back', label: 'common:button.back' }];

function handle(ctx: StepContext, input: EngineInput): void {
  const s = ctx.s;
  if (input.type === 'command') return command(ctx, input.name, input.langHint);
  if (input.type === 'unknown_command') return reask(ctx, { key: 'common:notice.unknown_command', params: { command: input.name } });
  if (input.type === 'unsupported') return reask(ctx, { key: `common:notice.unsupported_${input.kind}` });

  // A language button is honoured whenever it is tapped: choosing a language is never stale.
  // While the picker is open, a typed number or code ("2", "ru") chooses as well.
  const tapped = input.type === 'choice' && input.node === LANGUAGE_PICKER;
  const picked = tapped || (s.picking === 'language' && input.type === 'text') ? readLanguage(s, input, ctx.env.label) : undefined;
  if (picked) {
    s.lang = picked;
    delete s.picking;
    return reask(ctx, { key: 'common:notice.language_set' });
  }
  // "Carry on with the question" under the offer of a right: the open question, asked again.
  if (input.type === 'choice' && input.node === CARRY_ON) return reask(ctx);
  if (s.picking === 'language') {
    suggestWrittenLanguage(s, input);
    return askLanguage(ctx, LANGUAGE_PICKER, { key: 'common:prompt.language' });
  }
  if (input.type === 'choice' && input.node === APPOINTMENT_BUTTONS) return appointmentButton(ctx, input.value);

  const here = current(ctx);
  if (!here) {
    // Nothing asked yet (a first message, or one after /stop): a language named in it ("English",
    // "Русский") is taken, and the language question skipped. A number names none here.
    const named = !s.lang && input.type === 'text' && !/^\s*\d+\s*$/.test(westernDigits(input.text)) ? readLanguage(s, input, ctx.env.label) : undefined;
    if (named) s.lang = named;
    // Words in a plain alphabet ("Здравствуйте, мне нужна помощь") suggest their language over
    // the platform's setting: the language question is put in it, its button first.
    else suggestWrittenLanguage(s, input);
    return restart(ctx);
  }
  const [flow, node] = here;
  // A flow opened by a command before a language was chosen (/delete as the first message)
  // waits at its start, which may take no answer (a branch): the language first, then it runs.
  if (!WAITING_TYPES.has(node.type)) return reask(ctx);
  if ((input.type === 'choice' || input.type === 'booking_result') && input.node !== node.id) return reask(ctx, { key: 'common:notice.stale_button' });
  // The case was closed for good (the host's booking refused it): no times any more, the menu.
  if (input.type === 'booking_result' && input.outcome === 'closed') {
    s.closed = true;
    delete s.booking;
    ctx.say({ key: CASE_CLOSED_NOTICE });
    return restart(ctx, 'menu');
  }

  // "Назад" typed where only buttons answer is the Back button (a name or a date is never it).
  if (input.type === 'text' && TYPED_BACK_NODES.has(node.type) && typedOption(ctx.env.label, ctx.lang, input.text, BACK) !== undefined) return command(ctx, 'back', undefined);
  settle(ctx, node, answer(ctx, flow, node, input), input);
}

/** Acts on an answer's outcome at `node`: asks again, stays, or goes on (carrying typed words to the text question next). */
function settle(ctx: StepContext, node: FlowNode, outcome: Answered, input: EngineInput): void {
  if (outcome.kind === 'reprompt') {
    ctx.say(...outcome.notice);
    return ask(ctx, node, outcome.edit ? { edit: true } : { again: true });
  }
  if (outcome.kind === 'stay') return;
  remember(ctx.s.frames.at(-1)!, node.id);
  goTo(ctx, outcome.next);
  if (outcome.kind === 'carry') {
    const there = current(ctx);
    if (there && there[1].type === 'text') return settle(ctx, there[1], answer(ctx, there[0], there[1], input), input);
  }
  run(ctx);
}

function command(ctx: StepContext, name: string, langHint: string | undefined): void {
  const s = ctx.s;
  const hint = LangSchema.safeParse(langHint);
  if (hint.success && !s.hint && !s.lang) s.hint = hint.data;
  // Any other command closes an open language picker; otherwise the re-asked question's next
  // answer would be taken for a language choice and swallowed.
  if (name !== 'language') delete s.picking;
  switch (name) {
    case 'start':
      delete s.quiet;
      if (s.frames.length === 0) return restart(ctx);
      return reask(ctx, { key: 'common:notice.welcome_back' });
    case 'appointment':
      return openFlow(ctx, APPOINTMENT_FLOW);
    case 'mydata':
      showMyData(ctx);
      return reask(ctx);
    case 'correct':
      return openOver(ctx, CORRECT_FLOW);
    case 'withdraw':
      return openOver(ctx, WITHDRAW_FLOW);
    case 'person':
      // "Talk to a person" from wherever they are: the question they were at follows the talk.
      return openOver(ctx, HANDOFF_FLOW);
    case 'delete':
      return openOver(ctx, ERASE_FLOW);
    case 'stop':
      s.quiet = true;
      return ctx.say({ key: 'common:notice.stopped' });
    case 'restart':
      return restart(ctx);
    case 'menu':
      // Before any language, the menu would be in one the person may not read: the language first.
      return restart(ctx, s.lang ? 'menu' : undefined);
    case 'language':
      s.picking = 'language';
      return askLanguage(ctx, LANGUAGE_PICKER, { key: 'common:prompt.language' });
    case 'help':
      return reask(ctx, { key: 'common:notice.help' });
    case 'back': {
      if (!goBack(s)) return reask(ctx, { key: 'common:notice.cannot_go_back' });
      // Not to a question for personal data whose consent was set aside since (a date of birth
      // under 18, then Back: a mistyped year): further back, where consent can be given again.
      for (let here = current(ctx); here && !consentAllows(s.consent, here[1]); here = current(ctx)) {
        if (!goBack(s)) return restart(ctx, 'menu');
      }
      delete s.sel;
      // Back at a multiple choice answered before: its ticks as they were, not none.
      const back = current(ctx);
      const ticked = back && back[1].type === 'multi_choice' ? s.vars[varName(back[0], back[1].id)] : undefined;
      if (Array.isArray(ticked)) s.sel = ticked.map(String);
      return reask(ctx);
    }
  }
}

/** Said when a booking is refused because a case worker closed the case (as the appointment flow says it). */
const CASE_CLOSED_NOTICE = 'booking:case_closed.no_booking';

/** The flow behind /appointment and the meeting buttons of reminders. */
export const APPOINTMENT_FLOW = 'appointment';
/** The flow behind /correct: a choice of detail, then that detail's interview question. */
export const CORRECT_FLOW = 'correct';
/** The flow behind /withdraw: the reason in writing, a confirmation, the withdrawal. */
export const WITHDRAW_FLOW = 'withdraw';
/** The flow behind /delete: an explicit confirmation, then the erasure. */
export const ERASE_FLOW = 'erase';
/** The flow behind /person (and the menu's "Talk to a person"): the case workers told, the person's messages kept for them. */
export const HANDOFF_FLOW = 'handoff';

/**
 * Opens a flow on top of the main menu (so the menu follows when it ends), at its start or at
 * `at`. Like "start over", the answers of the pass in progress are left behind.
 */
function openFlow(ctx: StepContext, id: string, at?: string): void {
  const flow = ctx.env.flows.current(id);
  if (!flow) return reask(ctx, { key: 'common:notice.help' });
  const entry = ctx.env.flows.current(ctx.env.entryFlow);
  if (!entry) throw new FlowRuntimeError(`entry flow "${ctx.env.entryFlow}" is not loaded`);
  const menu = entry.nodes.has('menu') ? 'menu' : entry.def.start;
  ctx.s.frames = [
    { f: entry.def.id, r: entry.revision, n: menu },
    { f: flow.def.id, r: flow.revision, n: at && flow.nodes.has(at) ? at : flow.def.start },
  ];
  ctx.s.vars = {};
  delete ctx.s.sel;
  if (!ctx.s.lang) return pickLanguageFirst(ctx);
  run(ctx);
}

/**
 * Opens one of the person's rights (/correct, /withdraw, /delete) over the question they are
 * at, answers and all: when it ends, that question is asked again (a "No" to withdrawing or
 * erasing changes nothing, a correction is a detour). What closes their path (the withdrawal,
 * the erasure, a consent set aside) leaves it for the menu instead (place.ts `leavePlace`).
 * Used again from inside itself, the flow starts afresh rather than stacking a second one.
 * `at`: a node of the flow to open at instead of its start (a reminder's Reschedule: the times).
 */
function openOver(ctx: StepContext, id: string, at?: string): void {
  const s = ctx.s;
  const flow = ctx.env.flows.current(id);
  // Nothing asked yet (or no language): as from the menu.
  if (!flow || !s.lang || s.frames.length === 0) return openFlow(ctx, id, at);
  const again = s.frames.findIndex((f) => f.f === id);
  if (again > 0) s.frames.splice(again);
  if (again === 0) s.frames = [menuFrame(ctx)];
  s.frames.push({ f: flow.def.id, r: flow.revision, n: at && flow.nodes.has(at) ? at : flow.def.start, i: true });
  run(ctx);
}

/**
 * A meeting button from a message the bot sent on its own (a reminder, an offer of a new
 * time): Confirm, Reschedule, Cancel or Book again, honoured wherever the conversation is.
 */
function appointmentButton(ctx: StepContext, value: string): void {
  const { action, mark } = readMeetingButton(value);
  // The case was closed since the message was sent: its meeting is gone and no other is booked;
  // the appointment flow says so (and how to reach a person).
  if (ctx.s.closed) return openFlow(ctx, APPOINTMENT_FLOW);
  // A button of a message about another meeting (moved or cancelled since) acts on nothing: the
  // person sees where their meeting stands now and chooses again there.
  if (mark !== undefined && (!ctx.s.booking || slotMark(ctx.s.booking.slot) !== mark)) {
    ctx.say({ key: 'booking:notice.old_meeting' });
    return openFlow(ctx, APPOINTMENT_FLOW);
  }
  const booking = upcoming(ctx);
  switch (action) {
    case 'confirm':
      if (!booking) return openFlow(ctx, APPOINTMENT_FLOW);
      ctx.effects.push({ type: 'booking_confirmed', caseCode: ctx.ensureCase(), slot: booking.slot, lang: ctx.lang });
      return reask(ctx, { key: 'booking:notice.confirmed' });
    // Over the question the person was at, as a right is used: Back (shown under the times, as
    // in /appointment) returns there, and so does the end of the flow (a time booked, the
    // cancelling answered). The times browsed in an earlier pass start again at the first page.
    case 'reschedule':
    case 'rebook':
      forgetVars(ctx, APPOINTMENT_FLOW);
      // The meeting the person came to, past (a reminder's Reschedule, a "new time" offer put
      // right to "came"): no new first meeting; the appointment flow says their case worker
      // arranges what follows. A later meeting missed is booked again as before.
      if (!booking && ctx.s.met && ctx.s.met.slot === ctx.s.booking?.slot) return openFlow(ctx, APPOINTMENT_FLOW);
      return openOver(ctx, APPOINTMENT_FLOW, 'pick');
    case 'cancel':
      forgetVars(ctx, APPOINTMENT_FLOW);
      return openOver(ctx, APPOINTMENT_FLOW, booking ? 'cancel_confirm' : undefined);
    default:
      return reask(ctx, { key: 'common:notice.stale_button' });
  }
}

/** The booked meeting, if it has not started yet. */
function upcoming(ctx: StepContext): NonNullable<ConversationState['booking']> | undefined {
  const b = ctx.s.booking;
  return b && Date.parse(b.start) > ctx.env.now.getTime() ? b : undefined;
}

/** Says `notice` (if any) and asks the current question again. */
function reask(ctx: StepContext, notice?: { key: string; params?: Record<string, string> }): void {
  if (notice) ctx.say(notice);
  if (ctx.s.picking === 'language') return askLanguage(ctx, LANGUAGE_PICKER, { key: 'common:prompt.language' });
  const here = current(ctx);
  if (!here) return restart(ctx);
  if (!ctx.s.lang && here[1].type !== 'language') return pickLanguageFirst(ctx);
  // The meeting may have gone since this question was reached (cancelled, past): walk on.
  if (here[1].type === 'appointment' && !upcoming(ctx)) return run(ctx);
  // A flow opened before a language was chosen (/delete as a first message) waits at its start,
  // which may be a branch: walk on to its first question.
  if (!WAITING_TYPES.has(here[1].type)) return run(ctx);
  ask(ctx, here[1], { again: true });
}

/**
 * A flow opened before any language was chosen (/appointment as the first message) waits behind
 * the language question: what is typed now ("2", "Русский") chooses a language, never answers
 * the flow's first question in a language the person may not read.
 */
function pickLanguageFirst(ctx: StepContext): void {
  ctx.s.picking = 'language';
  askLanguage(ctx, LANGUAGE_PICKER, { key: 'common:prompt.language' });
}

/**
 * Starts the entry flow again, keeping the language, the case code and the consent already
 * given (they belong to the person, not to this pass through the flows); at the menu (`/menu`)
 * also the answers of flows marked `kept` (the diagnosis).
 */
function restart(ctx: StepContext, at?: string): void {
  const s = ctx.s;
  const entry = ctx.env.flows.current(ctx.env.entryFlow);
  if (!entry) throw new FlowRuntimeError(`entry flow "${ctx.env.entryFlow}" is not loaded`);
  s.frames = [{ f: entry.def.id, r: entry.revision, n: at && entry.nodes.has(at) ? at : entry.def.start }];
  // Back to the menu keeps the answers of flows that say so (the diagnosis); starting over does not.
  s.vars = at === 'menu' ? Object.fromEntries(Object.entries(s.vars).filter(([name]) => ctx.env.flows.current(name.slice(0, name.indexOf('.')))?.def.kept === true)) : {};
  delete s.sel;
  delete s.picking;
  run(ctx);
}

/** The flow and node the conversation is at, following a pinned revision where it still exists. */
function current(ctx: StepContext): [CompiledFlow, FlowNode] | undefined {
  const frame = ctx.s.frames.at(-1);
  if (!frame) return undefined;
  const flow = resolve(ctx, frame);
  const node = flow.nodes.get(frame.n);
  if (!node) {
    // The revision this conversation started on is gone and the node no longer exists:
    // begin that flow again rather than fail.
    frame.n = flow.def.start;
    frame.r = flow.revision;
    return [flow, flow.nodes.get(flow.def.start)!];
  }
  return [flow, node];
}

function resolve(ctx: StepContext, frame: Frame): CompiledFlow {
  const flow = ctx.env.flows.get(frame.f, frame.r) ?? ctx.env.flows.current(frame.f);
  if (!flow) throw new FlowRuntimeError(`flow "${frame.f}" is not loaded`);
  if (flow.revision !== frame.r && !flow.nodes.has(frame.n)) frame.r = flow.revision;
  return flow;
}

function goTo(ctx: StepContext, node: string): void {
  const frame = ctx.s.frames.at(-1);
  if (frame) frame.n = node;
}

/** Adds an answered question to its flow's trail (bounded: old entries fall off). */
function remember(frame: Frame, node: string): void {
  const trail = frame.b ?? [];
  trail.push(node);
  if (trail.length > HISTORY_LIMIT) trail.splice(0, trail.length - HISTORY_LIMIT);
  frame.b = trail;
}

/**
 * Returns to the last question answered: in the current flow, or, at a flow's first question,
 * in the flow that led to it. False when there is nothing to go back to.
 */
function goBack(s: ConversationState): boolean {
  if (!canGoBack(s)) return false;
  for (;;) {
    const top = s.frames.at(-1)!;
    const previous = top.b?.pop();
    if (top.b?.length === 0) delete top.b;
    if (previous) {
      top.n = previous;
      return true;
    }
    s.frames.pop();
    // Back out of a right used over a question: to that question.
    if (top.i) return true;
  }
}

/** Walks through nodes that need no answer until one does (or every flow has ended). */
function run(ctx: StepContext): void {
  const s = ctx.s;
  for (let hop = 0; hop < MAX_HOPS; hop++) {
    const here = current(ctx);
    if (!here) return;
    const [flow, node] = here;
    const frame = s.frames.at(-1)!;
    if (WAITING_TYPES.has(node.type)) {
      if (node.type === 'language' && s.lang) {
        frame.n = node.next;
        continue;
      }
      if (node.type === 'appointment' && !upcoming(ctx)) {
        frame.n = node.none;
        continue;
      }
      return ask(ctx, node);
    }
    switch (node.type) {
      case 'message':
        // The day of the first meeting the person came to, said (by the host) before the text.
        if (node.met && s.met) ctx.emit({ type: 'message', text: [], met: { slot: s.met.slot, office: s.met.office, start: s.met.start } });
        ctx.say(...node.text.map((key) => ({ key })));
        if (node.list) ctx.say({ list: listOf(s.vars[varName(flow, node.list.var)]).map((item) => `${node.list!.prefix}${item}`) });
        if (node.referrals) ctx.say({ content: 'referrals', reasons: listOf(s.vars[varName(flow, node.referrals.var)]) });
        if (node.meeting && s.booking) ctx.emit({ type: 'message', text: [], appointment: s.booking });
        else if (node.office || node.meeting) ctx.say({ content: 'office' });
        frame.n = node.next;
        break;
      case 'rule': {
        const rule = ctx.env.rules[node.rule];
        if (!rule) throw new FlowRuntimeError(`${flow.def.id}/${node.id}: unknown rule "${node.rule}"`);
        const inputs = Object.fromEntries(Object.entries(node.inputs).map(([k, v]) => [k, s.vars[varName(flow, v)]]));
        const result = rule.evaluate(inputs);
        const name = varName(flow, node.id);
        s.vars[name] = result.outcome;
        for (const [k, v] of Object.entries(result.vars)) s.vars[`${name}.${k}`] = v;
        const next = node.routes[result.outcome];
        if (!next) throw new FlowRuntimeError(`${flow.def.id}/${node.id}: no route for outcome "${result.outcome}"`);
        frame.n = next;
        break;
      }
      case 'branch': {
        const value = node.var.startsWith('state.') ? stateFlag(s, node.var, ctx.env.now) : s.vars[varName(flow, node.var)];
        frame.n = (typeof value === 'string' && node.cases[value]) || node.default;
        break;
      }
      case 'action': {
        const action = ACTIONS[node.action];
        if (!action) throw new FlowRuntimeError(`${flow.def.id}/${node.id}: unknown action "${node.action}"`);
        action.run(ctx, flow, node);
        frame.n = node.next;
        break;
      }
      case 'flow': {
        const sub = ctx.env.flows.current(node.flow);
        if (!sub) throw new FlowRuntimeError(`${flow.def.id}/${node.id}: flow "${node.flow}" is not loaded`);
        frame.n = node.next;
        s.frames.push({ f: sub.def.id, r: sub.revision, n: sub.def.start });
        break;
      }
      case 'end': {
        const ended = s.frames.pop()!;
        forget(ctx, ended.f);
        // A right used over a question: that question is asked again, its trail as it was.
        if (ended.i) break;
        // The question that led into the finished flow cannot be gone back to from outside it.
        const parent = s.frames.at(-1);
        parent?.b?.pop();
        if (parent?.b?.length === 0) delete parent.b;
        break;
      }
    }
  }
  throw new FlowRuntimeError(`more than ${MAX_HOPS} steps without a question: a loop in flow "${s.frames.at(-1)?.f}"`);
}

/**
 * A flow has ended: its variables go, except those another flow reads (they are its result) —
 * the state stays the size of the flows in progress, not of the whole conversation so far.
 * Nothing goes while the same flow is still open further down the stack.
 */
function forget(ctx: StepContext, flowId: string): void {
  const flows = ctx.env.flows;
  if (!flows.readElsewhere || ctx.s.frames.some((f) => f.f === flowId)) return;
  const prefix = `${flowId}.`;
  for (const name of Object.keys(ctx.s.vars)) if (name.startsWith(prefix) && !flows.readElsewhere(name)) delete ctx.s.vars[name];
}

/** Every variable of a flow (its pages browsed, its answers), for a pass that starts afresh. */
function forgetVars(ctx: StepContext, flowId: string): void {
  for (const name of Object.keys(ctx.s.vars)) if (name.startsWith(`${flowId}.`)) delete ctx.s.vars[name];
}

function listOf(v: unknown): string[] {
  return Array.isArray(v) ? v.map(String) : typeof v === 'string' && v ? [v] : [];
}

/**
 * What a flow may branch on beyond its variables: facts kept across "start over".
 * `state.done` (intake completed), `state.consent` (A, B, C, phone, declined or none),
 * `state.booked` (a meeting is booked), `state.case` (a case is kept for the person),
 * `state.withdrawn` (they withdrew and have not consented again), `state.closed` (a case
 * worker closed their case for good: no meeting is booked for it), `state.set_aside` (a date of
 * birth under 18 set aside the consent they gave: the date may be corrected), `state.walk_in`
 * (opened for the case of a person who walked into the office: a case worker's call with them),
 * `state.past_meeting` (the meeting booked in the bot has started or passed: attended or missed,
 * which only the case workers know), `state.met` (a case worker recorded that the person came to
 * their first meeting).
 */
function stateFlag(s: ConversationState, name: string, now: Date): string {
  switch (name) {
    case 'state.done':
      return s.done ? 'yes' : 'no';
    case 'state.consent':
      return s.consent ?? 'none';
    case 'state.booked':
      return s.booking ? 'yes' : 'no';
    case 'state.case':
      return s.caseCode ? 'yes' : 'no';
    case 'state.withdrawn':
      return s.withdrawn ? 'yes' : 'no';
    case 'state.closed':
      return s.closed ? 'yes' : 'no';
    case 'state.set_aside':
      return s.setAside ? 'yes' : 'no';
    case 'state.walk_in':
      return s.walkIn ? 'yes' : 'no';
    case 'state.past_meeting':
      return s.booking && Date.parse(s.booking.start) <= now.getTime() ? 'yes' : 'no';
    case 'state.met':
      return s.met ? 'yes' : 'no';
    default:
      throw new FlowRuntimeError(`unknown state flag "${name}" (known: state.done, state.consent, state.booked, state.case, state.withdrawn, state.closed, state.set_aside, state.walk_in, state.past_meeting, state.met)`);
  }
}
