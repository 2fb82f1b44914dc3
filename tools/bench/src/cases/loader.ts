import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { encodeWithSpecials, ENDOFCHUNK, IMAGE, reencodeImage } from '@mtb/core';
import { ShardStream, preprocessImage, IMAGE_FLOATS } from '@mtb/shard-stream';
import type { BenchCase } from '../types.js';

/**
 * The training loader (DESIGN.md 7: at least 200 samples/s per core with image
 * decode and preprocessing). It streams MTB + PMC-OA shards mixed 1:1 through
 * 1 and 2 worker threads; the baseline is the bare per-image work (sharp decode,
 * bicubic resize, crop, normalize) of the same images on one thread, no loader.
 * MTB rows come from datasets/sample/shards/train when it exists. Otherwise rows
 * are written here with real figures: the images of three open-licence PDFs of the
 * shared corpus (extracted with poppler's pdfimages, re-encoded as the shards
 * store them, at most 512 px on the shorter side); without pdfimages, generated
 * photo-like JPEGs (harder to decode than most real figures).
 */
const CORPUS_PDFS = ['pdkids.pdf', 'clinical-science-ace.pdf', 'peerj-bioinformatics.pdf'].map((f) => join('..', 'shared', 'corpus', 'pdf', f));
const SAMPLE_SHARDS = 'datasets/sample/shards/train';
const BATCH = 8;

let fixture: Promise<{ root: string; mtb: string; pmc: string; images: Uint8Array[]; mtbKind: string }> | null = null;

async function photo(i: number): Promise<Uint8Array> {
  // Blurred noise compresses like a photograph at q90 (~60-90 KB at 512 x 680).
  const buf = await sharp({ create: { width: 512, height: 640 + (i % 5) * 40, channels: 3, background: { r: 0, g: 0, b: 0 }, noise: { type: 'gaussian', mean: 120 + (i % 40), sigma: 60 } } })
    .blur(1.5).jpeg({ quality: 90 }).toBuffer();
  return new Uint8Array(buf);
}

/** Real figures from the corpus PDFs, re-encoded like shard images; [] when pdfimages is missing. */
async function corpusFigures(root: string): Promise<Uint8Array[]> {
  const out = join(root, 'figures');
  mkdirSync(out, { recursive: true });
  const figures: Uint8Array[] = [];
  for (const [i, pdf] of CORPUS_PDFS.entries()) {
    if (!existsSync(pdf)) continue;
    const r = spawnSync('pdfimages', ['-png', pdf, join(out, `f${i}`)], { stdio: 'ignore' });
    if (r.error || r.status !== 0) return [];
  }
  for (const file of readdirSync(out).sort()) {
    const bytes = readFileSync(join(out, file));
    const meta = await sharp(bytes).metadata();
    // The filter stage drops images under 100 px and thin strips; so do we.
    if (Math.min(meta.width ?? 0, meta.height ?? 0) < 100) continue;
    figures.push((await reencodeImage(new Uint8Array(bytes), { maxSide: 512 })).bytes);
  }
  return figures;
}

async function writeRows(dir: string, rows: number, source: 'mtb' | 'pmc-oa', imagesFor: (i: number) => number, pool: Uint8Array[]): Promise<void> {
  // Loaded here, not at the top, so that the harness lists this module even where @mtb/shards fails to load.
  const { ShardWriter } = await import('@mtb/shards');
  const writer = new ShardWriter(dir, { maxShardBytes: 8 * 1024 * 1024 });
  for (let i = 0; i < rows; i++) {
    const n = imagesFor(i);
    const images = await Promise.all(Array.from({ length: n }, (_, k) => (pool.length ? pool[(i * 7 + k + (source === 'mtb' ? 0 : 3)) % pool.length]! : photo(i * 10 + k))));
    const text = source === 'pmc-oa'
      ? `${IMAGE}Axial computed tomography of the abdomen showing a hypodense lesion (arrow), case ${i}.${ENDOFCHUNK}`
      : `The portal vein forms behind the neck of the pancreas. ${images.map((_, k) => `${IMAGE}Figure ${i}.${k + 1}: hepatic segments in a cadaveric specimen.${ENDOFCHUNK}`).join('')}`;
    const ids = encodeWithSpecials(text);
    await writer.write({
      id: `${source}-${i}`, source, book_id: `b${Math.floor(i / 20)}`, text,
      images: images.map((bytes, k) => ({ bytes, path: `b/p1-${k + 1}.jpg` })),
      input_ids: Int32Array.from(ids), num_tokens: ids.length, num_images: n, pages: [1],
    });
  }
  await writer.close();
}

async function build(quick: boolean): Promise<{ root: string; mtb: string; pmc: string; images: Uint8Array[]; mtbKind: string }> {
  const root = mkdtempSync(join(tmpdir(), 'bench-loader-'));
  process.once('exit', () => rmSync(root, { recursive: true, force: true }));
  const rows = quick ? 80 : 300;
  const pool = await corpusFigures(root);
  const kind = pool.length ? `${pool.length} real figures from ${CORPUS_PDFS.length} corpus PDFs` : 'generated photo-like JPEGs';
  let mtb = SAMPLE_SHARDS;
  let mtbKind = `sample shards (${SAMPLE_SHARDS})`;
  if (!existsSync(join(SAMPLE_SHARDS, 'index.json'))) {
    mtb = join(root, 'mtb');
    // 1,1,1,2,2,3 images: 1.67 per segment; the paper's 0.8M images over >= 570K segments is about 1.4.
    await writeRows(mtb, rows, 'mtb', (i) => [1, 1, 1, 2, 2, 3][i % 6]!, pool);
    mtbKind = `written here: ${kind}`;
  }
  const pmc = join(root, 'pmc');
  await writeRows(pmc, rows, 'pmc-oa', () => 1, pool);
  mtbKind += `; PMC-OA rows: ${kind}`;
  // The baseline's images: the first ones of each folder, as many as a timed run decodes.
  const { readShardRows } = await import('@mtb/shards');
  const images: Uint8Array[] = [];
  for (const dir of [mtb, pmc]) {
    const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as { shards: { file: string }[] };
    for await (const row of readShardRows(join(dir, index.shards[0]!.file))) {
      for (const img of row.images) images.push(img.bytes.slice());
      if (images.length >= 200) break;
    }
  }
  return { root, mtb, pmc, images, mtbKind };
}

/** CPU seconds of this process's main thread (Linux /proc), null elsewhere. */
function mainThreadCpu(): number | null {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime, in clock ticks (USER_HZ, 100 on Linux).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

export async function cases(opts: { quick: boolean }): Promise<BenchCase[]> {
  const batches = opts.quick ? 8 : 32;
  const samples = batches * BATCH;
  return [1, 2].map((workers): BenchCase => {
    let stream: ShardStream | null = null;
    let imagesPerSample = 0;
    let drawn = 0;
    let imagesDrawn = 0;
    // As a training step does once its input tensor is built: the pixels go back for reuse.
    const draw = async (n: number, release = true): Promise<void> => {
      for (let i = 0; i < n; i++) {
        const b = await stream!.next();
        drawn += b.batchSize;
        imagesDrawn += b.imageMask.reduce((a, v) => a + v, 0);
        if (release) stream!.release(b);
      }
    };
    /** Samples per CPU-second of the whole process over n batches, and the main thread's share of that CPU. */
    const perCpuSecond = async (n: number, release: boolean): Promise<{ rate: number; wallRate: number; imagesRate: number; mainShare: number | null }> => {
      // From one idle point to the next (prefetch queue full and assembled), so the
      // CPU counted is exactly that of the n batches handed out.
      await stream!.whenPrefetched();
      const drawn0 = drawn;
      const images0 = imagesDrawn;
      const main0 = mainThreadCpu();
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      await draw(n, release);
      await stream!.whenPrefetched();
      const seconds = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      const main1 = mainThreadCpu();
      const cpuSeconds = (cpu.user + cpu.system) / 1e6;
      return {
        rate: (drawn - drawn0) / cpuSeconds,
        wallRate: (drawn - drawn0) / seconds,
        imagesRate: (imagesDrawn - images0) / cpuSeconds,
        mainShare: main0 !== null && main1 !== null ? (main1 - main0) / cpuSeconds : null,
      };
    };
    return {
      name: `loader-${workers}-worker${workers > 1 ? 's' : ''}`,
      description: `shard-stream: MTB + PMC-OA mixed 1:1, batch ${BATCH}, decode + CLIP preprocess on ${workers} worker thread(s), each batch released after use (baseline: the bare sharp preprocessing of as many images on one thread)`,
      work: { unit: 'samples', amount: samples },
      repetitions: opts.quick ? 2 : 5,
      async setup() {
        fixture ??= build(opts.quick);
        const f = await fixture;
        stream = await ShardStream.open({ sources: [f.mtb, f.pmc], batchSize: BATCH, workers, seed: 1 });
        // Warm-up; its mix of 1-image and multi-image rows sets the baseline's image count.
        await draw(8);
        imagesPerSample = imagesDrawn / drawn;
      },
      ours: () => draw(batches),
      baseline: {
        name: 'bare preprocessing, 1 thread',
        async run() {
          const f = await fixture!;
          await stream!.whenPrefetched();
          const out = new Float32Array(IMAGE_FLOATS);
          const n = Math.round(samples * imagesPerSample);
          for (let i = 0; i < n; i++) await preprocessImage(f.images[i % f.images.length]!, out);
        },
      },
      async extras() {
        // Per core = samples per CPU-second of the whole process (main thread, workers,
        // libvips and libuv threads: process.cpuUsage is getrusage(RUSAGE_SELF)). On a
        // shared machine wall time also counts other processes' turns; CPU time does not.
        // Long run with release (as the trainer should), then a shorter one without.
        const longBatches = opts.quick ? 20 : 120;
        const checkpoints = 4;
        const rss: number[] = [];
        const heap: number[] = [];
        const released = { drawn: 0, cpu: 0, wall: 0, images: 0, main: 0 };
        const bare = { drawn: 0, cpu: 0 };
        let bareAt = 0;
        for (let k = 0; k < checkpoints; k++) {
          const r = await perCpuSecond(longBatches / checkpoints, true);
          const n = (longBatches / checkpoints) * BATCH;
          released.drawn += n;
          released.cpu += n / r.rate;
          released.wall += n / r.wallRate;
          released.images += r.imagesRate * (n / r.rate);
          released.main += (r.mainShare ?? 0) * (n / r.rate);
          rss.push(Math.round(process.memoryUsage().rss / 2 ** 20));
          heap.push(Math.round(process.memoryUsage().heapUsed / 2 ** 20));
          // The floor at the same moment: the bare transform of as many images, CPU-timed
          // the same way, so load from other jobs hits both figures alike.
          const f = await fixture!;
          await stream!.whenPrefetched();
          const images = Math.round(r.imagesRate * (n / r.rate));
          const cpu0 = process.cpuUsage();
          // As many images at a time as there are workers: on a small shared machine two
          // decodes at once cost more CPU each than one, for the loader and the floor alike.
          await Promise.all(Array.from({ length: workers }, async (_, lane) => {
            const out = new Float32Array(IMAGE_FLOATS);
            for (let i = lane; i < images; i += workers) await preprocessImage(f.images[(bareAt + i) % f.images.length]!, out);
          }));
          bareAt += images;
          const cpu = process.cpuUsage(cpu0);
          bare.drawn += n;
          bare.cpu += (cpu.user + cpu.system) / 1e6;
        }
        const plain = await perCpuSecond(opts.quick ? 10 : 40, false);
        const report = stream!.report();
        return {
          mtbRows: (await fixture!).mtbKind,
          imagesPerSample: Number((released.images / released.drawn).toFixed(2)),
          samplesPerCpuSecond: Number((released.drawn / released.cpu).toFixed(1)),
          imagesPerCpuSecond: Number((released.images / released.cpu).toFixed(1)),
          samplesPerCpuSecondWithoutRelease: Number(plain.rate.toFixed(1)),
          // Bare decode + preprocess of as many images, `workers` at a time, measured between the loader's quarters.
          bareSamplesPerCpuSecond: Number((bare.drawn / bare.cpu).toFixed(1)),
          loaderCpuVsBare: Number(((released.cpu / released.drawn) / (bare.cpu / bare.drawn)).toFixed(2)),
          samplesPerSecond: Number((released.drawn / released.wall).toFixed(1)),
          cpuCoresBusy: Number((released.cpu / released.wall).toFixed(2)),
          mainThreadCpuShare: mainThreadCpu() === null ? 'n/a (no /proc)' : Number((released.main / released.cpu).toFixed(2)),
          longRunSamples: released.drawn,
          // Flat memory: RSS and heap after each quarter of the long run.
          rssMB: rss.join(' -> '),
          heapUsedMB: heap.join(' -> '),
          realizedShares: report.sources.map((s) => `${s.name} ${(100 * s.share).toFixed(1)}%`).join(', '),
        };
      },
      async teardown() {
        await stream?.close();
        stream = null;
        if (workers === 2 && fixture) {
          const f = await fixture;
          rmSync(f.root, { recursive: true, force: true });
          fixture = null;
        }
      },
    };
  });
}
