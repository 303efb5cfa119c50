import type { InlineKeyboardMarkup } from 'grammy/types';
import { alertButtons, drawCaseAlert, staffNames } from '../../caseworkers/alert-notices';
import type { Button } from '../../core/conversation';
import type { CaseSummary, DeskDeps, StaffLookup } from '../../caseworkers/desk';
import type { Office } from '../../config/offices';
import type { Lang } from '../../core/lang';
import type { Translator } from '../../i18n';
import { inlineKeyboard } from './render';
import type { StaffMessageKind } from './staff-callback-data';

/** What drawing a case workers' message needs. */
export interface AlertMessageDeps {
  translator: Translator;
  files: Pick<DeskDeps['files'], 'summary'>;
  offices: readonly Office[];
  /** For the names of staff ("taken by …"); without it, Telegram ids are shown. */
  roster?: Pick<StaffLookup, 'list'>;
  /** The case's incident reports and their link in the workspace (an urgent alert names its report). */
  incidents?: DeskDeps['incidents'];
  incidentLink?: DeskDeps['incidentLink'];
}

/** A message to send or to edit into: its text and, with buttons, its inline keyboard. */
export interface DrawnMessage {
  text: string;
  reply_markup?: InlineKeyboardMarkup;
  summary: CaseSummary;
}

/**
 * Draws a case workers' message about a case as it is now (caseworkers/alert-notices.ts
 * `drawCaseAlert`, the one drawing), for Telegram: its text, and with `buttons` its inline
 * keyboard. Used to redraw an alert or an escalation after a tap (claimed, attendance recorded).
 */
export async function drawAlert(d: AlertMessageDeps, kind: StaffMessageKind, caseCode: string, lang: Lang, now: Date, opts: { buttons: boolean }): Promise<DrawnMessage> {
  const { output, summary } = await drawCaseAlert(d, kind, caseCode, lang, now, opts);
  const text = output.text.map((t) => ('plain' in t ? t.plain : '')).join('\n\n');
  const reply_markup = output.buttons ? keyboardOf(d.translator, lang, output.buttons) : undefined;
  return { text, summary, ...(reply_markup ? { reply_markup } : {}) };
}

/** The buttons under a case workers' message (the rule is alert-notices.ts `alertButtons`), as Telegram's inline keyboard. */
export function alertKeyboard(tr: Translator, lang: Lang, kind: StaffMessageKind, s: CaseSummary): InlineKeyboardMarkup {
  return keyboardOf(tr, lang, alertButtons(kind, s)) ?? { inline_keyboard: [] };
}

function keyboardOf(tr: Translator, lang: Lang, buttons: Button[][]): InlineKeyboardMarkup | undefined {
  return inlineKeyboard(buttons.map((row) => row.map((b) => ({ label: 'key' in b.label ? tr.t(lang, b.label.key) : '', action: b.action }))));
}

export { staffNames };
