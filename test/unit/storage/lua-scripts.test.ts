import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { numberOfKeys, SCRIPT_FILES, SCRIPTS_DIR, scriptSources } from '../../../src/storage/lua/scripts';

/** Redis commands a script may call with something other than a key as the first argument. */
const KEYLESS = new Set(['TIME', 'ECHO', 'PING']);

describe('the Lua scripts', () => {
  const sources = scriptSources();

  it('are one file each, every file registered', () => {
    const files = readdirSync(SCRIPTS_DIR).filter((f) => f.endsWith('.lua')).map((f) => f.slice(0, -4)).sort();
    expect(Object.values(SCRIPT_FILES).sort()).toEqual(files);
    expect(numberOfKeys('take-place-2')).toBe(2);
    expect(numberOfKeys('commit-conversation')).toBeUndefined();
  });

  const counted = Object.entries(SCRIPT_FILES).filter(([, file]) => numberOfKeys(file) !== undefined);
  it.each(counted)('%s documents exactly the KEYS its file name counts', (name, file) => {
    const documented = [...sources[name as keyof typeof SCRIPT_FILES].matchAll(/^\s*KEYS\[(\d+)\]/gm)].map((m) => Number(m[1]));
    expect(documented).toEqual(Array.from({ length: numberOfKeys(file)! }, (_, i) => i + 1));
  });

  it.each(Object.keys(SCRIPT_FILES))('%s touches only keys passed in KEYS (Redis Cluster routes by them)', (name) => {
    const source = sources[name as keyof typeof SCRIPT_FILES];
    const calls = [...source.matchAll(/redis\.p?call\(\s*'([A-Za-z]+)'\s*(?:,\s*([^,)]+))?/g)];
    expect(calls.length).toBeGreaterThan(0);
    for (const [, command, firstArg] of calls) {
      if (KEYLESS.has(command!.toUpperCase())) continue;
      const arg = firstArg?.trim() ?? '';
      // A local is fine when it was taken from KEYS (`local op, key = ARGV[i], KEYS[…]`).
      const fromKeys = /^[A-Za-z_]\w*$/.test(arg) && new RegExp(`local [^=\\n]*\\b${arg}\\b[^=\\n]*=[^\\n]*KEYS\\[`).test(source);
      expect(fromKeys ? `${command} KEYS[*]` : `${command} ${arg}`).toMatch(/^\w+ KEYS\[[^\]]+\]$/);
    }
  });

  it('take shared code from include/ (the outbox and the direct replies run one overall window)', () => {
    for (const source of Object.values(sources)) expect(source).not.toMatch(/^--#include/m);
    const window = readFileSync(join(SCRIPTS_DIR, 'include', 'overall-slot.lua'), 'utf8').trimEnd();
    expect(sources.reserveSend).toContain(window);
    expect(sources.reserveReply).toContain(window);
  });
});
