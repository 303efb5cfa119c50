import type { Redis } from 'ioredis';
import type { KorpuCore } from '../../src/app';
import { backfillSearch } from '../../src/caseworkers/case-search';
import { listCases, openWalkIn, recordWalkInPhone } from '../../src/caseworkers/desk';
import { redisScripts } from '../../src/storage/lua/scripts';
import type { Input, Output } from '../../src/core/conversation';
import { redisKeys, personCell } from '../../src/storage/keys';
import { auditMonth } from '../../src/storage/redis-audit-trail';
import { FakeBotApi } from '../helpers/fake-bot-api';
import { startTestKorpu, type TestKorpu } from '../helpers/korpu';
import { testOfficesFile } from '../helpers/office';
import { dropPrefix, testRedis } from '../helpers/redis';

/**
 * The case search by name or phone number on the real Redis, through the real runner: the
 * blind index is written with the intake's answers (the same commit), a case is found by its
 * surname typed without Azerbaijani letters and by its phone number typed locally, and it is
 * gone from the index when the person erases their data (/delete) and when the retention purge
 * erases it. A walk-in's number left at the desk is found too. No word typed reaches Redis or
 * the audit trail.
 */

jest.setTimeout(30_000);

const DAY = 24 * 3600 * 1000;
const offices = testOfficesFile({ office: { slotMinutes: 60, capacity: 3, minLeadMinutes: 60, horizonDays: 10 } });

describe('the case search', () => {
  let redis: Redis;
  let api: FakeBotApi;
  let korpu: TestKorpu;
  let core: KorpuCore;
  let prefix: string;
  let now = Date.now();
  const clock = { now: () => new Date(now) };
  let worker: string;

  beforeAll(async () => {
    redis = testRedis();
    api = await FakeBotApi.start();
    korpu = await startTestKorpu({ api, offices, clock });
    ({ core, prefix } = korpu);
    const office = offices.offices[0]!.id;
    await korpu.roster.put({ telegramId: 7001, name: 'Aysel Quliyeva', langs: ['en'], office, role: 'caseworker', addedAt: new Date(now), addedBy: 1 });
    worker = (await korpu.roster.byTelegram(7001))!.staffId;
  });

  afterAll(async () => {
    await korpu.stop();
    await api.close();
    await dropPrefix(redis, prefix);
    await redis.quit();
  });

  const send = (chatId: string, input: Input) => core.runner.handle({ channel: 'simulator', chatId, input });
  const tap = (node: string, value: string): Input => ({ type: 'choice', node, value });
  const say = (text: string): Input => ({ type: 'text', text });
  const slots = (outs: Output[]) => outs.flatMap((o) => (o.buttons ?? []).flat()).flatMap((b) => (b.action.type === 'choice' && b.action.value.startsWith('s_') ? [b.action.value] : []));
  const caseOf = async (chatId: string) => (await core.runner.peek(core.runner.conversationId('simulator', chatId)))?.caseCode;
  const find = async (typed: string) => {
    const r = await listCases(korpu.desk!, { staffId: worker }, { search: typed }, { offset: 0, limit: 25 });
    if (!r.ok) throw new Error(`listCases refused: ${r.reason}`);
    return r.rows.map((row) => row.code);
  };
  /** Every member of the case's cell's blind index that names the case. */
  const indexed = async (code: string) => (await redis.zrange(redisKeys(prefix).searchIndex(personCell(code)), '0', '-1')).filter((m) => m.includes(`:${code}:`));

  /** The whole intake with a meeting booked at the office, the phone typed as dialled locally. */
  async function intake(chatId: string, first: string, last: string, phone: string): Promise<string> {
    const script: Input[] = [
      { type: 'command', name: 'start' }, tap('language', 'en'), tap('menu', 'book'), tap('age', 'adult'), tap('q1', 'yes'), tap('q2', 'yes'),
      tap('q3', 'planning'), tap('q3', '__done'), tap('agree', 'A'), say('25.03.1990'), say(first), say(last), say('Afghanistan'), tap('reason', 'work'),
    ];
    for (const input of script) await send(chatId, input);
    const offer = (await send(chatId, say(phone))).outputs;
    await send(chatId, tap('pick_time', slots(offer)[0]!));
    await korpu.settled();
    return (await caseOf(chatId))!;
  }

  it('finds a case by its surname typed without Azerbaijani letters, by the whole name, and by its number typed locally', async () => {
    const code = await intake('search-found-000001', 'Leyla', 'Məmmədova', '+994 50 123 45 67');
    await intake('search-other-000001', 'Leyla', 'Əliyeva', '055 765 43 21');
    expect(await find('Mammadova')).toEqual([code]);
    expect(await find('məmmədova')).toEqual([code]);
    expect(await find('MEMMEDOVA')).toEqual([code]);
    expect(await find('Leyla Mammadova')).toEqual([code]);
    expect(await find('mammadova leyla')).toEqual([code]);
    expect(await find('050 123 45 67')).toEqual([code]);
    expect(await find('0501234567')).toEqual([code]);
    expect(await find('Mammadova 050 123 45 67')).toEqual([code]);
    // Every word must match: the other Leyla is not this one.
    expect((await find('Leyla')).sort()).toHaveLength(2);
    expect(await find('Leyla Aliyeva')).not.toContain(code);
    expect(await find('Mammadova 055 765 43 21')).toEqual([]);
    expect(await find('Ivanova')).toEqual([]);
    // Tokens only: the name is nowhere in the index, and the tokens are on the case to take them out again.
    const members = await indexed(code);
    expect(members.length).toBeGreaterThanOrEqual(3);
    expect(members.join(' ')).not.toMatch(/leyla|mammadova|məmmədova|501234567/i);
    expect(await redis.hget(redisKeys(prefix).case(code), 'sx:phone')).toBeTruthy();
  });

  it('finds a case by the surname the person corrected (/correct), no longer by the old one', async () => {
    const chat = 'search-correct-000001';
    const code = await intake(chat, 'Səbinə', 'Nağıyeva', '050 444 55 66');
    expect(await find('Nagiyeva')).toEqual([code]);
    await send(chat, { type: 'command', name: 'correct' });
    await send(chat, tap('pick', 'last_name'));
    await send(chat, say('Rüstəmova'));
    await korpu.settled();
    expect(await find('Rustamova')).toEqual([code]);
    expect(await find('Sabina Rustamova')).toEqual([code]);
    expect(await find('Nagiyeva')).toEqual([]);
  });

  it('audits a search without the words typed', async () => {
    await find('Mammadova 050 123 45 67');
    const entries = (await redis.xrange(redisKeys(prefix).audit(auditMonth(new Date(now))), '-', '+')).map(([, f]) => f.join(' '));
    const searches = entries.filter((e) => e.includes('search_cases'));
    expect(searches.length).toBeGreaterThanOrEqual(1);
    expect(searches.at(-1)).toContain('name_phone');
    expect(entries.join('\n')).not.toMatch(/mammadova|123 45 67|501234567/i);
  });

  it('no longer finds a case once the person erased their data (/delete): its tokens are gone', async () => {
    const chat = 'search-delete-000001';
    const code = await intake(chat, 'Kamran', 'Hüseynov', '050 555 44 33');
    expect(await find('Huseynov')).toEqual([code]);
    await send(chat, { type: 'command', name: 'delete' });
    await send(chat, tap('confirm', 'yes'));
    await korpu.settled();
    expect(await redis.hget(redisKeys(prefix).case(code), 'status')).toBe('erased');
    expect(await find('Huseynov')).toEqual([]);
    expect(await find('050 555 44 33')).toEqual([]);
    expect(await indexed(code)).toEqual([]);
  });

  it('no longer finds a case the retention purge erased', async () => {
    const chat = 'search-purge-000001';
    const code = await intake(chat, 'Fidan', 'Rzayeva', '050 777 66 55');
    await send(chat, { type: 'command', name: 'withdraw' });
    await send(chat, tap('confirm', 'yes'));
    await send(chat, say('Moved away'));
    await korpu.settled();
    // Withdrawn, the case is still there to be found until its data goes.
    expect(await find('Rzayeva')).toEqual([code]);
    now += 181 * DAY;
    expect((await korpu.retention!.run()).erased.withdrawn).toBeGreaterThanOrEqual(1);
    expect(await find('Rzayeva')).toEqual([]);
    expect(await find('050 777 66 55')).toEqual([]);
    expect(await indexed(code)).toEqual([]);
  });

  it('finds a walk-in by the number left at the desk, and by a newer one in its place', async () => {
    const opened = await openWalkIn(korpu.desk!, { staffId: worker }, { lang: 'ru', phone: '050 222 33 44' });
    if (!opened.ok) throw new Error(opened.reason);
    expect(await find('+994502223344')).toEqual([opened.caseCode]);
    const recorded = await recordWalkInPhone(korpu.desk!, { staffId: worker }, { caseCode: opened.caseCode, phone: '050 999 88 77' });
    expect(recorded.ok).toBe(true);
    expect(await find('050 222 33 44')).toEqual([]);
    expect(await find('050 999 88 77')).toEqual([opened.caseCode]);
  });

  it('indexes once, at start, the cases from before the search (decrypted once), and leaves the rest alone', async () => {
    const code = await intake('search-before-000001', 'Nərmin', 'Qasımova', '050 333 22 11');
    // As a case from before the search left it: its fields, no tokens.
    const keys = redisKeys(prefix);
    await redisScripts(redis).setSearchTokens({ case: keys.case(code), index: keys.caseSearchIndex(code) }, { caseCode: code, fields: {}, tokens: { first_name: [], last_name: [], phone: [] } });
    await redis.del(keys.searchBuilt());
    expect(await find('Qasimova')).toEqual([]);
    expect(await backfillSearch({ redis, keys, cipher: core.cipher })).toBe(1);
    expect(await find('Nermin Qasimova')).toEqual([code]);
    expect(await find('050 333 22 11')).toEqual([code]);
    // Once: a marker says it was done.
    expect(await backfillSearch({ redis, keys, cipher: core.cipher })).toBe(0);
  });

  it('indexes at the next reconciliation a recent case that a process of an older release wrote without tokens, after the backfill ran', async () => {
    const keys = redisKeys(prefix);
    await backfillSearch({ redis, keys, cipher: core.cipher });
    expect(await redis.exists(keys.searchBuilt())).toBe(1);
    // A rolling update: the old release's web process still takes this intake, and writes no tokens.
    const code = await intake('search-rolling-00001', 'Samirə', 'Hüseynli', '050 444 55 66');
    await redisScripts(redis).setSearchTokens({ case: keys.case(code), index: keys.caseSearchIndex(code) }, { caseCode: code, fields: {}, tokens: { first_name: [], last_name: [], phone: [] } });
    expect(await find('Huseynli')).toEqual([]);
    expect(await backfillSearch({ redis, keys, cipher: core.cipher })).toBe(0);
    expect((await korpu.reconcile!.run()).searchIndexed).toBe(1);
    expect(await find('Samire Huseynli')).toEqual([code]);
    expect(await find('+994504445566')).toEqual([code]);
    // Indexed: the next run finds nothing to do.
    expect((await korpu.reconcile!.run()).searchIndexed).toBe(0);
  });
});
