import { randomBytes } from 'node:crypto';
import { deploymentWarnings, parseEnv, simulatorEnabled, simulatorWarnings, weakKey } from '../../../src/config/env';

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

  it('takes several data keys (DATA_KEYS, newest first) and a PSEUDONYM_KEY, each checked like DATA_KEY', () => {
    const [a, b] = [randomBytes(32).toString('base64'), randomBytes(32).toString('hex')];
    expect(parseEnv({ DATA_KEYS: `${a}, ${b}` }).DATA_KEYS).toBe(`${a}, ${b}`);
    expect(() => parseEnv({ DATA_KEYS: `${a},${'ab'.repeat(32)}` })).toThrow(/^DATA_KEYS: key 2: is not random enough/m);
    expect(() => parseEnv({ DATA_KEYS: `${a},short` })).toThrow(/^DATA_KEYS: key 2: must be 32 bytes/m);
    expect(() => parseEnv({ DATA_KEYS: `${a},${a}` })).toThrow(/^DATA_KEYS: names one key twice/m);
    expect(() => parseEnv({ PSEUDONYM_KEY: Buffer.alloc(32, 1).toString('base64') })).toThrow(/^PSEUDONYM_KEY: is not random enough/m);
    expect(() => parseEnv({ DATA_KEY: a, DATA_KEYS: `${b},${a}` })).toThrow(/^DATA_KEYS: set only one of DATA_KEY, DATA_KEYS/m);
    expect(parseEnv({ NODE_ENV: 'production', DATA_KEYS: `${a},${b}` }).DATA_KEYS).toBeDefined();
    expect(parseEnv({ NODE_ENV: 'production', DATA_KEY_FILE: '/run/secrets/korpu-keys' }).DATA_KEY_FILE).toBeDefined();
    expect(() => parseEnv({ NODE_ENV: 'production' })).toThrow(/^DATA_KEY: is required in production/m);
  });

  it('refuses a bot token in development unless a developer says so', () => {
    const token = '123456:ABCDEFGHIJKLMNOPQRSTUVWX';
    expect(() => parseEnv({ BOT_TOKEN: token })).toThrow(/^BOT_TOKEN: is set but NODE_ENV is not production/m);
    expect(parseEnv({ BOT_TOKEN: token, ALLOW_DEV_WITH_TOKEN: '1' }).BOT_TOKEN).toBe(token);
    expect(parseEnv({ BOT_TOKEN: token, NODE_ENV: 'production', DATA_KEY: randomBytes(32).toString('hex') }).BOT_TOKEN).toBe(token);
  });

  it('runs everything in one process unless ROLE says web or worker; a worker needs no webhook address and serves health only on WORKER_PORT', () => {
    const token = { BOT_TOKEN: '123456:ABCDEFGHIJKLMNOPQRSTUVWX', ALLOW_DEV_WITH_TOKEN: '1', MODE: 'webhook' };
    expect(parseEnv({}).ROLE).toBe('all');
    expect(parseEnv({ ROLE: '' }).ROLE).toBe('all');
    expect(parseEnv({ ROLE: 'web' }).ROLE).toBe('web');
    expect(() => parseEnv({ ROLE: 'bot' })).toThrow(/^ROLE: /m);
    expect(() => parseEnv({ ...token, ROLE: 'web' })).toThrow(/^WEBHOOK_URL: is required when MODE=webhook/m);
    expect(parseEnv({ ...token, ROLE: 'worker' }).WEBHOOK_URL).toBeUndefined();
    expect(parseEnv({ ROLE: 'worker' }).WORKER_PORT).toBeUndefined();
    expect(parseEnv({ ROLE: 'worker', WORKER_PORT: '3001' }).WORKER_PORT).toBe(3001);
    expect(() => parseEnv({ ROLE: 'worker', WORKER_PORT: 'abc' })).toThrow(/^WORKER_PORT: /m);
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

  it('posts in the case workers\' chat in Azerbaijani unless CASEWORKER_CHAT_LANG names another of the bot\'s languages', () => {
    expect(parseEnv({}).CASEWORKER_CHAT_LANG).toBe('az');
    expect(parseEnv({ CASEWORKER_CHAT_LANG: '' }).CASEWORKER_CHAT_LANG).toBe('az');
    expect(parseEnv({ CASEWORKER_CHAT_LANG: 'ru' }).CASEWORKER_CHAT_LANG).toBe('ru');
    for (const lang of ['az', 'ru', 'en', 'fa', 'uz', 'tr', 'uk']) expect(parseEnv({ CASEWORKER_CHAT_LANG: lang }).CASEWORKER_CHAT_LANG).toBe(lang);
    for (const bad of ['de', 'RU', 'russian', 'ru-RU']) expect(() => parseEnv({ CASEWORKER_CHAT_LANG: bad })).toThrow(/^CASEWORKER_CHAT_LANG: /m);
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

  it('takes a setting left blank (`PORT=` in a copied .env) as unset: its default, never port 0 or every interface', () => {
    const blank = parseEnv({ PORT: '', HOST: '', REPLY_GRACE_SECONDS: '', EFFECT_RETRY_SECONDS: '', TELEGRAM_MESSAGES_PER_SECOND: '', NODE_ENV: '', MODE: '', LOG_LEVEL: '', TZ: '', TELEGRAM_API_ROOT: '', DATA_DIR: '', FLOWS_DIR: '', METRICS_HOST: ' ' });
    expect(blank).toMatchObject({ PORT: 3000, HOST: '127.0.0.1', REPLY_GRACE_SECONDS: 15, EFFECT_RETRY_SECONDS: 30, TELEGRAM_MESSAGES_PER_SECOND: 30, NODE_ENV: 'development', MODE: 'polling', LOG_LEVEL: 'info', TZ: 'Asia/Baku', TELEGRAM_API_ROOT: 'https://api.telegram.org', DATA_DIR: 'data', FLOWS_DIR: 'flows', METRICS_HOST: '127.0.0.1' });
    // An empty prefix is a prefix (keys without one), as it always was.
    expect(parseEnv({ REDIS_PREFIX: '' }).REDIS_PREFIX).toBe('');
    expect(parseEnv({}).REDIS_PREFIX).toBe('korpu:');
  });

  it('warns when production serves the simulator beyond loopback, and only then', () => {
    const prod = { NODE_ENV: 'production', DATA_KEY: randomBytes(32).toString('base64') };
    expect(simulatorWarnings(parseEnv({ ...prod, SIMULATOR: 'on', HOST: '0.0.0.0' }))).toEqual([expect.stringMatching(/^SIMULATOR=on in production with HOST=0\.0\.0\.0: the simulator has no login/)]);
    expect(simulatorWarnings(parseEnv({ ...prod, SIMULATOR: 'on' }))).toEqual([]); // 127.0.0.1
    expect(simulatorWarnings(parseEnv({ ...prod, HOST: '0.0.0.0' }))).toEqual([]); // no simulator
    expect(simulatorWarnings(parseEnv({ ...prod, SIMULATOR: 'on', HOST: '0.0.0.0', ROLE: 'worker' }))).toEqual([]); // serves no simulator
    expect(simulatorWarnings(parseEnv({ SIMULATOR: 'on', HOST: '0.0.0.0' }))).toEqual([]); // development
  });

  it('refuses METRICS_PORT equal to the HTTP port, saying the two ports are the same', () => {
    expect(() => parseEnv({ PORT: '3000', METRICS_PORT: '3000' })).toThrow(/^METRICS_PORT: is the same as PORT \(3000\): the metrics listener needs a port of its own/m);
    expect(() => parseEnv({ ROLE: 'worker', WORKER_PORT: '3001', METRICS_PORT: '3001' })).toThrow(/^METRICS_PORT: is the same as WORKER_PORT \(3001\)/m);
    // A worker does not listen on PORT; port 0 is a free port chosen by the system, never the same one.
    expect(parseEnv({ ROLE: 'worker', PORT: '3000', METRICS_PORT: '3000' }).METRICS_PORT).toBe(3000);
    expect(parseEnv({ PORT: '0', METRICS_PORT: '0' }).METRICS_PORT).toBe(0);
  });

  it('refuses in production a WEBHOOK_SECRET or METRICS_TOKEN anyone could guess: few characters, or a short pattern repeated', () => {
    const prod = { NODE_ENV: 'production', DATA_KEY: randomBytes(32).toString('hex') };
    const hook = { BOT_TOKEN: '123456:ABCDEFGHIJKLMNOPQRSTUVWX', MODE: 'webhook', WEBHOOK_URL: 'https://korpu.example.org/telegram' };
    for (const weak of ['a'.repeat(16), '1111111111111111', 'changemechangeme', 'abc-abc-abc-abc-abc-']) {
      expect(() => parseEnv({ ...prod, ...hook, WEBHOOK_SECRET: weak })).toThrow(/^WEBHOOK_SECRET: is not random enough .*openssl rand -hex 32/m);
      expect(() => parseEnv({ ...prod, METRICS_PORT: '9464', METRICS_HOST: '0.0.0.0', METRICS_TOKEN: weak })).toThrow(/^METRICS_TOKEN: is not random enough/m);
      // Outside production a developer's test values are theirs to choose.
      expect(parseEnv({ ...hook, ALLOW_DEV_WITH_TOKEN: '1', WEBHOOK_SECRET: weak }).WEBHOOK_SECRET).toBe(weak);
    }
    for (let i = 0; i < 200; i++) {
      const secret = randomBytes(8).toString('hex');
      expect(parseEnv({ ...prod, ...hook, WEBHOOK_SECRET: secret, METRICS_PORT: '9464', METRICS_HOST: '0.0.0.0', METRICS_TOKEN: secret }).WEBHOOK_SECRET).toBe(secret);
    }
  });

  it('warns a production bot without PUBLIC_URL that it serves no workspace (a worker serves none anyway)', () => {
    const prod = { NODE_ENV: 'production', DATA_KEY: randomBytes(32).toString('hex'), BOT_TOKEN: '123456:ABCDEFGHIJKLMNOPQRSTUVWX', CASEWORKER_CHAT_ID: '-100123', ADMIN_TELEGRAM_IDS: '111' };
    expect(deploymentWarnings(parseEnv(prod), { rosterHasAdmin: true })).toEqual([expect.stringMatching(/^PUBLIC_URL is not set: production serves no web workspace/)]);
    expect(deploymentWarnings(parseEnv({ ...prod, PUBLIC_URL: 'https://korpu.example.org' }), { rosterHasAdmin: true })).toEqual([]);
    expect(deploymentWarnings(parseEnv({ ...prod, ROLE: 'worker' }), { rosterHasAdmin: true })).toEqual([]);
    // Without a bot there is no one to tell and no workspace to miss.
    expect(deploymentWarnings(parseEnv({ NODE_ENV: 'production', DATA_KEY: prod.DATA_KEY }), { rosterHasAdmin: false })).toEqual([]);
  });

  it('takes TRUST_PROXY as a number of proxies or their addresses and subnets; never believes anyone unless told', () => {
    expect(parseEnv({}).TRUST_PROXY).toBeUndefined();
    expect(parseEnv({ TRUST_PROXY: '1' }).TRUST_PROXY).toBe(1);
    expect(parseEnv({ TRUST_PROXY: 'loopback, 10.0.0.0/8,fd00::/8, 172.18.0.2' }).TRUST_PROXY).toEqual(['loopback', '10.0.0.0/8', 'fd00::/8', '172.18.0.2']);
    for (const bad of ['true', 'yes', 'everyone', '10.0.0.0/33', '300.1.1.1', '1.5']) expect(() => parseEnv({ TRUST_PROXY: bad })).toThrow(/^TRUST_PROXY: must be a number of proxies/m);
  });
});

