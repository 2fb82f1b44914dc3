import { readFileSync } from 'node:fs';
import type { NodeRow } from '@mtb/image-tokens';

/** The parts of tools/sample-gen's ground truth (datasets/sample/truth/<id>.json) this check reads. */
interface Truth {
  blocks: Array<{ page: number; pages: number[]; kind: string; matter: 'front' | 'body' | 'back'; text: string }>;
  furniture: Array<{ page: number; text: string }>;
  figures: Array<{ id: string; page: number }>;
}

export type TruthCategory = 'body' | 'matter' | 'furniture';

export interface QualityReport {
  /** Words of extracted nodes, by the category of ground truth they come from, and how many were kept. */
  words: Record<TruthCategory, { total: number; kept: number }>;
  bodyKeptShare: number;
  /** Front/back matter and furniture together. */
  unwantedDroppedShare: number;
  figures: number;
  figuresKept: number;
  /** Dropped body nodes (for the failure message). */
  lostBody: Array<{ seq: number; reason: string; text: string }>;
  /** Kept matter/furniture nodes (for the failure message). */
  keptUnwanted: Array<{ seq: number; text: string }>;
}

const norm = (t: string) => t.toLowerCase().normalize('NFKC').replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
const wordsOf = (t: string) => norm(t).split(' ').filter(Boolean);

export function readTruth(file: string): Truth {
  return JSON.parse(readFileSync(file, 'utf8')) as Truth;
}

/**
 * Which ground-truth category each extracted node belongs to: by the word
 * trigrams it shares with the truth's body blocks, matter blocks and furniture
 * lines, falling back to exact text on its page for one- and two-word nodes
 * (page numbers, short running heads).
 */
export function categorize(truth: Truth, node: NodeRow): TruthCategory | null {
  const words = wordsOf(node.text);
  if (words.length === 0) return null;
  const exact = norm(node.text);
  if (truth.furniture.some((f) => f.page === node.page && norm(f.text) === exact)) return 'furniture';
  const onPage = truth.blocks.filter((b) => b.pages.includes(node.page) || b.page === node.page);
  const exactBlock = onPage.find((b) => norm(b.text) === exact);
  if (exactBlock) return exactBlock.matter === 'body' ? 'body' : 'matter';
  const grams = (ws: string[]) => {
    const n = Math.min(3, ws.length);
    const out = new Set<string>();
    for (let i = 0; i + n <= ws.length; i++) out.add(ws.slice(i, i + n).join(' '));
    return out;
  };
  const mine = grams(words);
  const score = { body: 0, matter: 0, furniture: 0 };
  for (const b of onPage) {
    const theirs = grams(wordsOf(b.text));
    let shared = 0;
    for (const g of mine) if (theirs.has(g)) shared++;
    score[b.matter === 'body' ? 'body' : 'matter'] += shared;
  }
  for (const f of truth.furniture.filter((x) => x.page === node.page)) {
    const theirs = grams(wordsOf(f.text));
    for (const g of mine) if (theirs.has(g)) score.furniture++;
  }
  const best = (Object.entries(score) as Array<[TruthCategory, number]>).sort((a, b) => b[1] - a[1])[0]!;
  return best[1] > 0 ? best[0] : null;
}

export function assessFilter(truth: Truth, nodes: readonly NodeRow[], drops: ReadonlyMap<number, string>): QualityReport {
  const words = { body: { total: 0, kept: 0 }, matter: { total: 0, kept: 0 }, furniture: { total: 0, kept: 0 } };
  const lostBody: QualityReport['lostBody'] = [];
  const keptUnwanted: QualityReport['keptUnwanted'] = [];
  for (const node of nodes) {
    if (node.kind !== 'text') continue;
    const cat = categorize(truth, node);
    if (!cat) continue;
    const n = wordsOf(node.text).length;
    const kept = !drops.has(node.seq);
    words[cat].total += n;
    if (kept) words[cat].kept += n;
    if (cat === 'body' && !kept) lostBody.push({ seq: node.seq, reason: drops.get(node.seq)!, text: node.text.slice(0, 100) });
    if (cat !== 'body' && kept) keptUnwanted.push({ seq: node.seq, text: node.text.slice(0, 100) });
  }
  const images = nodes.filter((n) => n.kind === 'image' && truth.figures.some((f) => f.page === n.page));
  const unwanted = words.matter.total + words.furniture.total;
  return {
    words,
    bodyKeptShare: words.body.total ? words.body.kept / words.body.total : 1,
    unwantedDroppedShare: unwanted ? (unwanted - words.matter.kept - words.furniture.kept) / unwanted : 1,
    figures: images.length,
    figuresKept: images.filter((n) => !drops.has(n.seq)).length,
    lostBody,
    keptUnwanted,
  };
}
