import { updateShapeProblem } from '../../../../src/channels/telegram/update-shape';

/**
 * Which updates are dropped as malformed, and the logged problem of each: the hand-written
 * check that lets the updates Telegram sends skip zod must never let a malformed one through,
 * nor change the problem a malformed one is logged with.
 */
describe('updateShapeProblem', () => {
  const chat = { id: 5, type: 'private', first_name: 'A' };
  const from = { id: 5, is_bot: false, first_name: 'A' };
  const cases: [Record<string, unknown>, string | undefined][] = [
    [{ update_id: 1, message: { message_id: 1, date: 0, chat, from, text: 'hi' } }, undefined],
    [{ update_id: 1, edited_message: { message_id: 1, date: 0, chat: { id: -100, type: 'supergroup' }, text: 'hi' } }, undefined],
    [{ update_id: 1, message: { message_id: 1, date: 0, chat: { id: -100, type: 'channel' } } }, undefined],
    [{ update_id: 1, callback_query: { id: 'q', from, chat_instance: 'c', data: 'x', message: { message_id: 1, chat } } }, undefined],
    [{ update_id: 1, callback_query: { id: 'q', from, chat_instance: 'c' } }, undefined],
    [{ update_id: 1, my_chat_member: { chat, from, date: 0, old_chat_member: { status: 'member' }, new_chat_member: { status: 'kicked' } } }, undefined],
    [{ update_id: 1, inline_query: { id: 'x' } }, undefined],
    [{ update_id: 1 }, undefined],
    [{ update_id: 1, message: { message_id: 1, date: 0, chat: {}, from: {}, text: 'hi' } }, "message.chat.id: Invalid input: expected number, received undefined"],
    [{ update_id: 1, message: { message_id: 1, date: 0, chat, text: 'hi' } }, "message.from: a private message without a sender"],
    [{ update_id: 1, message: { message_id: 1, date: 0, chat, from: undefined, text: 'hi' } }, "message.from: a private message without a sender"],
    [{ update_id: 1, message: { message_id: 1.5, date: 0, chat, from } }, "message.message_id: Invalid input: expected int, received number"],
    [{ update_id: 1, message: { message_id: '1', date: 0, chat, from } }, "message.message_id: Invalid input: expected number, received string"],
    [{ update_id: 1, message: { message_id: 2 ** 60, date: 0, chat, from } }, "message.message_id: Too big: expected int to be <=9007199254740991"],
    [{ update_id: 1, message: { message_id: 1, chat: { id: NaN, type: 'private' }, from } }, "message.chat.id: Invalid input: expected number, received NaN"],
    [{ update_id: 1, message: { message_id: 1, chat: { id: 2 ** 53, type: 'private' }, from } }, "message.chat.id: Too big: expected int to be <=9007199254740991"],
    [{ update_id: 1, message: { message_id: 1, chat: { id: '5', type: 'private' }, from } }, "message.chat.id: Invalid input: expected number, received string"],
    [{ update_id: 1, message: { message_id: 1, chat: { id: 5, type: 'secret' }, from } }, "message.chat.type: Invalid option: expected one of \"private\"|\"group\"|\"supergroup\"|\"channel\""],
    [{ update_id: 1, message: { message_id: 1, chat: [5], from } }, "message.chat: Invalid input: expected object, received array"],
    [{ update_id: 1, message: { message_id: 1, chat, from: null } }, "message.from: Invalid input: expected object, received null"],
    [{ update_id: 1, message: { message_id: 1, chat, from: { id: Infinity } } }, "message.from.id: Invalid input: expected number, received Infinity"],
    [{ update_id: 1, message: null }, "message: Invalid input: expected object, received null"],
    [{ update_id: 1, message: [] }, "message: Invalid input: expected object, received array"],
    [{ update_id: 1, message: 'hi' }, "message: Invalid input: expected object, received string"],
    [{ update_id: 1, callback_query: { id: '', from } }, "callback_query.id: Too small: expected string to have >=1 characters"],
    [{ update_id: 1, callback_query: { id: 'q' } }, "callback_query.from: Invalid input: expected object, received undefined"],
    [{ update_id: 1, callback_query: { id: 'q', from, message: { message_id: 1 } } }, "callback_query.message.chat: Invalid input: expected object, received undefined"],
    [{ update_id: 1, callback_query: { id: 'q', from, message: null } }, "callback_query.message: Invalid input: expected object, received null"],
    [{ update_id: 1, callback_query: { id: 'q', from, data: 5 } }, "callback_query.data: Invalid input: expected string, received number"],
    [{ update_id: 1, callback_query: { id: 7, from } }, "callback_query.id: Invalid input: expected string, received number"],
    [{ update_id: 1, my_chat_member: { chat, from, new_chat_member: {} } }, "my_chat_member.new_chat_member.status: Invalid input: expected string, received undefined"],
    [{ update_id: 1, my_chat_member: { chat, from } }, "my_chat_member.new_chat_member: Invalid input: expected object, received undefined"],
    [{ update_id: 1, my_chat_member: { chat, new_chat_member: { status: 'member' } } }, "my_chat_member.from: Invalid input: expected object, received undefined"],
    [{ update_id: 1, message: { message_id: 1, chat, from }, callback_query: { id: '' } }, undefined],
    [{ update_id: 1, callback_query: { id: '' }, message: { message_id: 1, chat, from } }, undefined],
  ];

  it.each(cases.map(([update, problem], i) => [i, update, problem] as const))('case %i', (_i, update, problem) => {
    expect(updateShapeProblem(update)).toBe(problem);
  });
});
