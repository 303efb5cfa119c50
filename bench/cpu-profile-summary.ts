/**
 * Reads a V8 `.cpuprofile` (node --cpu-prof, see bench/profile.ts) and prints where the time
 * went: self time by function, self time by file (node_modules folded by package), and
 * inclusive time by file of src/ (a sample counts once for every src file on its stack).
 *
 *   npx tsx bench/cpu-profile-summary.ts /tmp/prof/<file>.cpuprofile [--top 40] [--per N]
 *
 * `--per N` also divides every figure by N (the updates of the run) to give µs per update.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** A file's short name: `pkg:<name>` inside node_modules, the path from the repository root otherwise. */
function shortFile(url: string): string {
  if (!url) return '(native)';
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const parts = url.slice(nm + 14).split('/');
    return `pkg:${parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]}`;
  }
  const src = url.search(/\/(src|bench)\//);
  if (src >= 0) return url.slice(src + 1);
  return url.replace(/^file:\/\//, '');
}

/** Self and inclusive time (µs) by key. */
export function summarise(p: CpuProfile): { total: number; byFunction: Map<string, number>; byFile: Map<string, number>; inclusiveSrc: Map<string, number> } {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const byFunction = new Map<string, number>();
  const byFile = new Map<string, number>();
  const inclusiveSrc = new Map<string, number>();
  const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);
  let total = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const dt = p.timeDeltas[i] ?? 0;
    const node = byId.get(p.samples[i]!)!;
    const f = node.callFrame;
    if (f.functionName === '(idle)' || f.functionName === '(program)') continue;
    total += dt;
    const file = shortFile(f.url);
    add(byFunction, `${f.functionName || '(anonymous)'} ${file}:${f.lineNumber + 1}`, dt);
    add(byFile, file, dt);
    const seen = new Set<string>();
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const file = shortFile(byId.get(id)!.callFrame.url);
      if (file.startsWith('src/')) seen.add(file);
    }
    for (const s of seen) add(inclusiveSrc, s, dt);
  }
  return { total, byFunction, byFile, inclusiveSrc };
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  const file = argv.find((a) => a.endsWith('.cpuprofile'));
  if (!file) throw new Error('usage: cpu-profile-summary.ts <file>.cpuprofile [--top N] [--per UPDATES]');
  const flag = (name: string, fallback: number) => (argv.includes(name) ? Number(argv[argv.indexOf(name) + 1]) : fallback);
  const top = flag('--top', 40);
  const per = flag('--per', 0);
  const s = summarise(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile);
  const show = (title: string, m: Map<string, number>) => {
    console.log(`\n## ${title}`);
    for (const [k, v] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) {
      console.log(`${(v / 1000).toFixed(1).padStart(9)} ms ${((100 * v) / s.total).toFixed(1).padStart(5)} %${per ? ` ${(v / per).toFixed(1).padStart(7)} µs/upd` : ''}  ${k}`);
    }
  };
  console.log(`busy (not idle, not (program)): ${(s.total / 1000).toFixed(0)} ms${per ? `, ${(s.total / per).toFixed(0)} µs per update` : ''}`);
  show('self time by file', s.byFile);
  show('inclusive time by src file', s.inclusiveSrc);
  show('self time by function', s.byFunction);
}
