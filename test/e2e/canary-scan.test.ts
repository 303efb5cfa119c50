import { Queue } from 'bullmq';
import type { Message, Update, User } from 'grammy/types';
import pino from 'pino';
import { REMINDER_QUEUE } from '../../src/scheduling/reminders';
import { FieldCipher } from '../../src/storage/field-cipher';
import { redisKeys } from '../../src/storage/keys';
import { RedisAuditTrail } from '../../src/storage/redis-audit-trail';
import { decodeState } from '../../src/storage/state-codec';
import { testOfficesFile } from '../helpers/office';
import { keysUnder } from '../helpers/redis';
import { addStaff, useTestKorpu } from '../helpers/use-korpu';

/**
 * The canary scan (issue 10, "Tests and proof"): known, unique strings (a name, a surname, a
 * phone number, an address, a reason in free words, a question, a crisis sentence, a talk
 * message each way) are pushed through every flow of one Körpü built as main.ts builds it: the
 * intake, diagnosis, consent (option C: the name may go into an alert), the booking, the
 * questions after it, /correct, a talk with a case worker, a crisis with its incident draft
 * and urgent alert, the outbox's alerts and the meeting's reminders. Then every key and every
 * value under the deployment's prefix (strings, hashes, lists, sets, sorted sets, streams;
 * conversation states expanded with the state codec; BullMQ's job hashes included) and every
 * log line, written at `trace`, are searched for them: none may be found in clear.
 *
 * After `/delete`, and for a second person after a retention purge (the clock moved past the
 * period), not even their ciphertexts may be left: every value Körpü encrypted during the run
 * is recorded with what it held (the FieldCipher's own `encrypt`, watched), and any of them
 * holding the person's data, bound to their case or naming their chat must be gone from Redis.
 */

jest.setTimeout(120_000);

const CASEWORKERS = -1_001_424_242_000;
const WORKER_ID = 7_420_001;
const DAY = 24 * 3600 * 1000;

/** The first person's canaries: made-up words and numbers no text, id or key of Körpü contains. */
const ONE = {
  first: 'Zorvandiqa',
  last: 'Qelmirtaxova',
  phone: '509876543',
  reason: 'Xyloprentic',
  address: 'Gumbrastraat',
  correctedAddress: 'Pelvindor',
  question: 'Vortimelqa',
  talkIn: 'Drosnavelt',
  talkOut: 'Ksamburitel',
  crisis: 'Morvaxilent',
  /** What the crisis was (its category `suicide`, the Annex 3 type `suicidal`, the cue `suicide.en.…`): special-category data too. */
  crisisKind: 'suicid',
  /** Their Telegram chat: only its pseudonym (conversation keys) or sealed (the contact) may be kept. */
  chat: '5424242001',
};
/** The second person's, whose unfinished intake the retention purge erases. */
const TWO = { first: 'Tulvendra', last: 'Brokhimaz', chat: '5424242002' };

/** One value Körpü encrypted during the run. */
interface Sealed {
  token: string;
  plain: string;
  aad: string;
}

describe('the canary scan', () => {
  let worker: User;
  let shift = 0;
  const clock = { now: () => new Date(Date.now() + shift) };
  const logs: string[] = [];
  const logger = pino({ level: 'trace' }, { write: (line: string) => void logs.push(line) });
  const sealed: Sealed[] = [];
  const encrypt = FieldCipher.prototype.encrypt;

  beforeAll(() => {
    // Every encryption of the run is recorded (what it held, what it was bound to), to recognise the person's ciphertexts later.
    // Registered before the fixture, so that it is in place before Körpü starts.
    jest.spyOn(FieldCipher.prototype, 'encrypt').mockImplementation(function (this: FieldCipher, plain: string, aad: string) {
      const token = encrypt.call(this, plain, aad);
      sealed.push({ token, plain, aad });
      return token;
    });
  });

  // Reminders 24 h and 1 h before the meeting, never held back by quiet hours; the group's send limits lifted.
  const offices = testOfficesFile({ reminders: { beforeMinutes: [1440, 60], quietHours: { from: '03:00', to: '03:01' }, nudgeAfterMinutes: 1440 } });
  const e2e = useTestKorpu({ offices, clock, logger, env: { CASEWORKER_CHAT_ID: String(CASEWORKERS) }, telegramLimits: { groupMax: 1000, chatIntervalMs: 1 }, beforeStop: () => jest.restoreAllMocks() });

  beforeAll(async () => {
    ({ user: worker } = await addStaff(e2e, { id: WORKER_ID, name: 'Nigar Həsənova', firstName: 'Nigar', lang: 'en', langs: ['en'] }));
  });

  // ---- talking to the bot --------------------------------------------------------------

  const send = (u: Update) => e2e.bot.handleUpdate(u);
  const say = (p: User, text: string) => send(e2e.api.updates.text(p, text));
  const tap = (p: User, node: string, value: string) => send(e2e.api.updates.callback(p, e2e.api.lastMessage(p.id)!, `c:${node}:${value}`));
  const caseOf = async (p: User) => (await e2e.core.runner.peek(e2e.core.runner.conversationId('telegram', String(p.id))))?.caseCode;
  const group = (): Message[] => e2e.api.sentMessages(CASEWORKERS);
  const waitFor = (what: (c: { method: string; params: Record<string, unknown> }) => boolean) => e2e.api.waitForCalls(what, 1, 20_000);

  /** Diagnosis and consent (option C), then the details up to the surname. */
  async function upToSurname(p: User, first: string, last: string): Promise<void> {
    await send(e2e.api.updates.command(p, '/start'));
    for (const [node, value] of [['language', 'en'], ['menu', 'book'], ['age', 'adult'], ['q1', 'yes'], ['q2', 'yes'], ['q3', 'planning'], ['q3', '__done'], ['agree', 'C']] as const) await tap(p, node, value);
    await say(p, '25.03.1990');
    await say(p, first);
    await say(p, last);
  }

  // ---- reading everything ----------------------------------------------------------------

  /** Every key under the prefix and every value in it, as text; conversation states expanded. */
  async function everything(): Promise<string[]> {
    const out: string[] = [];
    const text = (b: Buffer): string => {
      // A conversation (`<header>\n<state>`) or anything else stored with the state codec: expanded as it is read.
      const nl = b.indexOf(0x0a);
      for (const at of [0, nl + 1]) {
        if (at < 0 || b[at] !== 0x01) continue;
        try {
          return b.toString('utf8', 0, at) + decodeState(b.subarray(at));
        } catch {
          // Not the codec's: taken as it is.
        }
      }
      return b.toString('utf8');
    };
    // Every master's keys on a cluster. A key gone between the listing and the read (a kept
    // reply forgotten once sent) reads as nothing.
    for (const key of await keysUnder(e2e.redis, e2e.prefix)) {
      out.push(key);
      const type = await e2e.redis.type(key);
      if (type === 'string') out.push(...[await e2e.redis.getBuffer(key)].filter((v): v is Buffer => v !== null).map(text));
      else if (type === 'hash') for (const [f, v] of Object.entries(await e2e.redis.hgetallBuffer(key))) out.push(f, text(v));
      else if (type === 'list') out.push(...(await e2e.redis.lrangeBuffer(key, 0, -1)).map(text));
      else if (type === 'set') out.push(...(await e2e.redis.smembersBuffer(key)).map(text));
      else if (type === 'zset') out.push(...(await e2e.redis.zrangeBuffer(key, '0', '-1')).map(text));
      else if (type === 'stream') for (const [id, fields] of await e2e.redis.xrangeBuffer(key, '-', '+')) out.push(String(id), ...fields.map(text));
      else if (type !== 'none') throw new Error(`the scan does not know Redis type ${type} (${key})`);
    }
    return out;
  }

  /** The canaries found in `texts`, each with the first place it was found. */
  function found(canaries: Record<string, string>, texts: readonly string[]): string[] {
    const hits: string[] = [];
    for (const [name, canary] of Object.entries(canaries)) {
      const at = texts.find((t) => t.toLowerCase().includes(canary.toLowerCase()));
      if (at !== undefined) hits.push(`${name} in ${at.slice(0, 300)}`);
    }
    return hits;
  }

  /** Whether an encrypted value was the person's: it held a canary or their chat id, or was bound to their case. */
  function isTheirs(s: Sealed, canaries: Record<string, string>, code: string, chatId: number, seen = new Set<string>()): boolean {
    const plain = s.plain.toLowerCase();
    if (Object.values(canaries).some((c) => plain.includes(c.toLowerCase())) || s.plain.includes(String(chatId)) || s.aad.includes(code)) return true;
    // A sealed value inside a sealed value (an effect entry holding an encrypted answer).
    seen.add(s.token);
    return sealed.some((inner) => !seen.has(inner.token) && s.plain.includes(inner.token) && isTheirs(inner, canaries, code, chatId, seen));
  }

  /** The person's ciphertexts still in Redis. */
  async function ciphertextsLeft(canaries: Record<string, string>, code: string, chatId: number): Promise<string[]> {
    const all = (await everything()).join('\n');
    return sealed.filter((s) => isTheirs(s, canaries, code, chatId) && all.includes(s.token)).map((s) => `${s.aad}: ${s.plain.slice(0, 120)}`);
  }

  // ---- the run ---------------------------------------------------------------------------

  const one = () => e2e.api.updates.user({ id: 5_424_242_001, first_name: 'Anon', language_code: 'en' });
  const two = () => e2e.api.updates.user({ id: 5_424_242_002, first_name: 'Anon', language_code: 'en' });
  let codeOne: string;
  let codeTwo: string;

  it('pushes the canaries through every flow; nothing in Redis or in the logs holds them in clear', async () => {
    // The second person leaves their intake half-way (the purge's case, later).
    const p2 = two();
    await upToSurname(p2, TWO.first, TWO.last);
    codeTwo = (await caseOf(p2))!;

    // The first person: the whole intake, consent C, a reason in their words, a booked meeting.
    const p = one();
    await upToSurname(p, ONE.first, ONE.last);
    await say(p, 'Afghanistan');
    await tap(p, 'reason', 'other');
    await say(p, `${ONE.reason} treatment for my son`);
    await say(p, `+994 ${ONE.phone.slice(0, 2)} ${ONE.phone.slice(2, 5)} ${ONE.phone.slice(5, 7)} ${ONE.phone.slice(7)}`);
    const offer = e2e.api.lastMessage(p.id)!;
    const slot = offer.reply_markup?.inline_keyboard.flat().find((b) => 'callback_data' in b && b.callback_data!.startsWith('c:pick_time:s_')) as { callback_data: string } | undefined;
    expect(slot).toBeDefined();
    await send(e2e.api.updates.callback(p, offer, slot!.callback_data));
    codeOne = (await caseOf(p))!;
    expect((await e2e.core.bookings.get(codeOne))?.status).toBe('booked');
    // After the booking: how they heard of us, their address, a question.
    await tap(p, 'referral', 'friend_family');
    await say(p, `${ONE.address} 12, Baku`);
    await say(p, `Can I bring ${ONE.question} to the meeting?`);
    await e2e.korpu.settled();
    // The alerts (the name under consent C) reach the case workers through the outbox.
    await waitFor((c) => c.method === 'sendMessage' && String(c.params.chat_id) === String(CASEWORKERS) && String(c.params.text).includes(codeOne));

    // /correct: a new address.
    await send(e2e.api.updates.command(p, '/correct'));
    await tap(p, 'pick', 'address');
    await say(p, `${ONE.correctedAddress} 3, Baku`);
    await e2e.korpu.settled();

    // A talk with a case worker, both ways, ended by the worker.
    await send(e2e.api.updates.command(p, '/menu'));
    await tap(p, 'menu', 'person');
    const before = group().length;
    await say(p, `Please call me, ${ONE.talkIn}`);
    const relayed = group().slice(before).find((m) => m.text?.includes(ONE.talkIn));
    expect(relayed).toBeDefined();
    const inGroup = e2e.api.updates.group({ id: CASEWORKERS, type: 'supergroup' });
    await send(e2e.api.updates.message(worker, { text: `I will call you, ${ONE.talkOut}`, reply_to_message: relayed } as Partial<Message>, inGroup));
    await waitFor((c) => c.method === 'sendMessage' && c.params.chat_id === p.id && String(c.params.text).includes(ONE.talkOut));
    await send(e2e.api.updates.message(worker, { text: '/end', reply_to_message: relayed } as Partial<Message>, inGroup));
    await e2e.korpu.settled();

    // A crisis: the emergency reply, an urgent alert and a draft incident report (Annex 3).
    const mark = e2e.api.mark();
    await say(p, `I want to kill myself, ${ONE.crisis}`);
    await e2e.korpu.settled();
    await e2e.api.waitForCalls((c) => c.method === 'sendMessage' && String(c.params.chat_id) === String(CASEWORKERS) && String(c.params.text).includes(codeOne), 1, 20_000, mark);
    expect(await e2e.redis.zcard(e2e.core.keys.caseIncidents(codeOne))).toBe(1);
    // The meeting's reminders, the nudge and the incident's follow-up call wait in BullMQ: brought forward, they go out through the outbox.
    const waiting = new Queue(REMINDER_QUEUE, { connection: e2e.redis, prefix: redisKeys(e2e.prefix).bull() });
    try {
      const due = await waiting.getJobs(['delayed']);
      expect(due.map((j) => j.name)).toEqual(expect.arrayContaining(['reminder', 'follow_up']));
      const mark = e2e.api.mark();
      for (const job of due) await job.promote();
      await e2e.api.waitForCalls((c) => c.method === 'sendMessage' && c.params.chat_id === p.id, 1, 20_000, mark);
      while ((await waiting.getJobs(['waiting', 'active'])).length > 0) await new Promise((r) => setTimeout(r, 50));
    } finally {
      await waiting.close();
    }

    const all = await everything();
    expect(found({ ...ONE, ...TWO }, all)).toEqual([]);
    expect(found({ ...ONE, ...TWO }, logs)).toEqual([]);
    // The scan reads what it should: every canary went in (sealed), the states were expanded, the logs were written.
    for (const canary of Object.values({ ...ONE, ...TWO })) expect(sealed.filter((s) => s.plain.includes(canary)).length).toBeGreaterThan(0);
    expect(all.some((t) => t.includes('"frames"'))).toBe(true);
    expect(all.some((t) => t.startsWith(`${redisKeys(e2e.prefix).bull()}:outbox:`))).toBe(true);
    expect(logs.some((l) => l.includes(codeOne))).toBe(true);
    // And it would see them: before the erasure and the purge, each person's ciphertexts are there.
    expect((await ciphertextsLeft(ONE, codeOne, p.id)).length).toBeGreaterThan(0);
    expect((await ciphertextsLeft(TWO, codeTwo, p2.id)).length).toBeGreaterThan(0);
  });

  it('after /delete, not even the ciphertexts of the person are left', async () => {
    const p = one();
    await send(e2e.api.updates.command(p, '/delete'));
    await tap(p, 'confirm', 'yes');
    await e2e.korpu.settled();
    await waitFor((c) => c.method === 'sendMessage' && String(c.params.chat_id) === String(CASEWORKERS) && c.params.text === e2e.core.translator.t('az', 'rights:notice.erased', { code: codeOne }));
    expect(await e2e.redis.hget(e2e.core.keys.case(codeOne), 'status')).toBe('erased');

    expect(found(ONE, await everything())).toEqual([]);
    expect(await ciphertextsLeft(ONE, codeOne, p.id)).toEqual([]);
    // The audit trail outlives the erasure, with who did what and no more (it was scanned above with everything else).
    const trail = await new RedisAuditTrail(e2e.redis, redisKeys(e2e.prefix), { clock }).forCase(codeOne);
    expect(new Set(trail.map((r) => `${r.staffId === 'person' ? 'person' : 'staff'}:${r.action}`))).toEqual(
      new Set(['person:correct_data', 'staff:claim_case', 'staff:relay_to_person', 'staff:end_talk', 'person:erase_data']),
    );
    expect(found({ ...ONE, ...TWO }, logs)).toEqual([]);
  });

  it('after a retention purge, not even the ciphertexts of the person are left', async () => {
    const p2 = two();
    shift += 31 * DAY;
    const run = await e2e.korpu.retention!.run();
    expect(run.erased.unfinishedIntake).toBe(1);
    await e2e.korpu.settled();
    expect(await e2e.redis.hget(e2e.core.keys.case(codeTwo), 'status')).toBe('erased');

    expect(found(TWO, await everything())).toEqual([]);
    expect(await ciphertextsLeft(TWO, codeTwo, p2.id)).toEqual([]);
    expect((await new RedisAuditTrail(e2e.redis, redisKeys(e2e.prefix), { clock }).forCase(codeTwo)).map((r) => [r.staffId, r.action])).toEqual([['system', 'purge_case']]);
    expect(found({ ...ONE, ...TWO }, logs)).toEqual([]);
  });
});
