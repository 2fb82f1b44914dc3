import { buildLines } from './lines.js';
import { type Line, type StructBlock, type TaggedBlock, type TextRun, union } from './types.js';

/** The tree must account for at least this share of the page's non-artifact characters. */
const MIN_COVERAGE = 0.9;

const chars = (runs: TextRun[]): number => runs.reduce((n, r) => n + r.text.replace(/\s/g, '').length, 0);

/**
 * A tagged page's text by its structure tree: each block's runs set as lines
 * (in content order: a paragraph running from one column into the next stays
 * in order), blocks in the tree's order. Used only when the tree is consistent
 * with the page: it claims nearly all the text that is not an artifact, and
 * no run twice. Returns undefined otherwise, and geometry decides.
 */
export function taggedLayout(runs: TextRun[], blocks: StructBlock[]): { tagged: TaggedBlock[]; artifacts: Line[] } | undefined {
  if (!blocks.length) return undefined;
  const order = new Map(runs.map((r, i) => [r, i]));
  const byMcid = new Map<string, TextRun[]>();
  for (const r of runs) {
    if (!r.mcid) continue;
    let list = byMcid.get(r.mcid);
    if (!list) byMcid.set(r.mcid, (list = []));
    list.push(r);
  }
  const content = runs.filter((r) => !r.artifact && r.text.trim());
  const claimed = new Set<TextRun>();
  const tagged: TaggedBlock[] = [];
  for (const b of blocks) {
    const own: TextRun[] = [];
    for (const id of b.mcids) {
      for (const r of byMcid.get(id) ?? []) {
        if (claimed.has(r)) return undefined;
        claimed.add(r);
        own.push(r);
      }
    }
    if (!own.some((r) => r.text.trim())) continue;
    // Lines in the order their first runs are drawn: the content order of one block is its reading order.
    const first = (l: Line, members: Map<Line, number>): number => members.get(l) ?? 0;
    const lines = buildLines(own);
    const firstRun = new Map<Line, number>();
    for (const l of lines) {
      let min = Infinity;
      for (const r of own) if (inLine(r, l)) min = Math.min(min, order.get(r)!);
      firstRun.set(l, min);
    }
    lines.sort((a, b2) => first(a, firstRun) - first(b2, firstRun));
    const box = lines.map((l) => l.box).reduce((a, c) => union(a, c));
    tagged.push({ kind: b.kind, lines, box, ...(b.level ? { level: b.level } : {}), ...(b.cell ? { cell: b.cell } : {}) });
  }
  const total = chars(content);
  if (!total || chars(content.filter((r) => claimed.has(r))) < MIN_COVERAGE * total) return undefined;
  // The few untagged characters the tree misses still belong to the page: they close it.
  for (const l of buildLines(content.filter((r) => !claimed.has(r)))) tagged.push({ kind: 'paragraph', lines: [l], box: l.box });
  return { tagged, artifacts: buildLines(runs.filter((r) => r.artifact && r.text.trim())) };
}

/** Is the run one of the line's? (buildLines keeps run boxes inside their line's box.) */
function inLine(r: TextRun, l: Line): boolean {
  const cx = r.box.x + r.box.w / 2;
  const cy = r.box.y + r.box.h / 2;
  return cx >= l.box.x - 0.5 && cx <= l.box.x + l.box.w + 0.5 && cy >= l.box.y - 0.5 && cy <= l.box.y + l.box.h + 0.5;
}
