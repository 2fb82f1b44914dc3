import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, sampleDir, type Built } from './build-book.js';
import { assessFilter, readTruth } from './truth-quality.js';

const truthBooks = existsSync(join(sampleDir, 'truth')) ? readdirSync(join(sampleDir, 'truth')).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort() : [];

(truthBooks.length ? describe : describe.skip)('generated sample textbooks against their ground truth', () => {
  let root: string;
  const built = new Map<string, Built>();
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'filter-sample-'));
    for (const id of truthBooks) built.set(id, await build(root, join(sampleDir, 'pdf', `${id}.pdf`)));
  }, 120_000);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it.each(truthBooks)('%s: >= 98%% of body words kept, >= 95%% of front/back matter and furniture words dropped, no figure dropped', (id) => {
    const { nodes, drops } = built.get(id)!;
    const q = assessFilter(readTruth(join(sampleDir, 'truth', `${id}.json`)), nodes, drops);
    expect(q.words.body.total).toBeGreaterThan(300);
    expect(q.words.matter.total + q.words.furniture.total).toBeGreaterThan(100);
    expect({ bodyKept: q.bodyKeptShare >= 0.98, lost: q.lostBody }).toEqual({ bodyKept: true, lost: q.lostBody });
    expect({ unwantedDropped: q.unwantedDroppedShare >= 0.95, kept: q.keptUnwanted }).toEqual({ unwantedDropped: true, kept: q.keptUnwanted });
    expect(q.figures).toBeGreaterThan(0);
    expect(q.figuresKept).toBe(q.figures);
  });
});
