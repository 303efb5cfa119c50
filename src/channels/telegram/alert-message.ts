import type { InlineKeyboardMarkup } from 'grammy/types';
import { alertText, escalationText, type AlertTextContext } from '../../caseworkers/alert-text';
import type { CaseSummary, DeskDeps, StaffLookup } from '../../caseworkers/desk';
import type { Office } from '../../config/offices';
import type { Lang } from '../../core/lang';
import type { Translator } from '../../i18n';
import { encodeStaffData, type StaffMessageKind } from './staff-callback-data';

/** What drawing a case workers' message needs. */
export interface AlertMessageDeps {
  translator: Translator;
  files: Pick<DeskDeps['files'], 'summary'>;
  offices: readonly Office[];
  /** For the names of staff ("taken by …"); without it, Telegram ids are shown. */
  roster?: Pick<StaffLookup, 'list'>;
}

/** A message to send or to edit into: its text and, with buttons, its inline keyboard. */
export interface DrawnMessage {
  text: string;
  reply_markup?: InlineKeyboardMarkup;
  summary: CaseSummary;
}

/**
 * Draws a case workers' message about a case as it is now: the group alert of `kind`, or a
 * supervisor's escalation. Used to post alerts and to redraw them after a tap (claimed,
 * attendance recorded), so the group always sees the current state.
 *
 * The name appears only under consent C and only in the group's alert; the phone number never.
 * With `buttons`: Claim (until someone has), Open, and on booking alerts Came / Did not come
 * while the meeting is booked.
 */
export async function drawAlert(d: AlertMessageDeps, kind: StaffMessageKind, caseCode: string, lang: Lang, now: Date, opts: { buttons: boolean }): Promise<DrawnMessage> {
  const summary = await d.files.summary(caseCode, now, { names: kind === 'escalation' ? 'never' : 'if_consented' });
  const ctx: AlertTextContext = { tr: d.translator, lang, offices: d.offices, staffName: await staffNames(d.roster) };
  const text = kind === 'escalation' ? escalationText(summary, summary.completedAt ?? now, ctx) : alertText(kind, summary, ctx);
  return { text, summary, ...(opts.buttons ? { reply_markup: alertKeyboard(d.translator, lang, kind, summary) } : {}) };
}

/** The buttons under a case workers' message. */
export function alertKeyboard(tr: Translator, lang: Lang, kind: StaffMessageKind, s: CaseSummary): InlineKeyboardMarkup {
  const button = (key: string, data: string) => ({ text: tr.t(lang, `caseworker:alert.button.${key}`), callback_data: data });
  const first = [
    ...(s.claim ? [] : [button('claim', encodeStaffData({ verb: 'claim', kind, caseCode: s.code }))]),
    button('open', encodeStaffData({ verb: 'open', kind, caseCode: s.code })),
  ];
  const rows = [first];
  const b = s.booking;
  if ((kind === 'booking' || kind === 'moved') && b?.status === 'booked') {
    rows.push([
      button('came', encodeStaffData({ verb: 'came', kind, caseCode: s.code, start: b.start })),
      button('no_show', encodeStaffData({ verb: 'noshow', kind, caseCode: s.code, start: b.start })),
    ]);
  }
  return { inline_keyboard: rows };
}

/** Names of staff by staff id, from one read of the roster; `id <staff id>` for anyone not on it. */
export async function staffNames(roster: Pick<StaffLookup, 'list'> | undefined): Promise<(staffId: string) => string> {
  const names = new Map((roster ? await roster.list() : []).map((w) => [w.staffId, w.name]));
  return (id) => names.get(id) ?? `id ${id}`;
}
