import type { Output, TextRef } from '../core/conversation';
import type { Lang } from '../core/lang';
import type { ProgrammeContent } from '../config/programme';
import type { Translator } from './index';

/** A message ready for any channel: plain text, and buttons with their labels translated. */
export interface RenderedMessage {
  text: string;
  buttons: { label: string; action: NonNullable<Output['buttons']>[number][number]['action']; selected?: boolean }[][];
  requestContact?: string;
  edit: boolean;
  /** Sent after the text, unchanged (a map point, a calendar file). */
  attachments?: NonNullable<Output['attachments']>;
}

/** Translates one piece of text; configured content (referrals, office) comes from `content`. */
export function renderText(tr: Translator, content: ProgrammeContent, lang: Lang, ref: TextRef): string {
  if ('key' in ref) return tr.t(lang, ref.key, ref.params);
  if ('list' in ref) {
    // Numbers in the language's digits, as on the buttons that carry them (common:button.option_number).
    if (ref.numbered) return ref.list.map((k, i) => tr.t(lang, 'common:hint.numbered_item', { n: i + 1, text: tr.t(lang, k) })).join('\n');
    return ref.list.map((k) => `• ${tr.t(lang, k)}`).join('\n');
  }
  if ('plain' in ref) return ref.plain;
  if (ref.content === 'office') {
    const o = content.office;
    return [
      tr.t(lang, 'common:content.office', { name: o.name[lang] }),
      o.address ? tr.t(lang, 'common:content.office_address', { address: o.address[lang] }) : '',
      o.hours ? tr.t(lang, 'common:content.office_hours', { hours: o.hours[lang] }) : '',
    ].filter(Boolean).join('\n');
  }
  const reasons = new Set(ref.reasons);
  return content.referrals
    .filter((r) => r.for.length === 0 || r.for.some((x) => reasons.has(x)))
    .map((r) => [tr.t(lang, 'common:content.referral_line', { name: r.name[lang], what: r.what[lang] }), r.contact ? tr.t(lang, 'common:content.referral_contact', { contact: r.contact }) : '']
      .filter(Boolean).join('\n'))
    .join('\n');
}

/** Renders an engine Output in `lang`: paragraphs joined by a blank line, labels translated. */
export function renderOutput(tr: Translator, content: ProgrammeContent, lang: Lang, out: Output): RenderedMessage {
  return {
    text: out.text.map((ref) => renderText(tr, content, lang, ref)).filter((p) => p.length > 0).join('\n\n'),
    buttons: (out.buttons ?? []).map((row) =>
      row.map((b) => ({ label: renderText(tr, content, lang, b.label), action: b.action, ...(b.selected === undefined ? {} : { selected: b.selected }) })),
    ),
    ...(out.requestContact ? { requestContact: renderText(tr, content, lang, out.requestContact) } : {}),
    edit: out.edit ?? false,
    ...(out.attachments?.length ? { attachments: out.attachments } : {}),
  };
}
