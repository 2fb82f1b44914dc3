import { join, resolve, relative, isAbsolute, sep } from 'node:path';
import { readdirSync, existsSync, lstatSync, realpathSync, rmSync } from 'node:fs';
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

/**
 * Longest book id: file names are built from it with up to 25 more characters
 * (`.tmp-<id>.json-<pid>-<hex>`), and one path component holds at most 255 bytes.
 */
export const MAX_BOOK_ID_LENGTH = 200;

/**
 * The books of a corpus: `pdf/*.pdf` sorted by id, so every listing is
 * deterministic. Two files with one id would write the same build/<id>/, and
 * an overlong id cannot name its files: both refuse the corpus (exit 2).
 */
export function listBooks(corpusDir: string): Array<{ bookId: string; pdf: string }> {
  const { pdfDir } = corpusPaths(corpusDir);
  if (!existsSync(pdfDir)) return [];
  const books = readdirSync(pdfDir)
    .filter((f) => f.toLowerCase().endsWith('.pdf'))
    .sort()
    .map((f) => ({ bookId: bookIdFromPath(f), pdf: join(pdfDir, f) }))
    .sort((a, b) => (a.bookId < b.bookId ? -1 : a.bookId > b.bookId ? 1 : 0));
  for (let i = 0; i < books.length; i++) {
    const b = books[i]!;
    if (b.bookId.length > MAX_BOOK_ID_LENGTH) {
      throw new UnsafePathError(`${b.pdf}: its book id is too long (${b.bookId.length} characters, at most ${MAX_BOOK_ID_LENGTH}) for the file names built from it: rename the PDF`);
    }
    if (i > 0 && books[i - 1]!.bookId === b.bookId) {
      throw new UnsafePathError(`${books[i - 1]!.pdf} and ${b.pdf} both become book id "${b.bookId}" and would write the same build/${b.bookId}/: rename one of them`);
    }
  }
  return books;
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

/** core tempPathFor() names: `.tmp-<final name>-<pid>-<8 hex>`. */
const TEMP_NAME = /^\.tmp-.+-\d+-[0-9a-f]{8}$/;

/**
 * Remove the hidden temp files and folders (tempPathFor names) that a killed
 * run left in the folders it writes: the given books' build folders and, with
 * `corpusSteps`, build/_dedup, shards/ and report/. Only folders this run owns
 * are swept (a `--shard` run sweeps its own books), so a concurrent writer's
 * temp file is never taken. Returns what was removed.
 */
export function removeCrashLeftovers(corpusDir: string, opts: { books: string[]; corpusSteps: boolean }): string[] {
  const c = corpusPaths(corpusDir);
  const dirs = opts.books.flatMap((id) => [join(c.buildDir, id), join(c.buildDir, id, 'status')]);
  if (opts.corpusSteps) dirs.push(c.dedupDir, c.shardsDir, c.trainDir, c.evalDir, c.reportDir);
  const removed: string[] = [];
  for (const d of dirs) {
    if (!existsSync(d) || lstatSync(d).isSymbolicLink()) continue;
    for (const f of readdirSync(d)) {
      if (!TEMP_NAME.test(f)) continue;
      rmSync(join(d, f), { recursive: true, force: true });
      removed.push(join(d, f));
    }
  }
  return removed;
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
  // Outputs too: a linked build/, build/<book>/ or shards/ would have the build write elsewhere.
  const { buildDir, shardsDir, reportDir } = corpusPaths(corpusDir);
  for (const p of [buildDir, shardsDir, join(shardsDir, 'train'), join(shardsDir, 'eval'), reportDir]) check(p);
  if (existsSync(buildDir) && !lstatSync(buildDir).isSymbolicLink()) for (const f of readdirSync(buildDir)) check(join(buildDir, f));
}
