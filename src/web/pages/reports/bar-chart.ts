import type { ShownCount } from '../../../caseworkers/reports/disclosure';

/** One bar: its label and its published count. */
export interface Bar {
  label: string;
  count: ShownCount;
}

/** XML text and attribute escaping (labels come from texts and data). */
const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const ROW = 26;
const LABEL = 170;
const BAR = 330;
const VALUE = 60;

/**
 * A horizontal bar chart as inline SVG, drawn on the server (no chart script): one row per bar,
 * its label, its bar scaled to the largest count shown, and the published count (`<5` for a
 * hidden one, drawn as a short grey stub: a hidden count is never drawn to its true length).
 * Colours come from the stylesheet (classes), so the page's strict CSP needs no inline style.
 * `title` is the chart's accessible name.
 * @example barChart('Funnel', [{ label: 'Started', count: { text: '10', value: 10 } }])
 */
export function barChart(title: string, bars: readonly Bar[], o: { rtl?: boolean } = {}): string {
  const max = Math.max(1, ...bars.map((b) => b.count.value ?? 0));
  const width = LABEL + BAR + VALUE;
  const height = bars.length * ROW + 8;
  const rows = bars.map((b, i) => {
    const y = 4 + i * ROW;
    const hidden = b.count.value === undefined;
    const len = hidden ? 6 : Math.max(2, Math.round((BAR * b.count.value!) / max));
    // Right to left: labels on the right, bars growing leftwards.
    const barX = o.rtl ? VALUE + (BAR - len) : LABEL;
    const labelX = o.rtl ? width - 4 : LABEL - 6;
    const valueX = o.rtl ? VALUE + (BAR - len) - 6 : LABEL + len + 6;
    return [
      `<text x="${labelX}" y="${y + 16}" text-anchor="end"${o.rtl ? ' direction="rtl"' : ''}>${esc(b.label)}</text>`,
      `<rect class="${hidden ? 'hidden-bar' : 'bar'}" x="${barX}" y="${y + 3}" width="${len}" height="${ROW - 8}" rx="2"></rect>`,
      `<text x="${valueX}" y="${y + 16}" text-anchor="${o.rtl ? 'end' : 'start'}">${esc(b.count.text)}</text>`,
    ].join('');
  });
  return `<svg class="chart" role="img" aria-label="${esc(title)}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg"><title>${esc(title)}</title>${rows.join('')}</svg>`;
}
