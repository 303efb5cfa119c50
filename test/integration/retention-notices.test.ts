import { Redis } from 'ioredis';
import type { KorpuCore } from '../../src/app';
import { ClaimStore } from '../../src/caseworkers/claims';
import type { Input } from '../../src/core/conversation';
import { redisKeys } from '../../src/storage/keys';
import { RedisAuditTrail } from '../../src/storage/redis-audit-trail';
import { FakeBotApi } from '../helpers/fake-bot-api';
import { startTestKorpu, type TestKorpu } from '../helpers/korpu';
import { testOfficesFile } from '../helpers/office';
import { dropPrefix, testRedis } from '../helpers/redis';

/**
 * A retention purge closes cases on its own: the case workers' chat is told each case closed by
 * the retention rule, and so is the worker holding one (case code only); each purge is in the
 * audit trail, by `system`. Two processes purging at once, and a purge run again, tell and
 * record each case once.
 */

jest.setTimeout(60_000);
const DAY = 24 * 3600 * 1000;
const CASEWORKERS = -1_001_555_000_777;
const offices = testOfficesFile({ office: { slotMinutes: 60, capacity: 1, minLeadMinutes: 60, horizonDays: 10 } });

describe('the retention purge tells the case workers and records itself', () => {
  let redis: Redis;
  let api: FakeBotApi;
  let korpu: TestKorpu;
  let core: KorpuCore;
  let prefix: string;
  let now = Date.now();
  const clock = { now: () => new Date(now) };

  beforeAll(async () => {
    redis = testRedis();
    api = await FakeBotApi.start();
    korpu = await startTestKorpu({ api, offices, clock, env: { CASEWORKER_CHAT_ID: String(CASEWORKERS) } });
    ({ core, prefix } = korpu);
  });

  afterAll(async () => {
    await korpu.stop();
    await api.close();
    await dropPrefix(redis, prefix);
    await redis.quit();
  });

  const tap = (node: string, value: string): Input => ({ type: 'choice', node, value });
  const say = (text: string): Input => ({ type: 'text', text });

  /** An intake as far as the surname, never completed: due a month after its last message. */
  async function unfinished(chatId: string, first: string, last: string): Promise<string> {
    const script: Input[] = [
      { type: 'command', name: 'start' }, tap('language', 'en'), tap('menu', 'book'), tap('age', 'adult'), tap('q1', 'yes'), tap('q2', 'yes'),
      tap('q3', 'planning'), tap('q3', '__done'), tap('agree', 'A'), say('25.03.1990'), say(first), say(last),
    ];
    for (const input of script) await core.runner.handle({ channel: 'telegram', chatId, input });
    await korpu.settled();
    return (await core.runner.peek(core.runner.conversationId('telegram', chatId)))!.caseCode!;
  }

  it('tells the chat of every purged case and the holder of a claimed one (in her language), once, with the case code only; audits each purge once', async () => {
    const worker = await korpu.roster.save({ telegramId: 620_000_001, name: 'Aysel Quliyeva', role: 'caseworker', office: 'baku', langs: ['en'], addedAt: new Date(0), addedBy: 1 });
    const free = await unfinished('620100001', 'Gulnara', 'Safarova');
    const held = await unfinished('620100002', 'Tahir', 'Nasirov');
    expect((await new ClaimStore(redis, core.keys).claim(held, worker.worker.staffId, new Date(now))).outcome).toBe('claimed');

    now += 31 * DAY;
    const other = await startTestKorpu({ api, offices, clock, prefix, dataKey: korpu.dataKey, env: { CASEWORKER_CHAT_ID: String(CASEWORKERS) } });
    let a, b;
    try {
      [a, b] = await Promise.all([korpu.retention!.run(), other.retention!.run()]);
    } finally {
      await other.stop();
    }
    expect(a.erased.unfinishedIntake + b.erased.unfinishedIntake).toBe(2);
    expect((await korpu.retention!.run()).erased.unfinishedIntake).toBe(0);

    const noticeOf = (code: string) => core.translator.t('az', 'rights:notice.purged', { code });
    // The holder's own copy is in her language (the first of her roster langs), not the chat's.
    const toHolder = core.translator.t('en', 'rights:notice.purged', { code: held });
    await api.waitForCalls((c) => c.method === 'sendMessage' && [noticeOf(free), noticeOf(held), toHolder].includes(String(c.params.text)), 3);
    const toChat = api.sentMessages(CASEWORKERS).map((m) => m.text);
    expect(toChat.filter((t) => t === noticeOf(free))).toHaveLength(1);
    expect(toChat.filter((t) => t === noticeOf(held))).toHaveLength(1);
    expect(api.sentMessages(620_000_001).map((m) => m.text)).toEqual([toHolder]);
    for (const name of ['Gulnara', 'Safarova', 'Tahir', 'Nasirov']) expect(toChat.join('\n')).not.toContain(name);

    const trail = new RedisAuditTrail(redis, redisKeys(prefix), { clock });
    for (const code of [free, held]) {
      expect((await trail.forCase(code)).map((r) => [r.staffId, r.action])).toEqual([['system', 'purge_case']]);
    }
  });
});
