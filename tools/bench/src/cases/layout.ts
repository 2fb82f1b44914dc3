import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCorpusConfig } from '@mtb/core';
import { runFilterStage } from '@mtb/dedup-filter';
import { readNodes, runTokensStage } from '@mtb/image-tokens';
import { captionPlacement, htmlBlocks, notePlacement, orderScores, pdfToHtml, runPdfHtml, type CaptionPlacement, type NotePlacement } from '@mtb/pdf-html';
import type { BenchCase } from '../types.js';
import { bareParse } from './pdf-html.js';

/**
 * Reading order and document structure (issue 18) on the layout corpus
 * (../shared/corpus/layout: ten real documents, their truth derived from their
 * own LaTeX/Markdown source): per document our 8-gram F1 (the reading-order
 * figure) and word recall with furniture left out (lost body words), beside
 * poppler's pdftotext figures from the corpus README and the target (the
 * better pdftotext figure + 0.03, capped at 0.97). Speed as whole processes:
 * a fresh process running the stage over all ten documents against a fresh
 * process running the bare pdf.js parse of the same files (target <= 1.3x,
 * wall and CPU), with the stage's peak RSS. Beside book.html's figures, the
 * same scores for the text the filter stage keeps (what trains).
 */
const LAYOUT = resolve(process.cwd(), '../shared/corpus/layout');

interface Poppler {
  plain: number;
  raw: number;
}

/** The "Poppler baseline" table of the corpus README: `| name | 0.832 (0.986) | 0.813 (0.976) |`. */
function popplerTable(): Map<string, Poppler> {
  const rows = new Map<string, Poppler>();
  const readme = readFileSync(join(LAYOUT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Poppler baseline'));
  for (const line of section.split('\n')) {
    const m = /^\|\s*([\w-]+)\s*\|\s*([\d.]+)\s*\([\d.]+\)\s*\|\s*([\d.]+)\s*\([\d.]+\)\s*\|/.exec(line);
    if (m) rows.set(m[1]!, { plain: Number(m[2]), raw: Number(m[3]) });
  }
  return rows;
}

interface ChildRun {
  wallMs: number;
  cpuMs: number;
  peakRssMb: number;
  pages: number;
}

/**
 * One fresh process over all the documents: `stage` (pdfToHtml, layout included), `stage-no-ocr` (the same
 * with `ocr: "off"`: layout without the OCR of image-only pages, which the bare parse has no counterpart of)
 * or `bare` (the pdf.js parse alone).
 */
function runChild(mode: 'stage' | 'stage-no-ocr' | 'bare', pdfs: string[]): Promise<ChildRun> {
  return new Promise((resolveRun, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--layout-child', mode, ...pdfs], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`layout ${mode} child exited ${code}`));
      const r = JSON.parse(out) as Omit<ChildRun, 'wallMs'>;
      resolveRun({ ...r, wallMs: performance.now() - t0 });
    });
  });
}

/**
 * The text that goes on to training: the book's text nodes (tokens stage) the
 * filter stage keeps, in order. The truth leaves out contents pages and
 * bibliographies, which the filters drop; the filters must not drop body text.
 */
async function keptText(bookDir: string, config: ReturnType<typeof parseCorpusConfig>): Promise<string> {
  await runTokensStage(bookDir, { config, quiet: true });
  await runFilterStage(bookDir, { config });
  const drops = new Set((JSON.parse(readFileSync(join(bookDir, 'drops.json'), 'utf8')) as { drops: Array<{ seq: number }> }).drops.map((d) => d.seq));
  return readNodes(join(bookDir, 'nodes.arrow'))
    .filter((n) => n.kind === 'text' && !drops.has(n.seq))
    .map((n) => n.text)
    .join('\n');
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

export async function cases(opts: { quick: boolean }): Promise<BenchCase[]> {
  if (!existsSync(join(LAYOUT, 'pdf'))) return [];
  const names = readdirSync(join(LAYOUT, 'pdf')).filter((f) => f.endsWith('.pdf')).map((f) => f.slice(0, -4)).sort();
  const pdfs = names.map((n) => join(LAYOUT, 'pdf', `${n}.pdf`));
  const stage: ChildRun[] = [];
  const noOcr: ChildRun[] = [];
  const bare: ChildRun[] = [];
  const work = { unit: 'pages', amount: 0 };
  return [
    {
      name: 'layout corpus',
      description: `${names.length} documents of ../shared/corpus/layout: 8-gram F1 and word recall beside pdftotext; stage vs bare pdf.js parse as whole processes`,
      work,
      repetitions: opts.quick ? 1 : 3,
      // Each run is a fresh process: there is no JIT to warm.
      warmup: false,
      ours: async () => {
        stage.push(await runChild('stage', pdfs));
        work.amount = stage[0]!.pages;
      },
      baseline: { name: 'bare pdf.js parse (process)', run: async () => void bare.push(await runChild('bare', pdfs)) },
      extras: async () => {
        const poppler = popplerTable();
        const config = parseCorpusConfig({});
        const dir = mkdtempSync(join(tmpdir(), 'bench-layout-'));
        const out: Record<string, number | string> = {};
        const f1s: number[] = [];
        const keptF1s: number[] = [];
        let met = 0;
        const captions: CaptionPlacement = { truth: 0, held: 0, apart: 0, body: 0, missing: 0 };
        const notes: NotePlacement = { truth: 0, placed: 0, elsewhere: 0, unmarked: 0, missing: 0 };
        try {
          for (const name of names) {
            const bookDir = join(dir, 'build', name);
            const { status } = await runPdfHtml(join(LAYOUT, 'pdf', `${name}.pdf`), bookDir, { bookId: name, config });
            if (status.state !== 'ok') throw new Error(`${name}: ${Object.values(status.stages).map((st) => st.error?.message).join(' ')}`);
            const html = readFileSync(join(bookDir, 'book.html'), 'utf8');
            const truth = readFileSync(join(LAYOUT, 'truth', `${name}.txt`), 'utf8');
            const s = orderScores(truth, html);
            const c = captionPlacement(truth, html);
            for (const k of Object.keys(captions) as Array<keyof CaptionPlacement>) captions[k] += c[k];
            const nt = notePlacement(truth, html);
            for (const k of Object.keys(notes) as Array<keyof NotePlacement>) notes[k] += nt[k];
            const k = orderScores(truth, await keptText(bookDir, config));
            keptF1s.push(k.gram8.f1);
            // Blocks (paragraphs, items, rows, headings, captions, notes) beside the truth's, one per line.
            const blocks = htmlBlocks(html).filter((b) => !['header', 'footer', 'page-number'].includes(b.role ?? '')).length;
            const truthBlocks = truth.split('\n').filter((l) => l.trim()).length;
            const p = poppler.get(name);
            const target = p ? Math.min(0.97, Math.max(p.plain, p.raw) + 0.03) : undefined;
            if (target !== undefined && s.gram8.f1 >= target) met++;
            f1s.push(s.gram8.f1);
            out[name] =
              `8-gram F1 ${s.gram8.f1.toFixed(3)} (pdftotext ${p ? `${p.plain.toFixed(3)} / -raw ${p.raw.toFixed(3)}` : '?'}; target ${target?.toFixed(3) ?? '?'})` +
              `, word recall ${s.words.recall.toFixed(3)} (target 0.98), blocks ${blocks} (truth ${truthBlocks})` +
              `; text kept by the filter stage: 8-gram F1 ${k.gram8.f1.toFixed(3)}, word recall ${k.words.recall.toFixed(3)}` +
              (c.truth ? `; captions held by their figure or table ${c.held} of the truth's ${c.truth} (apart ${c.apart}, in body text ${c.body}, missing ${c.missing})` : '') +
              (nt.truth ? `; notes placed after the truth's block ${nt.placed} of ${nt.truth} (elsewhere ${nt.elsewhere}, not marked as notes ${nt.unmarked}, missing or cut ${nt.missing})` : '');
          }
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
        const popMean = names.reduce((a, n) => a + Math.max(poppler.get(n)?.plain ?? 0, poppler.get(n)?.raw ?? 0), 0) / names.length;
        out['mean 8-gram F1'] = `${(f1s.reduce((a, b) => a + b, 0) / f1s.length).toFixed(3)} (pdftotext best-of-two ${popMean.toFixed(3)}; target 0.85)`;
        out['documents at target'] = `${met} of ${names.length}`;
        // The truth's captions include some the PDF never prints (ma32009's web apps): "in body text" counts those too.
        out['captions held by their figure or table'] =
          `${captions.held} of the truth's ${captions.truth} (a caption paragraph of its own ${captions.apart}, in body text ${captions.body}, missing ${captions.missing})`;
        out['notes (margin notes, footnotes) placed right after the truth\'s block'] =
          `${notes.placed} of the truth's ${notes.truth} (after another block ${notes.elsewhere}, not marked as notes ${notes.unmarked}, missing or cut into pieces ${notes.missing})`;
        out['mean 8-gram F1 of the text the filter stage keeps'] = (keptF1s.reduce((a, b) => a + b, 0) / keptF1s.length).toFixed(3);
        out['wall ratio stage/bare (median)'] = Number((median(stage.map((r) => r.wallMs)) / median(bare.map((r) => r.wallMs))).toFixed(2));
        out['cpu ratio stage/bare (median)'] = Number((median(stage.map((r) => r.cpuMs)) / median(bare.map((r) => r.cpuMs))).toFixed(2));
        // As many runs with OCR off, timed here, outside the harness' own pair.
        for (let i = 0; i < stage.length; i++) noOcr.push(await runChild('stage-no-ocr', pdfs));
        out['wall ratio stage with ocr off/bare (median)'] = Number((median(noOcr.map((r) => r.wallMs)) / median(bare.map((r) => r.wallMs))).toFixed(2));
        out['cpu ratio stage with ocr off/bare (median)'] = Number((median(noOcr.map((r) => r.cpuMs)) / median(bare.map((r) => r.cpuMs))).toFixed(2));
        out['peak RSS MB stage with ocr off'] = Math.round(Math.max(...noOcr.map((r) => r.peakRssMb)));
        out['peak RSS MB stage / bare'] = `${Math.round(Math.max(...stage.map((r) => r.peakRssMb)))} / ${Math.round(Math.max(...bare.map((r) => r.peakRssMb)))}`;
        return out;
      },
    },
  ];
}

if (process.argv[2] === '--layout-child') {
  const [mode, ...files] = process.argv.slice(3);
  let pages = 0;
  if (mode === 'stage' || mode === 'stage-no-ocr') {
    const dir = mkdtempSync(join(tmpdir(), 'bench-layout-child-'));
    const config = parseCorpusConfig(mode === 'stage' ? {} : { ocr: 'off' });
    for (const f of files) {
      const r = await pdfToHtml(f, join(dir, String(pages)), { bookId: 'bench', config });
      pages += r.status.counts.pages ?? 0;
    }
    rmSync(dir, { recursive: true, force: true });
  } else {
    for (const f of files) pages += await bareParse(new Uint8Array(readFileSync(f)));
  }
  // Since the process started: module loading is part of what a stage costs.
  const c = process.cpuUsage();
  const result = { cpuMs: (c.user + c.system) / 1000, peakRssMb: process.resourceUsage().maxRSS / 1024, pages };
  process.stdout.write(JSON.stringify(result));
}
