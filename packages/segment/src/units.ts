import { encodePlain } from '@mtb/core';
import type { NodeRole, NodeRow } from '@mtb/image-tokens';
import { splitSentences } from './sentences.js';

/** A piece a segment is built from: a whole text block, one sentence of an overlong block, or an image. */
export type TextUnit = {
  kind: 'text'; seq: number; page: number; text: string; tokens: number;
  role: NodeRole; level: number; figure: number;
};
export type ImageUnit = { kind: 'image'; seq: number; page: number; node: NodeRow; figure: number };
export type Unit = TextUnit | ImageUnit;

export type Tally = Record<string, number>;

export function add(t: Tally, key: string, n = 1): void {
  if (n !== 0) t[key] = (t[key] ?? 0) + n;
}

/**
 * Nodes -> units. A block longer than `textBudget` tokens is cut at sentence
 * boundaries; a sentence still longer cannot fit any segment and is dropped
 * (`sentence-too-long`). Images without bytes are dropped (`missing-bytes`).
 */
export function toUnits(nodes: readonly NodeRow[], textBudget: number, dropped: { tokens: Tally; images: Tally }): Unit[] {
  const units: Unit[] = [];
  for (const node of nodes) {
    if (node.kind === 'image') {
      if (node.image_bytes && node.image_bytes.byteLength > 0 && node.image_path) units.push({ kind: 'image', seq: node.seq, page: node.page, node, figure: node.figure });
      else add(dropped.images, 'missing-bytes');
      continue;
    }
    const text = node.text.trim();
    if (text === '') continue;
    const base = { kind: 'text' as const, seq: node.seq, page: node.page, role: node.role, level: node.level, figure: node.figure };
    if (node.num_tokens <= textBudget) {
      units.push({ ...base, text, tokens: node.num_tokens });
      continue;
    }
    for (const sentence of splitSentences(text)) {
      const tokens = encodePlain(sentence).length;
      if (tokens <= textBudget) units.push({ ...base, text: sentence, tokens });
      else add(dropped.tokens, 'sentence-too-long', tokens);
    }
  }
  return units;
}
