import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, release, totalmem } from 'node:os';
import { join } from 'node:path';

/** The machine and versions a benchmark ran on, for the report. */
export interface Environment {
  cpuModel: string;
  cores: number;
  ramGb: number;
  os: string;
  node: string;
  redis: string;
  packages: Record<string, string>;
  commit: string;
}

const PACKAGES = ['grammy', '@grammyjs/runner', '@grammyjs/auto-retry', '@grammyjs/storage-redis', '@grammyjs/conversations', 'telegraf', 'ioredis', 'express', 'autocannon', 'tsx'];

function quiet(f: () => string, fallback = 'unknown'): string {
  try {
    return f().trim() || fallback;
  } catch {
    return fallback;
  }
}

export function collectEnvironment(root = join(__dirname, '..')): Environment {
  const osName = quiet(() => /^PRETTY_NAME="?([^"\n]+)"?/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? '');
  return {
    cpuModel: quiet(() => /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpus()[0]?.model ?? ''),
    cores: availableParallelism(),
    ramGb: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    os: `${osName}, Linux ${release()}`,
    node: process.version,
    redis: quiet(() => /v=(\S+)/.exec(execFileSync('redis-server', ['--version'], { encoding: 'utf8' }))?.[1] ?? ''),
    packages: Object.fromEntries(PACKAGES.map((p) => [p, quiet(() => JSON.parse(readFileSync(join(root, 'node_modules', p, 'package.json'), 'utf8')).version as string)])),
    commit: quiet(() => {
      const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
      const dirty = execFileSync('git', ['status', '--porcelain'], { cwd: root, encoding: 'utf8' }).trim() ? ' + uncommitted changes' : '';
      return head + dirty;
    }),
  };
}
