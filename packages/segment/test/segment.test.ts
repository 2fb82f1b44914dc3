import { encodePlain, encodeWithSpecials, ENDOFCHUNK, IMAGE } from '@mtb/core';
import type { NodeRow } from '@mtb/image-tokens';
import { segmentBook, segmentText, splitSentences, type SegmentLimits } from '@mtb/segment';

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = ['the', 'heart', 'myocardial', 'infarction', 'patients', 'with', 'acute', 'renal', 'failure', 'CT', 'scan', 'shows', '(arrow)', '5.2', 'mm', 'lesion,', 'e.g.', 'Fig.', 'hepatic', 'ß-blockers', 'über', '—'];

/** A random book: blocks of 1-40 sentences, images here and there; every sentence carries a unique tag word. */
function randomNodes(seed: number): NodeRow[] {
  const r = rng(seed);
  const nodes: NodeRow[] = [];
  let tag = 0;
  const n = 5 + Math.floor(r() * 60);
  for (let seq = 0; seq < n; seq++) {
    const page = 1 + Math.floor(seq / 6);
    if (r() < 0.3) {
      nodes.push({ seq, page, kind: 'image', role: 'body', text: '', image_path: `bk/p${page}-${seq}.jpg`, width: 200, height: 200, image_bytes: Uint8Array.of(seq & 255, 1, 2), num_tokens: 0, level: 0, figure: 0, ocr: false });
      continue;
    }
    const sentences = Array.from({ length: 1 + Math.floor(r() * (r() < 0.1 ? 40 : 4)) }, () => {
      const words = Array.from({ length: 2 + Math.floor(r() * 14) }, () => WORDS[Math.floor(r() * WORDS.length)]!);
      return `Tag${tag++}x ${words.join(' ')}.`;
    });
    const text = sentences.join(' ');
    nodes.push({ seq, page, kind: 'text', role: r() < 0.2 ? 'caption' : 'body', text, image_path: null, width: 0, height: 0, image_bytes: null, num_tokens: encodePlain(text).length, level: 0, figure: 0, ocr: false });
  }
  return nodes;
}

function check(nodes: NodeRow[], limits: SegmentLimits, drops = new Map<number, string>()) {
  const { rows, counts } = segmentBook('bk', nodes, limits, { drops, wholeBook: false });
  const keptImages = nodes.filter((n) => n.kind === 'image' && !drops.has(n.seq)).map((n) => n.image_path);
  expect(rows.flatMap((r) => r.images.map((i) => i.path))).toEqual(keptImages);
  const seenTags = new Set<string>();
  rows.forEach((row, i) => {
    expect(row.id).toBe(`bk/${i}`);
    expect(row.num_images).toBe(row.images.length);
    expect(row.num_images).toBeGreaterThanOrEqual(Math.max(limits.minImages, 0));
    expect(row.num_images).toBeLessThanOrEqual(limits.maxImages);
    expect(row.num_tokens).toBeLessThanOrEqual(limits.maxTokens);
    expect(Array.from(row.input_ids)).toEqual(encodeWithSpecials(row.text));
    expect(row.num_tokens).toBe(row.input_ids.length);
    expect(row.text.split(IMAGE).length - 1).toBe(row.num_images);
    expect(row.text.split(ENDOFCHUNK).length - 1).toBe(Math.max(1, row.num_images));
    expect(row.text.endsWith(ENDOFCHUNK)).toBe(true);
    // <|endofchunk|> stands before every <image> but the first.
    const marks = row.text.match(/<\|endofchunk\|>|<image>/g)!;
    marks.forEach((m, k) => {
      if (m === IMAGE) expect(marks[k - 1] === ENDOFCHUNK).toBe(k > 0);
    });
    expect(row.pages).toEqual([...row.pages].sort((a, b) => a - b));
    for (const t of row.text.match(/Tag\d+x/g) ?? []) {
      expect(seenTags.has(t)).toBe(false);
      seenTags.add(t);
    }
  });
  expect(counts['tokens.kept']! + Object.entries(counts).filter(([k]) => k.startsWith('drop-tokens.')).reduce((n, [, v]) => n + v, 0))
    .toBeGreaterThanOrEqual(counts['tokens.in']! * 0.98);
  return { rows, counts };
}

test('property: invariants hold on 150 random books under several limits', () => {
  const kept = [0, 0, 0];
  const input = [0, 0, 0];
  for (let seed = 1; seed <= 150; seed++) {
    const limits = [{ minImages: 1, maxImages: 10, maxTokens: 1024 }, { minImages: 1, maxImages: 2, maxTokens: 64 }, { minImages: 1, maxImages: 3, maxTokens: 200 }][seed % 3]!;
    const nodes = randomNodes(seed);
    const drops = new Map(nodes.filter((n) => n.seq % 11 === 5).map((n) => [n.seq, n.kind === 'image' ? 'near-image' : 'exact-text'] as [number, string]));
    const { counts } = check(nodes, limits, drops);
    kept[seed % 3]! += counts['tokens.kept']!;
    input[seed % 3]! += counts['tokens.in']!;
  }
  // With the default budget almost all text beside images fits; tight budgets lose more.
  const share = kept.map((k, i) => k / input[i]!);
  process.stdout.write(`kept-token share by limits: ${share.map((x) => x.toFixed(3)).join(' ')}\n`);
  expect(share[0]).toBeGreaterThan(share[2]!);
  expect(share[2]).toBeGreaterThan(share[1]!);
});

test('text-only segments when minImages is 0; whole-book drop yields nothing', () => {
  for (let seed = 200; seed < 220; seed++) {
    const nodes = randomNodes(seed);
    const { counts } = check(nodes, { minImages: 0, maxImages: 4, maxTokens: 300 });
    expect(counts['drop-tokens.no-image'] ?? 0).toBe(0);
  }
  const { rows, counts } = segmentBook('bk', randomNodes(3), { minImages: 1, maxImages: 10, maxTokens: 1024 }, { drops: new Map(), wholeBook: true });
  expect(rows).toEqual([]);
  expect(counts['drop-tokens.whole-book']).toBe(counts['tokens.in']);
});

test('text without any image is dropped and counted; format as in DESIGN 4.4', () => {
  const t = (seq: number, text: string): NodeRow => ({ seq, page: 1, kind: 'text', role: 'body', text, image_path: null, width: 0, height: 0, image_bytes: null, num_tokens: encodePlain(text).length, level: 0, figure: 0, ocr: false });
  const im = (seq: number): NodeRow => ({ seq, page: 2, kind: 'image', role: 'body', text: '', image_path: `bk/p2-${seq}.png`, width: 9, height: 9, image_bytes: Uint8Array.of(1), num_tokens: 0, level: 0, figure: 0, ocr: false });
  const { rows } = segmentBook('bk', [t(0, 'Intro text'), im(1), t(2, 'Figure 1: a heart.'), t(3, 'Body text.'), im(4), t(5, 'more')], { minImages: 1, maxImages: 10, maxTokens: 1024 }, { drops: new Map(), wholeBook: false });
  expect(rows.map((r) => r.text)).toEqual(['Intro text<image>Figure 1: a heart. Body text.<|endofchunk|><image>more<|endofchunk|>']);
  expect(rows[0]!.pages).toEqual([1, 2]);
  const none = segmentBook('bk', [t(0, 'Alone here.')], { minImages: 1, maxImages: 10, maxTokens: 1024 }, { drops: new Map(), wholeBook: false });
  expect(none.rows).toEqual([]);
  expect(none.counts['drop-tokens.no-image']).toBe(encodePlain('Alone here.').length);
  expect(segmentText([])).toBe(ENDOFCHUNK);
});

test('sentences split at boundaries, not at abbreviations', () => {
  expect(splitSentences('See Fig. 3 for details. The heart (e.g. the left ventricle) beats. 5 cases were seen! "Quoted" next')).toEqual(
    ['See Fig. 3 for details.', 'The heart (e.g. the left ventricle) beats.', '5 cases were seen!', '"Quoted" next']);
});
