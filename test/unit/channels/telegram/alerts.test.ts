import type { Api } from 'grammy';
import type { Redis } from 'ioredis';
import { alertText, createCaseworkerAlerts } from '../../../../src/channels/telegram/alerts';
import type { Effect } from '../../../../src/core/conversation';
import { silentLogger } from '../../../../src/core/logger';
import { createTranslator } from '../../../../src/i18n';
import type { IncomingMessage } from '../../../../src/intake/conversation-runner';
import { redisKeys } from '../../../../src/storage/keys';

const tr = createTranslator();
const tg: IncomingMessage = { channel: 'telegram', chatId: '555', input: { type: 'text', text: 'Aysel' } };

/** The part of Redis the listener uses, in memory. */
function memoryRedis() {
  const store = new Map<string, string>();
  return {
    store,
    set: jest.fn(async (key: string, value: string, ...args: unknown[]) => {
      if (args.includes('NX') && store.has(key)) return null;
      store.set(key, value);
      return 'OK';
    }),
    del: jest.fn(async (key: string) => Number(store.delete(key))),
  };
}

function setup() {
  const redis = memoryRedis();
  const sendMessage = jest.fn(async () => ({ message_id: 1 }));
  const alerts = createCaseworkerAlerts({
    api: { sendMessage } as unknown as Api,
    chatId: -100123,
    translator: tr,
    redis: redis as unknown as Redis,
    keys: redisKeys('t:'),
    logger: silentLogger(),
  });
  return { redis, sendMessage, alerts };
}

describe('alertText', () => {
  it('says the case code, language and reason, in the programme language by default', () => {
    const text = alertText(tr, 'az', { type: 'handoff_requested', caseCode: 'KP-AAAA-BBBB', reason: 'minor', lang: 'ru' })!;
    expect(text).toContain('KP-AAAA-BBBB');
    expect(text).toContain(tr.t('az', 'common:language_name.ru'));
    expect(text).toContain(tr.t('az', 'common:alert.reason.minor'));
  });

  it('alerts a not-eligible diagnosis with its reasons, and no other diagnosis', () => {
    const base = { type: 'diagnosis_recorded' as const, caseCode: 'KP-1', answers: { q1: 'no', q2: 'yes', q3: [], q4: 'pending' }, provisional: true, ruleVersion: 'r1', lang: 'en' as const };
    const text = alertText(tr, 'en', { ...base, outcome: 'not_eligible', reasons: ['q1_no', 'q3_none'] })!;
    expect(text).toContain(tr.t('en', 'common:alert.diagnosis_reason.q1_no'));
    expect(text).toContain(tr.t('en', 'common:alert.diagnosis_reason.q3_none'));
    expect(alertText(tr, 'en', { ...base, outcome: 'likely_eligible', reasons: [] })).toBeUndefined();
  });

  it('shows an unknown handoff reason as its code rather than a missing key', () => {
    expect(alertText(tr, 'en', { type: 'handoff_requested', caseCode: 'KP-1', reason: 'new_reason', lang: 'en' })).toContain('new_reason');
  });

  it('needs no alert for ordinary effects', () => {
    expect(alertText(tr, 'az', { type: 'answer_recorded', caseCode: 'KP-1', field: 'first_name', value: 'Aysel', personal: true })).toBeUndefined();
  });
});

describe('createCaseworkerAlerts', () => {
  const completed: Effect & { id: string } = { type: 'intake_completed', caseCode: 'KP-7G4Q-M2XD', lang: 'ru', id: 'tg:1:3' };

  it('posts one alert per effect id, however often it is told', async () => {
    const { alerts, sendMessage, redis } = setup();
    await alerts(completed, tg);
    await alerts(completed, tg);
    await alerts.idle();
    expect(sendMessage).toHaveBeenCalledTimes(1);
    expect(sendMessage).toHaveBeenCalledWith(-100123, expect.stringContaining('KP-7G4Q-M2XD'));
    expect(redis.set).toHaveBeenCalledWith('t:effect:tg:1:3', '1', 'EX', 604800, 'NX');
  });

  it('stays quiet for other channels and ordinary effects', async () => {
    const { alerts, sendMessage } = setup();
    await alerts(completed, { ...tg, channel: 'simulator' });
    await alerts({ type: 'case_opened', caseCode: 'KP-1', lang: 'az', id: 'x' }, tg);
    await alerts.idle();
    expect(sendMessage).not.toHaveBeenCalled();
  });

  it('never lets a failed send reach the person’s update, and frees the mark for a later try', async () => {
    const { alerts, sendMessage, redis } = setup();
    sendMessage.mockRejectedValueOnce(new Error('network down'));
    await expect(Promise.resolve(alerts(completed, tg))).resolves.toBeUndefined();
    await alerts.idle();
    expect(redis.store.has('t:effect:tg:1:3')).toBe(false);
  });
});
