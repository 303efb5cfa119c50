import type { Update, User } from 'grammy/types';
import { DateTime } from 'luxon';
import type { Lang } from '../../src/core/lang';
import { testOfficesFile } from '../helpers/office';
import { addStaff, useTestKorpu } from '../helpers/use-korpu';
import { chatAs } from '../helpers/chat-as';
import { keysUnder } from '../helpers/redis';

/**
 * Phone interviews (/call) that do not run straight, end to end through the fake Bot API: the
 * worker goes back to the consent and the person now refuses; the person said "18 or older" but
 * their date of birth shows under 18; the call is cut off and resumed later with `/call KP-…`.
 * What the records keep afterwards is read from Redis.
 */

jest.setTimeout(30_000);

const offices = testOfficesFile({ hours: '00:00-23:59', office: { slotMinutes: 60, capacity: 2, minLeadMinutes: 0, horizonDays: 3 } });

describe('phone interview: a consent that does not hold', () => {
  const e2e = useTestKorpu({ offices });
  let worker: User;
  const t = (lang: Lang, key: string, params?: Record<string, unknown>) => e2e.core.translator.t(lang, key, params);

  beforeAll(async () => {
    ({ user: worker } = await addStaff(e2e, { name: 'Aysel Məmmədova', firstName: 'Aysel', lang: 'en', langs: ['en'] }));
  });

  const { send, say, button, tap } = chatAs(e2e);
  const stateOf = async (n: number) => e2e.core.runner.peek(e2e.core.runner.conversationId('phone', `${worker.id}:${n}`));
  async function caseOf(code: string) {
    const hash = await e2e.redis.hgetall(e2e.core.keys.case(code));
    const list = async (key: string) => (await e2e.redis.lrange(key, 0, -1)).map((j) => JSON.parse(j) as Record<string, unknown>);
    return { hash, diagnoses: await list(e2e.core.keys.diagnoses(code)), consents: await list(e2e.core.keys.consents(code)), questions: await e2e.redis.lrange(e2e.core.keys.questions(code), 0, -1) };
  }

  /** /call in English, as far as the consent given (option C): the case is open by then. */
  async function callUpToConsent(age: 'adult' | 'minor' = 'adult'): Promise<void> {
    await say(worker, '/call');
    await tap(worker, 'language', 'en');
    await tap(worker, 'minutes', 'yes');
    await tap(worker, 'age', age);
    if (age === 'minor') await tap(worker, 'guardian', 'yes');
    await tap(worker, 'q1', 'yes');
    await tap(worker, 'q2', 'yes');
    await tap(worker, 'q3', 'language');
    await tap(worker, 'q3', '__done');
    await tap(worker, 'q4', 'no');
    await tap(worker, 'source', 'leaflet');
    await tap(worker, 'meet', 'yes');
    await tap(worker, 'statement', 'continue');
    await tap(worker, 'option', 'C');
    await tap(worker, 'agree', 'yes');
  }
  const birth = (years: number) => DateTime.now().setZone('Asia/Baku').minus({ years }).toFormat('dd.LL.yyyy');

  it('a refusal after going back to the consent keeps nothing taken under it: no name, no "consented"', async () => {
    await callUpToConsent();
    await say(worker, birth(30));
    await say(worker, 'Ivan');
    await say(worker, 'Petrov');
    const code = (await stateOf(1))!.caseCode!;
    expect((await caseOf(code)).hash).toMatchObject({ status: 'consented', consent: 'C', 'f:first_name': expect.any(String) });
    for (let i = 0; i < 4; i++) await say(worker, '/back');
    const said = await tap(worker, 'agree', 'no');
    expect(said.join('\n')).toContain(t('en', 'call:consent.declined'));
    const record = await caseOf(code);
    expect(Object.keys(record.hash).filter((k) => k.startsWith('f:')).sort()).toEqual(['f:q4_concern', 'f:referral_source']);
    expect(record.hash).toMatchObject({ status: 'open', consent: 'declined' });
    expect(record.consents.map((c) => c.agreed)).toEqual([true, false]);
  });

  it('"18 or older" but born under 18: the consent given alone is set aside, the diagnosis says minor, and a guardian is asked for', async () => {
    await callUpToConsent();
    const code = (await stateOf(2))!.caseCode!;
    let said = await say(worker, birth(16));
    expect(said.join('\n')).toContain(t('en', 'call:guardian.birth_date'));
    let record = await caseOf(code);
    expect(record.consents.at(-1)).toMatchObject({ agreed: false, scope: 'minor_without_guardian' });
    expect(record.hash.consent).toBe('minor_without_guardian');
    expect(record.diagnoses.at(-1)).toMatchObject({ answers: expect.objectContaining({ adult: 'minor' }) });
    // No guardian on the line: nothing more is taken, the call ends.
    said = await tap(worker, 'guardian_now', 'no');
    expect(said.join('\n')).toContain(t('en', 'call:guardian.later'));
    record = await caseOf(code);
    expect(Object.keys(record.hash).filter((k) => k.startsWith('f:')).sort()).toEqual(['f:birth_date', 'f:q4_concern', 'f:referral_source']);
    expect(record.hash.status).not.toBe('consented');
  });

  it('born under 18 with a guardian on the line: the consent is given again, and the interview goes on', async () => {
    await callUpToConsent();
    const code = (await stateOf(3))!.caseCode!;
    await say(worker, birth(16));
    await tap(worker, 'guardian_now', 'yes');
    await tap(worker, 'statement', 'continue');
    await tap(worker, 'option', 'A');
    // Given again by the parent or guardian on the line: recorded as theirs, and their name is asked (Annex 4).
    expect((await tap(worker, 'agree', 'yes')).join('\n')).toContain(t('en', 'call:guardian_name.prompt'));
    await say(worker, 'Maria Petrova');
    const said = await say(worker, birth(16));
    expect(said.join('\n')).toContain(t('en', 'call:minor_note'));
    expect(said.join('\n')).toContain(t('en', 'call:first_name.prompt'));
    const record = await caseOf(code);
    expect(record.hash).toMatchObject({ consent: 'A', status: 'consented', consent_given_by: 'guardian' });
    expect(record.consents.at(-1)).toMatchObject({ agreed: true, option: 'A', given_by: 'guardian' });
    expect(e2e.core.cipher.decrypt(record.hash['f:guardian_name']!, `${code}:guardian_name`)).toBe('Maria Petrova');
    expect(record.diagnoses.at(-1)).toMatchObject({ answers: expect.objectContaining({ adult: 'minor' }) });
    await say(worker, '/endcall');
  });
  it('a call cut off with /endcall is resumed with /call <case>: same case, on from the question where it stopped', async () => {
    await callUpToConsent();
    await say(worker, birth(30));
    await say(worker, 'Olena');
    const code = (await stateOf(4))!.caseCode!;
    const ended = await say(worker, '/endcall');
    expect(ended).toEqual([t('en', 'call:worker.ended_early', { n: 4, code })]);
    expect(ended[0]).toContain(`/call ${code}`);
    // The history says the interview was cut off.
    expect(t('en', 'caseworker:audit.action.end_phone_call')).toMatch(/before it was finished/);

    const said = await say(worker, `/call ${code.toLowerCase()}`);
    expect(said[0]).toBe(t('en', 'call:worker.resumed', { n: 4, code }));
    expect(said.join('\n')).toContain(t('en', 'call:last_name.prompt'));
    // The answers go on into the same case, in the same call's conversation.
    await say(worker, 'Kovalenko');
    expect((await stateOf(4))!.caseCode).toBe(code);
    const hash = await e2e.redis.hgetall(e2e.core.keys.case(code));
    expect(e2e.core.cipher.decrypt(hash['f:last_name']!, `${code}:last_name`)).toBe('Kovalenko');
    expect(e2e.core.cipher.decrypt(hash['f:first_name']!, `${code}:first_name`)).toBe('Olena');
    // While it is open, /call <case> again says so, as /call does.
    expect(await say(worker, `/call ${code}`)).toEqual([t('en', 'call:worker.still_open_case', { n: 4, code })]);
    await say(worker, '/endcall');
  });

  it('/call <case> resumes nothing for a case no call of the worker’s cut off: another’s, a finished interview, an unknown code', async () => {
    const { user: other } = await addStaff(e2e, { name: 'Leyla Həsənova', firstName: 'Leyla', lang: 'en', langs: ['en'] });
    const code = (await stateOf(4))!.caseCode!;
    expect(await say(other, `/call ${code}`)).toEqual([t('en', 'call:worker.cannot_resume', { code })]);
    // The interview of call 1 ended (a refusal): nothing to go on with.
    const refused = (await stateOf(1))!.caseCode!;
    expect(await say(worker, `/call ${refused}`)).toEqual([t('en', 'call:worker.cannot_resume', { code: refused })]);
    expect(await say(worker, '/call KP-ZZZZ-0000')).toEqual([t('en', 'call:worker.cannot_resume', { code: 'KP-ZZZZ-0000' })]);
    // No call was opened by any of these: the next message is not taken as an answer.
    expect((await say(worker, '/call'))[0]).toBe(t('en', 'call:worker.started', { n: 5 }));
    await say(worker, '/endcall');
  });
  /** Taps the first free time offered in the newest booking question; returns what the bot answered. */
  function tapFirstTime(user: User): Promise<string[]> {
    for (const message of [...e2e.api.sentMessages(user.id)].reverse()) {
      for (const b of message.reply_markup?.inline_keyboard.flat() ?? []) {
        const data = 'callback_data' in b ? b.callback_data : undefined;
        if (data && /^c:[a-z_]+:s_\d{12}_[a-z0-9_]+$/.test(data)) return send(user, e2e.api.updates.callback(user, message, data));
      }
    }
    throw new Error('no meeting time offered in the chat');
  }

  it.each(['no', 'yes'] as const)('the booking confirmation tells the worker to forward the calendar file only to someone who uses Telegram (%s)', async (telegram) => {
    await callUpToConsent();
    for (const text of [birth(30), 'Olena', 'Kovalenko', 'Ukraine']) await say(worker, text);
    await tap(worker, 'reason', 'work');
    await say(worker, '+994501234567');
    await tap(worker, 'address', '__skip');
    await tap(worker, 'telegram', telegram);
    await tap(worker, 'questions', '__skip');
    const said = (await tapFirstTime(worker)).join('\n');
    expect(said).toContain(t('en', 'booking:booked'));
    if (telegram === 'no') expect(said).not.toMatch(/Telegram/);
    else expect(said).toContain(t('en', 'call:telegram.forward'));
  });
  it('a call that ends before the diagnosis (a minor with no guardian on the line) leaves no case behind', async () => {
    // Every node's keys (KEYS asks one node of a cluster), in one order.
    const caseKeys = async () => (await keysUnder(e2e.redis, e2e.prefix)).filter((k) => k.includes('case:')).sort();
    const cases = await caseKeys();
    expect(cases.length).toBeGreaterThan(0);
    await say(worker, '/call');
    await tap(worker, 'language', 'en');
    await tap(worker, 'minutes', 'yes');
    await tap(worker, 'age', 'minor');
    const said = await tap(worker, 'guardian', 'no');
    expect(said.join('\n')).toContain(t('en', 'call:guardian.later'));
    expect(said.at(-1)).toMatch(/^☎️/);
    expect(await caseKeys()).toEqual(cases);
  });
});
