import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import yazl from 'yazl';

/** The shared development corpus (../shared from the repo root): real ROCO captions. */
export const CAPTIONS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../shared/corpus/captions');

export interface RocoPair {
  rocoId: string;
  /** PubMed Central image file name, "PMC4299014_sensors-14-22285f2.jpg". */
  image: string;
  caption: string;
  licence: string;
}

/** Real figure captions joined with their PMC image names (ROCO validation split). */
export function loadRocoPairs(kind: 'radiology' | 'non-radiology' = 'non-radiology'): RocoPair[] {
  const captions = new Map<string, string>();
  for (const line of readFileSync(join(CAPTIONS_DIR, `roco-validation-${kind}-captions.tsv`), 'utf8').split('\n')) {
    const tab = line.indexOf('\t');
    if (tab > 0) captions.set(line.slice(0, tab), line.slice(tab + 1));
  }
  const pairs: RocoPair[] = [];
  const lines = readFileSync(join(CAPTIONS_DIR, `roco-validation-${kind}-licences.csv`), 'utf8').split('\n').slice(1);
  for (const line of lines) {
    const [rocoId, image, ...rest] = line.trim().split(',');
    if (!rocoId || !image) continue;
    const caption = captions.get(rocoId);
    if (caption !== undefined) pairs.push({ rocoId, image, caption, licence: rest.join(',') });
  }
  return pairs;
}

/** A deterministic small generator, so fixtures are the same on every run. */
export function prng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

/** A small photo-like JPEG (smooth gradient plus noise: many colours, so it stays JPEG). */
export async function makeJpeg(seed: number, width = 48 + (seed % 5) * 16, height = 40 + (seed % 3) * 16): Promise<Buffer> {
  const rand = prng(seed + 1);
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      data[i] = (x * 255) / width + rand() * 40;
      data[i + 1] = (y * 255) / height + rand() * 40;
      data[i + 2] = ((seed * 37) % 200) + rand() * 50;
    }
  }
  return sharp(data, { raw: { width, height, channels: 3 } }).jpeg({ quality: 85 }).toBuffer();
}

/** A line-art PNG with few colours (stays PNG after re-encoding). */
export async function makeLineArtPng(width = 120, height = 90): Promise<Buffer> {
  const data = Buffer.alloc(width * height, 255);
  for (let x = 0; x < width; x++) data[Math.floor(height / 2) * width + x] = 0;
  for (let y = 0; y < height; y++) data[y * width + Math.floor(width / 3)] = 0;
  return sharp(data, { raw: { width, height, channels: 1 } }).png().toBuffer();
}

export interface ZipEntrySpec {
  name: string;
  data: Buffer;
  /** Deflate (default) or store. */
  compress?: boolean;
}

/**
 * Write a zip. yazl refuses escaping names, so an entry whose name escapes its
 * root (`../x`, `/x`) is added under a same-length placeholder and the bytes of
 * both headers are patched afterwards: the zip-slip archive an attacker would make.
 */
export async function writeZip(file: string, entries: ZipEntrySpec[]): Promise<void> {
  const zip = new yazl.ZipFile();
  const patches: Array<[Buffer, Buffer]> = [];
  entries.forEach((e, i) => {
    let name = e.name;
    if (name.startsWith('/') || /^[a-zA-Z]:/.test(name) || name.split('/').includes('..') || name.includes('\\')) {
      const placeholder = `z${String(i).padStart(name.length - 1, '0')}`.slice(0, name.length);
      patches.push([Buffer.from(placeholder), Buffer.from(name)]);
      name = placeholder;
    }
    zip.addBuffer(e.data, name, { compress: e.compress ?? true, mtime: new Date(0) });
  });
  zip.end();
  const chunks: Buffer[] = [];
  for await (const c of zip.outputStream as AsyncIterable<Buffer>) chunks.push(c);
  const buf = Buffer.concat(chunks);
  for (const [from, to] of patches) {
    for (let at = buf.indexOf(from); at !== -1; at = buf.indexOf(from, at + 1)) to.copy(buf, at);
  }
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, buf);
}

export function writeJsonl(file: string, rows: Array<object | string>): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, rows.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n') + '\n');
}

export interface FixtureRow {
  image: string;
  caption: string;
  pmcid: string;
}

export interface PmcOaFixture {
  /** Folder with the jsonl file(s). */
  input: string;
  zip: string;
  /** The same images unpacked, as PMC-OA's zip unpacks (with the image folder). */
  folder: string;
  /** Good rows per output split, in input order. */
  good: Record<'train' | 'eval' | 'test' | 'hash', FixtureRow[]>;
  /** Expected row rejections by reason. */
  rejected: Record<string, number>;
  /** Expected zip entry rejections by reason. */
  zipRejected: Record<string, number>;
  /** Physical lines over all jsonl files. */
  lines: number;
}

const IMAGE_PREFIX = 'caption_T060_filtered_top4_sep_v0_subfigures/';

/**
 * A PMC-OA-shaped fixture from real ROCO captions and PMC image names, with
 * generated images and one of every kind of bad row. `layout: 'public'` writes
 * train/valid/test.jsonl; `'single'` writes pmc_oa.jsonl.
 */
export async function buildPmcOaFixture(dir: string, opts: { layout: 'public' | 'single'; pairs?: number }): Promise<PmcOaFixture> {
  const n = opts.pairs ?? 60;
  const seenNames = new Set<string>();
  const roco = [...loadRocoPairs('radiology').slice(0, n), ...loadRocoPairs('non-radiology').slice(0, n)].filter((p) => {
    if (seenNames.has(p.image) || p.caption.trim() === '') return false;
    seenNames.add(p.image);
    return true;
  }).slice(0, n);
  const entries: ZipEntrySpec[] = [];
  const rows: Array<{ row: object | string; good: FixtureRow | null }> = [];
  for (const [i, p] of roco.entries()) {
    const data = i % 10 === 3 ? await makeLineArtPng(80 + i, 60 + i) : await makeJpeg(i);
    const image = i % 10 === 3 ? p.image.replace(/\.jpg$/, '.png') : p.image;
    entries.push({ name: IMAGE_PREFIX + image, data, compress: i % 2 === 0 });
    const pmcid = image.split('_')[0]!;
    const row = opts.layout === 'public' ? { image, caption: p.caption, pmcid, url_name: `${p.rocoId}.jpg` } : { image, caption: p.caption, alignment_type: 'subfigure', alignment_score: 0.9 };
    rows.push({ row, good: { image, caption: p.caption.replace(/\s+/g, ' ').trim(), pmcid } });
  }
  const jpg = await makeJpeg(999);
  const truncated = jpg.subarray(0, Math.floor(jpg.length / 2));
  entries.push({ name: `${IMAGE_PREFIX}PMC900001_truncated.jpg`, data: truncated, compress: false });
  entries.push({ name: `${IMAGE_PREFIX}PMC900002_text.jpg`, data: Buffer.from('this is not an image at all') });
  entries.push({ name: `${IMAGE_PREFIX}../PMC900003_slip.jpg`, data: jpg });
  entries.push({ name: `/PMC900004_abs.jpg`, data: jpg });
  const bad: Array<{ at: number; row: object | string; reason: string }> = [
    { at: 2, row: '{"image": "PMC900005_x.jpg", "caption": "cut', reason: 'malformed-json' },
    { at: 5, row: { image: 'PMC900006_x.jpg', caption: '   ' }, reason: 'empty-caption' },
    { at: 7, row: { image: 'PMC900007_missing.jpg', caption: 'An image nobody packed.' }, reason: 'missing-image' },
    { at: 9, row: { image: 'PMC900001_truncated.jpg', caption: 'A JPEG cut in half.' }, reason: 'undecodable-image' },
    { at: 11, row: { image: 'PMC900002_text.jpg', caption: 'Text bytes named .jpg.' }, reason: 'undecodable-image' },
    { at: 13, row: { image: '../PMC900003_slip.jpg', caption: 'Escapes the image root.' }, reason: 'unsafe-path' },
    { at: 15, row: { image: '/PMC900004_abs.jpg', caption: 'Absolute path.' }, reason: 'unsafe-path' },
    { at: 17, row: { image: 'PMC900003_slip.jpg', caption: 'Would match the zip-slip entry.' }, reason: 'missing-image' },
    { at: 19, row: [1, 2, 3], reason: 'invalid-row' },
    { at: 21, row: '', reason: 'blank' },
  ];
  // Duplicates of good rows: one near its original, one late (in another public file).
  bad.push({ at: 23, row: { ...(rows[1]!.row as object), caption: 'Second caption for the same image.' }, reason: 'duplicate-image' });
  bad.push({ at: rows.length - 1, row: rows[0]!.row, reason: 'duplicate-image' });
  const all = [...rows];
  for (const b of [...bad].sort((a, c) => c.at - a.at)) all.splice(b.at, 0, { row: b.row, good: null });

  const rejected: Record<string, number> = {};
  for (const b of bad) if (b.reason !== 'blank') rejected[b.reason] = (rejected[b.reason] ?? 0) + 1;
  const input = join(dir, 'meta');
  const good: PmcOaFixture['good'] = { train: [], eval: [], test: [], hash: [] };
  if (opts.layout === 'public') {
    const cut1 = Math.floor(all.length * 0.6);
    const cut2 = Math.floor(all.length * 0.8);
    const parts: Array<['train' | 'eval' | 'test', string, typeof all]> = [
      ['train', 'train.jsonl', all.slice(0, cut1)],
      ['eval', 'valid.jsonl', all.slice(cut1, cut2)],
      ['test', 'test.jsonl', all.slice(cut2)],
    ];
    for (const [split, file, part] of parts) {
      writeJsonl(join(input, file), part.map((r) => r.row));
      for (const r of part) if (r.good) good[split].push(r.good);
    }
  } else {
    writeJsonl(join(input, 'pmc_oa.jsonl'), all.map((r) => r.row));
    for (const r of all) if (r.good) good.hash.push(r.good);
  }
  const zip = join(dir, 'images.zip');
  await writeZip(zip, entries);
  const folder = join(dir, 'unpacked');
  for (const e of entries) {
    if (e.name.startsWith('/') || e.name.includes('..')) continue;
    mkdirSync(dirname(join(folder, e.name)), { recursive: true });
    writeFileSync(join(folder, e.name), e.data);
  }
  return { input, zip, folder, good, rejected, zipRejected: { 'zip-unsafe-entry': 2 }, lines: all.length };
}
