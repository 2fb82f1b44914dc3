import { normalizeText, normalizeWords } from '@mtb/dedup-filter';

describe('normalizeText', () => {
  it('lowercases, removes punctuation, collapses whitespace and keeps digits', () => {
    expect(normalizeText('  A 45-year-old Patient,\n\twith  "fever" (38.5 °C)!  ')).toBe('a 45yearold patient with fever 385 c');
  });
  it('makes reflowed copies equal, renumbered ones only when digits are folded', () => {
    expect(normalizeText('Figure 3.2 shows the left\nventricle.')).toBe(normalizeText('FIGURE 3.2 shows   the left ventricle'));
    expect(normalizeText('Figure 3.2 shows the left ventricle.')).not.toBe(normalizeText('Figure 7.9 shows the left ventricle.'));
    expect(normalizeText('Figure 3.2 shows the left ventricle.', { foldDigits: true })).toBe(normalizeText('Figure 7.9 shows the left ventricle.', { foldDigits: true }));
  });
  it('applies NFKC (ligatures, full-width digits) and keeps non-Latin letters', () => {
    expect(normalizeText('ﬁbrosis ２３ μm – β-blockers')).toBe('fibrosis 23 μm βblockers');
    expect(normalizeText('ﬁbrosis ٢٣ μm', { foldDigits: true })).toBe('fibrosis 00 μm');
  });
  it('gives no words for punctuation-only text', () => {
    expect(normalizeWords(' ... — !! ')).toEqual([]);
  });
});
