import { randomBytes } from 'node:crypto';
import { parseEnv, simulatorEnabled, weakKey } from '../../../src/config/env';

describe('environment checks', () => {
  it('refuses a DATA_KEY with little entropy: one byte, or a short pattern, repeated', () => {
    for (const key of ['ab'.repeat(32), Buffer.alloc(32, 7).toString('base64'), '0123456789abcdef'.repeat(4), Buffer.from('passwordpassword'.repeat(2)).toString('base64')]) {
      expect(() => parseEnv({ DATA_KEY: key })).toThrow(/^DATA_KEY: is not random enough/m);
    }
  });

  it('accepts a generated key', () => {
    for (let i = 0; i < 200; i++) expect(weakKey(randomBytes(32))).toBe(false);
    expect(parseEnv({ DATA_KEY: randomBytes(32).toString('base64') }).DATA_KEY).toBeDefined();
  });

  it('refuses a bot token in development unless a developer says so', () => {
    const token = '123456:ABCDEFGHIJKLMNOPQRSTUVWX';
    expect(() => parseEnv({ BOT_TOKEN: token })).toThrow(/^BOT_TOKEN: is set but NODE_ENV is not production/m);
    expect(parseEnv({ BOT_TOKEN: token, ALLOW_DEV_WITH_TOKEN: '1' }).BOT_TOKEN).toBe(token);
    expect(parseEnv({ BOT_TOKEN: token, NODE_ENV: 'production', DATA_KEY: randomBytes(32).toString('hex') }).BOT_TOKEN).toBe(token);
  });

  it('refuses the test-only fault switch in production', () => {
    expect(() => parseEnv({ NODE_ENV: 'production', DATA_KEY: randomBytes(32).toString('hex'), KORPU_TEST_FAULT: 'after_commit' })).toThrow(/KORPU_TEST_FAULT: is a test switch/);
    expect(() => parseEnv({ NODE_ENV: 'production', DATA_KEY: randomBytes(32).toString('hex'), KORPU_TEST_FAULT: 'after_send' })).toThrow(/KORPU_TEST_FAULT: is a test switch/);
    expect(parseEnv({ NODE_ENV: 'test', KORPU_TEST_FAULT: 'after_send' }).KORPU_TEST_FAULT).toBe('after_send');
  });

  it('keeps the audit trail 24 months by default; AUDIT_KEEP_MONTHS sets whole months, at least one', () => {
    expect(parseEnv({}).AUDIT_KEEP_MONTHS).toBe(24);
    expect(parseEnv({ AUDIT_KEEP_MONTHS: '' }).AUDIT_KEEP_MONTHS).toBe(24);
    expect(parseEnv({ AUDIT_KEEP_MONTHS: '60' }).AUDIT_KEEP_MONTHS).toBe(60);
    for (const bad of ['0', '1.5', 'two', '-3']) expect(() => parseEnv({ AUDIT_KEEP_MONTHS: bad })).toThrow(/^AUDIT_KEEP_MONTHS: /m);
  });

  it('serves the simulator in production only with SIMULATOR=on, whatever the bot token; elsewhere unless SIMULATOR=off', () => {
    const key = randomBytes(32).toString('hex');
    const token = '123456:ABCDEFGHIJKLMNOPQRSTUVWX';
    expect(simulatorEnabled(parseEnv({ NODE_ENV: 'production', DATA_KEY: key }))).toBe(false);
    expect(simulatorEnabled(parseEnv({ NODE_ENV: 'production', DATA_KEY: key, BOT_TOKEN: token }))).toBe(false);
    expect(simulatorEnabled(parseEnv({ NODE_ENV: 'production', DATA_KEY: key, SIMULATOR: 'off' }))).toBe(false);
    expect(simulatorEnabled(parseEnv({ NODE_ENV: 'production', DATA_KEY: key, BOT_TOKEN: token, SIMULATOR: 'on' }))).toBe(true);
    expect(simulatorEnabled(parseEnv({}))).toBe(true);
    expect(simulatorEnabled(parseEnv({ BOT_TOKEN: token, ALLOW_DEV_WITH_TOKEN: '1' }))).toBe(true);
    expect(simulatorEnabled(parseEnv({ SIMULATOR: 'off' }))).toBe(false);
    expect(simulatorEnabled(parseEnv({ NODE_ENV: 'test', SIMULATOR: '' }))).toBe(true);
    expect(() => parseEnv({ SIMULATOR: 'yes' })).toThrow(/^SIMULATOR: /m);
  });
});
