import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { reencodeImage, setLogLevel } from '@mtb/core';
import { convertPmcOa, mapOrdered, ZipImageSource, readJsonlLines, parsePairLine, type PmcOaReport } from '@mtb/pmc-oa';
import type { BenchCase } from '../types.js';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../../../..');
/** The child that builds a PMC-OA-shaped fixture and measures a run's memory (shared with the unit test). */
const MEMORY_RUN = join(ROOT, 'packages/pmc-oa/test/memory-run.ts');

function child(args: string[], gc = false): string {
  return execFileSync(process.execPath, [...(gc ? ['--expose-gc'] : []), '--import', 'tsx', MEMORY_RUN, ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20 });
}

interface MemoryResult {
  rows: PmcOaReport['rows'];
  ms: number;
  peakRssMB: number;
  maxRssMB: number;
  samples: Array<{ lines: number; rssMB: number; retainedMB: number }>;
}

/** Mean of the samples between two fractions of the run (by position). */
function window(samples: MemoryResult['samples'], from: number, to: number, key: 'rssMB' | 'retainedMB'): number {
  const part = samples.slice(Math.floor(samples.length * from), Math.max(Math.floor(samples.length * from) + 1, Math.floor(samples.length * to)));
  return part.reduce((a, s) => a + s[key], 0) / part.length;
}

/**
 * PMC-OA ingestion: jsonl + images.zip -> paired shards, images re-encoded.
 * 1. Throughput (pairs/s, and per core) on PMC-sized figures (256-540 px), against
 *    the floor: re-encoding the same image bytes alone at the same concurrency.
 * 2. Memory over a 100,000-row run (20,000 with --quick) of small images:
 *    RSS and retained heap early vs late must stay flat.
 */
export async function cases(opts: { quick: boolean }): Promise<BenchCase[]> {
  const cores = availableParallelism();
  const concurrency = Math.max(4, 2 * cores);
  const pairs = opts.quick ? 1_000 : 4_000;
  const memRows = opts.quick ? 20_000 : 100_000;
  let dir = '';
  let memDir = '';
  let report: PmcOaReport | undefined;
  let images: Uint8Array[] = [];
  let lastMs = 0;
  let mem: MemoryResult | undefined;

  const throughput: BenchCase = {
    name: 'pmc-oa-pairs',
    description: `PMC-OA jsonl + images.zip -> shards, ${pairs} pairs of 256-540 px JPEGs, concurrency ${concurrency} (baseline: re-encoding the same images alone)`,
    work: { unit: 'pairs', amount: pairs },
    repetitions: opts.quick ? 2 : 3,
    async setup() {
      setLogLevel('warn');
      dir = mkdtempSync(join(tmpdir(), 'bench-pmc-oa-'));
      child(['make', dir, String(pairs), '256']);
      // The baseline's input: the same bytes, read once up front.
      const zip = await ZipImageSource.open(join(dir, 'images.zip'));
      for await (const l of readJsonlLines(join(dir, 'pmc_oa.jsonl'))) {
        if (!('text' in l)) continue;
        const p = parsePairLine(l.text);
        if (!p.ok) continue;
        const img = await zip.read(p.value.image);
        if (img.ok) images.push(img.value);
      }
      await zip.close();
    },
    async ours() {
      const t0 = performance.now();
      report = await convertPmcOa({ input: join(dir, 'pmc_oa.jsonl'), images: join(dir, 'images.zip'), out: join(dir, 'out'), quiet: true, concurrency });
      lastMs = performance.now() - t0;
    },
    baseline: {
      name: 're-encode only',
      async run() {
        for await (const _ of mapOrdered(images, (b) => reencodeImage(b), concurrency));
      },
    },
    async extras() {
      return {
        cores,
        pairsPerSecPerCore: +((report?.rows.written ?? 0) / (lastMs / 1000) / cores).toFixed(1),
        written: report?.rows.written ?? 0,
        rejected: report?.rows.rejected ?? 0,
      };
    },
    async teardown() {
      images = [];
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };

  const memory: BenchCase = {
    name: 'pmc-oa-memory',
    description: `constant memory: ${memRows.toLocaleString('en')}-row pmc_oa.jsonl + images.zip of small images, RSS and retained heap sampled every 2% (child process)`,
    work: { unit: 'pairs', amount: memRows },
    repetitions: 1,
    async setup() {
      memDir = mkdtempSync(join(tmpdir(), 'bench-pmc-oa-mem-'));
      child(['make', memDir, String(memRows), '32']);
    },
    async ours() {
      mem = JSON.parse(child(['run', memDir], true).trim().split('\n').pop()!) as MemoryResult;
    },
    async extras(): Promise<Record<string, number | string>> {
      if (!mem) return {};
      const s = mem.samples;
      return {
        rssEarlyMB: +window(s, 0.1, 0.3, 'rssMB').toFixed(1),
        rssLateMB: +window(s, 0.8, 1, 'rssMB').toFixed(1),
        retainedEarlyMB: +window(s, 0.1, 0.3, 'retainedMB').toFixed(1),
        retainedLateMB: +window(s, 0.8, 1, 'retainedMB').toFixed(1),
        peakRssMB: +mem.maxRssMB.toFixed(1),
        pairsPerSecPerCore: +(mem.rows.written / (mem.ms / 1000) / cores).toFixed(1),
        written: mem.rows.written,
        zipBytes: readFileSync(join(memDir, 'images.zip')).length,
      };
    },
    async teardown() {
      if (memDir) rmSync(memDir, { recursive: true, force: true });
    },
  };
  return [throughput, memory];
}
