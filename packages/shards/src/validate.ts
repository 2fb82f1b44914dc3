import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BOS_ID, EOS_ID, IMAGE_ID, ENDOFCHUNK_ID, IMAGE, encodeWithSpecials } from '@mtb/core';
import { readIndex } from './index-file.js';
import { verifyShard } from './verify.js';
import { readShardRows } from './reader.js';
import { DATASET_INFO_FILE, STATE_FILE } from './hf-files.js';
import { HF_FEATURES } from './schema.js';

export interface ValidationReport { rows: number; shards: number; problems: string[] }

/**
 * Every invariant of a shard folder: index, checksums, HF files, and per row
 * ids unique, counts consistent, BOS/EOS framing, one `<image>` id per image,
 * and (with `retokenize`) input_ids equal to a fresh tokenization of text.
 * Stops listing after `maxProblems`.
 */
export async function validateShardDir(dir: string, opts: { retokenize?: boolean; maxTokens?: number; maxProblems?: number } = {}): Promise<ValidationReport> {
  const problems: string[] = [];
  const max = opts.maxProblems ?? 50;
  const problem = (msg: string): void => { if (problems.length < max) problems.push(msg); };
  const index = readIndex(dir);
  for (const [file, check] of [[STATE_FILE, (v: { _data_files?: Array<{ filename: string }> }) => {
    const listed = (v._data_files ?? []).map((f) => f.filename).join(',');
    if (listed !== index.shards.map((s) => s.file).join(',')) problem(`${join(dir, STATE_FILE)}: _data_files (${listed}) differ from index.json's shards`);
  }], [DATASET_INFO_FILE, (v: { features?: unknown }) => {
    if (JSON.stringify(v.features) !== JSON.stringify(HF_FEATURES)) problem(`${join(dir, DATASET_INFO_FILE)}: features differ from the shard schema's`);
  }]] as const) {
    const path = join(dir, file);
    if (!existsSync(path)) { problem(`${path} is missing (HuggingFace load_from_disk needs it)`); continue; }
    try { (check as (v: unknown) => void)(JSON.parse(readFileSync(path, 'utf8'))); } catch (err) { problem(`${path}: ${(err as Error).message}`); }
  }
  const ids = new Set<string>();
  let rows = 0;
  for (const entry of index.shards) {
    try {
      await verifyShard(dir, entry);
    } catch (err) {
      problem((err as Error).message);
      continue;
    }
    const file = join(dir, entry.file);
    let n = 0;
    for await (const row of readShardRows(file)) {
      const where = `${entry.file} row ${n} (${row.id})`;
      n++;
      if (ids.has(row.id)) problem(`${where}: duplicate id`);
      ids.add(row.id);
      const t = row.input_ids;
      if (row.num_tokens !== t.length) problem(`${where}: num_tokens ${row.num_tokens} != ${t.length} input_ids`);
      if (t[0] !== BOS_ID || t[t.length - 1] !== EOS_ID) problem(`${where}: input_ids not framed by BOS and EOS`);
      if (opts.maxTokens && t.length > opts.maxTokens) problem(`${where}: ${t.length} tokens > maxTokens ${opts.maxTokens}`);
      let imageIds = 0;
      let chunkIds = 0;
      for (const id of t) { if (id === IMAGE_ID) imageIds++; else if (id === ENDOFCHUNK_ID) chunkIds++; }
      const markers = row.text.split(IMAGE).length - 1;
      if (row.num_images !== row.images.length || imageIds !== row.images.length || markers !== row.images.length) {
        problem(`${where}: num_images ${row.num_images}, images ${row.images.length}, <image> ids ${imageIds}, <image> markers ${markers} disagree`);
      }
      if (chunkIds < 1) problem(`${where}: no <|endofchunk|>`);
      row.images.forEach((img, k) => { if (img.bytes.byteLength === 0) problem(`${where}: image ${k} (${img.path}) has no bytes`); });
      if (opts.retokenize) {
        const fresh = encodeWithSpecials(row.text);
        if (fresh.length !== t.length || fresh.some((id, k) => id !== t[k])) problem(`${where}: input_ids differ from a fresh tokenization of text`);
      }
    }
    if (n !== entry.rows) problem(`${file}: ${n} rows but index.json says ${entry.rows}`);
    rows += n;
  }
  return { rows, shards: index.shards.length, problems };
}
