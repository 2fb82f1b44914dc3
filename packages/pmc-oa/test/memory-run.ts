/**
 * Child process for the constant-memory check (unit test: a few thousand rows;
 * bench: 100,000). Two commands, so the fixture is built in another process than
 * the one measured:
 *   node --import tsx memory-run.ts make <dir> <rows> [imageSide]
 *   node --expose-gc --import tsx memory-run.ts run <dir> [passes]
 * `run` converts <dir>/pmc_oa.jsonl + <dir>/images.zip and prints one JSON line:
 * RSS and retained heap (after a forced GC) sampled every 2% of the lines of
 * the last pass. Earlier passes are warm-up: the first few thousand distinct
 * captions grow V8's string table and code (measured: +8 MB over the first
 * 8,000 rows, flat after), which a short run would mistake for a leak.
 */
import { createWriteStream, mkdirSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import yazl from 'yazl';
import { loadRocoPairs, makeJpeg } from './fixtures.js';

const PREFIX = 'caption_T060_filtered_top4_sep_v0_subfigures/';

async function make(dir: string, rows: number, side: number): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const captions = [...loadRocoPairs('radiology'), ...loadRocoPairs('non-radiology')].map((p) => p.caption.trim()).filter(Boolean);
  const pool = await Promise.all(Array.from({ length: 64 }, (_, i) => makeJpeg(i, side + (i % 8) * 4, side + (i % 5) * 4)));
  const jsonl = createWriteStream(join(dir, 'pmc_oa.jsonl'));
  const zip = new yazl.ZipFile();
  const zipDone = new Promise<void>((resolve, reject) => {
    const out = createWriteStream(join(dir, 'images.zip'));
    zip.outputStream.pipe(out).on('finish', resolve).on('error', reject);
  });
  for (let i = 0; i < rows; i++) {
    const image = `PMC${1_000_000 + Math.floor(i / 3)}_Fig${i % 3}_${i}.jpg`;
    zip.addBuffer(pool[i % pool.length]!, PREFIX + image, { compress: false, mtime: new Date(0) });
    const line = JSON.stringify({ image, caption: captions[i % captions.length], alignment_type: 'subfigure', alignment_score: 0.9 }) + '\n';
    if (!jsonl.write(line)) await once(jsonl, 'drain');
  }
  zip.end();
  jsonl.end();
  await Promise.all([zipDone, once(jsonl, 'finish')]);
}

interface Sample {
  lines: number;
  rssMB: number;
  retainedMB: number;
}

async function run(dir: string, passes: number): Promise<void> {
  const { convertPmcOa } = await import('../src/convert.js');
  const { setLogLevel } = await import('@mtb/core');
  setLogLevel('warn');
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc');
  const out = join(dir, 'out');
  rmSync(out, { recursive: true, force: true });
  for (let p = 1; p < passes; p++) {
    await convertPmcOa({ input: join(dir, 'pmc_oa.jsonl'), images: join(dir, 'images.zip'), out: join(dir, `warm-up-${p}`), quiet: true });
  }
  const samples: Sample[] = [];
  let next = 0;
  const sample = (lines: number): void => {
    gc();
    const m = process.memoryUsage();
    samples.push({ lines, rssMB: m.rss / 2 ** 20, retainedMB: (m.heapUsed + m.arrayBuffers) / 2 ** 20 });
  };
  const t0 = performance.now();
  const report = await convertPmcOa({
    input: join(dir, 'pmc_oa.jsonl'),
    images: join(dir, 'images.zip'),
    out,
    quiet: true,
    onProgress(done, total) {
      if (done >= next) {
        sample(done);
        next = done + Math.max(1, Math.floor(total / 50));
      }
    },
  });
  const ms = performance.now() - t0;
  sample(report.rows.read);
  let peakRss = 0;
  for (const s of samples) peakRss = Math.max(peakRss, s.rssMB);
  process.stdout.write(JSON.stringify({ rows: report.rows, ms, peakRssMB: peakRss, maxRssMB: process.resourceUsage().maxRSS / 1024, samples }) + '\n');
}

const [cmd, dir, a, b] = process.argv.slice(2);
if (cmd === 'make' && dir && a) await make(dir, Number(a), Number(b ?? 32));
else if (cmd === 'run' && dir) await run(dir, Number(a ?? 1));
else {
  process.stderr.write('usage: memory-run.ts make <dir> <rows> [imageSide] | run <dir> [passes]\n');
  process.exitCode = 2;
}
