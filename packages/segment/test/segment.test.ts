import { encodePlain, encodeWithSpecials, ENDOFCHUNK, IMAGE } from '@mtb/core';
import type { NodeRole, NodeRow } from '@mtb/image-tokens';
import { buildLabels, IGNORE_INDEX } from '@mtb/shard-stream';
import { maskedTokens, planChapter, segmentBook, segmentCost, segmentText, splitSentences, type FlowItem, type SegmentLimits, type SegmentSettings } from '@mtb/segment';

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = ['the', 'heart', 'myocardial', 'infarction', 'patients', 'with', 'acute', 'renal', 'failure', 'CT', 'scan', 'shows', '(arrow)', '5.2', 'mm', 'lesion,', 'e.g.', 'hepatic', 'ß-blockers', 'über', '—'];

const node = (seq: number, page: number, kind: 'text' | 'image', role: NodeRole, text: string, extra: Partial<NodeRow> = {}): NodeRow => ({
  seq, page, kind, role, text, image_path: kind === 'image' ? `bk/p${page}-${seq}.jpg` : null, width: kind === 'image' ? 200 : 0, height: kind === 'image' ? 200 : 0,
  image_bytes: kind === 'image' ? Uint8Array.of(seq & 255, 1, 2) : null, num_tokens: kind === 'text' ? encodePlain(text).length : 0, level: 0, figure: 0, ocr: false, ...extra,
});

/**
 * A random book: numbered chapters (h1) with sections (h2), paragraphs of
 * 1-40 sentences, figures (one or two images in a <figure>, usually with a
 * "Figure c.n" caption) and loose images, and references to figures of the
 * same chapter before or after them. Every sentence carries a unique tag
 * `C<chapter>T<n>x`; captions carry `Cap<figure>x`.
 */
function randomBook(seed: number): NodeRow[] {
  const r = rng(seed);
  const nodes: NodeRow[] = [];
  let tag = 0;
  let figures = 0;
  const chapters = 1 + Math.floor(r() * 3);
  const sentence = (c: number, ref: string) => {
    const words = Array.from({ length: 2 + Math.floor(r() * 14) }, () => WORDS[Math.floor(r() * WORDS.length)]!);
    return `C${c}T${tag++}x ${words.join(' ')}${ref}.`;
  };
  for (let c = 1; c <= chapters; c++) {
    const page = () => 1 + Math.floor(nodes.length / 6);
    nodes.push(node(nodes.length, page(), 'text', 'heading', `${c} Chapter ${c}`, { level: 1 }));
    const labels: number[] = [];
    const n = 3 + Math.floor(r() * 30);
    for (let k = 0; k < n; k++) {
      const x = r();
      if (x < 0.1) nodes.push(node(nodes.length, page(), 'text', 'heading', `${c}.${k} Section`, { level: 2 }));
      else if (x < 0.3) {
        const fig = ++figures;
        const images = r() < 0.2 ? 2 : 1;
        for (let i = 0; i < images; i++) nodes.push(node(nodes.length, page(), 'image', 'body', '', { figure: r() < 0.8 ? fig : 0 }));
        if (r() < 0.8) {
          labels.push(fig);
          const f = nodes[nodes.length - 1]!.figure;
          nodes.push(node(nodes.length, page(), 'text', 'caption', `Figure ${c}.${fig}: Cap${fig}x ${sentence(c, '')}`, { figure: f }));
        }
      } else {
        const ref = labels.length && r() < 0.3 ? ` as Figure ${c}.${labels[Math.floor(r() * labels.length)]} shows` : r() < 0.1 ? ` (see Figure ${c}.${figures + 1})` : '';
        const sentences = Array.from({ length: 1 + Math.floor(r() * (r() < 0.1 ? 40 : 4)) }, (_, i) => sentence(c, i === 0 ? ref : ''));
        nodes.push(node(nodes.length, page(), 'text', r() < 0.1 ? 'list-item' : 'body', sentences.join(' ')));
      }
    }
  }
  return nodes;
}

const tagsOf = (text: string) => text.match(/C\d+T\d+x/g) ?? [];

function check(nodes: NodeRow[], settings: SegmentSettings, drops = new Map<number, string>()) {
  const { rows, counts } = segmentBook('bk', nodes, settings, { drops, wholeBook: false });
  const keptImages = nodes.filter((n) => n.kind === 'image' && !drops.has(n.seq)).map((n) => n.image_path).sort();
  // every kept image exactly once
  expect(rows.flatMap((r) => r.images.map((i) => i.path)).sort()).toEqual(keptImages);
  // Captions whose figure kept an image (a caption whose images all went stays in the text as it stands).
  const shown = new Set<string>();
  for (const n of nodes) {
    if (n.role !== 'caption' || drops.has(n.seq)) continue;
    const prev = nodes[n.seq - 1];
    const images = n.figure > 0 ? nodes.filter((m) => m.kind === 'image' && m.figure === n.figure) : prev?.kind === 'image' ? [prev] : [];
    if (images.some((m) => !drops.has(m.seq))) shown.add(/Cap\d+x/.exec(n.text)![0]);
  }
  const seenTags: string[] = [];
  rows.forEach((row, i) => {
    expect(row.id).toBe(`bk/${i}`);
    expect(row.num_images).toBe(row.images.length);
    expect(row.num_images).toBeGreaterThanOrEqual(Math.max(settings.minImages, 0));
    expect(row.num_images).toBeLessThanOrEqual(settings.maxImages);
    expect(row.num_tokens).toBeLessThanOrEqual(settings.maxTokens);
    expect(Array.from(row.input_ids)).toEqual(encodeWithSpecials(row.text));
    expect(row.num_tokens).toBe(row.input_ids.length);
    expect(row.text.split(IMAGE).length - 1).toBe(row.num_images);
    expect(row.text.split(ENDOFCHUNK).length - 1).toBe(Math.max(1, row.num_images));
    expect(row.text.endsWith(ENDOFCHUNK)).toBe(true);
    const marks = row.text.match(/<\|endofchunk\|>|<image>/g)!;
    marks.forEach((m, k) => {
      if (m === IMAGE) expect(marks[k - 1] === ENDOFCHUNK).toBe(k > 0);
    });
    expect(row.pages).toEqual([...row.pages].sort((a, b) => a - b));
    if (settings.minImages > 0) {
      // a segment opens with an image: every text token is trained under the loader's mask
      expect(row.text.startsWith(IMAGE)).toBe(true);
      const labels = buildLabels(row.input_ids);
      const masked = maskedTokens(row.input_ids);
      expect(masked.trained).toBe(masked.text);
      expect(masked.beforeFirstImage).toBe(0);
      expect(Array.from(row.input_ids).filter((id, k) => id < 32000 && id > 2 && labels[k] === IGNORE_INDEX)).toEqual([]);
    }
    // segments never cross a chapter
    expect(new Set(tagsOf(row.text).map((t) => t.replace(/T.*/, ''))).size).toBeLessThanOrEqual(1);
    // a caption follows its (first) image directly
    for (const m of row.text.matchAll(/Figure \d+\.\d+: (Cap\d+x)/g)) if (shown.has(m[1]!)) expect(row.text.slice(0, m.index).endsWith(IMAGE)).toBe(true);
    seenTags.push(...tagsOf(row.text.replace(/Figure \d+\.\d+: Cap\d+x[^<]*?(?=<|$)/g, (cap) => cap.replace(/C\d+T\d+x/g, ''))));
  });
  // text is never duplicated, and running text keeps book order
  expect(new Set(seenTags).size).toBe(seenTags.length);
  const order = seenTags.map((t) => Number(/T(\d+)x/.exec(t)![1]));
  expect(order).toEqual([...order].sort((a, b) => a - b));
  const droppedTokens = Object.entries(counts).filter(([k]) => k.startsWith('drop-tokens.')).reduce((n, [, v]) => n + v, 0);
  expect(counts['tokens.kept']! + droppedTokens).toBeGreaterThanOrEqual(counts['tokens.in']! * 0.98);
  expect(counts['tokens.kept']! + droppedTokens).toBeLessThanOrEqual(counts['tokens.in']! * 1.02);
  return { rows, counts };
}

const LIMITS: SegmentSettings[] = [
  { minImages: 1, maxImages: 10, maxTokens: 1024 },
  { minImages: 1, maxImages: 2, maxTokens: 64 },
  { minImages: 1, maxImages: 3, maxTokens: 200, imageAnchor: 'position' },
];

test('property: invariants hold on 100 random books under several limits', () => {
  const trained = [0, 0, 0];
  const input = [0, 0, 0];
  let byReference = 0;
  for (let seed = 1; seed <= 100; seed++) {
    const settings = LIMITS[seed % 3]!;
    const nodes = randomBook(seed);
    const drops = new Map(nodes.filter((n) => n.seq % 11 === 5 && n.role !== 'heading').map((n) => [n.seq, n.kind === 'image' ? 'near-image' : 'exact-text'] as [number, string]));
    const { counts } = check(nodes, settings, drops);
    expect(counts['tokens.trained']).toBe(counts['tokens.kept']);
    expect(counts['tokens.beforeFirstImage']).toBe(0);
    trained[seed % 3]! += counts['tokens.trained']!;
    input[seed % 3]! += counts['tokens.in']!;
    byReference += counts['figures.byReference']!;
  }
  const share = trained.map((k, i) => k / input[i]!);
  process.stdout.write(`trained-token share of input by limits: ${share.map((x) => x.toFixed(3)).join(' ')}; figures anchored by reference: ${byReference}\n`);
  expect(byReference).toBeGreaterThan(50);
  // A larger budget trains on more of the text.
  expect(share[0]).toBeGreaterThan(share[2]!);
  expect(share[2]).toBeGreaterThan(share[1]!);
});

test('text-only segments when minImages is 0; whole-book drop yields nothing', () => {
  for (let seed = 200; seed < 220; seed++) {
    const { counts } = check(randomBook(seed), { minImages: 0, maxImages: 4, maxTokens: 300 });
    expect(counts['drop-tokens.no-image'] ?? 0).toBe(0);
  }
  const { rows, counts } = segmentBook('bk', randomBook(3), { minImages: 1, maxImages: 10, maxTokens: 1024 }, { drops: new Map(), wholeBook: true });
  expect(rows).toEqual([]);
  expect(counts['drop-tokens.whole-book']).toBe(counts['tokens.in']);
});

/** The best (images, text tokens) any plan of contiguous segments can reach, by exhaustive recursion. */
function bruteForce(flow: FlowItem[], limits: SegmentLimits): [number, number] {
  const tokens = (it: FlowItem) => (it.kind === 'text' ? it.unit.tokens : it.figure.captions.reduce((n, c) => n + c.tokens, 0));
  const images = (it: FlowItem) => (it.kind === 'figure' ? it.figure.images.length : 0);
  const best = (i: number): [number, number] => {
    if (i === flow.length) return [0, 0];
    let top = best(i + 1);
    let t = 0;
    let k = 0;
    for (let j = i + 1; j <= flow.length; j++) {
      t += tokens(flow[j - 1]!);
      k += images(flow[j - 1]!);
      if (k > limits.maxImages || segmentCost(t, k) > limits.maxTokens) break;
      if (k < Math.max(1, limits.minImages)) continue;
      const rest = best(j);
      const cand: [number, number] = [rest[0] + k, rest[1] + t];
      if (cand[0] > top[0] || (cand[0] === top[0] && cand[1] > top[1])) top = cand;
    }
    return top;
  };
  return best(0);
}

test('property: the planner keeps as many images and text tokens as any plan can (exhaustive check on small chapters)', () => {
  const r = rng(99);
  for (let trial = 0; trial < 400; trial++) {
    const limits: SegmentLimits = { minImages: 1 + Math.floor(r() * 2), maxImages: 1 + Math.floor(r() * 3), maxTokens: 12 + Math.floor(r() * 40) };
    const flow: FlowItem[] = Array.from({ length: 1 + Math.floor(r() * 11) }, (_, i): FlowItem => {
      const unit = { kind: 'text' as const, seq: i, page: 1, text: `t${i}`, tokens: 1 + Math.floor(r() * 15), role: 'body' as NodeRole, level: 0, figure: 0 };
      if (r() < 0.35) {
        const images = Array.from({ length: 1 + Math.floor(r() * limits.maxImages) }, (_, k) => ({ kind: 'image' as const, seq: i * 10 + k, page: 1, node: node(i, 1, 'image', 'body', ''), figure: 0 }));
        return { kind: 'figure', figure: { images, captions: r() < 0.5 ? [{ ...unit, tokens: 1 + Math.floor(r() * 4), role: 'caption' }] : [], label: null, seq: i, byReference: false } };
      }
      return { kind: 'text', unit };
    });
    const plan = planChapter(flow, limits);
    const got = plan.segments.reduce<[number, number]>((acc, seg) => {
      for (const it of seg) {
        if (it.kind === 'text') acc[1] += it.unit.tokens;
        else {
          acc[0] += it.figure.images.length;
          acc[1] += it.figure.captions.reduce((n, c) => n + c.tokens, 0);
        }
      }
      return acc;
    }, [0, 0]);
    expect(got).toEqual(bruteForce(flow, limits));
    // segments are contiguous, in order, and with the skipped items cover the flow exactly once
    const seen = [...plan.segments.flat(), ...plan.skipped];
    expect(seen.length).toBe(flow.length);
    expect(new Set(seen).size).toBe(flow.length);
  }
});

test('format as in DESIGN 4.4: a figure opens its segment with its caption right after it', () => {
  const t = (seq: number, text: string, role: NodeRole = 'body', figure = 0) => node(seq, 1, 'text', role, text, { figure });
  const im = (seq: number, figure = 0) => node(seq, 2, 'image', 'body', '', { figure });
  const limits = { minImages: 1, maxImages: 10, maxTokens: 1024 };
  const { rows, counts } = segmentBook('bk', [t(0, 'Intro text.'), im(1, 1), t(2, 'Figure 1: a heart.', 'caption', 1), t(3, 'Body text.'), im(4), t(5, 'more')], limits, { drops: new Map(), wholeBook: false });
  expect(rows.map((r) => r.text)).toEqual(['<image>Figure 1: a heart. Intro text. Body text.<|endofchunk|><image>more<|endofchunk|>']);
  expect(rows[0]!.pages).toEqual([1, 2]);
  expect(counts).toMatchObject({ 'tokens.ledFigure': encodePlain('Intro text.').length, 'chunks.image': 2, 'chunks.empty': 0, 'chunks.captionOnly': 0 });
  const none = segmentBook('bk', [t(0, 'Alone here.')], limits, { drops: new Map(), wholeBook: false });
  expect(none.rows).toEqual([]);
  expect(none.counts['drop-tokens.no-image']).toBe(encodePlain('Alone here.').length);
  expect(segmentText([])).toBe(ENDOFCHUNK);
});

test('sentences split at boundaries, not at abbreviations', () => {
  expect(splitSentences('See Fig. 3 for details. The heart (e.g. the left ventricle) beats. 5 cases were seen! "Quoted" next')).toEqual(
    ['See Fig. 3 for details.', 'The heart (e.g. the left ventricle) beats.', '5 cases were seen!', '"Quoted" next']);
});
