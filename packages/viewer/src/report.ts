import { join } from 'node:path';
import { corpusPaths, writeFileAtomic } from '@mtb/core';
import { barChart, histogram, type Bar, type Bin } from './svg.js';
import { esc, fmtInt, fmtPct, page } from './html.js';
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

/** @mtb/split's Histogram {edges, counts}: bin i is [edges[i], edges[i+1]). Also accepts [{lo, hi, count}]. */
function bins(v: unknown): Bin[] {
  if (Array.isArray(v)) return v.map((b) => ({ lo: num(obj(b).lo) ?? 0, hi: num(obj(b).hi) ?? 0, count: num(obj(b).count) ?? 0 }));
  const o = obj(v);
  const edges = Array.isArray(o.edges) ? (o.edges as number[]) : [];
  const counts = Array.isArray(o.counts) ? (o.counts as number[]) : [];
  return counts.map((c, i) => ({ lo: edges[i] ?? i, hi: (edges[i + 1] ?? i + 1) - 1, count: c }));
}

/**
 * Pages/s of each stage from build-times.json. A task restored from the Nx cache took the
 * time of a copy, not of the work, so only stages whose every task ran are plotted; the
 * others are named. The "build" target is the aggregate no-op, not a stage.
 */
export function stageSpeeds(buildTimes: Json | undefined, pages: number): { bars: Bar[]; cached: string[] } {
  const tasks = Array.isArray(buildTimes?.tasks) ? (buildTimes.tasks as unknown[]).map(obj) : [];
  const byStage = new Map<string, { ms: number; cached: boolean }>();
  if (tasks.length) {
    for (const t of tasks) {
      const stage = typeof t.stage === 'string' ? t.stage : undefined;
      if (!stage || stage === 'build') continue;
      const cur = byStage.get(stage) ?? { ms: 0, cached: false };
      cur.ms += num(t.ms) ?? 0;
      cur.cached ||= t.cached === true;
      byStage.set(stage, cur);
    }
  } else {
    for (const [stage, v] of Object.entries(obj(buildTimes?.byStage))) if (stage !== 'build') byStage.set(stage, { ms: num(obj(v).ms) ?? 0, cached: false });
  }
  const bars: Bar[] = [];
  const cached: string[] = [];
  for (const [label, v] of byStage) {
    if (v.cached) cached.push(label);
    else if (pages > 0 && v.ms > 0) bars.push({ label, value: pages / (v.ms / 1000) });
  }
  return { bars, cached };
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
  // report/stats.json as written by @mtb/split (CorpusStats): the paper's line uses books kept
  // (ok minus whole-book duplicates) and all tokens of the segments' input_ids.
  const booksKept = (num(books.ok) ?? 0) - (num(books.droppedAsDuplicate) ?? 0);
  const summary = `${fmtInt(booksKept)} books, ${fmtInt(num(images.kept))} images, ${fmtInt(num(tokens.inSegments) ?? num(tokens.kept))} tokens in ${fmtInt(num(segments.total))} segments (train ${fmtInt(num(segments.train))} / eval ${fmtInt(num(segments.eval))})`;
  const facts: Array<[string, string]> = [
    ['pages', fmtInt(num(stats.pages))],
    ['pages OCR\'d (scans, garbled text layers)', ocrFact(num(stats.pagesOcr) ?? 0, obj(obj(buildTimes).ocr))],
    ['images kept / extracted', `${fmtInt(num(images.kept))} / ${fmtInt(num(images.extracted))} (${fmtPct(num(images.keptShare))})`],
    ['text tokens kept / extracted', `${fmtInt(num(tokens.kept))} / ${fmtInt(num(tokens.extracted))} (${fmtPct(num(tokens.keptShare))})`],
    ['books failed', fmtInt(num(books.failed))],
    ['books partial (damaged file, pages missing)', fmtInt(num(books.partial) ?? 0)],
    ['books dropped as duplicates', fmtInt(num(books.droppedAsDuplicate))],
  ];
  // Training-side figures (stats.json since the interleaving planner): absent in older stats.
  const chunks = obj(stats.chunks);
  if (num(tokens.trained) !== undefined) {
    facts.push(
      ['text tokens trained under OpenFlamingo\'s mask', `${fmtInt(num(tokens.trained))} (${fmtPct(num(tokens.trainedShare))} of kept)`],
      ['text tokens before a segment\'s first image', fmtInt(num(tokens.beforeFirstImage))],
      ['trained tokens per image', fmtInt(Math.round(num(tokens.trainedPerImage) ?? 0))],
      ['image chunks: empty (of images with a caption or reference) / caption-only / all',
        `${fmtInt(num(chunks.empty))} (${fmtInt(num(chunks.emptyExplained))}) / ${fmtInt(num(chunks.captionOnly))} / ${fmtInt(num(chunks.image))}`],
    );
  }
  if (typeof segments.unit === 'string') facts.push(['split unit', String(segments.unit)]);
  const factTable = `<table id="facts"><tbody>${facts.map(([k, v]) => `<tr><th>${esc(k)}</th><td class="num">${esc(v)}</td></tr>`).join('')}</tbody></table>`;
  const warnings = Array.isArray(stats.warnings) ? (stats.warnings as unknown[]).map((w) => `<p class="warning">${esc(String(w))}</p>`).join('') : '';
  const perBook = Array.isArray(stats.perBook) ? (stats.perBook as Json[]) : [];
  const bookTable = perBook.length
    ? `<table id="books-text"><thead><tr><th>book</th><th>text tokens</th><th>own text (no matter, furniture)</th><th>kept</th><th>kept share of own text</th><th>trained</th><th>images</th></tr></thead><tbody>` +
      perBook.map((b) => `<tr><th>${esc(String(b.bookId))}</th>${[b.extracted, b.content, b.kept].map((v) => `<td class="num">${fmtInt(num(v))}</td>`).join('')}` +
        `<td class="num">${fmtPct(num(b.keptContentShare))}</td><td class="num">${fmtInt(num(b.trained))}</td><td class="num">${fmtInt(num(b.images))}</td></tr>`).join('') +
      '</tbody></table>'
    : '';
  const plots: string[] = [];
  plots.push(histogram(bins(hist.tokensPerSegment), { title: 'tokens per segment', xLabel: 'tokens' }));
  plots.push(histogram(bins(hist.imagesPerSegment), { title: 'images per segment', xLabel: 'images' }));
  plots.push(barChart(reasonBars(tokens.droppedByReason), { title: 'tokens dropped by reason' }));
  plots.push(barChart(reasonBars(images.droppedByReason), { title: 'images dropped by reason' }));
  const failed = reasonBars(books.failedByClass);
  if (failed.length) plots.push(barChart(failed, { title: 'failed books by class' }));
  // specialties come from books.json through split; absent when books.json gives none.
  const spec = obj(stats.specialties);
  if (Object.keys(spec).length) {
    plots.push(barChart(Object.entries(spec).map(([label, v]) => ({ label, value: num(obj(v).tokens) ?? 0 })), { title: 'segment tokens per specialty' }));
    plots.push(barChart(Object.entries(spec).map(([label, v]) => ({ label, value: num(obj(v).images) ?? 0 })), { title: 'images per specialty' }));
    plots.push(barChart(Object.entries(spec).map(([label, v]) => ({ label, value: num(obj(v).segments) ?? 0 })), { title: 'segments per specialty' }));
  }
  const pages = num(stats.pages) ?? 0;
  const speed = stageSpeeds(buildTimes, pages);
  if (speed.bars.length) plots.push(barChart(speed.bars, { title: 'pages/s per stage (last build, summed task time)', unit: 'pages/s' }));
  const speedNote = speed.cached.length
    ? `<p class="meta" id="cached-stages">Restored from the Nx cache in the last build, so not timed: ${speed.cached.map(esc).join(', ')}.</p>`
    : '';
  const body = `<p class="summary" id="summary">${esc(summary)}</p>${warnings}${factTable}<div class="plots">${plots.join('')}</div>${bookTable}${speedNote}` +
    (opts.live ? '' : '<p class="meta">Static report written by <code>mtb build</code>; <code>mtb view</code> serves the browsable version.</p>');
  return page(`${corpus}: report`, body, { nav: opts.live });
}

/** OCR'd pages, with the recognition time build-times.json recorded for them when it has it. */
function ocrFact(pages: number, ocr: Json): string {
  const ms = num(ocr.ms);
  if (!pages || !ms || num(ocr.pages) !== pages) return fmtInt(pages);
  return `${fmtInt(pages)} (${(ms / 1000).toFixed(1)} s of recognition, ${(ms / 1000 / pages).toFixed(2)} s/page)`;
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
