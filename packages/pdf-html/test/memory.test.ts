import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

/**
 * Peak RSS of the stage on the corpus files with the largest images (a 2980x2977
 * RGBA image, 1852x2375 figures), each in its own process so the figure is the
 * stage's own. DESIGN.md 7: under 1 GB. The 1,000-page book is measured by the
 * bench (npm run bench -- pdf-html), too slow for the unit suite.
 */
const PDF_DIR = resolve(process.cwd(), '../shared/corpus/pdf');
const CHILD = resolve(process.cwd(), 'packages/pdf-html/test/peak-rss-child.ts');
const run = promisify(execFile);

const files = ['large-rgba-images.pdf', 'peerj-bioinformatics.pdf'];
const describeCorpus = existsSync(PDF_DIR) ? describe : describe.skip;

describeCorpus('memory', () => {
  it.each(files)('%s converts with a peak RSS under 1 GB', async (file) => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', CHILD, join(PDF_DIR, file)], { maxBuffer: 1 << 20 });
    const r = JSON.parse(stdout) as { state: string; pages: number; peakRssMb: number };
    expect(r.state).toBe('ok');
    expect(r.peakRssMb).toBeLessThan(1024);
  });
});
