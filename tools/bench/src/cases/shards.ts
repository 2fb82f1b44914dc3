import { mkdtempSync, rmSync, readFileSync, openSync, writeSync, closeSync, fsyncSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { clearTokenCache, encodePlain, encodeWithSpecials, neutralizeSpecialMarkers } from '@mtb/core';
import type { NodeRow } from '@mtb/image-tokens';
import { segmentBook } from '@mtb/segment';
import { ShardWriter, type ShardRow } from '@mtb/shards';
import type { BenchCase } from '../types.js';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../../../..');
const CAPTIONS = resolve(ROOT, '../shared/corpus/captions/roco-validation-radiology-captions.tsv');

/** A textbook-shaped node stream from real ROCO captions: paragraphs of 1-8 captions, a figure every 5 nodes. */
function book(copies: number): NodeRow[] {
  const captions = readFileSync(CAPTIONS, 'utf8').split('\n').map((l) => l.split('\t')[1]?.trim() ?? '').filter(Boolean);
  const nodes: NodeRow[] = [];
  let c = 0;
  for (let seq = 0; c < captions.length * copies; seq++) {
    const page = 1 + Math.floor(seq / 8);
    if (seq % 5 === 4) {
      nodes.push({ seq, page, kind: 'image', role: 'body', text: '', image_path: `bench/p${page}-${seq}.jpg`, width: 512, height: 384, image_bytes: new Uint8Array(40_000), num_tokens: 0, level: 0, figure: 0, ocr: false });
      continue;
    }
    const n = 1 + (seq % 8);
    const parts: string[] = [];
    for (let k = 0; k < n; k++, c++) parts.push(captions[c % captions.length]!);
    const text = neutralizeSpecialMarkers(parts.join(' ').replace(/\s+/g, ' '));
    nodes.push({ seq, page, kind: 'text', role: 'body', text, image_path: null, width: 0, height: 0, image_bytes: null, num_tokens: encodePlain(text).length, level: 0, figure: 0, ocr: false });
  }
  return nodes;
}

export async function cases(opts: { quick: boolean }): Promise<BenchCase[]> {
  const limits = { minImages: 1, maxImages: 10, maxTokens: 1024 };
  // Inputs are built here, not in setup(), because the work amounts depend on them.
  const nodes: NodeRow[] = book(opts.quick ? 1 : 3);
  const rows: ShardRow[] = segmentBook('bench', nodes, limits, { drops: new Map(), wholeBook: false }).rows;
  const shardRows: ShardRow[] = [];
  for (let k = 0; k < (opts.quick ? 4 : 10); k++) for (const r of rows) shardRows.push({ ...r, id: `${r.id}#${k}` });
  const totalBytes = shardRows.reduce((n, r) => n + r.text.length + r.input_ids.byteLength + r.images.reduce((m, i) => m + i.bytes.byteLength, 0), 0);
  let dir = '';
  const segmentCase: BenchCase = {
    name: 'segments',
    description: 'segmentBook on a book of real ROCO caption text (1 figure per 5 nodes), maxTokens 1024 (baseline: tokenizing the resulting segment texts alone, the verification floor)',
    work: { unit: 'segments', amount: rows.length },
    repetitions: opts.quick ? 3 : 5,
    async ours() {
      clearTokenCache();
      segmentBook('bench', nodes, limits, { drops: new Map(), wholeBook: false });
    },
    baseline: {
      name: 'encodeWithSpecials(text) per segment',
      async run() {
        clearTokenCache();
        for (const r of rows) encodeWithSpecials(r.text);
      },
    },
    async extras() {
      const r = segmentBook('bench', nodes, limits, { drops: new Map(), wholeBook: false });
      return { nodes: nodes.length, segments: r.rows.length, keptTokenShare: +(r.counts['tokens.kept']! / r.counts['tokens.in']!).toFixed(4) };
    },
  };

  const writeCase: BenchCase = {
    name: 'shard-write',
    description: 'ShardWriter: segment rows with 40 KB images into 64 MB uncompressed Arrow stream shards, sha256 and fsync included (baseline: writing the same payload bytes raw, fsync included)',
    work: { unit: 'MB', amount: totalBytes / 1e6 },
    repetitions: opts.quick ? 3 : 5,
    async setup() {
      dir = mkdtempSync(join(tmpdir(), 'bench-shards-'));
    },
    async ours() {
      const w = new ShardWriter(join(dir, 'out'), { maxShardBytes: 64 * 1024 * 1024 });
      for (const r of shardRows) await w.write(r);
      await w.close();
    },
    baseline: {
      name: 'raw payload write',
      async run() {
        const fd = openSync(join(dir, 'raw.bin'), 'w');
        for (const r of shardRows) {
          for (const i of r.images) writeSync(fd, i.bytes);
          writeSync(fd, new Uint8Array(r.input_ids.buffer, r.input_ids.byteOffset, r.input_ids.byteLength));
          writeSync(fd, r.text);
        }
        fsyncSync(fd);
        closeSync(fd);
      },
    },
    async extras() {
      return { rows: shardRows.length, payloadMB: +(totalBytes / 1e6).toFixed(1) };
    },
    async teardown() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return [segmentCase, writeCase];
}
