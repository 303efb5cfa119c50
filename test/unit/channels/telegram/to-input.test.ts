import { CONTACT_NOT_OWN, normalizePhone, toInput } from '../../../../src/channels/telegram/to-input';
import { encodeCallbackData, STALE_INPUT } from '../../../../src/channels/telegram/callback-data';
import { UpdateFactory } from '../../../helpers/fake-bot-api';
import type { Message, Update } from 'grammy/types';

const bot = { id: 42, is_bot: true, first_name: 'Körpü', username: 'korpu_test_bot' } as ConstructorParameters<typeof UpdateFactory>[0];
const make = new UpdateFactory(bot);
const person = make.user({ language_code: 'ru' });

function inputOf(update: Update, opts = {}) {
  const c = toInput(update, opts);
  if (c.kind !== 'input') throw new Error('expected input');
  return c;
}

describe('toInput', () => {
  it('passes text through', () => {
    expect(toInput(make.text(person, 'Aysel'))).toEqual({ kind: 'input', input: { type: 'text', text: 'Aysel' }, notices: [] });
  });

  it.each(['start', 'back', 'restart', 'language', 'help', 'menu'])('reads /%s as a command', (name) => {
    expect(inputOf(make.command(person, `/${name}`)).input).toEqual({ type: 'command', name });
  });

  it('accepts the @botname suffix, ignores /start payloads and letter case', () => {
    expect(inputOf(make.command(person, '/start@korpu_test_bot')).input).toEqual({ type: 'command', name: 'start' });
    expect(inputOf(make.command(person, '/start ref-campaign-7')).input).toEqual({ type: 'command', name: 'start' });
    expect(inputOf(make.command(person, '/HELP')).input).toEqual({ type: 'command', name: 'help' });
  });

  it('names an unknown command (cut to 32 characters)', () => {
    expect(inputOf(make.command(person, '/weather today')).input).toEqual({ type: 'unknown_command', name: 'weather' });
    expect(inputOf(make.command(person, `/${'x'.repeat(60)}`)).input).toEqual({ type: 'unknown_command', name: 'x'.repeat(32) });
  });

  it('does not take a slash inside a sentence or a lone slash for a command', () => {
    expect(inputOf(make.text(person, 'work/study')).input).toEqual({ type: 'text', text: 'work/study' });
    expect(inputOf(make.text(person, '/ ok')).input).toEqual({ type: 'text', text: '/ ok' });
  });

  it('maps the label of a reply-keyboard command button to the command', () => {
    const replyLabels = new Map([['◀ Back', 'back' as const], ['◀ Назад', 'back' as const]]);
    expect(inputOf(make.text(person, '◀ Назад'), { replyLabels }).input).toEqual({ type: 'command', name: 'back' });
    expect(inputOf(make.text(person, 'Back'), { replyLabels }).input).toEqual({ type: 'text', text: 'Back' });
  });

  it('decodes button taps; unreadable data is a stale choice', () => {
    const msg = { message_id: 5, date: 0, chat: make.privateChat(person) } as Message;
    expect(inputOf(make.callback(person, msg, encodeCallbackData({ type: 'choice', node: 'q1', value: 'yes' }))).input).toEqual({ type: 'choice', node: 'q1', value: 'yes' });
    expect(inputOf(make.callback(person, msg, 'k:back')).input).toEqual({ type: 'command', name: 'back' });
    expect(inputOf(make.callback(person, msg, 'v0|old-format')).input).toEqual(STALE_INPUT);
    const noData = make.callback(person, msg, 'x');
    delete noData.callback_query!.data;
    expect(inputOf(noData).input).toEqual(STALE_INPUT);
  });

  it('takes the sender’s own contact as their phone (with the + Telegram leaves out)', () => {
    expect(inputOf(make.contact(person, '994501234567')).input).toEqual({ type: 'contact', phone: '+994501234567' });
    expect(inputOf(make.contact(person, '+994 50 123 45 67')).input).toEqual({ type: 'contact', phone: '+994 50 123 45 67' });
  });

  it('does not take someone else’s contact as the person’s number', () => {
    const other = make.user();
    for (const update of [make.contact(person, '994551112233', other), make.contact(person, '994551112233', null)]) {
      const c = inputOf(update);
      expect(c.input).toEqual({ type: 'text', text: '' });
      expect(c.notices).toEqual([CONTACT_NOT_OWN]);
      expect(JSON.stringify(c)).not.toContain('994551112233');
    }
  });

  it.each([
    ['sticker', make.sticker(person)],
    ['photo', make.photo(person, 'my passport')],
    ['voice', make.voice(person)],
    ['document', make.document(person)],
    ['location', make.location(person)],
    ['edited', make.edited(person, 'Aysel corrected')],
    ['video', make.message(person, { video_note: { file_id: 'v', file_unique_id: 'u', length: 1, duration: 1 } } as Partial<Message>)],
    ['video', make.message(person, { animation: { file_id: 'a', file_unique_id: 'u', width: 1, height: 1, duration: 1 }, document: { file_id: 'a', file_unique_id: 'u' } } as Partial<Message>)],
    ['voice', make.message(person, { audio: { file_id: 'a', file_unique_id: 'u', duration: 1 } } as Partial<Message>)],
    ['location', make.message(person, { venue: { location: { latitude: 1, longitude: 2 }, title: 't', address: 'a' }, location: { latitude: 1, longitude: 2 } } as Partial<Message>)],
    ['other', make.message(person, { dice: { emoji: '🎲', value: 3 } } as Partial<Message>)],
  ])('reads a %s as unsupported', (kind, update) => {
    expect(inputOf(update).input).toEqual({ type: 'unsupported', kind });
  });

  it('ignores service messages and update types that are not a person talking', () => {
    expect(toInput(make.message(person, { pinned_message: { message_id: 1, date: 0, chat: make.privateChat(person) } } as Partial<Message>))).toEqual({ kind: 'ignore' });
    expect(toInput(make.myChatMember(person, 'kicked'))).toEqual({ kind: 'ignore' });
  });

  it('cuts a huge text at 4096 characters (not inside an emoji), marked with its whole length for the engine to answer once', () => {
    const c = inputOf(make.text(person, '😀'.repeat(5000)));
    expect(c.input).toEqual({ type: 'text', text: '😀'.repeat(4096), cut: 5000 });
    expect(c.notices).toEqual([]);
    expect(inputOf(make.text(person, 'a'.repeat(4096))).input).toEqual({ type: 'text', text: 'a'.repeat(4096) });
  });

  it('normalizes only bare digit strings', () => {
    expect(normalizePhone(' 994501234567 ')).toBe('+994501234567');
    expect(normalizePhone('+7 999')).toBe('+7 999');
  });
});
