import { decodeCallbackData } from '../../../../src/channels/telegram/callback-data';
import { planTelegramMessage, REMOVE_KEYBOARD, replyLabels, TICKED, UNTICKED } from '../../../../src/channels/telegram/render';
import { splitText } from '../../../../src/channels/telegram/split-text';
import type { RenderedMessage } from '../../../../src/i18n/render';
import type { Translator } from '../../../../src/i18n';

const choice = (node: string, value: string, label: string, selected?: boolean): RenderedMessage['buttons'][number][number] => ({
  label,
  action: { type: 'choice', node, value },
  ...(selected === undefined ? {} : { selected }),
});
const back = { label: '◀ Back', action: { type: 'command' as const, name: 'back' as const } };
const msg = (over: Partial<RenderedMessage>): RenderedMessage => ({ text: 'Question?', buttons: [], edit: false, ...over });

describe('planTelegramMessage', () => {
  it('sends plain text without markup', () => {
    expect(planTelegramMessage(msg({}))).toEqual({ parts: [{ text: 'Question?' }], edit: false, showsContactKeyboard: false });
  });

  it('keeps the rows of buttons as inline keyboard rows with encoded actions', () => {
    const plan = planTelegramMessage(msg({ buttons: [[choice('q1', 'yes', 'Yes'), choice('q1', 'no', 'No')], [back]] }));
    const kb = plan.parts[0]!.reply_markup as { inline_keyboard: { text: string; callback_data: string }[][] };
    expect(kb.inline_keyboard.map((r) => r.map((b) => b.text))).toEqual([['Yes', 'No'], ['◀ Back']]);
    expect(kb.inline_keyboard.flat().map((b) => decodeCallbackData(b.callback_data))).toEqual([
      { type: 'choice', node: 'q1', value: 'yes' },
      { type: 'choice', node: 'q1', value: 'no' },
      { type: 'command', name: 'back' },
    ]);
  });

  it('prefixes multiple-choice options with ☑ / ☐ and leaves other buttons alone', () => {
    const plan = planTelegramMessage(
      msg({ buttons: [[choice('q3', 'planning', 'Planning', true)], [choice('q3', 'language', 'Language', false)], [choice('q3', '__done', '✔ Done')]], edit: true }),
    );
    const kb = plan.parts[0]!.reply_markup as { inline_keyboard: { text: string }[][] };
    expect(kb.inline_keyboard.map((r) => r[0]!.text)).toEqual([`${TICKED}Planning`, `${UNTICKED}Language`, '✔ Done']);
    expect(TICKED.startsWith('☑')).toBe(true);
    expect(UNTICKED.startsWith('☐')).toBe(true);
    expect(plan.edit).toBe(true);
  });

  it('offers the contact button as a one-time reply keyboard, with Back as a text button', () => {
    const plan = planTelegramMessage(msg({ requestContact: '📱 Share my phone number', buttons: [[back]] }));
    expect(plan.showsContactKeyboard).toBe(true);
    expect(plan.parts).toEqual([
      {
        text: 'Question?',
        reply_markup: { keyboard: [[{ text: '📱 Share my phone number', request_contact: true }], [{ text: '◀ Back' }]], one_time_keyboard: true, resize_keyboard: true },
      },
    ]);
  });

  it('sends choice buttons inline and the contact keyboard in a second message when a flow combines them', () => {
    const plan = planTelegramMessage(msg({ requestContact: '📱 Share', buttons: [[choice('p', 'later', 'Later')]] }));
    expect(plan.parts).toHaveLength(2);
    expect(plan.parts[0]!.reply_markup).toHaveProperty('inline_keyboard');
    expect(plan.parts[1]).toEqual({ text: '📱 Share', reply_markup: { keyboard: [[{ text: '📱 Share', request_contact: true }]], one_time_keyboard: true, resize_keyboard: true } });
  });

  it('removes a contact keyboard still on screen, adding the inline keyboard after sending', () => {
    const plain = planTelegramMessage(msg({}), { removeReplyKeyboard: true });
    expect(plain.parts[0]!.reply_markup).toEqual(REMOVE_KEYBOARD);
    const withButtons = planTelegramMessage(msg({ buttons: [[back]], edit: true }), { removeReplyKeyboard: true });
    expect(withButtons.parts[0]!.reply_markup).toEqual(REMOVE_KEYBOARD);
    expect(withButtons.parts[0]!.inlineAfterSend?.inline_keyboard[0]![0]!.text).toBe('◀ Back');
    expect(withButtons.edit).toBe(false); // an edit cannot remove a reply keyboard
  });

  it('splits long texts at paragraphs and puts the keyboard on the last part', () => {
    const paragraphs = Array.from({ length: 6 }, (_, i) => `${i}`.repeat(1500));
    const plan = planTelegramMessage(msg({ text: paragraphs.join('\n\n'), buttons: [[back]], edit: true }));
    expect(plan.parts.map((p) => p.text)).toEqual([paragraphs.slice(0, 2).join('\n\n'), paragraphs.slice(2, 4).join('\n\n'), paragraphs.slice(4).join('\n\n')]);
    expect(plan.parts.map((p) => p.reply_markup !== undefined)).toEqual([false, false, true]);
    expect(plan.edit).toBe(false); // several parts cannot replace one message
  });

  it('never makes an empty message', () => {
    expect(planTelegramMessage(msg({ text: '' })).parts).toEqual([]);
    expect(() => planTelegramMessage(msg({ text: '', buttons: [[back]] }))).toThrow(RangeError);
  });
});

describe('rows on a small phone', () => {
  const rowsOf = (m: RenderedMessage) => (planTelegramMessage(m).parts[0]!.reply_markup as { inline_keyboard: { text: string }[][] }).inline_keyboard.map((r) => r.map((b) => b.text));
  const pick = (labels: string[]) => msg({ buttons: [[choice('pick', 'a', labels[0]!), choice('pick', 'b', labels[1]!)], [choice('pick', 'c', labels[2]!), choice('pick', 'd', labels[3]!)], [back]] });

  it('keeps a choice two to a row where its labels fit, in the language of the message', () => {
    expect(rowsOf(pick(['First name', 'Surname', 'Address', 'Phone number']))).toEqual([['First name', 'Surname'], ['Address', 'Phone number'], ['◀ Back']]);
  });

  it('sends the whole choice one button a row when one label would be cut, and leaves the other rows alone', () => {
    const ru = rowsOf(pick(['Имя', 'Фамилия', 'Адрес', 'Страна происхождения']));
    expect(ru).toEqual([['Имя'], ['Фамилия'], ['Адрес'], ['Страна происхождения'], ['◀ Back']]);
    const staff = (verb: string, label: string) => ({ label, action: { type: 'staff' as const, verb, kind: 'booking', caseCode: 'KP-7G4Q-M2XD', start: '2026-03-17T06:00:00.000Z' } });
    const alert = rowsOf(msg({ buttons: [[staff('claim', '✋ Взять'), staff('open', '📂 Открыть')], [staff('came', '✅ Пришёл(ла)'), staff('noshow', '✖ Не прийшов(ла) на зустріч')]] }));
    expect(alert).toEqual([['✋ Взять', '📂 Открыть'], ['✅ Пришёл(ла)'], ['✖ Не прийшов(ла) на зустріч']]);
  });
});

describe('splitText', () => {
  it('keeps short texts whole', () => {
    expect(splitText('hello')).toEqual(['hello']);
    expect(splitText('')).toEqual(['']);
  });

  it('never exceeds the limit and loses no words', () => {
    const text = Array.from({ length: 900 }, (_, i) => `word${i}`).join(' ') + '\nline\n\n' + 'x'.repeat(50);
    for (const max of [10, 100, 4096]) {
      const parts = splitText(text, max);
      for (const p of parts) expect(p.length).toBeLessThanOrEqual(max);
      // Only whitespace at the cuts is dropped (a word longer than `max` is cut hard).
      expect(parts.join('').replace(/\s+/g, '') === text.replace(/\s+/g, '')).toBe(true);
      if (max >= 10) expect(parts.join(' ').split(/\s+/).filter((w) => w.startsWith('word'))).toEqual(text.split(/\s+/).filter((w) => w.startsWith('word')));
    }
  });

  it('prefers a paragraph break, then a line break, then a space', () => {
    expect(splitText('aaaa bbbb\ncccc\n\ndddd', 16)).toEqual(['aaaa bbbb\ncccc', 'dddd']);
    expect(splitText('aaaa bbbb\ncccc dddd', 16)).toEqual(['aaaa bbbb', 'cccc dddd']);
    expect(splitText('aaaa bbbb cccc dddd', 16)).toEqual(['aaaa bbbb cccc', 'dddd']);
  });

  it('cuts a word longer than the limit without splitting a surrogate pair', () => {
    const parts = splitText('😀'.repeat(5), 5);
    for (const p of parts) expect(p).toMatch(/^(😀)+$/u);
    expect(parts.join('')).toBe('😀'.repeat(5));
  });
});

describe('replyLabels', () => {
  it('maps the Back label of every language to the back command', () => {
    // Turkish and Ukrainian share their Back label with Azerbaijani and Russian: one entry each.
    const labels: Record<string, string> = { az: '◀ Geri', ru: '◀ Назад', en: '◀ Back', fa: '▶ بازگشت', uz: '◀ Orqaga', tr: '◀ Geri', uk: '◀ Назад' };
    const tr = { t: (lang: string) => labels[lang]! } as unknown as Translator;
    expect([...replyLabels(tr)]).toEqual([['◀ Geri', 'back'], ['◀ Назад', 'back'], ['◀ Back', 'back'], ['▶ بازگشت', 'back'], ['◀ Orqaga', 'back']]);
  });
});
