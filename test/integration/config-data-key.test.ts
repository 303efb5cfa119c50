import { mkdtempSync, readFileSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEV_DATA_KEY_FILE, resolveDataKey } from '../../src/config/data-key';
import { ConfigError } from '../../src/core/errors';

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
