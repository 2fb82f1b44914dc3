import type { DedupDropList } from './join.js';

/**
 * A drop list as JSON: one drop per line, so a diff of two runs shows what
 * changed, and byte-identical for identical content (writeFileIfChanged then
 * leaves the file, its mtime and the downstream caches alone).
 */
export function formatDropList(list: DedupDropList): string {
  const head = `{\n  "bookId": ${JSON.stringify(list.bookId)},\n  "wholeBook": ${JSON.stringify(list.wholeBook)},\n`;
  if (list.drops.length === 0) return `${head}  "drops": []\n}\n`;
  const lines = list.drops.map((d) => `    ${JSON.stringify({ seq: d.seq, reason: d.reason, twin: d.twin, similarity: d.similarity })}`);
  return `${head}  "drops": [\n${lines.join(',\n')}\n  ]\n}\n`;
}
