import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The dependency direction of DESIGN.md (config, core → flows, i18n, storage → intake,
 * scheduling → caseworkers → channels → http → main), the engine's purity and the channels'
 * independence, checked by dependency-cruiser with .dependency-cruiser.cjs.
 */
function cruise(...paths: string[]) {
  const bin = join('node_modules', '.bin', 'depcruise');
  return spawnSync(bin, [...paths, '--config', '.dependency-cruiser.cjs', '--output-type', 'err'], { encoding: 'utf8' });
}

describe('architecture', () => {
  it('src/ respects the layers, the pure engine and independent channels', () => {
    const result = cruise('src');
    expect(result.stdout + result.stderr).toContain('no dependency violations found');
    expect(result.status).toBe(0);
  });

  it('would catch a caseworkers file that imports grammY, and a channel file that uses a store', () => {
    const desk = mkdtempSync(join('src', 'caseworkers', 'tmp-arch-'));
    const channel = mkdtempSync(join('src', 'channels', 'telegram', 'tmp-arch-'));
    try {
      writeFileSync(join(desk, 'bad.ts'), "import { Bot } from 'grammy';\nexport const bad = Bot;\n");
      writeFileSync(join(channel, 'bad.ts'), "import { ClaimStore } from '../../../caseworkers/claims';\nexport const bad = ClaimStore;\n");
      const result = cruise(desk, channel);
      expect(result.status).not.toBe(0);
      expect(result.stdout).toContain('caseworkers-not-grammy');
      expect(result.stdout).toContain('channels-not-stores');
    } finally {
      rmSync(desk, { recursive: true, force: true });
      rmSync(channel, { recursive: true, force: true });
    }
  });

  it('would catch a runtime import of a devDependency (the image installs none)', () => {
    const dir = mkdtempSync(join('src', 'core', 'tmp-arch-'));
    try {
      writeFileSync(join(dir, 'bad.ts'), "import fc from 'fast-check';\nexport const bad = fc;\n");
      const result = cruise(dir);
      expect(result.status).not.toBe(0);
      expect(result.stdout).toMatch(/runtime-not-dev-deps: src\/core\/tmp-arch-\w+\/bad\.ts → (\S*\/)?node_modules\/fast-check/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('would catch an engine file that does I/O or imports storage', () => {
    const dir = mkdtempSync(join('src', 'flows', 'engine', 'tmp-arch-'));
    try {
      writeFileSync(join(dir, 'bad.ts'), "import { readFileSync } from 'node:fs';\nimport { redisKeys } from '../../../storage/keys';\nexport const bad = [readFileSync, redisKeys];\n");
      const result = cruise(dir);
      expect(result.status).not.toBe(0);
      expect(result.stdout).toContain('engine-is-pure');
      expect(result.stdout).toContain('flows-not-storage');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
