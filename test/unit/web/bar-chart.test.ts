import { barChart } from '../../../src/web/pages/reports/bar-chart';

describe('barChart', () => {
  it('draws one bar per count, scaled to the largest shown, a hidden count as a short stub', () => {
    const svg = barChart('Funnel', [
      { label: 'Started', count: { text: '20', value: 20 } },
      { label: 'Booked', count: { text: '10', value: 10 } },
      { label: 'Closed', count: { text: '<5' } },
    ]);
    expect(svg.startsWith('<svg class="chart" role="img" aria-label="Funnel"')).toBe(true);
    expect([...svg.matchAll(/<rect class="(bar|hidden-bar)" x="\d+" y="\d+" width="(\d+)"/g)].map((m) => [m[1], Number(m[2])])).toEqual([['bar', 330], ['bar', 165], ['hidden-bar', 6]]);
    expect(svg).toContain('>&lt;5</text>');
    // No inline style: the workspace's CSP allows none.
    expect(svg).not.toMatch(/style=/);
  });

  it('escapes labels and titles', () => {
    const svg = barChart('<b>"x"</b>', [{ label: '<script>alert(1)</script>', count: { text: '5', value: 5 } }], { rtl: true });
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(svg).toContain('aria-label="&lt;b&gt;&quot;x&quot;&lt;/b&gt;"');
    expect(svg).toContain('direction="rtl"');
  });
});
