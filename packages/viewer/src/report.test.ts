import { readFileSync, mkdtempSync, mkdirSync, copyFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as report from './report.js';
import { renderReport, writeReport } from './report.js';
import { builtSample } from '../test/sample-corpus.js';

const sample = builtSample();
const stats = JSON.parse(readFileSync(join(sample, 'report/stats.json'), 'utf8')) as Record<string, any>;
const times = JSON.parse(readFileSync(join(sample, 'report/build-times.json'), 'utf8')) as Record<string, any>;

const titles = (html: string): string[] => [...html.matchAll(/<h3>([^<]*)<\/h3>/g)].map((m) => m[1]!);

describe('renderReport over the sample corpus stats', () => {
  const html = renderReport('sample', stats, times);

  it('states the real numbers from stats.json in the summary', () => {
    const summary = /<p class="summary" id="summary">([^<]*)<\/p>/.exec(html)![1]!;
    const n = (x: number): string => x.toLocaleString('en-US');
    expect(summary).toContain(`${n(stats.books.ok - stats.books.droppedAsDuplicate)} books`);
    expect(summary).toContain(`${n(stats.images.kept)} images`);
    expect(summary).toContain(`${n(stats.tokens.inSegments)} tokens`);
    expect(summary).toContain(`train ${n(stats.segments.train)} / eval ${n(stats.segments.eval)}`);
    expect(html).toContain(`<th>pages</th><td class="num">${n(stats.pages)}</td>`);
  });

  it('gives the OCR time beside the OCR\'d pages when build-times.json recorded it for them', () => {
    const row = (h: string): string => /<th>pages OCR[^<]*<\/th><td class="num">([^<]*)<\/td>/.exec(h)![1]!;
    const ocrd = { ...stats, pagesOcr: 4 };
    expect(row(renderReport('sample', ocrd, { ...times, ocr: { books: 1, pages: 4, ms: 10_000 } }))).toBe('4 (10.0 s of recognition, 2.50 s/page)');
    // A record for other pages (an older build) is not put beside this count.
    expect(row(renderReport('sample', ocrd, { ...times, ocr: { books: 1, pages: 3, ms: 9_000 } }))).toBe('4');
    expect(row(renderReport('sample', ocrd, undefined))).toBe('4');
  });

  it('plots both histograms with one bar per bin and the counts of stats.json', () => {
    for (const [title, key] of [['tokens per segment', 'tokensPerSegment'], ['images per segment', 'imagesPerSegment']] as const) {
      const fig = html.split('<figure').find((f) => f.includes(`<h3>${title}</h3>`))!;
      const h = stats.histograms[key] as { edges: number[]; counts: number[] };
      expect([...fig.matchAll(/<rect /g)]).toHaveLength(h.counts.length);
      const counts = [...fig.matchAll(/<title>[^<]*: (\d+)<\/title>/g)].map((m) => Number(m[1]));
      expect(counts).toEqual(h.counts);
    }
  });

  it('plots drops by reason, specialties and pages/s per stage', () => {
    expect(titles(html)).toEqual(expect.arrayContaining(['tokens dropped by reason', 'images dropped by reason', 'segment tokens per specialty', 'images per specialty']));
    for (const reason of Object.keys(stats.tokens.droppedByReason)) expect(html).toContain(`<title>${reason}: `);
    for (const s of Object.keys(stats.specialties)) expect(html).toContain(`>${s}</text>`);
    const stageFig = html.split('<figure').find((f) => f.includes('pages/s per stage')) ?? '';
    const tasks = times.tasks as Array<{ stage: string; ms: number; cached: boolean }>;
    const stages = [...new Set(tasks.map((t) => t.stage))].filter((s) => s !== 'build');
    const ran = stages.filter((s) => tasks.every((t) => t.stage !== s || !t.cached));
    expect(stages.length).toBeGreaterThan(0);
    // The sample's last build may have been all cache hits (a second `npm start`): then there is no plot, and every stage is named as cached.
    if (ran.length) expect(titles(html)).toContain('pages/s per stage (last build, summed task time)');
    else expect(stageFig).toBe('');
    for (const stage of stages) {
      if (ran.includes(stage)) {
        const ms = tasks.filter((t) => t.stage === stage).reduce((a, t) => a + t.ms, 0);
        expect(stageFig).toContain(`<title>${stage}: ${Math.round(stats.pages / (ms / 1000)).toLocaleString('en-US')}</title>`);
      } else {
        expect(stageFig).not.toContain(`>${stage}</text>`);
        expect(html).toMatch(new RegExp(`id="cached-stages">[^<]*\\b${stage}\\b`));
      }
    }
    expect(stageFig).not.toContain('>build</text>');
  });

  it('times only stages that ran: cached tasks are named, not plotted', () => {
    const t = { tasks: [
      { stage: 'html', ms: 2000, cached: false }, { stage: 'html', ms: 2000, cached: false },
      { stage: 'tokens', ms: 5, cached: true }, { stage: 'tokens', ms: 900, cached: false },
      { stage: 'build', ms: 1, cached: false },
    ] };
    const { stageSpeeds } = report;
    expect(stageSpeeds(t, 100)).toEqual({ bars: [{ label: 'html', value: 25 }], cached: ['tokens'] });
    expect(stageSpeeds({ byStage: { html: { ms: 4000 }, build: { ms: 1 } } }, 100)).toEqual({ bars: [{ label: 'html', value: 25 }], cached: [] });
    expect(stageSpeeds(undefined, 100)).toEqual({ bars: [], cached: [] });
  });

  it('leaves out specialty bars when books.json gives none, and says when there are no stats', () => {
    const noSpec = renderReport('x', { ...stats, specialties: {} }, undefined);
    expect(titles(noSpec).some((t) => t.includes('specialty'))).toBe(false);
    expect(titles(noSpec).some((t) => t.includes('pages/s'))).toBe(false);
    expect(renderReport('x', undefined, undefined)).toContain('No statistics yet');
  });

  it('writes report/index.html with no external asset', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mtb-report-'));
    try {
      mkdirSync(join(dir, 'report'));
      copyFileSync(join(sample, 'report/stats.json'), join(dir, 'report/stats.json'));
      const out = writeReport(dir, 'copy');
      const written = readFileSync(out, 'utf8');
      expect(out).toBe(join(dir, 'report', 'index.html'));
      expect(written).toContain('<svg');
      expect(written).not.toMatch(/(src|href)="https?:/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
