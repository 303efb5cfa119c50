import type { IdGen } from '../../core/clock';
import type { Effect, Output, TextRef } from '../../core/conversation';
import type { Lang } from '../../core/lang';
import type { CompiledFlow } from '../schema/flow-schema';
import type { RuleDefinition } from '../rules/registry';
import type { ConversationState } from './state';
import type { LabelText } from './typed-choice';

/** Finds flows: the current revision, or the revision a conversation is pinned to. */
export interface FlowLookup {
  current(id: string): CompiledFlow | undefined;
  get(id: string, revision: string): CompiledFlow | undefined;
  /**
   * Whether a flow other than the variable's own reads it (`welcome` reads `diagnosis.decide`).
   * When a flow ends, its other variables are dropped from the state; a lookup without this
   * keeps every variable.
   */
  readElsewhere?(name: string): boolean;
  /**
   * Variables that name a personal choice (`<flow>.<node>` of a `personal` choice, the reason
   * for coming): never kept in the state. A state saved before the choice became personal may
   * still hold one; the step drops it.
   */
  readonly personalVars?: readonly string[];
}

/** Everything `step` needs from outside, passed in so that `step` stays pure. */
export interface StepEnv {
  flows: FlowLookup;
  rules: Readonly<Record<string, RuleDefinition>>;
  /** Flow a new conversation starts in. */
  entryFlow: string;
  now: Date;
  ids: IdGen;
  /**
   * A button's text in a language, so that typing it is as good as tapping it ("Да" at a yes or
   * no question). Without it only taps and typed numbers choose.
   */
  label?: LabelText;
}

export interface StepResult {
  state: ConversationState;
  outputs: Output[];
  effects: Effect[];
}

/** Raised for a flow that is wrong in a way only running it shows (a bug in the flow). */
export class FlowRuntimeError extends Error {
  override name = 'FlowRuntimeError';
}

/** Mutable working set of one step; discarded after. */
export class StepContext {
  readonly outputs: Output[] = [];
  readonly effects: Effect[] = [];
  /** Paragraphs waiting to be sent with the next prompt (fewer, tidier messages). */
  pending: TextRef[] = [];

  constructor(
    readonly env: StepEnv,
    public s: ConversationState,
  ) {}

  get lang(): Lang {
    return this.s.lang ?? this.s.hint ?? 'az';
  }

  say(...text: TextRef[]): void {
    this.pending.push(...text);
  }

  emit(output: Output): void {
    this.outputs.push({ ...output, text: [...this.pending, ...output.text] });
    this.pending = [];
  }

  flush(): void {
    if (this.pending.length > 0) this.emit({ type: 'message', text: [] });
  }

  /** Opens the person's case (a new pseudonymous code) the first time a record is needed. */
  ensureCase(): string {
    if (!this.s.caseCode) {
      this.s.caseCode = this.env.ids.caseCode();
      delete this.s.erased;
      this.effects.push({ type: 'case_opened', caseCode: this.s.caseCode, lang: this.lang });
    }
    return this.s.caseCode;
  }
}
