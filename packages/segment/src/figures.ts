import { captionLabel, referencedKeys, type LabelKey } from './figure-labels.js';
import type { ImageUnit, TextUnit, Unit } from './units.js';

/**
 * A figure as the planner moves it: its images, then its caption (and any
 * other text of its `<figure>`), which always follows the images directly.
 */
export interface Figure {
  images: ImageUnit[];
  captions: TextUnit[];
  label: LabelKey | null;
  /** Seq of its first image: where it stands in the book. */
  seq: number;
  /** Anchored before the block that first refers to it (else where it stands). */
  byReference: boolean;
}

export type FlowItem = { kind: 'text'; unit: TextUnit } | { kind: 'figure'; figure: Figure };

/**
 * A chapter's units as a flow of text and figures. Images of one `<figure>`
 * (pdf-html's `figure` number) form one figure with that figure's text,
 * captions first; an image outside any figure takes the caption blocks right
 * after it (or, failing those, the one right before it). A figure stands
 * where its first image stands. Text of a figure whose images were all
 * dropped stays in the flow.
 */
export function collectFigures(units: readonly Unit[]): FlowItem[] {
  const byNumber = new Map<number, Figure>();
  const member = new Map<Unit, Figure>();
  const figureOf = (u: ImageUnit): Figure => ({ images: [u], captions: [], label: null, seq: u.seq, byReference: false });
  for (const u of units) {
    if (u.kind !== 'image' || u.figure === 0) continue;
    const f = byNumber.get(u.figure);
    if (f) f.images.push(u);
    else byNumber.set(u.figure, figureOf(u));
  }
  for (const f of byNumber.values()) for (const img of f.images) member.set(img, f);
  const inFigure: TextUnit[] = [];
  for (const u of units) {
    if (u.kind !== 'text' || u.figure === 0) continue;
    const f = byNumber.get(u.figure);
    if (f) {
      member.set(u, f);
      inFigure.push(u);
    }
  }
  for (const u of inFigure) {
    const f = member.get(u)!;
    if (u.role === 'caption') f.captions.push(u);
  }
  for (const u of inFigure) {
    const f = member.get(u)!;
    if (u.role !== 'caption') f.captions.push(u);
  }
  // Images outside any <figure>: the caption blocks that follow, else the one before.
  const free = (u: Unit | undefined): u is TextUnit => !!u && u.kind === 'text' && u.role === 'caption' && u.figure === 0 && !member.has(u);
  for (let i = 0; i < units.length; i++) {
    const u = units[i]!;
    if (u.kind !== 'image' || u.figure !== 0) continue;
    const f = figureOf(u);
    member.set(u, f);
    let j = i + 1;
    while (free(units[j])) {
      f.captions.push(units[j] as TextUnit);
      member.set(units[j]!, f);
      j++;
    }
    if (f.captions.length === 0 && free(units[i - 1])) {
      f.captions.push(units[i - 1] as TextUnit);
      member.set(units[i - 1]!, f);
    }
  }
  const flow: FlowItem[] = [];
  const placed = new Set<Figure>();
  for (const u of units) {
    const f = member.get(u);
    if (!f) {
      if (u.kind === 'text') flow.push({ kind: 'text', unit: u });
      continue;
    }
    if (placed.has(f)) continue;
    placed.add(f);
    f.label = f.captions.length > 0 && f.captions[0]!.role === 'caption' ? captionLabel(f.captions[0]!.text) : null;
    flow.push({ kind: 'figure', figure: f });
  }
  return flow;
}

/** Roles whose text may refer to a figure: not captions (a caption names its own figure) and not headings. */
const REFERRING_ROLES = new Set(['body', 'list-item', 'table', 'note', 'footnote']);

/**
 * Figures moved to where the text first refers to them: each labelled figure
 * goes right before the first block of the chapter that names its label (a
 * reference to a panel, "Fig. 3A", finds "Figure 3"), so the block that
 * explains it follows it in its chunk. Unreferenced figures stay where they
 * stand. Figures anchored before the same block keep their book order.
 */
export function anchorFigures(flow: readonly FlowItem[]): FlowItem[] {
  const exact = new Map<string, Figure>();
  const base = new Map<string, Figure>();
  for (const item of flow) {
    if (item.kind !== 'figure' || !item.figure.label) continue;
    const { label } = item.figure;
    if (!exact.has(label.exact)) exact.set(label.exact, item.figure);
    if (!base.has(label.base)) base.set(label.base, item.figure);
  }
  if (exact.size === 0) return [...flow];
  const anchorOf = new Map<Figure, number>();
  flow.forEach((item, i) => {
    if (item.kind !== 'text' || !REFERRING_ROLES.has(item.unit.role)) return;
    for (const key of referencedKeys(item.unit.text)) {
      const f = exact.get(key) ?? base.get(key);
      if (f && !anchorOf.has(f)) anchorOf.set(f, i);
    }
  });
  const before = new Map<number, Figure[]>();
  for (const [f, i] of anchorOf) {
    f.byReference = true;
    const list = before.get(i) ?? [];
    list.push(f);
    before.set(i, list);
  }
  const out: FlowItem[] = [];
  flow.forEach((item, i) => {
    for (const f of (before.get(i) ?? []).sort((a, b) => a.seq - b.seq)) out.push({ kind: 'figure', figure: f });
    if (item.kind === 'figure' && anchorOf.has(item.figure)) return;
    out.push(item);
  });
  return out;
}
