import { join } from 'node:path';
import { corpusPaths, writeFileAtomic } from '@mtb/core';
import { barChart, histogram, type Bar, type Bin } from './svg.js';
import { esc, fmtInt, page } from './html.js';
import { readFileSync, existsSync } from 'node:fs';

type Json = Record<string, unknown>;

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});

/** Reason -> count maps as bars, largest first. */
function reasonBars(m: unknown): Bar[] {
  return Object.entries(obj(m))
    .map(([label, v]) => ({ label, value: num(v) ?? 0 }))
    .filter((b) => b.value > 0)
    .sort((a, b) => b.value - a.value);
}

/** Histograms may come as [{lo, hi, count}] or {edges, counts}. */
function bins(v: unknown): Bin[] {
  if (Array.isArray(v)) return v.map((b) => ({ lo: num(obj(b).lo) ?? 0, hi: num(obj(b).hi) ?? 0, count: num(obj(b).count) ?? 0 }));
  const o = obj(v);
  const edges = Array.isArray(o.edges) ? (o.edges as number[]) : [];
  const counts = Array.isArray(o.counts) ? (o.counts as number[]) : [];
  return counts.map((c, i) => ({ lo: edges[i] ?? i, hi: (edges[i + 1] ?? i + 1) - 1, count: c }));
}

/**
 * The corpus report: the paper-style summary and the plots, one HTML file with
 * inline SVG, readable without a server (report/index.html) and served by the viewer.
 */
export function renderReport(corpus: string, stats: Json | undefined, buildTimes: Json | undefined, opts: { live?: boolean } = {}): string {
  if (!stats) {
    return page(`${corpus}: report`, '<p>No statistics yet: run <code>mtb build</code> on this corpus.</p>', { nav: opts.live });
  }
  const books = obj(stats.books);
  const images = obj(stats.images);
  const tokens = obj(stats.tokens);
  const segments = obj(stats.segments);
  const hist = obj(stats.histograms);
  const summary = typeof stats.summary === 'string' ? stats.summary
    : `${fmtInt(num(books.ok))} books, ${fmtInt(num(images.kept))} images, ${fmtInt(num(tokens.kept))} tokens; ${fmtInt(num(obj(segments.train).count) ?? num(segments.train))} train / ${fmtInt(num(obj(segments.eval).count) ?? num(segments.eval))} eval segments`;
  const plots: string[] = [];
  plots.push(histogram(bins(hist.tokensPerSegment ?? hist.tokens), { title: 'tokens per segment', xLabel: 'tokens' }));
  plots.push(histogram(bins(hist.imagesPerSegment ?? hist.images), { title: 'images per segment', xLabel: 'images' }));
  plots.push(barChart(reasonBars(tokens.droppedByReason ?? tokens.dropped), { title: 'tokens dropped by reason' }));
  plots.push(barChart(reasonBars(images.droppedByReason ?? images.dropped), { title: 'images dropped by reason' }));
  const failed = reasonBars(books.failedByClass ?? books.failed);
  if (failed.length) plots.push(barChart(failed, { title: 'failed books by class' }));
  const spec = obj(stats.bySpecialty ?? stats.specialties);
  if (Object.keys(spec).length) {
    plots.push(barChart(Object.entries(spec).map(([label, v]) => ({ label, value: num(obj(v).tokens) ?? num(obj(v).tokensKept) ?? num(v) ?? 0 })), { title: 'tokens kept per specialty' }));
    plots.push(barChart(Object.entries(spec).map(([label, v]) => ({ label, value: num(obj(v).images) ?? num(obj(v).imagesKept) ?? 0 })), { title: 'images kept per specialty' }));
  }
  const byStage = obj(buildTimes?.byStage);
  const pages = num(obj(stats.pages).total) ?? num(stats.pages) ?? 0;
  if (Object.keys(byStage).length && pages) {
    plots.push(barChart(Object.entries(byStage).map(([label, v]) => ({ label, value: pages / Math.max(1e-9, (num(obj(v).ms) ?? 0) / 1000) })), { title: 'pages/s per stage (last build, summed task time)', unit: 'pages/s' }));
  }
  const body = `<p class="summary" id="summary">${esc(summary)}</p><div class="plots">${plots.join('')}</div>` +
    (opts.live ? '' : '<p class="meta">Static report written by <code>mtb build</code>; <code>mtb view</code> serves the browsable version.</p>');
  return page(`${corpus}: report`, body, { nav: opts.live });
}

/** Write report/index.html from report/stats.json and build-times.json. */
export function writeReport(corpusDir: string, name: string): string {
  const paths = corpusPaths(corpusDir);
  const read = (f: string): Json | undefined => (existsSync(f) ? (JSON.parse(readFileSync(f, 'utf8')) as Json) : undefined);
  const html = renderReport(name, read(paths.stats), read(join(paths.reportDir, 'build-times.json')));
  const out = join(paths.reportDir, 'index.html');
  writeFileAtomic(out, html);
  return out;
}
