/**
 * Sentence boundaries inside a block: after . ! ? (optionally closed by a quote
 * or bracket) and a space, before something that starts a sentence. Common
 * abbreviations ("e.g.", "Fig.", "Dr.") and initials do not end a sentence.
 */
const BOUNDARY = /([.!?]["'”’)\]]?) +(?=["'“‘(\[]?[A-Z0-9])/g;
const ABBREVIATION = /(?:^|[\s(])(?:e\.g|i\.e|etc|vs|cf|al|Fig|Figs|Tab|Eq|Dr|Mr|Mrs|Ms|Prof|St|No|Vol|pp|approx|resp|[A-Z])\.$/;

export function splitSentences(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (const m of text.matchAll(BOUNDARY)) {
    const end = m.index! + m[1]!.length;
    if (ABBREVIATION.test(text.slice(Math.max(start, end - 12), end))) continue;
    out.push(text.slice(start, end));
    start = m.index! + m[0].length;
  }
  out.push(text.slice(start));
  return out.filter((s) => s.length > 0);
}
