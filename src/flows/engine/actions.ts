import { z } from 'zod';
import type { CompiledFlow, NodeOf } from '../schema/flow-schema';
import { FlowRuntimeError, type StepContext } from './context';
import { leavePlace } from './place';
import { infoShownVar, varName } from './vars';

/**
 * Named actions that flows run with `type: action`. Each one turns the conversation's
 * variables into an Effect for the host (or changes the state), so that records are written
 * only by reviewed code and never described in YAML. The loader checks every action named in
 * a flow exists here and that its required params are given.
 */
export interface ActionDefinition {
  readonly params: readonly string[];
  /** Params (required or not) that name a variable the action reads (`adult: age`). */
  readonly reads?: readonly string[];
  run(ctx: StepContext, flow: CompiledFlow, node: NodeOf<'action'>): void;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** What a refused consent takes with it (`discard`, `discard_questions`): each name must be a field of the flow. */
function discardOf(flow: CompiledFlow, node: NodeOf<'action'>): { fields: string[]; questions: boolean } {
  const fields = (node.params.discard ?? '').split(/\s+/).filter(Boolean);
  const known = new Set([...flow.nodes.values()].flatMap((n) => ('field' in n && typeof n.field === 'string' ? [n.field] : [])));
  const unknown = fields.filter((f) => !known.has(f));
  if (unknown.length) throw new FlowRuntimeError(`${flow.def.id}/${node.id}: params.discard names no field of the flow: ${unknown.join(', ')}`);
  return { fields, questions: node.params.discard_questions === 'true' };
}
const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);

export const ACTIONS: Readonly<Record<string, ActionDefinition>> = {
  /**
   * Keeps the diagnosis (Annex 2) with the answers and the rule's verdict. `rule` names the
   * flow's rule node; `adult` the age question. Q4 is `pending` in self-service: the counsellor
   * answers it, so the outcome is provisional and the record says so.
   * A dotted `rule` (`diagnosis.decide`) is another flow's rule, whose answers the conversation
   * keeps: the interview records the diagnosis again when the date of birth shows someone
   * under 18 who had answered "18 or older" (`adult: age_group`), so that Annex 2 does not say
   * adult. Nothing is recorded when that diagnosis was not passed in this conversation.
   */
  record_diagnosis: {
    params: ['rule', 'adult'],
    reads: ['adult'],
    run(ctx, flow, node) {
      const ref = node.params.rule ?? '';
      const ruleFlow = ref.includes('.') ? flowOf(ctx, ref.slice(0, ref.indexOf('.'))) : flow;
      const ruleNode = ruleFlow?.nodes.get(ref.includes('.') ? ref.slice(ref.indexOf('.') + 1) : ref);
      if (!ruleFlow || !ruleNode || ruleNode.type !== 'rule') throw new FlowRuntimeError(`${flow.def.id}/${node.id}: params.rule must name a rule node`);
      const v = ctx.s.vars;
      const input = (name: string) => v[varName(ruleFlow, ruleNode.inputs[name] ?? '')];
      const result = varName(ruleFlow, ruleNode.id);
      if (ruleFlow !== flow && typeof v[result] !== 'string') return;
      const caseCode = ctx.ensureCase();
      ctx.effects.push({
        type: 'diagnosis_recorded',
        caseCode,
        answers: {
          adult: str(v[varName(flow, node.params.adult ?? '')]) || undefined,
          q1: str(input('q1')),
          q2: str(input('q2')),
          q3: list(input('q3')),
          q4: str(input('q4')) || 'pending',
        },
        outcome: str(v[result]),
        reasons: list(v[`${result}.reasons`]),
        provisional: str(v[`${result}.provisional`]) !== 'false',
        ruleVersion: str(v[`${result}.rule_version`]),
        lang: ctx.lang,
      });
    },
  },
  /**
   * Records the consent decision (Annex 4) with the consent text given (`text`, the i18n key of
   * the full form: the host records the version derived from it), the language shown and whether
   * the full text was opened at the question `opened` (its `info` option).
   * `agreed`: `true` (with the data-use option read from `option`), `false`, or `phone_only`
   * (declined, but agrees to give a phone number for a call back, and nothing else). `keep`:
   * a refusal that leaves the consent given earlier in the conversation in force for what was given then.
   */
  record_consent: {
    params: ['agreed', 'text', 'opened'],
    reads: ['option', 'opened'],
    run(ctx, flow, node) {
      // Answering the consent again is taking part again (or declining to): no longer "withdrawn".
      delete ctx.s.withdrawn;
      delete ctx.s.setAside;
      const opened = list(ctx.s.vars[infoShownVar(varName(flow, node.params.opened ?? ''))]).length > 0;
      const base = { type: 'consent_recorded' as const, caseCode: ctx.ensureCase(), text: node.params.text ?? '', fullTextOpened: opened, lang: ctx.lang };
      if (node.params.agreed === 'phone_only') {
        ctx.s.consent = 'phone';
        ctx.effects.push({ ...base, agreed: true, scope: 'phone_only' });
        return;
      }
      const agreed = node.params.agreed === 'true';
      const option = z.enum(['A', 'B', 'C']).safeParse(ctx.s.vars[varName(flow, node.params.option ?? '')]);
      if (agreed && !option.success) throw new FlowRuntimeError(`${flow.def.id}/${node.id}: consent agreed without a data-use option`);
      // `keep`: a refusal by someone who agreed before is recorded, and what they agreed to
      // still covers what they gave then (kept, correctable) until /withdraw or /delete.
      // `discard`: the opposite, for a refusal in the same conversation as the consent it
      // replaces (a case worker on the phone went back to it): the answer fields named (space
      // separated) and, with `discard_questions`, the questions written down go with it.
      const agreedBefore = ctx.s.consent === 'A' || ctx.s.consent === 'B' || ctx.s.consent === 'C';
      const discard = !agreed && agreedBefore && node.params.discard ? discardOf(flow, node) : undefined;
      if (!(node.params.keep === 'true' && !agreed)) ctx.s.consent = agreed && option.success ? option.data : 'declined';
      // From now on, what they give is noted (by field name) until the intake is completed.
      if (agreed && !ctx.s.done && ctx.s.given === undefined) ctx.s.given = [];
      const byGuardian = agreed && node.params.given_by === 'guardian';
      ctx.effects.push({ ...base, agreed, ...(agreed && option.success ? { option: option.data } : {}), ...(byGuardian ? { givenBy: 'guardian' as const } : {}), ...(discard ? { discard } : {}) });
    },
  },
  /**
   * The date of birth shows someone under 18 who consented alone: the consent is set aside
   * (recorded as such) and no more personal data is asked; the guardian path follows.
   */
  set_aside_consent_of_minor: {
    params: ['text'],
    run(ctx, _flow, node) {
      // Used over a question (/correct mid-interview): that question asked for data no longer allowed.
      leavePlace(ctx);
      const given = ctx.s.consent;
      if (given === 'A' || given === 'B' || given === 'C') ctx.s.setAside = given;
      ctx.s.consent = 'declined';
      ctx.effects.push({ type: 'consent_recorded', caseCode: ctx.ensureCase(), agreed: false, scope: 'minor_without_guardian', text: node.params.text ?? '', lang: ctx.lang });
    },
  },
  /**
   * A date of birth corrected to 18 or over, after a date under 18 set the consent aside (a
   * mistyped year): the consent the person gave, with its option, is recorded again and holds
   * as before. Nothing set aside: nothing to do.
   */
  restore_set_aside_consent: {
    params: ['text'],
    run(ctx, _flow, node) {
      const option = ctx.s.setAside;
      if (!option || !ctx.s.caseCode) return;
      delete ctx.s.setAside;
      ctx.s.consent = option;
      ctx.effects.push({ type: 'consent_recorded', caseCode: ctx.s.caseCode, agreed: true, option, text: node.params.text ?? '', lang: ctx.lang });
    },
  },
  /** The intake is complete: case workers are told (alert) and the record is closed for edits. */
  complete_intake: {
    params: [],
    run(ctx) {
      ctx.s.done = true;
      delete ctx.s.given;
      ctx.effects.push({ type: 'intake_completed', caseCode: ctx.ensureCase(), lang: ctx.lang });
    },
  },
  /** Cancels the booked meeting with this step's save; its place is freed and its reminders go by the effect, after it. */
  cancel_booking: {
    params: [],
    run(ctx) {
      const booking = ctx.s.booking;
      if (!booking) return;
      delete ctx.s.booking;
      ctx.effects.push({ type: 'booking_cancelled', caseCode: ctx.ensureCase(), slot: booking.slot, lang: ctx.lang });
    },
  },
  /**
   * The person wants a human: case workers get the request with the reason, read from the
   * variable `reason_var` (set by the flow that led here) or else `reason`.
   */
  request_handoff: {
    params: ['reason'],
    reads: ['reason_var'],
    run(ctx, flow, node) {
      const fromVar = node.params.reason_var ? str(ctx.s.vars[varName(flow, node.params.reason_var)]) : '';
      ctx.effects.push({ type: 'handoff_requested', caseCode: ctx.ensureCase(), reason: fromVar || node.params.reason || 'asked', lang: ctx.lang });
    },
  },
  /**
   * Shows the person everything kept about them (/mydata, the menu's "My data"): the host fills
   * the message in from the records, in the person's language.
   */
  show_my_data: {
    params: [],
    run(ctx) {
      showMyData(ctx);
    },
  },
  /**
   * Ends the person's participation (/withdraw) with the reason they wrote (variable
   * `reason_var`): the meeting is cancelled in the same save (its place freed), the case marked
   * withdrawn. They may start again: the intake's progress is forgotten, the case code kept.
   */
  withdraw: {
    params: ['reason_var'],
    reads: ['reason_var'],
    run(ctx, flow, node) {
      if (!ctx.s.caseCode) return;
      const name = varName(flow, node.params.reason_var ?? '');
      const reason = str(ctx.s.vars[name]);
      // The reason goes to the case, encrypted, with this step: never kept in the state.
      delete ctx.s.vars[name];
      cancelMeeting(ctx);
      ctx.effects.push({ type: 'case_withdrawn', caseCode: ctx.s.caseCode, reason, lang: ctx.lang });
      forgetProgress(ctx);
      ctx.s.withdrawn = true;
      // The path they were on has ended with their participation: the menu follows, not its next question.
      leavePlace(ctx);
    },
  },
  /**
   * Erases the person's data (/delete, confirmed): the meeting cancelled in the same save, the
   * case marked erased; the conversation keeps only its language and place (no case, no answers).
   */
  erase_data: {
    params: [],
    run(ctx) {
      const caseCode = ctx.s.caseCode;
      if (!caseCode) return;
      cancelMeeting(ctx);
      ctx.effects.push({ type: 'data_erased', caseCode, lang: ctx.lang });
      forgetProgress(ctx);
      leavePlace(ctx);
      delete ctx.s.caseCode;
      delete ctx.s.given;
      // A case begun after the erasure is a new one, not the closed one.
      delete ctx.s.closed;
      ctx.s.erased = true;
      delete ctx.s.quiet;
      // Every answer of every flow goes (the flow running now needs none of them).
      ctx.s.vars = {};
      for (const frame of ctx.s.frames) delete frame.b;
    },
  },
  /**
   * A detail was corrected (/correct): the new value is already recorded by the question before
   * (encrypted, as in the interview); this tells the host which field changed, so the case
   * worker holding the case can be told (the field's name, never its value). The field
   * `consent` (a new data-use option, recorded by `record_consent` before) carries the option
   * now in force: the letter is told, not personal content.
   */
  record_correction: {
    params: ['field'],
    run(ctx, flow, node) {
      const field = node.params.field ?? '';
      if (!field) throw new FlowRuntimeError(`${flow.def.id}/${node.id}: params.field is empty`);
      if (!ctx.s.caseCode) return;
      // Several fields corrected by one answer (a reason and its words) are one correction.
      const same = ctx.effects.find((e) => e.type === 'data_corrected' && e.caseCode === ctx.s.caseCode);
      const given = ctx.s.consent;
      const option = field === 'consent' && (given === 'A' || given === 'B' || given === 'C') ? { consent: given } : {};
      if (same?.type === 'data_corrected') {
        if (!same.fields.includes(field)) same.fields.push(field);
        Object.assign(same, option);
        return;
      }
      ctx.effects.push({ type: 'data_corrected', caseCode: ctx.s.caseCode, fields: [field], ...option, lang: ctx.lang });
    },
  },
  /** Sets a variable to a fixed value (e.g. remembers which menu entry led here). */
  set_var: {
    params: ['name', 'value'],
    run(ctx, flow, node) {
      ctx.s.vars[varName(flow, node.params.name ?? '')] = node.params.value ?? '';
    },
  },
};


/** A flow by id: the revision the conversation runs (a frame of it), else the current one. */
function flowOf(ctx: StepContext, id: string): CompiledFlow | undefined {
  const frame = ctx.s.frames.find((f) => f.f === id);
  return (frame ? ctx.env.flows.get(id, frame.r) : undefined) ?? ctx.env.flows.current(id);
}

/** The message the host fills in with everything kept about the person (no case: nothing is kept). */
export function showMyData(ctx: StepContext): void {
  ctx.emit({ type: 'message', text: [], mydata: ctx.s.caseCode ? { caseCode: ctx.s.caseCode } : ctx.s.erased ? { erased: true } : {} });
}

/**
 * Cancels the booked meeting still to come, if any, in this step (its place is freed by the
 * effect, after the save); the conversation forgets a meeting whose time has come without
 * cancelling it. One rule with the desk's erasure (caseworkers/desk/erase-on-request.ts): a
 * meeting that has begun or passed is history — whether they came is a case worker's to record,
 * and marking it cancelled would tell the group of a cancellation that never was.
 */
function cancelMeeting(ctx: StepContext): void {
  const booking = ctx.s.booking;
  if (!booking || !ctx.s.caseCode) return;
  delete ctx.s.booking;
  if (Date.parse(booking.start) <= ctx.env.now.getTime()) return;
  ctx.effects.push({ type: 'booking_cancelled', caseCode: ctx.s.caseCode, slot: booking.slot, lang: ctx.lang });
}

/** The intake's progress (done, consent, the first meeting come to) is forgotten: starting again asks everything again. */
function forgetProgress(ctx: StepContext): void {
  delete ctx.s.done;
  // Taking part again (after /withdraw) books a first meeting again, through the interview.
  delete ctx.s.met;
  delete ctx.s.consent;
  delete ctx.s.setAside;
}
