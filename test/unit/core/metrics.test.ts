import { readFileSync } from 'node:fs';
import { KorpuMetrics } from '../../../src/core/metrics';

describe('KorpuMetrics', () => {
  it('has every metric the Grafana dashboard (deploy/grafana/korpu.json) shows', async () => {
    const page = await new KorpuMetrics().registry.metrics();
    const exposed = new Set([...page.matchAll(/^# TYPE (\S+) (\w+)$/gm)].flatMap(([, name, type]) => (type === 'histogram' ? [`${name}_bucket`, `${name}_count`, `${name}_sum`] : [name!])));
    const shown = new Set(readFileSync('deploy/grafana/korpu.json', 'utf8').match(/korpu_[a-z0-9_]+/g));
    expect([...shown].filter((m) => !exposed.has(m))).toEqual([]);
    expect(shown.size).toBeGreaterThanOrEqual(15);
  });

  it('keeps two Körpü in one process apart (a registry each)', async () => {
    const a = new KorpuMetrics({ defaultMetrics: false });
    const b = new KorpuMetrics({ defaultMetrics: false });
    a.updates.inc({ kind: 'message', outcome: 'handled' });
    expect(await a.registry.metrics()).toContain('korpu_updates_total{kind="message",outcome="handled"} 1');
    expect(await b.registry.metrics()).not.toContain('korpu_updates_total{kind="message"');
  });
});
