import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError } from '../core/errors';
import { decodeKey, keyProblem, type Env } from './env';

/** Name of the development key file inside DATA_DIR. */
export const DEV_DATA_KEY_FILE = 'dev-data-key';

/** The field-encryption key to use, and where it came from (for one log line at start-up). */
export interface DataKey {
  key: Buffer;
  /** `env`: DATA_KEY; `file`: the development key file; `created`: that file was just made. */
  source: 'env' | 'file' | 'created';
  /** The development key file, when one is used. */
  file?: string;
}

/**
 * The 32-byte DATA_KEY for field encryption. In production it must come from the environment
 * (the env schema already insists). Elsewhere, when it is unset, a random key is created once in
 * `DATA_DIR/dev-data-key` (mode 0600) and reused, so a developer's simulator conversations stay
 * readable across restarts without anyone choosing a key. Losing that file makes the data
 * encrypted with it unreadable, which is acceptable for development data only.
 *
 * With `create: false` (a command that only reads the configuration, like `rotate-key --ids`)
 * nothing is created: no key file yet is a ConfigError.
 *
 * @example
 * const { key, source } = resolveDataKey(env); // source === 'created' on the first run
 * @throws ConfigError when no key can be had (production without DATA_KEY, a damaged key file,
 *   no key file yet with `create: false`)
 */
export function resolveDataKey(env: Pick<Env, 'DATA_KEY' | 'NODE_ENV' | 'DATA_DIR'>, cwd = process.cwd(), o: KeyFileOptions = {}): DataKey {
  if (env.DATA_KEY) {
    const key = decodeKey(env.DATA_KEY);
    if (!key) throw new ConfigError('DATA_KEY: must be 32 bytes as 64 hex digits or base64 (openssl rand -base64 32)');
    return { key, source: 'env' };
  }
  if (env.NODE_ENV === 'production') throw new ConfigError('DATA_KEY: is required in production');
  const dir = resolve(cwd, env.DATA_DIR);
  const file = join(dir, DEV_DATA_KEY_FILE);
  if (o.create === false) {
    if (!existsSync(file)) throw new ConfigError(`DATA_KEY: is not set, and there is no development key file (${file}) yet: Körpü makes one at its first start`);
    return { key: readKeyFile(file), source: 'file', file };
  }
  mkdirSync(dir, { recursive: true });
  try {
    // 'wx': create only if absent, so two processes starting together cannot both write a key.
    writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { flag: 'wx', mode: 0o600 });
    return { key: readKeyFile(file), source: 'created', file };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new ConfigError(`DATA_KEY: cannot create ${file}: ${(e as Error).message}`);
  }
  // Tighten a key file that was copied around with looser permissions.
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  return { key: readKeyFile(file), source: 'file', file };
}

function readKeyFile(file: string): Buffer {
  const key = decodeKey(readFileSync(file, 'utf8').trim());
  if (!key) throw new ConfigError(`DATA_KEY: ${file} does not hold a 32-byte key; set DATA_KEY, or delete the file to make a new one (data encrypted with the old key becomes unreadable)`);
  return key;
}

/** Whether the development key file may be made when there is none (default: yes). */
export interface KeyFileOptions {
  create?: boolean;
}

/** Every key Körpü's field cipher is given, and where the data keys came from (for one log line at start-up). */
export interface DataKeys {
  /** The data keys, newest first: the first encrypts, every one decrypts. */
  keys: Buffer[];
  /** PSEUDONYM_KEY, when set (else pseudonyms come from the oldest data key). */
  pseudonymKey?: Buffer;
  /**
   * `env`: DATA_KEY; `list`: DATA_KEYS; `key_file`: DATA_KEY_FILE; `file` / `created`: the
   * development key file (see {@link resolveDataKey}).
   */
  source: DataKey['source'] | 'list' | 'key_file';
  /** The key file read, when one is. */
  file?: string;
}

/**
 * The data keys, newest first, from DATA_KEYS (comma-separated), DATA_KEY_FILE (one key per
 * line; `#` comments and blank lines are skipped) or DATA_KEY (one key, or the development key
 * file: see {@link resolveDataKey}), and PSEUDONYM_KEY when set. The env schema has checked
 * DATA_KEYS and PSEUDONYM_KEY; a key file is checked here, every key, with its line number.
 *
 * @example
 *   const { keys } = resolveDataKeys({ ...env, DATA_KEYS: `${newKey},${oldKey}` }); // keys[0] encrypts
 * @throws ConfigError naming the variable (and the file and line) of a missing, malformed or weak key
 */
export function resolveDataKeys(env: Pick<Env, 'DATA_KEY' | 'DATA_KEYS' | 'DATA_KEY_FILE' | 'PSEUDONYM_KEY' | 'NODE_ENV' | 'DATA_DIR'>, cwd = process.cwd(), o: KeyFileOptions = {}): DataKeys {
  const pseudonymKey = env.PSEUDONYM_KEY ? checkedKey(env.PSEUDONYM_KEY, 'PSEUDONYM_KEY') : undefined;
  const withPseudonym = <T extends object>(o: T) => (pseudonymKey ? { ...o, pseudonymKey } : o);
  if (env.DATA_KEYS) {
    const keys = env.DATA_KEYS.split(',').map((text, i) => checkedKey(text.trim(), `DATA_KEYS: key ${i + 1}`));
    return withPseudonym({ keys: distinct(keys, 'DATA_KEYS'), source: 'list' as const });
  }
  if (env.DATA_KEY_FILE) {
    const file = resolve(cwd, env.DATA_KEY_FILE);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new ConfigError(`DATA_KEY_FILE: cannot read ${file}: ${(e as Error).message}`);
    }
    const keys = text.split(/\r?\n/).flatMap((line, i) => {
      const t = line.trim();
      return t === '' || t.startsWith('#') ? [] : [checkedKey(t, `DATA_KEY_FILE: ${file} line ${i + 1}`)];
    });
    if (keys.length === 0) throw new ConfigError(`DATA_KEY_FILE: ${file} holds no key (one key per line, newest first)`);
    return withPseudonym({ keys: distinct(keys, `DATA_KEY_FILE: ${file}`), source: 'key_file' as const, file });
  }
  const one = resolveDataKey(env, cwd, o);
  return withPseudonym({ keys: [one.key], source: one.source, ...(one.file ? { file: one.file } : {}) });
}

function checkedKey(text: string, where: string): Buffer {
  const problem = keyProblem(text);
  if (problem) throw new ConfigError(`${where}: ${problem}`);
  return decodeKey(text)!;
}

function distinct(keys: Buffer[], where: string): Buffer[] {
  if (new Set(keys.map((k) => k.toString('hex'))).size !== keys.length) throw new ConfigError(`${where}: names one key twice`);
  return keys;
}
