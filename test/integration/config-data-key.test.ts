import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { DEV_DATA_KEY_FILE, resolveDataKey, resolveDataKeys } from '../../src/config/data-key';
import { ConfigError } from '../../src/core/errors';
import { rotateKeyCommand } from '../../src/key-rotation/rotate-key-command';

const tmp = () => mkdtempSync(join(tmpdir(), 'korpu-key-'));

describe('resolveDataKey', () => {
  it('uses DATA_KEY when set (hex or base64)', () => {
    const hex = 'ab'.repeat(32);
    expect(resolveDataKey({ DATA_KEY: hex, NODE_ENV: 'production', DATA_DIR: 'unused' })).toEqual({ key: Buffer.from(hex, 'hex'), source: 'env' });
    const b64 = Buffer.alloc(32, 7).toString('base64');
    expect(resolveDataKey({ DATA_KEY: b64, NODE_ENV: 'development', DATA_DIR: 'unused' }).key).toEqual(Buffer.alloc(32, 7));
  });

  it('creates a development key once, mode 0600, and reuses it', () => {
    const dir = join(tmp(), 'data'); // created on demand
    const first = resolveDataKey({ DATA_KEY: undefined, NODE_ENV: 'development', DATA_DIR: dir });
    expect(first.source).toBe('created');
    expect(first.key).toHaveLength(32);
    const file = join(dir, DEV_DATA_KEY_FILE);
    expect(first.file).toBe(file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const again = resolveDataKey({ DATA_KEY: undefined, NODE_ENV: 'development', DATA_DIR: dir });
    expect(again).toEqual({ key: first.key, source: 'file', file });
  });

  it('tightens a key file readable by others', () => {
    const dir = tmp();
    const file = join(dir, DEV_DATA_KEY_FILE);
    writeFileSync(file, Buffer.alloc(32, 1).toString('base64'));
    chmodSync(file, 0o644);
    expect(resolveDataKey({ DATA_KEY: undefined, NODE_ENV: 'test', DATA_DIR: dir }).key).toEqual(Buffer.alloc(32, 1));
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('refuses a damaged key file with a line that names the fix, and never overwrites it', () => {
    const dir = tmp();
    const file = join(dir, DEV_DATA_KEY_FILE);
    writeFileSync(file, 'not a key', { mode: 0o600 });
    expect(() => resolveDataKey({ DATA_KEY: undefined, NODE_ENV: 'development', DATA_DIR: dir })).toThrow(ConfigError);
    expect(() => resolveDataKey({ DATA_KEY: undefined, NODE_ENV: 'development', DATA_DIR: dir })).toThrow(/DATA_KEY: .*dev-data-key does not hold a 32-byte key; set DATA_KEY, or delete the file/);
    expect(readFileSync(file, 'utf8')).toBe('not a key');
  });

  it('never makes up a key in production', () => {
    expect(() => resolveDataKey({ DATA_KEY: undefined, NODE_ENV: 'production', DATA_DIR: tmp() })).toThrow('DATA_KEY: is required in production');
  });
});

describe('resolveDataKeys', () => {
  const env = { DATA_KEY: undefined, DATA_KEYS: undefined, DATA_KEY_FILE: undefined, PSEUDONYM_KEY: undefined, NODE_ENV: 'production' as const, DATA_DIR: 'unused' };
  const [k1, k2] = [randomBytes(32), randomBytes(32)];

  it('reads DATA_KEYS newest first, and PSEUDONYM_KEY', () => {
    const got = resolveDataKeys({ ...env, DATA_KEYS: `${k2.toString('base64')}, ${k1.toString('hex')}`, PSEUDONYM_KEY: k1.toString('base64') });
    expect(got).toEqual({ keys: [k2, k1], pseudonymKey: k1, source: 'list' });
  });

  it('keeps DATA_KEY alone working, as one key', () => {
    expect(resolveDataKeys({ ...env, DATA_KEY: k1.toString('hex') })).toEqual({ keys: [k1], source: 'env' });
  });

  it('reads a key file, one key per line, skipping comments and blank lines; names the line of a bad or weak key', () => {
    const file = join(tmp(), 'keys');
    writeFileSync(file, `# rotated 2026-12\n${k2.toString('base64')}\n\n${k1.toString('hex')}\n`);
    expect(resolveDataKeys({ ...env, DATA_KEY_FILE: file })).toEqual({ keys: [k2, k1], source: 'key_file', file });
    writeFileSync(file, `${k2.toString('base64')}\n${'ab'.repeat(32)}\n`);
    expect(() => resolveDataKeys({ ...env, DATA_KEY_FILE: file })).toThrow(new RegExp(`^DATA_KEY_FILE: ${file} line 2: is not random enough`));
    writeFileSync(file, '# nothing yet\n');
    expect(() => resolveDataKeys({ ...env, DATA_KEY_FILE: file })).toThrow(/holds no key/);
    expect(() => resolveDataKeys({ ...env, DATA_KEY_FILE: join(tmp(), 'absent') })).toThrow(ConfigError);
  });
});

describe('rotate-key --ids in development without DATA_KEY', () => {
  const ids = async (dataDir: string) => {
    const lines: string[] = [];
    const code = await rotateKeyCommand({ NODE_ENV: 'development', DATA_DIR: dataDir, LOG_LEVEL: 'silent' }, (l) => lines.push(l), { idsOnly: true });
    return { code, lines };
  };

  it('creates no key file: it says there is none yet', async () => {
    const dir = join(tmp(), 'data');
    await expect(ids(dir)).rejects.toThrow(/^DATA_KEY: is not set, and there is no development key file \(.+dev-data-key\) yet/);
    expect(existsSync(dir)).toBe(false);
  });

  it('lists the id of the development key file when there is one, leaving it as it is', async () => {
    const dir = join(tmp(), 'data');
    const made = resolveDataKey({ DATA_KEY: undefined, NODE_ENV: 'development', DATA_DIR: dir });
    const before = readFileSync(made.file!, 'utf8');
    const { code, lines } = await ids(dir);
    expect(code).toBe(0);
    expect(lines[0]).toMatch(/^data keys, newest first: \S+ \(new values under \S+\)$/);
    expect(readFileSync(made.file!, 'utf8')).toBe(before);
  });
});
