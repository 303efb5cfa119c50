import { redisKeys } from '../../src/storage/keys';
import type { Redis } from 'ioredis';
import type { KorpuCore } from '../../src/app';
import { RelayStore } from '../../src/caseworkers/relay-store';
import type { Input, Output } from '../../src/core/conversation';
import type { Lang } from '../../src/core/lang';
import { renderOutput } from '../../src/i18n/render';
import { startTestKorpu, type TestKorpu } from '../helpers/korpu';
import { testOfficesFile } from '../helpers/office';
import { dropPrefix, readablePrefix, testRedis } from '../helpers/redis';

/**
 * The person's rights over their data, through the real runner and the real Redis (the
 * simulator channel, no Telegram): /mydata shows what is kept, decrypted; /withdraw keeps the
 * reason encrypted and frees the meeting's place; /delete leaves nothing of the person under
 * the deployment's prefix, not even ciphertexts, and keeps the anonymous facts for statistics.
 */

const offices = testOfficesFile({ office: { slotMinutes: 60, capacity: 1, minLeadMinutes: 60, horizonDays: 10 } });

describe("the person's rights", () => {
  let redis: Redis;
  let prefix: string;
  let korpu: TestKorpu;
  let core: KorpuCore;

  beforeAll(async () => {
    redis = testRedis();
    korpu = await startTestKorpu({ offices });
    ({ core, prefix } = korpu);
  });

  afterAll(async () => {
    await korpu.stop();
    await dropPrefix(redis, prefix);
    await redis.quit();
  });

  const send = (chatId: string, input: Input) => core.runner.handle({ channel: 'simulator', chatId, input });
  const tap = (node: string, value: string): Input => ({ type: 'choice', node, value });
  const say = (text: string): Input => ({ type: 'text', text });
  const command = (name: 'mydata' | 'withdraw' | 'delete' | 'menu' | 'restart'): Input => ({ type: 'command', name });
  const rendered = (outs: Output[], lang: Lang) => outs.map((o) => renderOutput(core.translator, core.content, lang, o).text).join('\n\n');
  const slots = (outs: Output[]) => outs.flatMap((o) => (o.buttons ?? []).flat()).flatMap((b) => (b.action.type === 'choice' && b.action.value.startsWith('s_') ? [b.action.value] : []));
  const opens = (sealed: string, aad: string) => {
    try {
      core.cipher.decrypt(sealed, aad);
      return true;
    } catch {
      return false;
    }
  };
  const caseOf = async (chatId: string) => (await core.runner.peek(core.runner.conversationId('simulator', chatId)))?.caseCode;

  /** The intake with a booked meeting; returns the case code and the slot booked. */
  async function intake(chatId: string, lang: Lang, name: { first: string; last: string }, areas = ['planning']): Promise<{ code: string; slot: string }> {
    const script: Input[] = [
      { type: 'command', name: 'start' }, tap('language', lang), tap('menu', 'book'), tap('age', 'adult'), tap('q1', 'yes'), tap('q2', 'yes'),
      ...areas.map((area) => tap('q3', area)), tap('q3', '__done'), tap('agree', 'A'), say('25.03.1990'), say(name.first), say(name.last), say('Afghanistan'),
      tap('reason', 'work'),
    ];
    for (const input of script) await send(chatId, input);
    const offer = (await send(chatId, say('050 123 45 67'))).outputs;
    await send(chatId, tap('pick_time', slots(offer)[0]!));
    const code = (await caseOf(chatId))!;
    const booking = await core.bookings.get(code);
    expect(booking?.status).toBe('booked');
    return { code, slot: booking!.slot };
  }

  it('/mydata shows the details decrypted, the consent and the meeting, in the person\'s language', async () => {
    const chat = 'rights-mydata-000001';
    const { code } = await intake(chat, 'en', { first: 'Aysel', last: 'Mammadova' });
    const text = rendered((await send(chat, command('mydata'))).outputs, 'en');
    expect(text).toContain(core.translator.t('en', 'rights:mydata.title'));
    expect(text).toContain(code);
    expect(text).toContain('Aysel');
    expect(text).toContain('Mammadova');
    expect(text).toContain('+994501234567');
    expect(text).toContain(core.translator.t('en', 'rights:mydata.choice.A'));
    expect(text).toContain(core.translator.t('en', 'rights:mydata.held_no'));
    // Every right is offered: there are details to correct and a participation to end.
    for (const line of ['correct', 'withdraw', 'delete']) expect(text).toContain(core.translator.t('en', `rights:mydata.footer.${line}`));
    // Decrypted for the reply only: nothing readable was written for it.
    await korpu.settled();
    expect(await readablePrefix(redis, prefix)).not.toContain('Mammadova');
  });

  it('/mydata shows the talk with case workers, both sides, photos and voice notes named', async () => {
    const chat = 'rights-mydata-talk001';
    const { code } = await intake(chat, 'en', { first: 'Olha', last: 'Bondar' });
    const relay = new RelayStore(redis, prefix, core.cipher);
    await relay.keep(code, { at: new Date(), from: 'person', kind: 'text', text: 'Can I bring my child to the meeting?' });
    await relay.keep(code, { at: new Date(), from: 'person', kind: 'photo', text: 'my residence card', fileId: 'AgAD-photo' });
    await relay.keep(code, { at: new Date(), from: 'person', kind: 'voice', fileId: 'AwAD-voice' });
    await relay.keep(code, { at: new Date(), from: 'worker', kind: 'text', text: 'Yes, of course.', worker: 's1' });
    const text = rendered((await send(chat, command('mydata'))).outputs, 'en');
    const t = (key: string, params?: Record<string, unknown>) => core.translator.t('en', key, params);
    expect(text).toContain(t('rights:mydata.talk'));
    const lines = text.split('\n');
    const line = (needle: string) => lines.find((l) => l.includes(needle)) ?? '';
    expect(line('Can I bring my child')).toContain(', you: ');
    expect(line('my residence card')).toContain(t('rights:mydata.talk_kind.photo'));
    expect(lines.some((l) => l.includes(t('rights:mydata.talk_kind.voice')))).toBe(true);
    expect(line('Yes, of course.')).toContain(', case worker: ');
    // Never the file ids.
    expect(text).not.toContain('AgAD-photo');
  });

  it('/mydata never lists a sign of crisis (someone else may hold the phone), and a skipped question in words', async () => {
    const chat = 'rights-mydata-crisis01';
    const { code } = await intake(chat, 'en', { first: 'Leyla', last: 'Aliyeva' });
    const crisis = (await send(chat, say('my husband beats me'))).outputs;
    expect(crisis.length).toBeGreaterThan(0);
    await korpu.settled();
    expect(await redis.hexists(redisKeys(prefix).case(code), 'f:crisis')).toBe(1);
    await send(chat, tap('referral', 'not_said'));
    const t = (key: string) => core.translator.t('en', key);
    const text = rendered((await send(chat, command('mydata'))).outputs, 'en');
    expect(text).toContain('Leyla');
    expect(text).not.toMatch(/crisis|violence/i);
    expect(text).toContain(core.translator.t('en', 'rights:mydata.field', { label: t('rights:mydata.label.referral_source'), value: t('interview:referral.not_said') }));
    expect(text).not.toContain('not_said');
  });

  it("/mydata says the bot's 'not eligible' is not a final decision", async () => {
    const chat = 'rights-mydata-noteli1';
    for (const input of [{ type: 'command', name: 'start' } as Input, tap('language', 'en'), tap('menu', 'eligibility'), tap('age', 'adult'), tap('q1', 'no'), tap('q2', 'yes'), tap('q3', 'planning'), tap('q3', '__done')]) await send(chat, input);
    await korpu.settled();
    const text = rendered((await send(chat, command('mydata'))).outputs, 'en');
    expect(text).toContain(core.translator.t('en', 'rights:mydata.not_final', { result: core.translator.t('en', 'caseworker:alert.result.not_eligible') }));
  });

  it('/mydata after declining the consent when asked again: the refusal, and the earlier agreement that still covers the details', async () => {
    const chat = 'rights-mydata-again01';
    // Consent and a few details, then "start over" before the intake is completed (after it,
    // "Book a meeting" shows the meeting instead of asking again): the consent is asked again.
    const diagnosis = [tap('menu', 'book'), tap('age', 'adult'), tap('q1', 'yes'), tap('q2', 'yes'), tap('q3', 'planning'), tap('q3', '__done')];
    for (const input of [{ type: 'command', name: 'start' } as Input, tap('language', 'en'), ...diagnosis, tap('agree', 'A'), say('25.03.1990'), say('Nigar'), say('Aliyeva')]) await send(chat, input);
    for (const input of [command('restart'), ...diagnosis, tap('agree', 'no')]) await send(chat, input);
    await korpu.settled();
    const t = (key: string, params?: Record<string, string>) => core.translator.t('en', key, params);
    const text = rendered((await send(chat, command('mydata'))).outputs, 'en');
    expect(text).toContain(t('rights:mydata.choice.declined'));
    expect(text).toContain(t('rights:mydata.choice.A'));
    expect(text).toContain('Nigar');
    // The details are still theirs to correct.
    expect(text).toContain(t('rights:mydata.footer.correct'));
  });

  it('/mydata in Persian: each answer on its line, lists and the meeting punctuated as Persian writes them', async () => {
    const chat = 'rights-mydata-fa-0001';
    await intake(chat, 'fa', { first: 'Ahmad', last: 'Rahimi' }, ['health_social', 'language']);
    const text = rendered((await send(chat, command('mydata'))).outputs, 'fa');
    const t = (key: string) => core.translator.t('fa', key);
    const lines = text.split('\n');
    // "• سؤال ۳: A، و B", not "A, B" run together with the other answers after "; ".
    const q3 = lines.find((l) => l.includes(t('rights:mydata.q.q3')))!;
    expect(q3).toContain(new Intl.ListFormat('fa', { type: 'conjunction' }).format([t('diagnosis:q3.health_social'), t('diagnosis:q3.language')]));
    expect(q3).not.toContain(t('rights:mydata.q.q1'));
    expect(lines.some((l) => l.includes(t('rights:mydata.q.q1')) && l.includes(t('common:button.yes')))).toBe(true);
    const meeting = lines.find((l) => l.startsWith('ملاقات:'))!;
    expect(meeting).not.toMatch(/,/);
    expect(meeting.split('،')).toHaveLength(3);
  });

  it('/mydata without a case says nothing is kept', async () => {
    const chat = 'rights-nocase-000001';
    await send(chat, { type: 'command', name: 'start' });
    await send(chat, tap('language', 'ru'));
    const text = rendered((await send(chat, command('mydata'))).outputs, 'ru');
    expect(text).toContain(core.translator.t('ru', 'rights:mydata.nothing'));
  });

  it('/withdraw asks the reason, keeps it encrypted, marks the case withdrawn and frees the place', async () => {
    const chat = 'rights-withdraw-00001';
    const { code, slot } = await intake(chat, 'az', { first: 'Leyla', last: 'Hüseynova' });
    expect(await redis.sismember(redisKeys(prefix).slot(slot), code)).toBe(1);
    const asked = rendered((await send(chat, command('withdraw'))).outputs, 'az');
    expect(asked).toContain(core.translator.t('az', 'rights:withdraw.confirm'));
    expect(rendered((await send(chat, tap('confirm', 'yes'))).outputs, 'az')).toContain(core.translator.t('az', 'rights:withdraw.reason'));
    // The reason waits nowhere in clear: it is sent, and the withdrawal is done with the same step.
    const done = rendered((await send(chat, say('Gəncədə iş tapdım'))).outputs, 'az');
    expect(done).toContain(core.translator.t('az', 'rights:withdraw.done'));
    await korpu.settled();
    const c = await redis.hgetall(redisKeys(prefix).case(code));
    expect(c.status).toBe('withdrawn');
    expect(c['f:withdraw_reason']).toBeDefined();
    expect(c['f:withdraw_reason']).not.toContain('Gəncədə');
    expect(core.cipher.decrypt(c['f:withdraw_reason']!, `${code}:withdraw_reason`)).toBe('Gəncədə iş tapdım');
    // The place is free again and the booking says cancelled.
    expect(await redis.sismember(redisKeys(prefix).slot(slot), code)).toBe(0);
    expect((await core.bookings.get(code))?.status).toBe('cancelled');
    // The person may still use the bot and sees the withdrawal in their data.
    const mine = rendered((await send(chat, command('mydata'))).outputs, 'az');
    expect(mine).toContain(core.translator.t('az', 'rights:mydata.status_value.withdrawn'));
    expect(mine).toContain('Gəncədə iş tapdım');
    // Having withdrawn: the kept details may still be corrected and erased (/withdraw would say "nothing to do").
    expect(mine).toContain(core.translator.t('az', 'rights:mydata.footer.correct'));
    expect(mine).not.toContain(core.translator.t('az', 'rights:mydata.footer.withdraw'));
    expect(mine).toContain(core.translator.t('az', 'rights:mydata.footer.delete'));
  });

  it('/mydata after a declined consent does not offer /correct, which would say there is nothing to correct', async () => {
    const chat = 'rights-declined-00001';
    for (const input of [{ type: 'command', name: 'start' } as Input, tap('language', 'ru'), tap('menu', 'book'), tap('age', 'adult'), tap('q1', 'yes'), tap('q2', 'yes'), tap('q3', 'planning'), tap('q3', '__done'), tap('agree', 'no')]) {
      await send(chat, input);
    }
    const mine = rendered((await send(chat, command('mydata'))).outputs, 'ru');
    expect(mine).toContain(core.translator.t('ru', 'rights:mydata.choice.declined'));
    expect(mine).not.toContain(core.translator.t('ru', 'rights:mydata.footer.correct'));
    expect(mine).not.toContain(core.translator.t('ru', 'rights:mydata.footer.correct_phone'));
    expect(mine).toContain(core.translator.t('ru', 'rights:mydata.footer.delete'));
    expect(rendered((await send(chat, { type: 'command', name: 'correct' })).outputs, 'ru')).toContain(core.translator.t('ru', 'rights:correct.nothing'));
  });

  it('/mydata after a call-back consent offers to correct the phone number only', async () => {
    const chat = 'rights-callback-00001';
    for (const input of [{ type: 'command', name: 'start' } as Input, tap('language', 'en'), tap('menu', 'book'), tap('age', 'adult'), tap('q1', 'yes'), tap('q2', 'yes'), tap('q3', 'planning'), tap('q3', '__done'), tap('agree', 'no'), tap('declined_choice', 'call_back'), say('050 123 45 67')]) {
      await send(chat, input);
    }
    const mine = rendered((await send(chat, command('mydata'))).outputs, 'en');
    expect(mine).toContain(core.translator.t('en', 'rights:mydata.choice.phone_only'));
    expect(mine).toContain(core.translator.t('en', 'rights:mydata.footer.correct_phone'));
    expect(mine).not.toContain(core.translator.t('en', 'rights:mydata.footer.correct'));
  });

  it('/delete erases everything of the person (not even ciphertexts remain) and keeps the statistics', async () => {
    const chat = 'rights-delete-000001';
    const { code, slot } = await intake(chat, 'ru', { first: 'Olena', last: 'Kovalenko' });
    // A question for the case workers, a talk message, a relayed-message mark and a crisis message (an incident).
    await send(chat, command('menu'));
    await send(chat, tap('menu', 'person'));
    await send(chat, say('Где можно выучить азербайджанский язык?'));
    await send(chat, say('My husband beats me every day and I am afraid to go home'));
    const relay = new RelayStore(redis, prefix, core.cipher);
    await relay.keep(code, { at: new Date(), from: 'person', kind: 'text', text: 'Мне нужен врач' }, 'tg:777');
    await relay.remember(-100123, 42, { caseCode: code, conversation: core.runner.conversationId('simulator', chat) });
    await korpu.settled();
    expect(await redis.zcard(redisKeys(prefix).caseIncidents(code))).toBe(1);
    expect(await relay.relayedBy(-100123, 42)).toBeDefined();

    // Every ciphertext of the person's data, as it is before the erasure.
    const before = await redis.hgetall(redisKeys(prefix).case(code));
    const sealed = [
      // (Only the encrypted fields: a value chosen from a list, such as the referral source, is kept in clear; the reason for coming is sealed.)
      ...Object.entries(before).filter(([f, v]) => (f.startsWith('f:') || f === 'contact') && opens(v, `${code}:${f === 'contact' ? 'contact' : f.slice(2)}`)).map(([, v]) => v),
      ...(await redis.lrange(redisKeys(prefix).questions(code), 0, -1)).map((q) => JSON.parse(q).text as string),
      ...(await redis.lrange(redisKeys(prefix).talkMessages(code), 0, -1)),
    ];
    expect(sealed.length).toBeGreaterThan(5);

    expect(rendered((await send(chat, command('delete'))).outputs, 'ru')).toContain(core.translator.t('ru', 'rights:delete.confirm'));
    expect(rendered((await send(chat, tap('confirm', 'yes'))).outputs, 'ru')).toContain(core.translator.t('ru', 'rights:delete.done'));
    await korpu.settled();

    const everything = await readablePrefix(redis, prefix);
    for (const word of ['Olena', 'Kovalenko', '+994501234567', 'азербайджанский', 'husband', 'Мне нужен врач']) expect(everything).not.toContain(word);
    for (const ciphertext of sealed) expect(everything).not.toContain(ciphertext);
    // The relayed message's mark leads to the case code alone (a worker answering it is told the data was erased).
    expect(await relay.relayedBy(-100123, 42)).toEqual({ caseCode: code, erased: true });
    const k = redisKeys(prefix);
    for (const key of [k.questions(code), k.talkMessages(code), k.talkRefs(code), k.diagnoses(code), k.consents(code), k.caseIncidents(code)]) expect(await redis.exists(key)).toBe(0);

    // What stays: the case code with anonymous facts for statistics.
    const after = await redis.hgetall(redisKeys(prefix).case(code));
    expect(after).toMatchObject({ code, status: 'erased', lang: 'ru', channel: 'simulator', diagnosis: 'likely_eligible', consent: 'A', areas: 'planning', incidents: '1' });
    expect(after.created_at).toBeDefined();
    expect(Object.keys(after).filter((f) => f.startsWith('f:') || f === 'contact' || f === 'crisis')).toEqual([]);
    expect(await redis.zscore(redisKeys(prefix).cases(), code)).not.toBeNull();
    // The meeting's place is free.
    expect(await redis.sismember(redisKeys(prefix).slot(slot), code)).toBe(0);

    // The conversation goes on without a case: /mydata shows none of it, and says what is left.
    expect(await caseOf(chat)).toBeUndefined();
    const mine = rendered((await send(chat, command('mydata'))).outputs, 'ru');
    expect(mine).toContain(core.translator.t('ru', 'rights:mydata.erased'));
    expect(mine).not.toContain(core.translator.t('ru', 'rights:mydata.nothing'));
    expect(mine).not.toContain('Olena');
    expect(mine).not.toContain(code);
  });
});
