import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bookPaths, loadCorpusConfig } from '@mtb/core';
import { runPdfHtml } from '@mtb/pdf-html';
import { readNodes, runTokensStage } from '@mtb/image-tokens';
import { jaccard, runDedupStage, runFilterStage, runSignaturesStage, ShingleHasher } from '@mtb/dedup-filter';

/**
 * The sample corpus's planted second edition (datasets/sample, truth/*.json
 * from tools/sample-gen): through the real stages (pdf-html, tokens, filter,
 * signatures, dedup), its copied content must go and its new content stay.
 */
const SAMPLE = join(process.cwd(), 'datasets', 'sample');
const FIRST = 'cardiology-essentials';
const SECOND = 'cardiology-essentials-2nd-edition';

interface TruthBlock { kind: string; text: string; origin?: 'copied' | 'edited' | 'new'; twinJaccard?: number }

describe('sample corpus: second edition', () => {
  let corpus: string;
  beforeAll(async () => {
    corpus = mkdtempSync(join(tmpdir(), 'mtb-sample-dedup-'));
    mkdirSync(join(corpus, 'pdf'));
    copyFileSync(join(SAMPLE, 'corpus.json'), join(corpus, 'corpus.json'));
    const config = loadCorpusConfig(join(corpus, 'corpus.json'));
    for (const id of [FIRST, SECOND]) {
      copyFileSync(join(SAMPLE, 'pdf', `${id}.pdf`), join(corpus, 'pdf', `${id}.pdf`));
      const p = bookPaths(corpus, id);
      await runPdfHtml(p.pdf, p.dir, { bookId: id, config });
      await runTokensStage(p.dir, { quiet: true });
      await runFilterStage(p.dir);
      await runSignaturesStage(p.dir, { quiet: true });
    }
    runDedupStage(corpus, { quiet: true });
  });
  afterAll(() => rmSync(corpus, { recursive: true, force: true }));

  it('drops the copied and barely edited paragraphs of the second edition and keeps its new ones', async () => {
    expect(existsSync(join(SAMPLE, 'truth', `${SECOND}.json`))).toBe(true);
    const truth = JSON.parse(readFileSync(join(SAMPLE, 'truth', `${SECOND}.json`), 'utf8')) as { blocks: TruthBlock[] };
    const first = JSON.parse(readFileSync(bookPaths(corpus, FIRST).dropList, 'utf8'));
    const second = JSON.parse(readFileSync(bookPaths(corpus, SECOND).dropList, 'utf8'));
    expect(first).toEqual({ bookId: FIRST, wholeBook: null, drops: [] });
    expect(second.wholeBook).toBeNull();
    const dropped = new Map<number, { reason: string; twin: string }>(second.drops.map((d: { seq: number; reason: string; twin: string }) => [d.seq, d]));
    const h = await ShingleHasher.create();
    const nodes = readNodes(bookPaths(corpus, SECOND).kept).filter((n) => n.kind === 'text').map((n) => ({ seq: n.seq, set: h.shingles(n.text) }));
    // Each truth paragraph, located among the extracted nodes by shingle overlap; only those the
    // PDF round trip kept whole (a page break can split a paragraph into pieces) are judged.
    const verdicts = { copiedDropped: 0, copied: 0, newKept: 0, new: 0, editedClose: 0, editedCloseDropped: 0, editedFar: 0, editedFarKept: 0 };
    for (const b of truth.blocks) {
      if (!b.origin || b.kind === 'heading' || b.text.split(/\s+/).length < 5) continue;
      const set = h.shingles(b.text);
      let best = nodes[0]!;
      let bestJ = -1;
      for (const n of nodes) {
        const j = jaccard(set, n.set);
        if (j > bestJ) {
          bestJ = j;
          best = n;
        }
      }
      if (bestJ < 0.99) continue;
      const d = dropped.get(best.seq);
      if (d) expect(d.twin.startsWith(`${FIRST}/`)).toBe(true);
      if (b.origin === 'copied') {
        verdicts.copied++;
        if (d) verdicts.copiedDropped++;
      } else if (b.origin === 'new') {
        verdicts.new++;
        if (!d) verdicts.newKept++;
      } else if ((b.twinJaccard ?? 0) >= 0.83) {
        verdicts.editedClose++;
        if (d?.reason === 'near-text') verdicts.editedCloseDropped++;
      } else if ((b.twinJaccard ?? 1) < 0.75) {
        verdicts.editedFar++;
        if (!d) verdicts.editedFarKept++;
      }
    }
    expect(verdicts.copied).toBeGreaterThan(20);
    expect(verdicts.copiedDropped).toBe(verdicts.copied);
    expect(verdicts.new).toBeGreaterThan(10);
    expect(verdicts.newKept).toBe(verdicts.new);
    expect(verdicts.editedClose).toBeGreaterThanOrEqual(2);
    expect(verdicts.editedCloseDropped).toBe(verdicts.editedClose);
    expect(verdicts.editedFarKept).toBe(verdicts.editedFar);
  });
});
