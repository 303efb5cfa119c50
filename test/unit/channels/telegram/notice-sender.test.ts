import { InputFile } from 'grammy';
import { planCalls } from '../../../../src/channels/telegram/notice-sender';
import { planTelegramMessage } from '../../../../src/channels/telegram/render';
import type { RenderedMessage } from '../../../../src/i18n/render';

const msg = (over: Partial<RenderedMessage>): RenderedMessage => ({ text: 'Reminder', buttons: [], edit: false, ...over });
const confirm = { label: 'Confirm', action: { type: 'choice' as const, node: '__appointment', value: 'confirm' } };

describe('planCalls (a notice as Bot API calls)', () => {
  it('sends one message with its inline keyboard, and never edits', () => {
    const calls = planCalls(planTelegramMessage(msg({ buttons: [[confirm]], edit: true })));
    expect(calls).toEqual([{ method: 'sendMessage', params: { text: 'Reminder', reply_markup: { inline_keyboard: [[{ text: 'Confirm', callback_data: expect.any(String) }]] } } }]);
  });

  it('splits a long text into messages, the keyboard on the last, then sends the attachments', () => {
    const long = `${'a'.repeat(30)}\n\n${'b'.repeat(30)}`;
    const plan = planTelegramMessage(
      msg({ text: long, buttons: [[confirm]], attachments: [{ type: 'venue', latitude: 40.4, longitude: 49.8, title: 'Office', address: 'Baku' }, { type: 'file', filename: 'meeting.ics', mime: 'text/calendar', content: 'BEGIN:VCALENDAR' }] }),
      { maxLength: 40 },
    );
    const calls = planCalls(plan);
    expect(calls.map((c) => c.method)).toEqual(['sendMessage', 'sendMessage', 'sendVenue', 'sendDocument']);
    expect(calls[0]!.params).toEqual({ text: 'a'.repeat(30) });
    expect(calls[1]!.params).toMatchObject({ text: 'b'.repeat(30), reply_markup: { inline_keyboard: [[expect.objectContaining({ text: 'Confirm' })]] } });
    expect(calls[2]!.params).toEqual({ latitude: 40.4, longitude: 49.8, title: 'Office', address: 'Baku' });
    expect(calls[3]!.params.document).toBeInstanceOf(InputFile);
  });
});
