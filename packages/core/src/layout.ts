import { join, resolve, relative, isAbsolute, sep } from 'node:path';
import { readdirSync, existsSync, lstatSync, realpathSync } from 'node:fs';
import { bookIdFromPath } from './slug.js';

/** Every path of a corpus, in one place (DESIGN.md section 2). */
export function corpusPaths(corpusDir: string) {
  const root = resolve(corpusDir);
  return {
    root,
    config: join(root, 'corpus.json'),
    books: join(root, 'books.json'),
    pdfDir: join(root, 'pdf'),
    buildDir: join(root, 'build'),
    dedupDir: join(root, 'build', '_dedup'),
    shardsDir: join(root, 'shards'),
    trainDir: join(root, 'shards', 'train'),
    evalDir: join(root, 'shards', 'eval'),
    reportDir: join(root, 'report'),
    stats: join(root, 'report', 'stats.json'),
  };
}

/** Every output of one book (DESIGN.md section 2). */
export function bookPaths(corpusDir: string, bookId: string) {
  const c = corpusPaths(corpusDir);
  const dir = join(c.buildDir, bookId);
  return {
    pdf: join(c.pdfDir, `${bookId}.pdf`),
    dir,
    html: join(dir, 'book.html'),
    imagesDir: join(dir, 'images'),
    nodes: join(dir, 'nodes.arrow'),
    kept: join(dir, 'kept.arrow'),
    signatures: join(dir, 'signatures.arrow'),
    segments: join(dir, 'segments.arrow'),
    /** Folder of per-stage status files (`status/<stage>.json`); see status.ts. */
    status: join(dir, 'status'),
    dropList: join(c.dedupDir, `${bookId}.json`),
  };
}

/** The books of a corpus: `pdf/*.pdf` sorted by id, so every listing is deterministic. */
export function listBooks(corpusDir: string): Array<{ bookId: string; pdf: string }> {
  const { pdfDir } = corpusPaths(corpusDir);
  if (!existsSync(pdfDir)) return [];
  return readdirSync(pdfDir)
    .filter((f) => f.toLowerCase().endsWith('.pdf'))
    .map((f) => ({ bookId: bookIdFromPath(f), pdf: join(pdfDir, f) }))
    .sort((a, b) => (a.bookId < b.bookId ? -1 : a.bookId > b.bookId ? 1 : 0));
}

/** True when `child` (after resolving) stays inside `root`. */
export function isInside(root: string, child: string): boolean {
  const rel = relative(resolve(root), resolve(root, child));
  return rel === '' || (!rel.startsWith('..' + sep) && rel !== '..' && !isAbsolute(rel));
}

/** Join a data-supplied relative path under root, refusing anything that escapes it. */
export function safeJoin(root: string, untrusted: string): string {
  if (untrusted.includes('\0') || isAbsolute(untrusted) || !isInside(root, untrusted)) {
    throw new Error(`path "${untrusted}" escapes its root ${root}`);
  }
  return resolve(root, untrusted);
}

/**
 * Refuse corpus inputs that are symlinks pointing outside the corpus: a
 * corpus must not read (or later overwrite) files elsewhere on the machine.
 */
/** A path that would read or write outside its root: bad input, refused (exit 2), never followed. */
export class UnsafePathError extends Error {
  override name = 'UnsafePathError';
}

export function assertNoEscapingSymlinks(corpusDir: string): void {
  const root = realpathSync(corpusDir);
  const { pdfDir } = corpusPaths(corpusDir);
  const check = (p: string): void => {
    if (!existsSync(p)) return;
    if (lstatSync(p).isSymbolicLink()) {
      const target = realpathSync(p);
      if (!isInside(root, relative(root, target)) || relative(root, target).startsWith('..')) {
        throw new UnsafePathError(`${p} is a symlink to ${target}, outside the corpus ${root}: copy the file into the corpus instead`);
      }
    }
  };
  check(pdfDir);
  if (existsSync(pdfDir)) for (const f of readdirSync(pdfDir)) check(join(pdfDir, f));
}
