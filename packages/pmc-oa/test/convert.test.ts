import { mkdtempSync, rmSync, readFileSync, readdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import sharp from 'sharp';
import { BOS_ID, EOS_ID, IMAGE_ID, ENDOFCHUNK_ID, decode } from '@mtb/core';
import { readIndex, readShardRows, verifyShard, type ShardRow } from '@mtb/shards';
import { convertPmcOa, REPORT_FILE, REJECTED_FILE, type PmcOaOptions } from '../src/convert.js';
import { hashSplit } from '../src/split.js';
import { buildPmcOaFixture, type PmcOaFixture, type FixtureRow } from './fixtures.js';

let dir: string;
let pub: PmcOaFixture;
let single: PmcOaFixture;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pmc-convert-'));
  pub = await buildPmcOaFixture(join(dir, 'public'), { layout: 'public' });
  single = await buildPmcOaFixture(join(dir, 'single'), { layout: 'single', pairs: 40 });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const runs = new Map<string, string>();
/** Convert once per distinct option set (several tests read the same output). */
async function convertOnce(name: string, opts: Omit<PmcOaOptions, 'out'>): Promise<string> {
  const cached = runs.get(name);
  if (cached) return cached;
  const out = join(dir, 'out', name);
  await convertPmcOa({ ...opts, out, quiet: true });
  runs.set(name, out);
  return out;
}

async function rowsOf(splitDir: string): Promise<ShardRow[]> {
  const index = readIndex(splitDir);
  const rows: ShardRow[] = [];
  for (const s of index.shards) {
    await verifyShard(splitDir, s);
    for await (const r of readShardRows(join(splitDir, s.file))) rows.push(r);
  }
  expect(rows.length).toBe(index.totalRows);
  return rows;
}

/** Every file under a folder with the sha256 of its bytes, for byte-identity checks. */
function snapshot(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, rel: string): void => {
    for (const f of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (f.isDirectory()) walk(join(d, f.name), `${rel}${f.name}/`);
      else out[rel + f.name] = createHash('sha256').update(readFileSync(join(d, f.name))).digest('hex');
    }
  };
  walk(root, '');
  return out;
}

function expectPairRow(row: ShardRow, want: FixtureRow, maxSide = 512): void {
  expect(row.id).toBe(want.image);
  expect(row.source).toBe('pmc-oa');
  expect(row.book_id).toBe(want.pmcid);
  expect(row.text).toBe(`<image>${want.caption}<|endofchunk|>`);
  const ids: number[] = Array.from(row.input_ids as ArrayLike<number>);
  expect(ids[0]).toBe(BOS_ID);
  expect(ids[1]).toBe(IMAGE_ID);
  expect(ids.at(-2)).toBe(ENDOFCHUNK_ID);
  expect(ids.at(-1)).toBe(EOS_ID);
  expect(decode(ids)).toBe(row.text);
  expect(row.num_tokens).toBe(ids.length);
  expect(row.num_images).toBe(1);
  expect(row.images).toHaveLength(1);
  const stem = want.image.replace(/\.[a-z]+$/, '');
  expect(row.images[0]!.path).toMatch(new RegExp(`^${want.pmcid}/${stem.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(jpg|png)$`));
  expect(Array.from(row.pages)).toEqual([]);
}

describe('public split layout from images.zip', () => {
  it('writes train/eval/test in input order with every good pair and nothing else', async () => {
    const out = await convertOnce('public-zip', { input: pub.input, images: pub.zip });
    for (const split of ['train', 'eval', 'test'] as const) {
      const rows = await rowsOf(join(out, split));
      expect(rows.map((r) => r.id)).toEqual(pub.good[split].map((g) => g.image));
      rows.forEach((r, i) => expectPairRow(r, pub.good[split][i]!));
      expect(existsSync(join(out, split, 'state.json')) && existsSync(join(out, split, 'dataset_info.json'))).toBe(true);
    }
  });

  it('re-encodes images per DESIGN section 3 (decodable; line art stays PNG)', async () => {
    const out = await convertOnce('public-zip', { input: pub.input, images: pub.zip });
    const rows = await rowsOf(join(out, 'train'));
    for (const r of rows) {
      const meta = await sharp(r.images[0]!.bytes).metadata();
      expect(meta.format).toBe(r.images[0]!.path.endsWith('.png') ? 'png' : 'jpeg');
      expect(Math.min(meta.width!, meta.height!)).toBeLessThanOrEqual(512);
    }
    expect(rows.some((r) => r.images[0]!.path.endsWith('.png'))).toBe(true);
    expect(rows.some((r) => r.images[0]!.path.endsWith('.jpg'))).toBe(true);
  });

  it('counts every bad row by reason, lists each one, and reports the splits', async () => {
    const out = await convertOnce('public-zip', { input: pub.input, images: pub.zip });
    const report = JSON.parse(readFileSync(join(out, REPORT_FILE), 'utf8'));
    expect(report.layout).toBe('public-split');
    expect(report.rejected).toEqual(sortKeys(pub.rejected));
    expect(report.zipEntriesSkipped).toEqual(pub.zipRejected);
    const good = pub.good.train.length + pub.good.eval.length + pub.good.test.length;
    const bad = Object.values(pub.rejected).reduce((a, b) => a + b, 0);
    expect(report.rows).toEqual({ read: good + bad, written: good, rejected: bad, withoutPmcid: 0 });
    expect(report.splits.train.rows).toBe(pub.good.train.length);
    expect(report.splits.eval.rows).toBe(pub.good.eval.length);
    expect(report.inputs.map((i: { file: string; split: string }) => [i.file, i.split])).toEqual([
      ['train.jsonl', 'train'],
      ['valid.jsonl', 'eval'],
      ['test.jsonl', 'test'],
    ]);
    const listed = readFileSync(join(out, REJECTED_FILE), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const rows = listed.filter((l) => 'line' in l);
    expect(rows).toHaveLength(bad);
    expect(listed.filter((l) => 'entry' in l).map((l) => l.reason)).toEqual(['zip-unsafe-entry', 'zip-unsafe-entry']);
    for (const r of rows) {
      expect(r.file).toMatch(/^(train|valid|test)\.jsonl$/);
      expect(r.line).toBeGreaterThan(0);
      expect(typeof r.detail).toBe('string');
    }
    // Stable details (never libvips' racy message), so identical runs list identical text.
    expect(rows.find((r) => r.image === 'PMC900001_truncated.jpg').detail).toMatch(/^JPEG data is corrupt or truncated/);
    expect(rows.find((r) => r.image === 'PMC900002_text.jpg').detail).toMatch(/^not an image format/);
    const missing = rows.find((r) => r.image === 'PMC900007_missing.jpg');
    expect(missing.reason).toBe('missing-image');
    // The line number points at the row in its file.
    const fileLines = readFileSync(join(pub.input, missing.file), 'utf8').split('\n');
    expect(fileLines[missing.line - 1]).toContain('PMC900007_missing.jpg');
  });

  it('gives byte-identical output on a rerun, with any concurrency, and from the unpacked folder', async () => {
    const a = await convertOnce('public-zip', { input: pub.input, images: pub.zip });
    const b = await convertOnce('public-zip-c1', { input: pub.input, images: pub.zip, concurrency: 1 });
    const c = await convertOnce('public-folder-c16', { input: pub.input, images: pub.folder, concurrency: 16 });
    const sa = snapshot(a);
    expect(snapshot(b)).toEqual(sa);
    const sc = snapshot(c);
    for (const split of ['train', 'eval', 'test']) {
      for (const [f, bytes] of Object.entries(sa)) if (f.startsWith(`${split}/`)) expect(sc[f]).toBe(bytes);
    }
    // The folder run has the missing-image and zip-slip cases but no zip entries to skip.
    const rc = JSON.parse(readFileSync(join(c, REPORT_FILE), 'utf8'));
    expect(rc.rejected).toEqual(sortKeys(pub.rejected));
    expect(rc.zipEntriesSkipped).toEqual({});
  });
});

describe('single file with a hash split', () => {
  it('assigns each pair by the hash of its image name, keeping input order within a split', async () => {
    const out = await convertOnce('single', { input: single.input, images: single.zip, evalFraction: 0.25, testFraction: 0.25, splitSeed: 's1' });
    const want = { train: [] as FixtureRow[], eval: [] as FixtureRow[], test: [] as FixtureRow[] };
    for (const g of single.good.hash) want[hashSplit(g.image, { evalFraction: 0.25, testFraction: 0.25, splitSeed: 's1' })].push(g);
    expect(want.eval.length).toBeGreaterThan(0);
    expect(want.test.length).toBeGreaterThan(0);
    for (const split of ['train', 'eval', 'test'] as const) {
      const rows = await rowsOf(join(out, split));
      expect(rows.map((r) => r.id)).toEqual(want[split].map((g) => g.image));
      rows.forEach((r, i) => expectPairRow(r, want[split][i]!));
    }
    const report = JSON.parse(readFileSync(join(out, REPORT_FILE), 'utf8'));
    expect(report.layout).toBe('hash-split');
    expect(report.settings).toMatchObject({ evalFraction: 0.25, testFraction: 0.25, splitSeed: 's1' });
    expect(report.rejected).toEqual(sortKeys(single.rejected));
  });

  it('writes no test folder when the test fraction is 0, and honours maxImageSide', async () => {
    const out = await convertOnce('single-no-test', { input: single.input, images: single.zip, testFraction: 0, maxImageSide: 24 });
    expect(existsSync(join(out, 'test'))).toBe(false);
    const rows = [...(await rowsOf(join(out, 'train'))), ...(await rowsOf(join(out, 'eval')))];
    expect(rows.length).toBe(single.good.hash.length);
    for (const r of rows.slice(0, 10)) {
      const meta = await sharp(r.images[0]!.bytes).metadata();
      expect(Math.min(meta.width!, meta.height!)).toBeLessThanOrEqual(24);
    }
  });
});

describe('unusable inputs', () => {
  it('fails with a message naming the path and creates nothing under out', async () => {
    const out = join(dir, 'out', 'never');
    await expect(convertPmcOa({ input: pub.input, images: join(dir, 'no-such.zip'), out, quiet: true })).rejects.toThrow(/no-such\.zip/);
    await expect(convertPmcOa({ input: join(dir, 'no-such-meta'), images: pub.zip, out, quiet: true })).rejects.toThrow(/no-such-meta/);
    expect(existsSync(out)).toBe(false);
  });
});

function sortKeys(o: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1)));
}
