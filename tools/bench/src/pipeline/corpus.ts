import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateCorpus, type CorpusManifest } from '@mtb-tools/sample-gen';

export const WORKSPACE = resolve(fileURLToPath(new URL('../../../..', import.meta.url)));
/** Generated corpora live here (gitignored), one folder per option set, reused across bench runs. */
export const CACHE_DIR = join(WORKSPACE, 'tmp', 'bench-corpus');

export interface ScaleCorpusOptions { books: number; pagesPerBook: number; seed: string }

export function corpusKey(o: ScaleCorpusOptions): string {
  return `scale-b${o.books}-p${o.pagesPerBook}-${o.seed}`;
}

/**
 * A generated corpus (PDFs + planted.json), made once per option set and kept
 * under tmp/: generating 10,000 pages takes minutes, so the bench reuses it.
 * Written into a temp folder and renamed, so a killed run leaves no half corpus.
 */
export async function cachedScaleCorpus(o: ScaleCorpusOptions, log: (m: string) => void = () => {}): Promise<{ dir: string; manifest: CorpusManifest }> {
  const dir = join(CACHE_DIR, corpusKey(o));
  const manifestFile = join(dir, 'planted.json');
  if (!existsSync(manifestFile)) {
    const tmp = `${dir}.partial-${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    const t0 = Date.now();
    await generateCorpus({ outDir: tmp, books: o.books, pagesPerBook: o.pagesPerBook, seed: o.seed, log });
    writeFileSync(join(tmp, 'generated.json'), JSON.stringify({ ...o, ms: Date.now() - t0 }) + '\n');
    rmSync(dir, { recursive: true, force: true });
    renameSync(tmp, dir);
  }
  return { dir, manifest: JSON.parse(readFileSync(manifestFile, 'utf8')) as CorpusManifest };
}
