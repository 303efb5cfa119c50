import type { Update } from 'grammy/types';
import { slotValueFor } from './booking';
import { contactUpdate, tapUpdate, textUpdate, type Person } from './telegram-updates';

/**
 * What a person does at one step, independent of the bot. Every bot receives the same
 * Telegram updates for the same script: button taps carry Körpü's callback data
 * (`c:<node>:<value>`), which the baselines read too, so the bytes on the wire are equal.
 */
export type Answer =
  | { kind: 'command'; text: string }
  | { kind: 'tap'; node: string; value: string }
  | { kind: 'text'; text: string }
  | { kind: 'contact'; phone: string };

const tap = (node: string, value: string): Answer => ({ kind: 'tap', node, value });
const text = (t: string): Answer => ({ kind: 'text', text: t });

/** Callback data of a tap, in Körpü's wire format (see src/channels/telegram/callback-data.ts). */
export const callbackData = (node: string, value: string): string => `c:${node}:${value}`;

/** Turns a step of a script into the update Telegram would deliver. */
export function toUpdate(p: Person, a: Answer): Update {
  switch (a.kind) {
    case 'command':
    case 'text':
      return textUpdate(p, a.text);
    case 'tap':
      return tapUpdate(p, callbackData(a.node, a.value));
    case 'contact':
      return contactUpdate(p, a.phone);
  }
}

/**
 * The intake as a person goes through it to a booked meeting:
 * /start → language → menu ("Can I take part?") → diagnosis (age, Q1, Q2, Q3 with two ticks and
 * Done) → continue → consent in one screen (tap "I agree: B") → date of birth, first name,
 * surname, country, reason → phone (contact button) → a free time (booking). 18 updates.
 * Node ids and values are those of flows/*.yaml; the time tapped is the person's own among the
 * office's upcoming slots (see booking.ts `slotValueFor`), so people spread over the slots and
 * none finds theirs full. The script stops at the booking, where the intake is completed: the
 * optional referral source, address and questions that follow it are asked by every bot but
 * not answered here (every bot is left at the same point, the referral question).
 */
export function intakeScript(p: Person): Answer[] {
  return [
    { kind: 'command', text: '/start' },
    tap('language', p.lang),
    tap('menu', 'eligibility'),
    tap('age', 'adult'),
    tap('q1', 'yes'),
    tap('q2', 'yes'),
    tap('q3', 'planning'),
    tap('q3', 'employment_education'),
    tap('q3', '__done'),
    tap('continue', 'yes'),
    tap('agree', 'B'),
    text('14.02.1995'),
    text(p.user.first_name),
    text('Mammadova'),
    text('Afghanistan'),
    tap('reason', 'study'),
    { kind: 'contact', phone: '994501234567' },
    tap('pick_time', slotValueFor(p.n)),
  ];
}

/** Number of updates in one intake (the same for every bot). */
export const INTAKE_LENGTH = 18;

/** Questions of the long test flow (answers 2 … LONG_QUESTIONS+1). */
export const LONG_QUESTIONS = 44;

/**
 * The long test flow's script: /start, the data-use option (answer 1), then 44 questions,
 * odd ones typed (a personal text answer, kept on the record only), even ones tapped (yes/no,
 * kept in the conversation for branching, as a real questionnaire's choices are).
 */
export function longScript(): Answer[] {
  const out: Answer[] = [{ kind: 'command', text: '/start' }, tap('option', 'A')];
  for (let i = 1; i <= LONG_QUESTIONS; i++) out.push(i % 2 === 1 ? text(`answer number ${i}`) : tap(`q${i}`, i % 4 === 0 ? 'yes' : 'no'));
  return out;
}

/**
 * The long test flow for Körpü (loaded with compileFlow through buildCore's flow folder as the
 * entry flow). It reuses existing i18n keys so it passes the same load-time checks as real flows.
 */
export function longFlowYaml(): string {
  const lines = [
    'specVersion: 1.0.0',
    'id: welcome',
    'name: Benchmark long flow (flat cost per step)',
    'start: option',
    'nodes:',
    '  - id: option',
    '    type: choice',
    '    prompt: consent:option.prompt',
    '    options:',
    '      - { value: A, label: consent:option.a }',
    '      - { value: B, label: consent:option.b }',
    '    next: record',
    '  - id: record',
    '    type: action',
    '    action: record_consent',
    '    params: { agreed: "true", option: option, text: consent:full_text, opened: option }',
    '    next: q1',
  ];
  for (let i = 1; i <= LONG_QUESTIONS; i++) {
    const next = i === LONG_QUESTIONS ? 'done' : `q${i + 1}`;
    if (i % 2 === 1) {
      lines.push(`  - id: q${i}`, '    type: text', '    prompt: interview:first_name.prompt', '    example: interview:first_name.example', '    personal: true', `    field: f${i}`, `    next: ${next}`);
    } else {
      lines.push(`  - id: q${i}`, '    type: yes_no', '    prompt: diagnosis:q1.prompt', `    next: ${next}`);
    }
  }
  lines.push('  - id: done', '    type: end');
  return lines.join('\n') + '\n';
}
