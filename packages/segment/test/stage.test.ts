import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { bookPaths, encodePlain, encodeWithSpecials, neutralizeSpecialMarkers, readBookStatus, recordStage } from '@mtb/core';
import { writeNodes, type NodeRow } from '@mtb/image-tokens';
import { readRowsFile } from '@mtb/shards';
import { runSegmentStage } from '@mtb/segment';

const CAPTIONS = resolve(process.cwd(), '../shared/corpus/captions/roco-validation-radiology-captions.tsv');

let corpus: string;
beforeEach(() => { corpus = mkdtempSync(join(tmpdir(), 'segment-')); });
afterEach(() => rmSync(corpus, { recursive: true, force: true }));

/** A book from real ROCO captions: paragraphs of 1-12 captions, an image after every few. */
function realBook(bookId: string): NodeRow[] {
  const captions = readFileSync(CAPTIONS, 'utf8').split('\n').slice(0, 400).map((l) => l.split('\t')[1]?.trim() ?? '').filter(Boolean);
  const nodes: NodeRow[] = [];
  let i = 0;
  let seq = 0;
  while (i < captions.length) {
    const page = 1 + Math.floor(seq / 5);
    if (seq % 4 === 3) {
      nodes.push({ seq, page, kind: 'image', role: 'body', text: '', image_path: `${bookId}/p${page}-${seq}.jpg`, width: 300, height: 200, image_bytes: Uint8Array.of(0xff, 0xd8, seq & 255), num_tokens: 0, level: 0, figure: 0, ocr: false });
    } else {
      const n = 1 + ((seq * 7) % 12) * (seq % 9 === 0 ? 8 : 1);
      const text = neutralizeSpecialMarkers(captions.slice(i, i + n).join(' ').replace(/\s+/g, ' '));
      i += n;
      nodes.push({ seq, page, kind: 'text', role: seq % 4 === 0 ? 'caption' : 'body', text, image_path: null, width: 0, height: 0, image_bytes: null, num_tokens: encodePlain(text).length, level: 0, figure: 0, ocr: false });
    }
    seq++;
  }
  return nodes;
}

test('stage on real caption text: segments.arrow, status, drop list applied', () => {
  expect(existsSync(CAPTIONS)).toBe(true);
  const id = 'roco-book';
  const p = bookPaths(corpus, id);
  mkdirSync(p.dir, { recursive: true });
  mkdirSync(join(corpus, 'build', '_dedup'), { recursive: true });
  const nodes = realBook(id);
  writeNodes(p.kept, nodes);
  writeFileSync(p.dropList, JSON.stringify({ bookId: id, wholeBook: null, drops: [{ seq: 3, reason: 'exact-image', twin: 'other/3', similarity: 1 }, { seq: 5, reason: 'near-text', twin: 'other/9', similarity: 0.9 }] }));
  writeFileSync(join(corpus, 'corpus.json'), JSON.stringify({ maxTokens: 512, maxImages: 4 }));
  const result = runSegmentStage(p.dir);
  const rows = readRowsFile(p.segments);
  expect(rows.length).toBe(result.counts.segments);
  expect(rows.length).toBeGreaterThan(5);
  const images = nodes.filter((n) => n.kind === 'image' && n.seq !== 3).map((n) => n.image_path);
  expect(rows.flatMap((r) => r.images.map((i) => i.path))).toEqual(images);
  for (const r of rows) {
    expect(Array.from(r.input_ids)).toEqual(encodeWithSpecials(r.text));
    expect(r.num_tokens).toBeLessThanOrEqual(512);
    expect(r.num_images).toBeGreaterThanOrEqual(1);
    expect(r.num_images).toBeLessThanOrEqual(4);
  }
  expect(rows.some((r) => r.text.includes(nodes[5]!.text))).toBe(false);
  const status = readBookStatus(p.status, id).stages.segments!;
  expect(status.state).toBe('ok');
  expect(status.counts['drop-images.exact-image']).toBe(1);
  expect(status.counts['drop-tokens.near-text']).toBe(nodes[5]!.num_tokens);
  // Each image can carry at most maxTokens - 4 text tokens (one segment per image):
  // the greedy plan should come close to that bound on text-heavy books.
  const bound = Math.min(status.counts['tokens.in']! - status.counts['drop-tokens.near-text']!, status.counts['images.kept']! * (512 - 4));
  expect(status.counts['tokens.kept']! / bound).toBeGreaterThan(0.75);
  // Same inputs, same bytes.
  const before = readFileSync(p.segments);
  runSegmentStage(p.dir);
  expect(readFileSync(p.segments).equals(before)).toBe(true);
});

test('a book that failed upstream gets an empty segments.arrow and a skipped status', () => {
  const id = 'bad-book';
  const p = bookPaths(corpus, id);
  recordStage(p.status, id, { stage: 'html', state: 'failed', error: { class: 'corrupt', message: 'bad-book.pdf: no xref' }, counts: {}, details: [] });
  expect(runSegmentStage(p.dir).state).toBe('skipped');
  expect(readRowsFile(p.segments)).toEqual([]);
  expect(readBookStatus(p.status, id).stages.segments!.state).toBe('skipped');
});

test('missing inputs name the file and the command to run', () => {
  const p = bookPaths(corpus, 'nokept');
  mkdirSync(p.dir, { recursive: true });
  expect(() => runSegmentStage(p.dir)).toThrow(/kept\.arrow is missing: run `mtb filter/);
  writeNodes(p.kept, []);
  expect(() => runSegmentStage(p.dir)).toThrow(/nokept\.json.*run `mtb dedup/);
});
