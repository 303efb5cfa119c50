import type { Office } from '../config/offices';
import type { Button, TextRef } from '../core/conversation';
import type { Lang } from '../core/lang';

/** The value of an office's button in the booking question (`o_<office id>`, read by flows/engine/answer.ts). */
export const officeChoice = (office: Pick<Office, 'id'>): string => `o_${office.id}`;

/**
 * The question "which office?" when several offices take first meetings and none is chosen yet:
 * each office's full name and address in the text — the names of government offices run to
 * fifty characters, more than a button shows on a small phone, where it would be cut with "…" —
 * and one button a row per office with its short name (`shortName`, else its full name). Pure.
 * @example const { text, buttons } = officePicker('pick', offices, 'ru');
 */
export function officePicker(node: string, offices: readonly Office[], lang: Lang): { text: TextRef[]; buttons: Button[][] } {
  return {
    text: [{ key: 'booking:office.prompt' }, ...offices.map((of): TextRef => ({ key: 'booking:office.line', params: { name: of.name[lang], address: of.address[lang] } }))],
    buttons: offices.map((of) => [{ label: { key: 'booking:office_name', params: { name: (of.shortName ?? of.name)[lang] } }, action: { type: 'choice', node, value: officeChoice(of) } }]),
  };
}
