import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseCorpusConfig } from '@mtb/core';
import { captionPlacement, notePlacement, orderScores, pdfToHtml } from '../src/index.js';

/**
 * The layout corpus (../shared/corpus/layout: ten real documents whose source
 * gives the reading order) scored as score.py scores it. Scores are
 * deterministic, so each document has a floor: 8-gram F1 (reading order) and
 * word recall with furniture left out (lost body words), and the truth's
 * captions held by their figure or table (`<figcaption>`, `<caption>`), and
 * its notes placed as notes right after the block the truth puts them after. The floors sit just
 * under what the stage measured when they were set; `npm run bench -- layout`
 * prints the figures beside poppler's. Converting all ten takes about 20 s on
 * one core.
 */
const LAYOUT = resolve(process.cwd(), '../shared/corpus/layout');

// ma32009's truth has seven captions the PDF does not print as captions (its web apps' "An app to explore ...").
const FLOORS: Record<string, { gram8: number; recall: number; captions?: number; notes?: number }> = {
  'bb511-ion-transport': { gram8: 0.808, recall: 0.981 },
  'cdl-lab-manual': { gram8: 0.960, recall: 0.993, notes: 25 },
  'docling-amt-handbook': { gram8: 0.995, recall: 0.995, captions: 2 },
  'docling-redp5110': { gram8: 0.879, recall: 0.987, captions: 10 },
  'ma32009-math-biology': { gram8: 0.596, recall: 0.961, captions: 31 },
  'palm-lab-manual': { gram8: 0.926, recall: 0.993 },
  'primer-ecology-ch9': { gram8: 0.845, recall: 0.987, captions: 14 },
  'ubco-ecology-guide': { gram8: 0.874, recall: 0.995, captions: 15 },
  // wtfgenes recall: tick labels, legends and plot markers ("0", "l", "flip") now sit inside rendered vector
  // figures, a few of which the truth's inline math happened to match (its "p 0", "π"); no body word is lost.
  'wtfgenes-preprint': { gram8: 0.628, recall: 0.971, captions: 3, notes: 1 },
  'wtfgenes-supplement': { gram8: 0.652, recall: 0.908, captions: 3, notes: 1 },
};

/** A document converts in seconds; a machine shared with a parallel suite can stretch that several times. */
const TIMEOUT_MS = 300_000;

const present = existsSync(join(LAYOUT, 'score.py'));
const describeLayout = present ? describe : describe.skip;

describeLayout('layout corpus (../shared/corpus/layout): reading order against source-derived truth', () => {
  const work = mkdtempSync(join(tmpdir(), 'pdf-html-layout-'));
  const config = parseCorpusConfig({});
  const htmls = new Map<string, string>();
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it.each(Object.keys(FLOORS))('%s: 8-gram F1, word recall, captions held and notes placed at their floors', async (name) => {
    const { status, html } = await pdfToHtml(join(LAYOUT, 'pdf', `${name}.pdf`), join(work, name), { bookId: name, config });
    expect(status.state).toBe('ok');
    htmls.set(name, html);
    const truth = readFileSync(join(LAYOUT, 'truth', `${name}.txt`), 'utf8');
    const s = orderScores(truth, html);
    const held = captionPlacement(truth, html).held;
    const placed = notePlacement(truth, html).placed;
    const floor = FLOORS[name]!;
    expect({ name, gram8: s.gram8.f1 >= floor.gram8, recall: s.words.recall >= floor.recall, captions: held >= (floor.captions ?? 0), notes: placed >= (floor.notes ?? 0) }).toEqual({
      name,
      gram8: true,
      recall: true,
      captions: true,
      notes: true,
    });
  }, TIMEOUT_MS);

  const python = spawnSync('python3', ['--version']).status === 0;
  (python ? it : it.skip)('scores exactly as score.py does', async () => {
    const name = 'docling-redp5110';
    const file = join(work, `${name}.html`);
    if (!htmls.has(name)) htmls.set(name, (await pdfToHtml(join(LAYOUT, 'pdf', `${name}.pdf`), join(work, name), { bookId: name, config })).html);
    writeFileSync(file, htmls.get(name)!);
    const py = JSON.parse(spawnSync('python3', [join(LAYOUT, 'score.py'), join(LAYOUT, 'truth', `${name}.txt`), file, '--json'], { encoding: 'utf8' }).stdout) as Record<string, number[] | number>;
    const ts = orderScores(readFileSync(join(LAYOUT, 'truth', `${name}.txt`), 'utf8'), htmls.get(name)!);
    expect(ts.candidateWords).toBe(py.candidate_words);
    expect(ts.gram8.f1).toBeCloseTo((py['8gram'] as number[])[2]!, 10);
    expect(ts.words.recall).toBeCloseTo((py.words as number[])[1]!, 10);
  }, TIMEOUT_MS);
});
