/**
 * Word 5-gram Jaccard with the normalization DESIGN.md 4.3 gives for dedup
 * (lowercase, digits folded, punctuation removed): how similar a planted
 * duplicate really is, recorded in the truth so dedup tests need no guesswork.
 */
function shingles(text: string): Set<string> {
  const w = text.toLowerCase().replace(/\d+/g, '0').replace(/[^a-z0 ]+/g, ' ').split(/\s+/).filter(Boolean);
  const out = new Set<string>();
  for (let i = 0; i + 5 <= w.length; i++) out.add(w.slice(i, i + 5).join(' '));
  return out;
}

export function jaccard(a: string, b: string): number {
  const x = shingles(a), y = shingles(b);
  let inter = 0;
  for (const s of x) if (y.has(s)) inter++;
  const union = x.size + y.size - inter;
  return union === 0 ? 1 : inter / union;
}
