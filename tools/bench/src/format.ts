import type { CaseResult } from './types.js';

const fmtMs = (ms: number | undefined): string => (ms === undefined || Number.isNaN(ms) ? '-' : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);
const fmtNum = (x: number | undefined): string => (x === undefined || Number.isNaN(x) ? '-' : x >= 100 ? x.toFixed(0) : x >= 1 ? x.toFixed(2) : x.toPrecision(3));

/**
 * A plain table: per case, our median, the baseline's, their ratio, throughput,
 * and, when a previous run is given, our ratio against that run (the figure
 * that survives machine noise: absolute times drift, ratios hold).
 */
export function formatTable(results: CaseResult[], previous?: Map<string, CaseResult>): string {
  const rows: string[][] = [['case', 'ours', 'baseline', 'ours/base', 'throughput', 'vs previous run']];
  for (const r of results) {
    if (r.error) {
      rows.push([r.name, 'ERROR', '', '', '', r.error.split('\n')[0]!.slice(0, 60)]);
      continue;
    }
    const prev = previous?.get(r.name);
    // Compare normalised by the baseline when both runs have one, so a slower machine cancels out.
    let vsPrev = '-';
    if (prev && !prev.error) {
      vsPrev = r.ratio !== undefined && prev.ratio !== undefined
        ? `${fmtNum(r.ratio / prev.ratio)}x (ratio)`
        : `${fmtNum(r.oursMedianMs / prev.oursMedianMs)}x (time)`;
    }
    rows.push([
      r.name,
      fmtMs(r.oursMedianMs),
      r.baselineName ? `${fmtMs(r.baselineMedianMs)} (${r.baselineName})` : '-',
      r.ratio !== undefined ? fmtNum(r.ratio) : '-',
      r.oursThroughput !== undefined ? `${fmtNum(r.oursThroughput)} ${r.work!.unit}/s` + (r.baselineThroughput ? ` vs ${fmtNum(r.baselineThroughput)}` : '') : '-',
      vsPrev,
    ]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  const lines = rows.map((row) => row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd());
  lines.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  const extras = results.filter((r) => r.extras && Object.keys(r.extras).length);
  for (const r of extras) {
    lines.push(`  ${r.name}: ${Object.entries(r.extras!).map(([k, v]) => `${k}=${typeof v === 'number' ? fmtNum(v) : v}`).join(', ')}`);
  }
  return lines.join('\n');
}
