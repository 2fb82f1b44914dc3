import { basename, dirname } from 'node:path';
import type { CreateNodesV2, CreateNodesResult, ProjectConfiguration } from '@nx/devkit';
import { bookProjectName, bookTargets, corpusTargets, type BookRef } from './targets.js';

export { bookTargets, corpusTargets, bookProjectName } from './targets.js';

/** Book ids are file stems reduced to a slug (same rule as @mtb/core slugify). */
function slug(name: string): string {
  return name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'book';
}

/**
 * One project per `datasets/<corpus>/pdf/<book>.pdf` and one per corpus. All PDFs
 * are seen in one call, so the corpus project lists every book it depends on.
 */
export function inferProjects(pdfFiles: readonly string[]): Record<string, Optional<ProjectConfiguration>> {
  const byCorpus = new Map<string, BookRef[]>();
  for (const file of [...pdfFiles].sort()) {
    const corpusDir = dirname(dirname(file));
    const corpus = basename(corpusDir);
    const bookId = slug(basename(file).replace(/\.pdf$/i, ''));
    const list = byCorpus.get(corpus) ?? [];
    list.push({ corpus, corpusDir, bookId, pdfFile: file });
    byCorpus.set(corpus, list);
  }
  const projects: Record<string, Optional<ProjectConfiguration>> = {};
  for (const [corpus, books] of byCorpus) {
    books.sort((a, b) => (a.bookId < b.bookId ? -1 : a.bookId > b.bookId ? 1 : 0));
    const corpusDir = books[0]!.corpusDir;
    const names: string[] = [];
    for (const b of books) {
      const name = bookProjectName(corpus, b.bookId);
      names.push(name);
      // The root is a virtual folder per book (no files live there): Nx keys projects by root.
      projects[`${corpusDir}/build/${b.bookId}`] = {
        name,
        root: `${corpusDir}/build/${b.bookId}`,
        tags: ['book', `corpus:${corpus}`],
        targets: bookTargets(b),
      };
    }
    projects[corpusDir] = { name: corpus, root: corpusDir, tags: ['corpus'], targets: corpusTargets(corpus, corpusDir, names) };
  }
  return projects;
}

type Optional<T> = Omit<T, 'root'> & { root?: string };

export const createNodesV2: CreateNodesV2 = [
  'datasets/*/pdf/*.{pdf,PDF}',
  (pdfFiles): Array<readonly [string, CreateNodesResult]> => {
    const projects = inferProjects(pdfFiles);
    // Nx wants results keyed by the file that produced them; one combined result is enough.
    return pdfFiles.length ? [[pdfFiles[0]!, { projects }] as const] : [];
  },
];
