import { isIP } from 'node:net';
import { z } from 'zod';
import { ConfigError } from '../core/errors';
import { DEFAULT_LANG, LangSchema } from '../core/lang';
import { TimeZoneSchema } from './time-zone';

/** What a bot token from @BotFather looks like. */
const TOKEN_FORMAT = /^\d+:[A-Za-z0-9_-]{20,}$/;

const optionalString = z.preprocess((v) => (v === '' ? undefined : v), z.string().optional());

/**
 * Körpü's settings, read from the environment once, in `main.ts`. Every problem is reported,
 * each on one line naming the variable, and start-up stops.
 */
export const EnvSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    /** Telegram bot token; without it Körpü runs no bot (only the web simulator, where SIMULATOR allows it). */
    BOT_TOKEN: z.preprocess((v) => (v === '' ? undefined : v), z.string().regex(TOKEN_FORMAT, 'must look like 123456:ABC-DEF… (from @BotFather)').optional()),
    /** Base URL of the Bot API; any Bot API–compatible server works. */
    TELEGRAM_API_ROOT: z.url().default('https://api.telegram.org'),
    MODE: z.enum(['polling', 'webhook']).default('polling'),
    WEBHOOK_URL: z.preprocess((v) => (v === '' ? undefined : v), z.url().optional()),
    WEBHOOK_SECRET: z.preprocess((v) => (v === '' ? undefined : v), z.string().regex(/^[A-Za-z0-9_-]{16,256}$/, 'must be 16–256 letters, digits, _ or -').optional()),
    /** Unset: use 127.0.0.1:6379 if it answers, else start a local redis-server under ./data. */
    REDIS_URL: optionalString,
    /**
     * `1`: REDIS_URL is a node of a Redis Cluster (a REDIS_URL listing several nodes,
     * comma-separated, is one without it). Keys are hash-tagged for it (storage/keys.ts).
     */
    REDIS_CLUSTER: z.preprocess((v) => (v === '' ? undefined : v), z.enum(['0', '1']).optional()),
    /** Redis key prefix, so several deployments (or tests) can share one Redis. */
    REDIS_PREFIX: z.string().regex(/^[a-z0-9:_-]*$/).default('korpu:'),
    CASEWORKER_CHAT_ID: z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().optional()),
    /**
     * The language of everything Körpü posts in the case workers' chat (alerts, notices, relayed
     * messages, follow-ups, answers to commands typed there), one of the bot's languages. Private
     * messages to a member of staff stay in their own roster language.
     */
    CASEWORKER_CHAT_LANG: z.preprocess((v) => (v === '' ? undefined : v), LangSchema.default(DEFAULT_LANG)),
    /**
     * Telegram user ids of the first admins, comma-separated (`123456789,987654321`). They count
     * as admins whether or not they are on the roster, so a fresh deployment can be set up with
     * `/roster_add`; everyone else is added by an admin.
     */
    ADMIN_TELEGRAM_IDS: z.preprocess(
      (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
      z
        .string()
        .regex(/^\s*\d{1,15}\s*(,\s*\d{1,15}\s*)*$/, 'must be Telegram user ids separated by commas, e.g. 123456789,987654321')
        .transform((s) => [...new Set(s.split(',').map((id) => Number(id.trim())))])
        .optional(),
    ),
    /**
     * How long a completed intake may stay unclaimed before the supervisors are told, in
     * minutes of the office's opening hours (config/offices.yaml): 240 = 4 working hours.
     */
    ESCALATION_WORKING_MINUTES: z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().min(0).max(100_000).default(240)),
    /**
     * How long the audit trail is kept, in months after the month of an entry: each month's
     * stream expires as a whole that long after the month ends.
     */
    AUDIT_KEEP_MONTHS: z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().min(1).max(240).default(24)),
    /**
     * The address people reach Körpü's web workspace at (`<PUBLIC_URL>/desk`), for the sign-in
     * links `/dashboard` sends. https in production; http only on localhost in development
     * (browsers keep the workspace's `__Host-` cookie there), see src/web/auth/session-cookie.ts.
     */
    PUBLIC_URL: z.preprocess((v) => (v === '' ? undefined : v), z.url().optional()),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: z.string().default('127.0.0.1'),
    /**
     * The reverse proxies whose X-Forwarded-For is believed (Express's `trust proxy`), so that the
     * workspace's per-address sign-in limit counts clients, not the proxy: a number of proxies in
     * front of Körpü (docker-compose.yml: 1, its Caddy), or their addresses and subnets,
     * comma-separated (`loopback`, `uniquelocal`, `10.0.0.0/8`). Unset: none; the connection's
     * own address counts, and X-Forwarded-For is ignored (a client cannot choose its address).
     */
    TRUST_PROXY: z.preprocess(
      (v) => (v === '' ? undefined : v),
      z
        .string()
        .refine((v) => /^\d{1,2}$/.test(v) || v.split(',').every((a) => trustedProxyAddress(a.trim())), 'must be a number of proxies (1) or their addresses or subnets, comma-separated (loopback, uniquelocal, 10.0.0.0/8)')
        .transform((v) => (/^\d+$/.test(v) ? Number(v) : v.split(',').map((a) => a.trim())))
        .optional(),
    ),
    TZ: TimeZoneSchema.default('Asia/Baku'),
    /** 32-byte key for field encryption, as 64 hex digits or base64. */
    DATA_KEY: optionalString,
    /**
     * Several data keys, comma-separated, NEWEST FIRST (during a key rotation): the first
     * encrypts, every one decrypts. In place of DATA_KEY, not beside it.
     */
    DATA_KEYS: optionalString,
    /** A file of data keys, one per line, newest first (`#` comments and blank lines allowed); in place of DATA_KEY(S). */
    DATA_KEY_FILE: optionalString,
    /**
     * 32-byte key of the pseudonyms (conversation keys, chat references), which a key rotation
     * never changes. Unset: the oldest data key (the last of DATA_KEYS), as before there were
     * several keys. Set it to the first DATA_KEY you ever used before you remove that key.
     */
    PSEUDONYM_KEY: optionalString,
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    FLOWS_DIR: z.string().default('flows'),
    PROGRAMME_FILE: z.string().default('config/programme.yaml'),
    OFFICES_FILE: z.string().default('config/offices.yaml'),
    SAFEGUARDING_FILE: z.string().default('config/safeguarding.yaml'),
    RETENTION_FILE: z.string().default('config/retention.yaml'),
    /** Phrases that ask for a right in free words ("delete my data"), in every language. */
    REQUESTS_FILE: z.string().default('config/requests.yaml'),
    DATA_DIR: z.string().default('data'),
    /**
     * Webhook: how long a reply committed by another process is taken to be still on its way
     * (a redelivery arriving sooner is refused with a 5xx, and Telegram delivers it again later).
     */
    REPLY_GRACE_SECONDS: z.coerce.number().min(0).max(600).default(15),
    /** How long an effect taken by a process and not done waits before another process takes it over. */
    EFFECT_RETRY_SECONDS: z.coerce.number().min(1).max(3600).default(30),
    /**
     * Prometheus metrics (`GET /metrics`) are served on a listener of their own on this port;
     * unset, there is none. Never on the public PORT: the webhook's address is the internet's.
     */
    METRICS_PORT: z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().min(0).max(65535).optional()),
    /** Where the metrics listener binds: loopback by default (a scraper on the same host or a sidecar). */
    METRICS_HOST: z.string().default('127.0.0.1'),
    /** A bearer token the metrics listener requires (`Authorization: Bearer …`); required when METRICS_HOST is not loopback. */
    METRICS_TOKEN: z.preprocess((v) => (v === '' ? undefined : v), z.string().regex(/^[A-Za-z0-9._~+/=-]{16,256}$/, 'must be 16–256 letters, digits or ._~+/=-').optional()),
    /**
     * Telegram's overall limit for this bot, in messages a second: 30, or up to 1,000 for a bot
     * with paid broadcasts. Replies and the outbox together stay a margin below it.
     */
    TELEGRAM_MESSAGES_PER_SECOND: z.coerce.number().int().min(1).max(1000).default(30),
    /** An effect not performed this many seconds after its commit logs a warning (once per episode). */
    EFFECT_WARN_SECONDS: z.coerce.number().min(1).max(86_400).default(120),
    /** An outbox held back by Telegram's 429 this many seconds, with messages waiting, logs a warning (once per episode). */
    OUTBOX_WARN_SECONDS: z.coerce.number().min(1).max(86_400).default(300),
    /**
     * A bot token outside production is refused unless this is `1`: such a deployment would run
     * the simulator beside the real bot, keep its data key in a file and skip the Redis
     * durability checks. For a developer's own test bot. (`NODE_ENV=test` needs no flag.)
     */
    ALLOW_DEV_WITH_TOKEN: z.preprocess((v) => (v === '' ? undefined : v), z.enum(['0', '1']).optional()),
    /**
     * The web simulator (`/` and `/api/simulator/*`): `on` or `off`. Unset, it runs in
     * development and test and never in production, with or without a bot token: it has no
     * login, so a production deployment serves it only when this says `on`. See simulatorEnabled.
     */
    SIMULATOR: z.preprocess((v) => (v === '' ? undefined : v), z.enum(['on', 'off']).optional()),
    /** The simulator's API requests (new sessions, messages, texts) per client address per minute; over it, 429. */
    SIMULATOR_REQUESTS_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(120),
    /** Simulator sessions live at once (a session id works for a day), all clients together; at the cap, no new one (429). */
    SIMULATOR_MAX_SESSIONS: z.coerce.number().int().min(1).max(1_000_000).default(500),
    /**
     * Test-only fault switch: `after_commit` kills the process (SIGKILL) right after the first
     * conversation step it commits, `after_send` right after the outbox's first message the
     * platform accepted, before its acknowledgement, so that a test can show nothing is lost.
     */
    KORPU_TEST_FAULT: z.preprocess((v) => (v === '' ? undefined : v), z.enum(['after_commit', 'after_send']).optional()),
    /**
     * What this process runs (README, "Running several processes"): `all` (everything in one
     * process), `web` (HTTP: the webhook, the workspace, the simulator, health; long polling when
     * MODE=polling, in ONE process only) or `worker` (the effect stream, the outbox's sender, the
     * reminder, escalation and retention workers, the case list's backfill; no HTTP but health,
     * on WORKER_PORT when set).
     */
    ROLE: z.preprocess((v) => (v === '' ? undefined : v), z.enum(['all', 'web', 'worker']).default('all')),
    /** ROLE=worker: the port of its health endpoints (/healthz, /readyz). Unset: no health endpoint (metrics: METRICS_PORT, in every role). */
    WORKER_PORT: z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().min(0).max(65535).optional()),
  })
  .superRefine((env, ctx) => {
    // A worker receives no updates: it needs no webhook address of its own.
    if (env.BOT_TOKEN && env.MODE === 'webhook' && env.ROLE !== 'worker') {
      if (!env.WEBHOOK_URL) ctx.addIssue({ code: 'custom', path: ['WEBHOOK_URL'], message: 'is required when MODE=webhook' });
      if (!env.WEBHOOK_SECRET) ctx.addIssue({ code: 'custom', path: ['WEBHOOK_SECRET'], message: 'is required when MODE=webhook' });
    }
    // (A malformed token has its own problem line; this one is about a token that works.)
    if (env.BOT_TOKEN && TOKEN_FORMAT.test(env.BOT_TOKEN) && env.NODE_ENV === 'development' && env.ALLOW_DEV_WITH_TOKEN !== '1') {
      ctx.addIssue({ code: 'custom', path: ['BOT_TOKEN'], message: 'is set but NODE_ENV is not production: set NODE_ENV=production (or ALLOW_DEV_WITH_TOKEN=1 for a developer test bot)' });
    }
    if (env.METRICS_PORT !== undefined && !env.METRICS_TOKEN && !isLoopback(env.METRICS_HOST)) {
      ctx.addIssue({ code: 'custom', path: ['METRICS_TOKEN'], message: `is required when METRICS_HOST (${env.METRICS_HOST}) is not a loopback address: the metrics would be open to anyone who reaches it` });
    }
    // Two listeners cannot share a port: said here, naming both settings, rather than as a
    // failed listen later ("address in use"), which reads as if another program held PORT.
    const httpPort = env.ROLE === 'worker' ? (['WORKER_PORT', env.WORKER_PORT] as const) : (['PORT', env.PORT] as const);
    if (env.METRICS_PORT !== undefined && env.METRICS_PORT !== 0 && env.METRICS_PORT === httpPort[1]) {
      ctx.addIssue({ code: 'custom', path: ['METRICS_PORT'], message: `is the same as ${httpPort[0]} (${env.METRICS_PORT}): the metrics listener needs a port of its own; set METRICS_PORT to another port` });
    }
    // Anyone who guesses the webhook's secret can post updates as any Telegram user, an admin
    // included (/roster_add); the metrics token guards what every process counts.
    if (env.NODE_ENV === 'production') {
      for (const name of ['WEBHOOK_SECRET', 'METRICS_TOKEN'] as const) {
        const value = env[name];
        if (value && weakSecret(value)) ctx.addIssue({ code: 'custom', path: [name], message: 'is not random enough (few characters, or a short pattern repeated); make one with openssl rand -hex 32' });
      }
    }
    if (env.NODE_ENV === 'production' && env.KORPU_TEST_FAULT) ctx.addIssue({ code: 'custom', path: ['KORPU_TEST_FAULT'], message: 'is a test switch and is refused in production' });
    if (env.NODE_ENV === 'production' && env.PUBLIC_URL && !env.PUBLIC_URL.startsWith('https://')) ctx.addIssue({ code: 'custom', path: ['PUBLIC_URL'], message: 'must be an https:// address in production (the workspace cookie is Secure)' });
    const sources = (['DATA_KEY', 'DATA_KEYS', 'DATA_KEY_FILE'] as const).filter((name) => env[name]);
    if (env.NODE_ENV === 'production' && sources.length === 0) ctx.addIssue({ code: 'custom', path: ['DATA_KEY'], message: 'is required in production (or DATA_KEYS, or DATA_KEY_FILE)' });
    if (sources.length > 1) ctx.addIssue({ code: 'custom', path: [sources[1]!], message: `set only one of ${sources.join(', ')}: they all name the data keys` });
    if (env.DATA_KEY) {
      const problem = keyProblem(env.DATA_KEY);
      if (problem) ctx.addIssue({ code: 'custom', path: ['DATA_KEY'], message: problem });
    }
    if (env.DATA_KEYS) {
      const texts = env.DATA_KEYS.split(',').map((k) => k.trim());
      texts.forEach((text, i) => {
        const problem = text === '' ? 'is empty' : keyProblem(text);
        if (problem) ctx.addIssue({ code: 'custom', path: ['DATA_KEYS'], message: `key ${i + 1}: ${problem}` });
      });
      if (new Set(texts).size !== texts.length) ctx.addIssue({ code: 'custom', path: ['DATA_KEYS'], message: 'names one key twice' });
    }
    if (env.PSEUDONYM_KEY) {
      const problem = keyProblem(env.PSEUDONYM_KEY);
      if (problem) ctx.addIssue({ code: 'custom', path: ['PSEUDONYM_KEY'], message: problem });
    }
  });

/** An entry of TRUST_PROXY's list: a name Express knows, an address, or a subnet. */
function trustedProxyAddress(entry: string): boolean {
  if (['loopback', 'linklocal', 'uniquelocal'].includes(entry)) return true;
  const [address, bits, ...rest] = entry.split('/');
  const family = isIP(address ?? '');
  if (family === 0 || rest.length) return false;
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
}

/** Whether a listener on `host` is reachable from this machine only. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/**
 * A key someone typed rather than generated: few distinct bytes, or a pattern of up to 16 bytes
 * repeated. 32 random bytes have about 30 distinct values and no such period.
 */
export function weakKey(key: Buffer): boolean {
  if (new Set(key).size < 12) return true;
  for (let period = 1; period <= 16; period++) {
    if (key.every((b, i) => i < period || b === key[i - period])) return true;
  }
  return false;
}

/**
 * A secret someone typed rather than generated: fewer than 6 distinct characters, or a pattern
 * of at most half its length repeated ("changemechangeme"). The shortest generated secret Körpü
 * takes, 16 hex digits, has about 10 distinct characters and no such period.
 */
export function weakSecret(text: string): boolean {
  if (new Set(text).size < 6) return true;
  for (let period = 1; period <= text.length / 2; period++) {
    if ([...text].every((c, i) => i < period || c === text[i - period])) return true;
  }
  return false;
}
export type Env = z.infer<typeof EnvSchema>;

/**
 * Where the web workspace is reached from outside: PUBLIC_URL, else (development and tests)
 * this process's own HTTP address on localhost. No trailing slash.
 */
export function publicUrl(env: Pick<Env, 'PUBLIC_URL' | 'PORT'>): string {
  return (env.PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, '');
}

/**
 * What a deployment with a bot lacks that people would miss, one line each for the start-up log:
 * a bot deployed with BOT_TOKEN alone takes intakes that reach nobody. Warnings, not errors: a
 * developer's test bot, or a first try, may go without them.
 */
export function deploymentWarnings(env: Pick<Env, 'BOT_TOKEN' | 'CASEWORKER_CHAT_ID' | 'ADMIN_TELEGRAM_IDS' | 'PUBLIC_URL' | 'NODE_ENV' | 'ROLE'>, o: { rosterHasAdmin: boolean }): string[] {
  if (!env.BOT_TOKEN) return [];
  return [
    ...(env.CASEWORKER_CHAT_ID === undefined ? ['CASEWORKER_CHAT_ID is not set: no case worker is told of a new intake or a crisis (set it to the case workers\' Telegram group)'] : []),
    ...(!env.ADMIN_TELEGRAM_IDS?.length && !o.rosterHasAdmin ? ['ADMIN_TELEGRAM_IDS is not set and the roster has no admin: nobody can add case workers (/roster_add)'] : []),
    ...(env.NODE_ENV === 'production' && !env.PUBLIC_URL && env.ROLE !== 'worker' ? ['PUBLIC_URL is not set: production serves no web workspace (/desk), and /dashboard sends no sign-in link'] : []),
  ];
}

/**
 * Whether the web simulator is served: in production only with `SIMULATOR=on` (whatever the
 * bot token), elsewhere unless `SIMULATOR=off`.
 */
export function simulatorEnabled(env: Pick<Env, 'NODE_ENV' | 'SIMULATOR'>): boolean {
  return env.NODE_ENV === 'production' ? env.SIMULATOR === 'on' : env.SIMULATOR !== 'off';
}

/**
 * The start-up warning (one line) when production serves the simulator, which has no login, on
 * an address other than loopback: whoever reaches it can talk to it. None otherwise.
 */
export function simulatorWarnings(env: Pick<Env, 'NODE_ENV' | 'SIMULATOR' | 'HOST' | 'ROLE'>): string[] {
  if (env.NODE_ENV !== 'production' || !simulatorEnabled(env) || env.ROLE === 'worker' || isLoopback(env.HOST)) return [];
  return [`SIMULATOR=on in production with HOST=${env.HOST}: the simulator has no login and anyone who reaches this address can use it (rate-limited); set HOST=127.0.0.1 or SIMULATOR=off unless that is meant`];
}

/**
 * What is wrong with a key as written in the environment or a key file (not 32 bytes, or too
 * weak), or undefined when it is a good key.
 */
export function keyProblem(text: string): string | undefined {
  const key = decodeKey(text);
  if (!key) return 'must be 32 bytes as 64 hex digits or base64 (openssl rand -base64 32)';
  if (weakKey(key)) return 'is not random enough (one byte or a short pattern repeated); make one with openssl rand -base64 32';
  return undefined;
}

/** Decodes a 32-byte key from hex or base64; `undefined` if it is not exactly 32 bytes. */
export function decodeKey(text: string): Buffer | undefined {
  const buf = /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
  return buf.length === 32 ? buf : undefined;
}

/**
 * Settings whose empty value means something of its own: an empty REDIS_PREFIX names keys
 * without a prefix, as it always has.
 */
const EMPTY_IS_A_VALUE = new Set(['REDIS_PREFIX']);

/**
 * The environment with blank values left out. A copied `.env` (or `npx tsx --env-file`) sets
 * every variable it lists, blank ones to '': blank must mean "the default", not port 0 (a random
 * port), HOST '' (every interface) or a grace of 0 seconds, which is what coercing '' gives.
 */
function withoutBlanks(source: Record<string, string | undefined>): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(source).filter(([name, value]) => EMPTY_IS_A_VALUE.has(name) || (value ?? '').trim() !== ''));
}

/** Parses the environment; throws one ConfigError whose message has one line per problem. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const parsed = EnvSchema.safeParse(withoutBlanks(source));
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((i) => `${String(i.path[0] ?? 'environment')}: ${i.message}`);
  throw new ConfigError(lines.join('\n'));
}
