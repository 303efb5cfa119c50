import { redisKeys } from '../../src/storage/keys';
import { ClaimStore } from '../../src/caseworkers/claims';
import { SUPPORTED_LANGS, type Lang } from '../../src/core/lang';
import { person, tapUpdate, type Person } from '../../bench/telegram-updates';
import { toUpdate, type Answer } from '../../bench/workload';
import { firstFreeTime, intakeUntilTimes } from '../helpers/intake';
import { testOfficesFile } from '../helpers/office';
import { useTestKorpu } from '../helpers/use-korpu';
import { keyRows } from '../../src/caseworkers/reports/case-export';

/**
 * /correct end to end through the fake Bot API, in every language Körpü speaks: the person finds
 * it in /mydata, fixes their first name and date of birth with the interview's own checks (a
 * too long name, a date in the future are refused with the interview's messages), the new values
 * are kept encrypted and shown by /mydata; the case workers are told which fields changed, never
 * the values: the worker holding the case privately, else the case workers' chat.
 */

const CASEWORKERS = -1001234500000;
const WORKER_ID = 7_700_000_001;

/** A person of the bench's (az, ru, en) or of any other supported language. */
function personIn(lang: Lang, n: number): Person {
  const p = person(n, 47);
  return { ...p, lang, user: { ...p.user, language_code: lang } } as Person;
}

describe('/correct through Telegram', () => {
  // Every intake alerts the case workers' chat several times: its send limits lifted, so the notices under test are not held back.
  // Corrections in a row are told in one notice once the person stops: 3 s after the last here (2 minutes in production).
  const e2e = useTestKorpu({ offices: testOfficesFile(), env: { CASEWORKER_CHAT_ID: String(CASEWORKERS) }, telegramLimits: { groupMax: 1000, chatIntervalMs: 1 }, correctionNoticeDelayMs: 3_000 });

  const tap = (node: string, value: string): Answer => ({ kind: 'tap', node, value });
  const text = (t: string): Answer => ({ kind: 'text', text: t });
  const send = (p: Person, a: Answer) => e2e.bot.handleUpdate(toUpdate(p, a));
  const caseOf = async (p: Person) => (await e2e.core.runner.peek(e2e.core.runner.conversationId('telegram', String(p.id))))?.caseCode;
  const saidSince = (p: Person, from: number) => e2e.api.sentMessages(p.id).slice(from).map((m) => m.text ?? '').join('\n');
  const sentTo = (chat: number, needle: string) =>
    e2e.api.waitForCalls((c) => c.method === 'sendMessage' && String(c.params.chat_id) === String(chat) && String(c.params.text).includes(needle), 1, 20_000);
  const label = (field: string) => e2e.core.translator.t('az', `rights:mydata.label.${field}`);

  /** The intake with the first free time booked; returns the case code. */
  async function intake(p: Person): Promise<string> {
    for (const answer of intakeUntilTimes(p.lang)) await send(p, answer);
    await e2e.bot.handleUpdate(tapUpdate(p, firstFreeTime(e2e.api, p.id).callback_data));
    await e2e.korpu.settled();
    return (await caseOf(p))!;
  }

  it.each(SUPPORTED_LANGS.map((lang, n) => [lang, n] as const))('in %s: fixes the first name and the date of birth, re-checked as in the interview; the case workers learn the fields only', async (lang, n) => {
    const p = personIn(lang, n);
    const t = (key: string, params?: Record<string, unknown>) => e2e.core.translator.t(lang, key, params);
    const code = await intake(p);

    // The way to it is in /mydata's text.
    let from = e2e.api.sentMessages(p.id).length;
    await send(p, { kind: 'command', text: '/mydata' });
    expect(saidSince(p, from)).toContain('/correct');

    await send(p, { kind: 'command', text: '/correct' });
    expect(e2e.api.lastMessage(p.id)!.text).toContain(t('rights:correct.pick'));
    await send(p, tap('pick', 'first_name'));
    expect(e2e.api.lastMessage(p.id)!.text).toContain(t('interview:first_name.prompt'));
    // The interview's limit and message for a name.
    await send(p, text('N'.repeat(101)));
    expect(e2e.api.lastMessage(p.id)!.text).toContain(t('common:reprompt.too_long', { count: 100, length: 101 }));
    await send(p, text('Gülnarə'));
    expect(e2e.api.lastMessage(p.id)!.text).toContain(t('rights:correct.saved'));
    expect(e2e.api.lastMessage(p.id)!.text).toContain(t('rights:correct.pick'));

    await send(p, tap('pick', 'birth_date'));
    await send(p, text('01.01.2090'));
    expect(e2e.api.lastMessage(p.id)!.text).toContain(t('common:reprompt.date_past'));
    await send(p, text('03.04.1994'));
    await send(p, tap('pick', 'finish'));
    expect(e2e.api.lastMessage(p.id)!.text).toContain(t('rights:correct.finished'));
    await e2e.korpu.settled();

    // Kept encrypted, as the interview keeps it; /mydata shows the new name, not the old one.
    const stored = await e2e.redis.hget(redisKeys(e2e.prefix).case(code), 'f:first_name');
    expect(stored).not.toContain('Gülnarə');
    expect(e2e.core.cipher.decrypt(stored!, `${code}:first_name`)).toBe('Gülnarə');
    expect(e2e.core.cipher.decrypt((await e2e.redis.hget(redisKeys(e2e.prefix).case(code), 'f:birth_date'))!, `${code}:birth_date`)).toBe('1994-04-03');
    from = e2e.api.sentMessages(p.id).length;
    await send(p, { kind: 'command', text: '/mydata' });
    const shown = saidSince(p, from);
    expect(shown).toContain('Gülnarə');
    expect(shown).not.toContain('Aysel');

    // Nobody holds the case: the case workers' chat is told which fields changed, in the programme's language, without the values,
    // in one notice for the two corrections made in a row.
    const [both] = await sentTo(CASEWORKERS, e2e.core.translator.t('az', 'rights:notice.corrected', { code, fields: `${label('first_name')}, ${label('birth_date')}` }));
    for (const value of ['Gülnarə', '1994', '03.04']) expect(String(both!.params.text)).not.toContain(value);
    expect(e2e.api.sentMessages(CASEWORKERS).filter((m) => (m.text ?? '').includes(code) && (m.text ?? '').includes('✏️'))).toHaveLength(1);
  }, 90_000);

  it('changes the consent option from C to A: a new consent record, the key file drops the name at once, /mydata shows A, the worker holding the case is told the letter', async () => {
    const { worker } = await e2e.korpu.roster.save({ telegramId: WORKER_ID + 2, name: 'Samirə', langs: ['az'], office: 'baku', role: 'caseworker', addedAt: new Date(), addedBy: 1 });
    const p = personIn('en', 43);
    const t = (key: string, params?: Record<string, unknown>) => e2e.core.translator.t('en', key, params);
    for (const answer of intakeUntilTimes('en', { consent: 'C', firstName: 'Nərgiz' })) await send(p, answer);
    await e2e.bot.handleUpdate(tapUpdate(p, firstFreeTime(e2e.api, p.id).callback_data));
    await e2e.korpu.settled();
    const code = (await caseOf(p))!;
    const caseKey = redisKeys(e2e.prefix).case(code);
    expect((await new ClaimStore(e2e.redis, e2e.core.keys).claim(code, worker.staffId, new Date())).outcome).toBe('claimed');
    const keyFile = async () => {
      const rows = [];
      for await (const row of keyRows({ redis: e2e.redis, keys: e2e.core.keys, cipher: e2e.core.cipher })) rows.push(row);
      return rows.filter((r) => r.case_code === code);
    };
    expect(await keyFile()).toEqual([expect.objectContaining({ first_name: 'Nərgiz' })]);

    await send(p, { kind: 'command', text: '/correct' });
    await send(p, tap('pick', 'consent'));
    // The option in force, and A, B and C explained in the consent's own words.
    const shown = e2e.api.lastMessage(p.id)!.text!;
    expect(shown).toContain(t('consent:option.c'));
    expect(shown).toContain(t('consent:option.prompt').split('\n')[0]);
    await send(p, tap('consent_option', 'A'));
    expect(e2e.api.lastMessage(p.id)!.text).toContain(t('rights:correct.consent_saved'));
    await send(p, tap('pick', 'finish'));
    await e2e.korpu.settled();

    // A new record (the first one kept), the case's consent is A, and the name is out of the key file at once.
    const consents = (await e2e.redis.lrange(e2e.core.keys.consents(code), 0, -1)).map((r) => JSON.parse(r) as { option: string | null });
    expect(consents.map((c) => c.option)).toEqual(['C', 'A']);
    expect(await e2e.redis.hget(caseKey, 'consent')).toBe('A');
    expect(await keyFile()).toEqual([]);

    const from = e2e.api.sentMessages(p.id).length;
    await send(p, { kind: 'command', text: '/mydata' });
    expect(saidSince(p, from)).toContain(t('rights:mydata.choice.A'));

    const expected = e2e.core.translator.t('az', 'rights:notice.corrected', { code, fields: e2e.core.translator.t('az', 'rights:notice.consent_option', { option: 'A' }) });
    await sentTo(WORKER_ID + 2, expected);
    expect(e2e.api.sentMessages(CASEWORKERS).some((m) => (m.text ?? '').includes(expected))).toBe(false);
  }, 90_000);

  it.each(SUPPORTED_LANGS.map((lang, n) => [lang, n] as const))('in %s: choosing again the consent option in force says so and records nothing; the case workers hear only of what did change', async (lang, n) => {
    const p = personIn(lang, 60 + n);
    const t = (key: string) => e2e.core.translator.t(lang, key);
    for (const answer of intakeUntilTimes(lang, { consent: 'B' })) await send(p, answer);
    await e2e.bot.handleUpdate(tapUpdate(p, firstFreeTime(e2e.api, p.id).callback_data));
    await e2e.korpu.settled();
    const code = (await caseOf(p))!;

    await send(p, { kind: 'command', text: '/correct' });
    await send(p, tap('pick', 'consent'));
    await send(p, tap('consent_option', 'B'));
    const said = e2e.api.lastMessage(p.id)!.text!;
    expect(said).toContain(t('rights:correct.consent_unchanged'));
    expect(said).not.toContain(t('rights:correct.consent_saved'));
    // Back at the list: a name corrected next is the only change the case workers are told of.
    expect(said).toContain(t('rights:correct.pick'));
    await send(p, tap('pick', 'first_name'));
    await send(p, text('Gülnarə'));
    await send(p, tap('pick', 'finish'));
    await e2e.korpu.settled();

    const consents = (await e2e.redis.lrange(e2e.core.keys.consents(code), 0, -1)).map((r) => JSON.parse(r) as { option: string | null });
    expect(consents.map((c) => c.option)).toEqual(['B']);
    expect(await e2e.redis.hget(redisKeys(e2e.prefix).case(code), 'consent')).toBe('B');
    const [notice] = await sentTo(CASEWORKERS, e2e.core.translator.t('az', 'rights:notice.corrected', { code, fields: label('first_name') }));
    expect(String(notice!.params.text)).not.toContain(e2e.core.translator.t('az', 'rights:notice.consent_option', { option: 'B' }));
    expect(e2e.api.sentMessages(CASEWORKERS).filter((m) => (m.text ?? '').includes(code) && (m.text ?? '').includes('✏️'))).toHaveLength(1);
  }, 90_000);

  it('tells the worker holding the case privately (not the chat), in their own language, that the phone number changed, and refuses a number it cannot read', async () => {
    // Nigar reads Russian first: her private notice is in Russian, not the programme's Azerbaijani.
    const { worker } = await e2e.korpu.roster.save({ telegramId: WORKER_ID, name: 'Nigar', langs: ['ru', 'az'], office: 'baku', role: 'caseworker', addedAt: new Date(), addedBy: 1 });
    const p = personIn('ru', 20);
    const t = (key: string) => e2e.core.translator.t('ru', key);
    const code = await intake(p);
    expect((await new ClaimStore(e2e.redis, e2e.core.keys).claim(code, worker.staffId, new Date())).outcome).toBe('claimed');

    await send(p, { kind: 'command', text: '/correct' });
    await send(p, tap('pick', 'phone'));
    expect(e2e.api.lastMessage(p.id)!.text).toContain(t('interview:phone.prompt'));
    await send(p, text('not a number'));
    expect(e2e.api.lastMessage(p.id)!.text).toContain(t('common:reprompt.phone'));
    await send(p, text('+994 55 765 43 21'));
    expect(e2e.api.lastMessage(p.id)!.text).toContain(t('rights:correct.saved'));
    await e2e.korpu.settled();
    expect(e2e.core.cipher.decrypt((await e2e.redis.hget(redisKeys(e2e.prefix).case(code), 'f:phone'))!, `${code}:phone`)).toBe('+994557654321');

    const expected = e2e.core.translator.t('ru', 'rights:notice.corrected', { code, fields: e2e.core.translator.t('ru', 'rights:mydata.label.phone') });
    const [notice] = await sentTo(WORKER_ID, expected);
    // Not the number (the case code, whose letters and digits are random, taken out first: '765' in it is chance).
    expect(String(notice!.params.text).replace(code, '')).not.toContain('765');
    expect(e2e.api.sentMessages(CASEWORKERS).some((m) => (m.text ?? '').includes(expected))).toBe(false);
  }, 90_000);

  it('tells the case workers\' chat when the worker holding the case is no longer on the roster', async () => {
    const { worker } = await e2e.korpu.roster.save({ telegramId: WORKER_ID + 1, name: 'Rauf', langs: ['az'], office: 'baku', role: 'caseworker', addedAt: new Date(), addedBy: 1 });
    const p = personIn('az', 21);
    const code = await intake(p);
    expect((await new ClaimStore(e2e.redis, e2e.core.keys).claim(code, worker.staffId, new Date())).outcome).toBe('claimed');
    await e2e.korpu.roster.removeStaff(worker.staffId);

    await send(p, { kind: 'command', text: '/correct' });
    await send(p, tap('pick', 'last_name'));
    await send(p, text('Əliyeva'));
    await e2e.korpu.settled();
    const [notice] = await sentTo(CASEWORKERS, e2e.core.translator.t('az', 'rights:notice.corrected', { code, fields: label('last_name') }));
    expect(String(notice!.params.text)).not.toContain('Əliyeva');
  }, 90_000);

  it("five details corrected in a row make one notice to the case workers' chat, naming the five; the person is not promised a case worker nobody is", async () => {
    const p = personIn('en', 40);
    const t = (key: string) => e2e.core.translator.t('en', key);
    const code = await intake(p);
    await send(p, { kind: 'command', text: '/correct' });
    for (const [field, answer] of [['first_name', 'Leyla'], ['last_name', 'Həsənova'], ['phone', '+994 55 111 22 33'], ['address', 'Baku, Yasamal 12'], ['country', 'Georgia']] as const) {
      await send(p, tap('pick', field));
      await send(p, text(answer));
      expect(e2e.api.lastMessage(p.id)!.text).toContain(t('rights:correct.saved'));
    }
    // Nobody holds the case: "the case worker looking after your case" would promise someone who is not there.
    expect(e2e.api.lastMessage(p.id)!.text).not.toContain('looking after your case');
    await send(p, tap('pick', 'finish'));
    await e2e.korpu.settled();
    const fields = ['first_name', 'last_name', 'phone', 'address', 'country'].map(label).join(', ');
    const [notice] = await sentTo(CASEWORKERS, e2e.core.translator.t('az', 'rights:notice.corrected', { code, fields }));
    for (const value of ['Leyla', 'Həsənova', '111', 'Yasamal', 'Georgia']) expect(String(notice!.params.text)).not.toContain(value);
    // A moment later still one: the notices queued before the last were taken back.
    await new Promise((r) => setTimeout(r, 1_500));
    expect(e2e.api.sentMessages(CASEWORKERS).filter((m) => (m.text ?? '').includes(code) && (m.text ?? '').includes('✏️'))).toHaveLength(1);
  }, 90_000);

  it('erasing the data right after a correction leaves no note of the fields waiting to be told', async () => {
    const p = personIn('en', 41);
    const code = await intake(p);
    await send(p, { kind: 'command', text: '/correct' });
    await send(p, tap('pick', 'first_name'));
    await send(p, text('Leyla'));
    await e2e.korpu.settled();
    expect(await e2e.redis.exists(e2e.core.keys.corrections(code))).toBe(1);
    await send(p, { kind: 'command', text: '/delete' });
    await send(p, tap('confirm', 'yes'));
    await e2e.korpu.settled();
    expect(await e2e.redis.exists(e2e.core.keys.corrections(code))).toBe(0);
  });

  it('a reason once given in their own words and corrected to one from the list leaves no words behind', async () => {
    const p = personIn('ru', 42);
    const words = 'Приехала к мужу, он лечится здесь';
    // The reason typed in their own words: "another reason" and its detail at once.
    const answers = intakeUntilTimes('ru').map((a) => (a.kind === 'tap' && a.node === 'reason' ? text(words) : a));
    for (const answer of answers) await send(p, answer);
    await e2e.bot.handleUpdate(tapUpdate(p, firstFreeTime(e2e.api, p.id).callback_data));
    await e2e.korpu.settled();
    const code = (await caseOf(p))!;
    const caseKey = redisKeys(e2e.prefix).case(code);
    expect(await e2e.redis.hexists(caseKey, 'f:reason_detail')).toBe(1);
    let from = e2e.api.sentMessages(p.id).length;
    await send(p, { kind: 'command', text: '/mydata' });
    expect(saidSince(p, from)).toContain(words);

    await send(p, { kind: 'command', text: '/correct' });
    await send(p, tap('pick', 'reason'));
    await send(p, tap('reason', 'work'));
    await send(p, tap('pick', 'finish'));
    await e2e.korpu.settled();

    expect(await e2e.redis.hexists(caseKey, 'f:reason_detail')).toBe(0);
    expect(e2e.core.cipher.decrypt((await e2e.redis.hget(caseKey, 'f:reason'))!, `${code}:reason`)).toBe('work');
    from = e2e.api.sentMessages(p.id).length;
    await send(p, { kind: 'command', text: '/mydata' });
    const shown = saidSince(p, from);
    expect(shown).toContain(e2e.core.translator.t('ru', 'interview:reason.work'));
    expect(shown).not.toContain(words);
  }, 90_000);

  it('has nothing to correct for someone who gave no consent', async () => {
    const p = personIn('en', 30);
    await send(p, { kind: 'command', text: '/start' });
    await send(p, tap('language', 'en'));
    await send(p, { kind: 'command', text: '/correct' });
    expect(e2e.api.lastMessage(p.id)!.text).toContain(e2e.core.translator.t('en', 'rights:correct.nothing'));
  }, 30_000);
});
