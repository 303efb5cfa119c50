import type { Button, Command, Output, TextRef } from '../../core/conversation';
import { SUPPORTED_LANGS, type Lang } from '../../core/lang';
import type { FlowNode } from '../schema/flow-schema';
import type { StepContext } from './context';
import { offeredOptions } from './offered';
import type { ConversationState } from './state';

/** Button values the engine reserves; flows cannot use them (ids must start with a letter). */
export const DONE = '__done';
export const SKIP = '__skip';
export { LANGUAGE_PICKER } from '../../core/conversation';

/** Node id of the "carry on with the question" button under an offer of a right (see requestOffer). */
export const CARRY_ON = '__carry_on';

/** Variables a booking question keeps while the person browses (cleared once booked). */
export const bookingVars = (flowId: string, nodeId: string) => ({ page: `${flowId}.${nodeId}.page`, office: `${flowId}.${nodeId}.office` });

const choice = (node: string, value: string, label: TextRef, selected?: boolean): Button => ({
  label,
  action: { type: 'choice', node, value },
  ...(selected === undefined ? {} : { selected }),
});

function rows(buttons: Button[], columns: number): Button[][] {
  const out: Button[][] = [];
  for (let i = 0; i < buttons.length; i += columns) out.push(buttons.slice(i, i + columns));
  return out;
}

/**
 * Whether "back" has somewhere to go: an answered question in any open flow, or the question a
 * right was used over (/correct mid-flow).
 */
export function canGoBack(s: ConversationState): boolean {
  return s.frames.some((f) => (f.b?.length ?? 0) > 0 || f.i === true);
}

/**
 * The offer made when typed words ask for one of the person's rights (`rights:offer.*`): a
 * button for each right recognised, which only opens it (withdrawing and erasing still ask to
 * confirm). `carryOn`: the words were not taken as the answer, so a button asks the question
 * again; without it the words were kept as a message for case workers and the flow went on.
 * @example requestOffer(['delete'], true) // "…" [🗑 Erase my data] [↩ Carry on with the question]
 */
export function requestOffer(kinds: readonly Command[], carryOn: boolean): Output {
  return {
    type: 'message',
    // Asked for a person alone: tapping tells the case workers at once (no confirmation follows).
    text: [{ key: !carryOn ? 'rights:offer.also' : kinds.length === 1 && kinds[0] === 'person' ? 'rights:offer.person_text' : 'rights:offer.text' }],
    buttons: [
      ...kinds.map((name): Button[] => [{ label: { key: `rights:offer.${name}` }, action: { type: 'command', name } }]),
      ...(carryOn ? [[choice(CARRY_ON, 'yes', { key: 'rights:offer.carry_on' })]] : []),
    ],
  };
}

/**
 * The order the language buttons are shown in: the chosen or suggested language first. A typed
 * number ("1") is read against this same order.
 */
export function languageOrder(s: ConversationState): Lang[] {
  const first = s.lang ?? s.hint;
  return [...SUPPORTED_LANGS].sort((a, b) => Number(b === first) - Number(a === first));
}

/** The language question: every language named in itself, the suggested one first. */
export function askLanguage(ctx: StepContext, node: string, prompt: TextRef): void {
  const langs = languageOrder(ctx.s);
  ctx.emit({
    type: 'message',
    text: [prompt],
    buttons: rows(langs.map((l) => choice(node, l, { key: `common:language_name.${l}` })), 1),
  });
}

/**
 * Renders a waiting node's question with its buttons. `edit` replaces the message whose
 * button was tapped (used when ticking options of a multiple-choice question); `again`: the
 * question is asked once more (after /language, /help, an answer not taken), with its `again` text.
 */
export function ask(ctx: StepContext, node: FlowNode, opts: { edit?: boolean; again?: boolean } = {}): void {
  const back: Button[][] = canGoBack(ctx.s) ? [[{ label: { key: 'common:button.back' }, action: { type: 'command', name: 'back' } }]] : [];
  const edit = opts.edit ? { edit: true } : {};
  switch (node.type) {
    case 'language':
      return askLanguage(ctx, node.id, { key: node.prompt });
    case 'choice':
      return ctx.emit({
        type: 'message',
        text: [...(node.again && opts.again ? [{ key: node.again }] : []), { key: node.prompt }],
        buttons: [...rows(offeredOptions(ctx.s, node).map((o) => choice(node.id, o.value, { key: o.label })), node.columns), ...back],
        ...edit,
      });
    case 'yes_no':
      return ctx.emit({
        type: 'message',
        text: [{ key: node.prompt }],
        ...(node.meeting && ctx.s.booking ? { appointment: ctx.s.booking } : {}),
        buttons: [[choice(node.id, 'yes', { key: 'common:button.yes' }), choice(node.id, 'no', { key: 'common:button.no' })], ...back],
      });
    case 'multi_choice': {
      const sel = new Set(ctx.s.sel ?? []);
      const options = node.options.map((o, i) =>
        choice(node.id, o.value, node.numbered ? { key: 'common:button.option_number', params: { n: i + 1 } } : { key: o.label }, sel.has(o.value)),
      );
      return ctx.emit({
        type: 'message',
        text: [{ key: node.prompt }, ...(node.numbered ? [{ list: node.options.map((o) => o.label), numbered: true as const }] : []), { key: 'common:hint.multi_choice' }],
        buttons: [
          ...(node.numbered ? [options] : options.map((b) => [b])),
          [choice(node.id, DONE, { key: 'common:button.done' })],
          ...back,
        ],
        ...edit,
      });
    }
    case 'text':
      return ctx.emit({
        type: 'message',
        text: [{ key: node.prompt }],
        buttons: [...(node.optional ? [[choice(node.id, SKIP, { key: 'common:button.skip' })]] : []), ...back],
      });
    case 'phone':
      return ctx.emit({ type: 'message', text: [{ key: node.prompt }], requestContact: { key: 'common:button.share_phone' }, buttons: back });
    case 'date':
      return ctx.emit({ type: 'message', text: [{ key: node.prompt }, { key: 'common:hint.date' }], buttons: back });
    case 'booking': {
      const v = bookingVars(ctx.s.frames.at(-1)?.f ?? '', node.id);
      const office = ctx.s.vars[v.office];
      return ctx.emit({
        type: 'message',
        text: [{ key: node.prompt }],
        slots: { node: node.id, page: Number(ctx.s.vars[v.page] ?? 0) || 0, ...(typeof office === 'string' ? { office } : {}) },
        buttons: back,
        ...edit,
      });
    }
    case 'appointment':
      return ctx.emit({
        type: 'message',
        text: [{ key: node.prompt }],
        ...(ctx.s.booking ? { appointment: ctx.s.booking } : {}),
        buttons: [
          [choice(node.id, 'reschedule', { key: 'booking:button.reschedule' })],
          [choice(node.id, 'cancel', { key: 'booking:button.cancel' })],
          [choice(node.id, 'keep', { key: 'booking:button.keep' })],
        ],
      });
    default:
      throw new Error(`node "${node.id}" of type ${node.type} does not wait for an answer`);
  }
}
