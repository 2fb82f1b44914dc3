import { esc, fmtInt } from './html.js';

export interface Bar { label: string; value: number }

/**
 * Horizontal bar chart as inline SVG: no script, no external asset, readable
 * in any browser and in the static report.
 */
export function barChart(bars: Bar[], opts: { title: string; width?: number; unit?: string }): string {
  const rowH = 20;
  // Columns sized to the longest label and value (about 7 px a character at these font
  // sizes), so long specialty names and large rates are not clipped.
  const valueText = (b: Bar): string => `${fmtNumber(b.value)}${opts.unit ? ' ' + opts.unit : ''}`;
  const labelW = Math.min(260, Math.max(60, 12 + 7 * Math.max(0, ...bars.map((b) => b.label.length))));
  const valueW = Math.max(40, 8 + 6.5 * Math.max(0, ...bars.map((b) => valueText(b).length)));
  const width = Math.max(opts.width ?? 460, labelW + valueW + 120);
  const max = Math.max(1e-9, ...bars.map((b) => b.value));
  const h = Math.max(1, bars.length) * rowH + 10;
  const rows = bars.map((b, i) => {
    const w = Math.max(b.value > 0 ? 1 : 0, ((width - labelW - valueW) * b.value) / max);
    const y = 5 + i * rowH;
    return `<g><text x="${labelW - 6}" y="${y + 14}" text-anchor="end" font-size="12">${esc(b.label)}</text>` +
      `<rect x="${labelW}" y="${y + 3}" width="${w.toFixed(1)}" height="${rowH - 6}" fill="#2f6fb3"><title>${esc(b.label)}: ${fmtInt(b.value)}</title></rect>` +
      `<text x="${(labelW + w + 4).toFixed(1)}" y="${y + 14}" font-size="11" fill="#444">${esc(valueText(b))}</text></g>`;
  });
  const empty = bars.length === 0 ? `<text x="10" y="20" font-size="12" fill="#888">no data</text>` : '';
  return `<figure class="plot"><h3>${esc(opts.title)}</h3><svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${bars.length ? h : 30}" role="img" aria-label="${esc(opts.title)}">${rows.join('')}${empty}</svg></figure>`;
}

export interface Bin { lo: number; hi: number; count: number }

/** Vertical histogram as inline SVG. */
export function histogram(bins: Bin[], opts: { title: string; width?: number; height?: number; xLabel?: string }): string {
  const width = opts.width ?? 460;
  const height = opts.height ?? 200;
  const pad = { l: 44, r: 8, t: 8, b: 34 };
  const plotW = width - pad.l - pad.r;
  const plotH = height - pad.t - pad.b;
  const max = Math.max(1, ...bins.map((b) => b.count));
  const bw = bins.length ? plotW / bins.length : plotW;
  const bars = bins.map((b, i) => {
    const h = (plotH * b.count) / max;
    const x = pad.l + i * bw;
    return `<rect x="${x.toFixed(1)}" y="${(pad.t + plotH - h).toFixed(1)}" width="${Math.max(1, bw - 1).toFixed(1)}" height="${h.toFixed(1)}" fill="#4a8c5c"><title>${fmtNumber(b.lo)}–${fmtNumber(b.hi)}: ${fmtInt(b.count)}</title></rect>`;
  });
  const ticks: string[] = [];
  const step = Math.max(1, Math.ceil(bins.length / 6));
  for (let i = 0; i < bins.length; i += step) {
    ticks.push(`<text x="${(pad.l + i * bw).toFixed(1)}" y="${height - pad.b + 14}" font-size="10">${esc(fmtNumber(bins[i]!.lo))}</text>`);
  }
  const axis = `<line x1="${pad.l}" y1="${pad.t + plotH}" x2="${width - pad.r}" y2="${pad.t + plotH}" stroke="#888"/>` +
    `<text x="4" y="${pad.t + 10}" font-size="10">${fmtInt(max)}</text>` +
    (opts.xLabel ? `<text x="${pad.l + plotW / 2}" y="${height - 4}" font-size="11" text-anchor="middle">${esc(opts.xLabel)}</text>` : '');
  return `<figure class="plot"><h3>${esc(opts.title)}</h3><svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" role="img" aria-label="${esc(opts.title)}">${bars.join('')}${ticks.join('')}${axis}</svg></figure>`;
}

function fmtNumber(x: number): string {
  if (!Number.isFinite(x)) return '-';
  if (Math.abs(x) >= 1000) return fmtInt(x);
  return Number.isInteger(x) ? String(x) : x.toFixed(x < 10 ? 2 : 1);
}

/** Equal-width bins over values (for histograms computed from raw counts). */
export function binValues(values: number[], bins = 20): Bin[] {
  if (!values.length) return [];
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const width = Math.max(1, Math.ceil((hi - lo + 1) / bins));
  const out: Bin[] = [];
  for (let b = lo; b <= hi; b += width) out.push({ lo: b, hi: b + width - 1, count: 0 });
  for (const v of values) out[Math.min(out.length - 1, Math.floor((v - lo) / width))]!.count++;
  return out;
}
