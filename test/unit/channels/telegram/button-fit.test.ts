import { join } from 'node:path';
import { buttonRoomEm, labelFits, labelWidthEm } from '../../../../src/channels/telegram/button-width';
import { alertKeyboard } from '../../../../src/channels/telegram/alert-message';
import { planTelegramMessage } from '../../../../src/channels/telegram/render';
import type { CaseSummary } from '../../../../src/caseworkers/case-file';
import { loadOffices } from '../../../../src/config/offices';
import { loadProgrammeContent } from '../../../../src/config/programme';
import { COMMANDS, type Output } from '../../../../src/core/conversation';
import { SUPPORTED_LANGS, type Lang } from '../../../../src/core/lang';
import { StepContext } from '../../../../src/flows/engine/context';
import { ask, requestOffer } from '../../../../src/flows/engine/prompt';
import type { ConversationState } from '../../../../src/flows/engine/state';
import { createTranslator } from '../../../../src/i18n';
import { renderOutput } from '../../../../src/i18n/render';
import { freeTimeButtons } from '../../../../src/intake/booking-desk';
import { officePicker } from '../../../../src/intake/office-picker';
import { nudgeMessage, reminderButtons } from '../../../../src/scheduling/reminders';
import { upcomingSlots } from '../../../../src/scheduling/slots';
import { engineEnv, FIXED_NOW, loadRealFlows } from '../../../helpers/engine-env';

/**
 * Every keyboard the bot shows, in every language, on a 360 dp phone at Telegram's default text
 * size: no label may be cut with "…" (button-width.ts says how a label's width is estimated).
 * A keyboard is checked as the Telegram channel sends it (planTelegramMessage), so a row the
 * channel lays out one button a row because its labels are long in that language passes.
 */

const ROOT = join(__dirname, '..', '..', '..', '..');
const tr = createTranslator();
const content = loadProgrammeContent(join(ROOT, 'config', 'programme.yaml'));
const offices = loadOffices(join(ROOT, 'config', 'offices.yaml')).offices;
const WAITS = new Set(['language', 'choice', 'yes_no', 'multi_choice', 'text', 'phone', 'date', 'booking', 'appointment']);

/** A labelled output: where it comes from, and the engine or host output itself. */
interface Shown {
  where: string;
  output: Output;
}

/** Every question of every flow, asked with Back on offer, every option offered, one ticked. */
function flowQuestions(): Shown[] {
  const env = engineEnv({ now: FIXED_NOW });
  const shown: Shown[] = [];
  for (const flow of loadRealFlows()) {
    for (const node of flow.nodes.values()) {
      if (!WAITS.has(node.type)) continue;
      const state: ConversationState = { v: 1, frames: [{ f: flow.def.id, r: flow.revision, n: node.id, b: ['before'] }], vars: {}, sel: ['planning'] } as ConversationState;
      const ctx = new StepContext(env, state);
      ask(ctx, node);
      for (const output of ctx.outputs) shown.push({ where: `${flow.def.id}/${node.id}`, output });
    }
  }
  return shown;
}

/** The host's keyboards for people: free times, offers of a right, reminders, the nudge, "book again". */
function hostMessages(lang: Lang): Shown[] {
  const office = offices[0]!;
  // A whole week of times, so that the longest weekday and month names of each language are shown.
  const week = upcomingSlots(office, FIXED_NOW).slice(0, 200);
  const pages = Math.ceil(week.length / 6);
  const out: Shown[] = [];
  for (let page = 0; page < pages; page++) {
    const shown = week.slice(page * 6, (page + 1) * 6);
    out.push({ where: `free times, page ${page}`, output: { type: 'message', text: [{ key: 'booking:office.prompt' }], buttons: freeTimeButtons('book', office, shown, page, pages, lang) } });
  }
  // The choice between offices, were a second one opened: each shipped office's button, twice.
  out.push({ where: 'office picker', output: { type: 'message', ...officePicker('book', [...offices, ...offices.map((o) => ({ ...o, id: `${o.id}_2` }))], lang) } });
  const rights = COMMANDS.filter((c) => tr.missing(`rights:offer.${c}`).length === 0);
  out.push({ where: 'offer of every right', output: requestOffer(rights, true) });
  out.push({ where: 'meeting reminder', output: { type: 'message', text: [{ key: 'booking:reminder.text' }], buttons: reminderButtons(week[0]!.id) } });
  out.push({ where: 'nudge', output: nudgeMessage() });
  out.push({ where: 'missed meeting', output: { type: 'message', text: [{ key: 'booking:no_show.text' }], buttons: [[{ label: { key: 'booking:no_show.rebook' }, action: { type: 'choice', node: '__appointment', value: 'rebook' } }]] } });
  return out;
}

/** Labels of a sent plan that would be cut: "label (n a row: width > room)". */
function cutLabels(output: Output, lang: Lang): string[] {
  const plan = planTelegramMessage(renderOutput(tr, content, lang, output));
  const cut: string[] = [];
  for (const part of plan.parts) {
    const markup = part.inlineAfterSend ?? part.reply_markup;
    const rows = markup && 'inline_keyboard' in markup ? markup.inline_keyboard : markup && 'keyboard' in markup ? markup.keyboard : [];
    for (const row of rows) {
      for (const b of row) {
        const text = typeof b === 'string' ? b : b.text;
        if (!labelFits(text, row.length)) cut.push(`"${text}" (${row.length} a row: ${labelWidthEm(text).toFixed(1)} em > ${buttonRoomEm(row.length).toFixed(1)} em)`);
      }
    }
  }
  return cut;
}

describe('every label shows whole on a 360 dp phone', () => {
  const questions = flowQuestions();

  it.each([...SUPPORTED_LANGS])('the flows\' questions, the language picker and the contact keyboard in %s', (lang) => {
    const cut = questions.flatMap(({ where, output }) => cutLabels(output, lang).map((c) => `${where}: ${c}`));
    expect(cut).toEqual([]);
  });

  it.each([...SUPPORTED_LANGS])('free times, offers of a right, reminders and the nudge in %s', (lang) => {
    const cut = hostMessages(lang).flatMap(({ where, output }) => cutLabels(output, lang).map((c) => `${where}: ${c}`));
    expect(cut).toEqual([]);
  });

  it.each([...SUPPORTED_LANGS])("the case workers' alert buttons with CASEWORKER_CHAT_LANG=%s", (lang) => {
    const start = new Date('2026-03-17T06:00:00.000Z');
    const summary: CaseSummary = {
      code: 'KP-7G4Q-M2XD',
      exists: true,
      vulnerability: [],
      booking: { caseCode: 'KP-7G4Q-M2XD', slot: 'baku@2026-03-17T10:00', office: 'baku', start, end: start, status: 'booked', lang: 'en', confirmed: false, bookedAt: FIXED_NOW },
    } as CaseSummary;
    const cut = (['intake', 'booking', 'moved', 'escalation', 'urgent'] as const).flatMap((kind) =>
      alertKeyboard(tr, lang, kind, summary).inline_keyboard.flatMap((row) => row.filter((b) => !labelFits(b.text, row.length)).map((b) => `${kind}: "${b.text}" (${row.length} a row)`)),
    );
    expect(cut).toEqual([]);
  });
});

describe('labelFits', () => {
  it('fits about 38 Latin characters in a full-width button, half as many two to a row', () => {
    expect(labelFits('Planning the use of services and arran', 1)).toBe(true);
    expect(labelFits('Planning the use of services and arranging appointments', 1)).toBe(false);
    expect(labelFits('Date of birth', 2)).toBe(true);
    expect(labelFits('How my information may be used', 2)).toBe(false);
  });

  it('counts Cyrillic capitals, Persian letters and emoji wider, and bidi marks as nothing', () => {
    expect(labelWidthEm('ШЩЖ')).toBeGreaterThan(labelWidthEm('abc'));
    expect(labelWidthEm('شماره')).toBeGreaterThan(labelWidthEm('numb'));
    expect(labelWidthEm('✅ Done')).toBeGreaterThan(labelWidthEm('Ok Done'));
    expect(labelWidthEm('\u2068KP-7G4Q\u2069')).toBe(labelWidthEm('KP-7G4Q'));
  });
});
