import { jaccard, joinSignatures, type BookSignatures } from '@mtb/dedup-filter';
import { defaultHashers, JOIN_DEFAULTS, memorySource, realCaptions, rng, signaturesOf, textNode, vocabulary } from './fixtures.js';

/**
 * The precision/recall benchmark of the issue: paragraphs of real captions and
 * unrelated paragraphs drawn from the same vocabulary; planted near-duplicates
 * made by word swaps, insertions, deletions, reflowed whitespace and changed
 * numbers at known edit rates.
 */
type Edit = 'swap' | 'insert' | 'delete' | 'reflow' | 'number';

function mutate(text: string, rate: number, edits: Edit[], vocab: string[], next: () => number): string {
  let words = text.split(/\s+/);
  const n = Math.max(1, Math.round(words.length * rate));
  for (let e = 0; e < n; e++) {
    const kind = edits[Math.floor(next() * edits.length)]!;
    const i = Math.floor(next() * words.length);
    if (kind === 'swap' && i + 1 < words.length) [words[i], words[i + 1]] = [words[i + 1]!, words[i]!];
    else if (kind === 'insert') words.splice(i, 0, vocab[Math.floor(next() * vocab.length)]!);
    else if (kind === 'delete' && words.length > 10) words.splice(i, 1);
    else if (kind === 'number') words.splice(i, 0, String(Math.floor(next() * 1000)));
  }
  // reflow: new line breaks and spacing, and renumbering of existing numbers
  if (edits.includes('reflow')) words = words.map((w, i) => (i % 9 === 8 ? `${w}\n` : w));
  return words.join(next() < 0.5 ? ' ' : '  ').replace(/\d/g, (d) => String((Number(d) + 3) % 10));
}

describe('near-duplicate paragraphs: precision and recall at threshold 0.8', () => {
  it('recall >= 0.95 on planted pairs with J >= 0.85, precision >= 0.99', async () => {
    const captions = realCaptions();
    const vocab = vocabulary(captions);
    const next = rng(2024);
    const h = await defaultHashers();
    const sources: string[] = [];
    // Real text: consecutive captions joined into paragraphs of 40-120 words.
    if (captions) {
      for (let i = 0; i + 5 < captions.length && sources.length < 600; i += 5) sources.push(captions.slice(i, i + 5).join(' '));
    }
    // Unrelated paragraphs from the same vocabulary (shared words, no shared text).
    while (sources.length < 1200) {
      const len = 40 + Math.floor(next() * 80);
      sources.push(Array.from({ length: len }, () => vocab[Math.floor(next() * vocab.length)]!).join(' '));
    }
    const families = new Map<string, number>(); // "<book>/<seq>" -> family
    const sourceNodes = sources.map((s, i) => textNode(i, s));
    sources.forEach((_, i) => families.set(`a-sources/${i}`, i));
    const edits: Edit[][] = [['swap'], ['insert'], ['delete'], ['reflow'], ['number'], ['swap', 'insert', 'delete', 'number', 'reflow']];
    const variants: Array<{ text: string; family: number }> = [];
    for (let f = 0; f < sources.length; f += 2) {
      for (let v = 0; v < 2; v++) {
        const rate = next() * 0.05;
        variants.push({ text: mutate(sources[f]!, rate, edits[Math.floor(next() * edits.length)]!, vocab, next), family: f });
      }
    }
    // Variants spread over three later books, in shuffled order.
    const order = variants.map((_, i) => i).sort(() => next() - 0.5);
    const books: BookSignatures[] = [await signaturesOf('a-sources', sourceNodes, h)];
    const perBook = Math.ceil(order.length / 3);
    const variantSets = new Map<string, Uint32Array>();
    const variantTexts = new Map<string, string>();
    for (let b = 0; b < 3; b++) {
      const id = `b-variants-${b}`;
      const nodes = order.slice(b * perBook, (b + 1) * perBook).map((vi, seq) => {
        families.set(`${id}/${seq}`, variants[vi]!.family);
        variantSets.set(`${id}/${seq}`, h.shingles.shingles(variants[vi]!.text));
        variantTexts.set(`${id}/${seq}`, variants[vi]!.text);
        return textNode(seq, variants[vi]!.text);
      });
      books.push(await signaturesOf(id, nodes, h));
    }
    const { lists, summary } = joinSignatures(memorySource(books), JOIN_DEFAULTS);
    expect(summary.wholeBookDrops).toEqual([]);
    const dropped = new Map<string, string>();
    for (const l of lists) for (const d of l.drops) dropped.set(`${l.bookId}/${d.seq}`, d.twin!);
    // Precision: every drop's twin is of the same family.
    let correct = 0;
    for (const [id, twin] of dropped) if (families.get(id) === families.get(twin)) correct++;
    const precision = dropped.size === 0 ? 0 : correct / dropped.size;
    // Recall: variants with true J >= 0.85 against their source are dropped, when their
    // numbers agree (the same numbers, or both paragraphs long enough for numbers to be
    // folded; every planted variant is renumbered). Under the old rule (digits folded
    // everywhere) every variant with J >= 0.85 counted: that figure is printed beside it.
    const numbersAgree = (a: string, b: string): boolean => {
      const fa = h.shingles.features(a);
      const fb = h.shingles.features(b);
      return (fa.foldsDigits && fb.foldsDigits) || (fa.numbersLo === fb.numbersLo && fa.numbersHi === fb.numbersHi);
    };
    let relevant = 0;
    let found = 0;
    let relevantAnyNumbers = 0;
    let foundAnyNumbers = 0;
    for (const [id, set] of variantSets) {
      const source = sources[families.get(id)!]!;
      const j = jaccard(set, h.shingles.shingles(source));
      if (j < 0.85) continue;
      relevantAnyNumbers++;
      if (dropped.has(id)) foundAnyNumbers++;
      if (!numbersAgree(variantTexts.get(id)!, source)) continue;
      relevant++;
      if (dropped.has(id)) found++;
    }
    const recall = found / relevant;
    process.stdout.write(`near-duplicate benchmark: recall ${recall.toFixed(4)} (${found}/${relevant}), precision ${precision.toFixed(4)} (${correct}/${dropped.size}), ` +
      `exact ${summary.text.exact}, near ${summary.text.near}, refused for numbers ${summary.text.numberMismatches}; ` +
      `recall counting renumbered short paragraphs as duplicates ${(foundAnyNumbers / relevantAnyNumbers).toFixed(4)} (${foundAnyNumbers}/${relevantAnyNumbers})\n`);
    expect(relevant).toBeGreaterThan(200);
    expect(summary.text.near).toBeGreaterThan(50);
    expect(summary.text.exact).toBeGreaterThan(20);
    expect(recall).toBeGreaterThanOrEqual(0.95);
    expect(precision).toBeGreaterThanOrEqual(0.99);
  });
});
