import { readFileSync } from 'node:fs';

/** build/_dedup/<id>.json as the dedup stage writes it. */
export interface DropList {
  bookId: string;
  wholeBook: null | { twinBook: string; similarity: number };
  drops: Array<{ seq: number; reason: string; twin: string | null; similarity: number }>;
}

export function readDropList(file: string, bookId: string): { drops: Map<number, string>; wholeBook: boolean } {
  let raw: DropList;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8')) as DropList;
  } catch (err) {
    throw new Error(`${file}: cannot read the dedup drop list of book "${bookId}" (${(err as Error).message}); run \`mtb dedup <corpus>\` first`);
  }
  if (!raw || !Array.isArray(raw.drops)) throw new Error(`${file}: not a dedup drop list (no "drops" array); rerun \`mtb dedup <corpus>\``);
  const drops = new Map<number, string>();
  for (const d of raw.drops) drops.set(d.seq, d.reason);
  return { drops, wholeBook: raw.wholeBook != null };
}
