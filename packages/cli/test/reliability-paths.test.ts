import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertValidBookId, bookIdFromPath, bookPaths, corpusPaths, isInside, isValidBookId, listBooks } from '@mtb/core';
import { readNodes } from '@mtb/image-tokens';
import { SAMPLE_PDF_DIR, makeCorpus, mtb } from '@mtb-tools/hostile-pdfs';

/**
 * Data paths never escape their roots: book ids from any file name, image
 * names written by pdf-html, and corpus folders holding symlinks or names that
 * collide or overflow. (PMC-OA image names and zip entries: see
 * packages/pmc-oa/test/image-sources.test.ts and convert.test.ts, cited in
 * RELIABILITY.md.)
 */

let scratch = '';
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'mtb-reliability-paths-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** File names a downloaded corpus can hold (one path component, as the filesystem allows). */
const ODD_NAMES = [
  '..pdf', '...pdf', '.hidden.pdf', '-.pdf', '--.pdf', ' .pdf', 'a b c.pdf', 'Gray’s Anatomy (41st Ed.).pdf',
  'Ανατομία.pdf', '解剖学.pdf', 'Café Médical.PDF', '..%2f..%2fetc%2fpasswd.pdf', '..\\..\\windows.pdf', 'new\nline.pdf',
  'tab\tand\u0000nul.pdf'.replace('\u0000', ''), '\u202Egnp.pdf', 'CON.pdf', 'x'.repeat(200) + '.pdf', 'é'.repeat(120) + '.pdf',
];

describe('book ids', () => {
  it('are slugs inside build/ whatever the file name', () => {
    const corpus = join(scratch, 'ids');
    for (const name of ODD_NAMES) {
      const id = bookIdFromPath(join(corpus, 'pdf', name));
      expect({ name, valid: isValidBookId(id) }).toEqual({ name, valid: true });
      expect(() => assertValidBookId(id)).not.toThrow();
      const p = bookPaths(corpus, id);
      for (const f of [p.dir, p.html, p.imagesDir, p.status, p.segments, p.dropList]) {
        expect({ name, f, inside: isInside(corpusPaths(corpus).buildDir, f) }).toEqual({ name, f, inside: true });
      }
    }
  });

  it('refuses ids that are not slugs before they reach a path', () => {
    for (const bad of ['../x', '..', '.', '', 'a/b', 'a\\b', 'A', 'a b', '/etc', 'a-', '-a']) {
      expect(() => assertValidBookId(bad)).toThrow(/invalid book id/);
    }
  });

  it('refuses a corpus where two file names give one book id, naming both (exit 2)', () => {
    const corpus = makeCorpus(join(scratch, 'collide'), { books: [] });
    cpSync(join(SAMPLE_PDF_DIR, 'clinical-neurology-handbook.pdf'), join(corpus, 'pdf', 'Heart Book.pdf'));
    cpSync(join(SAMPLE_PDF_DIR, 'obstetrics-and-gynaecology-primer.pdf'), join(corpus, 'pdf', 'heart-book.pdf'));
    expect(() => listBooks(corpus)).toThrow(/Heart Book\.pdf.*heart-book\.pdf|heart-book\.pdf.*Heart Book\.pdf/);
    const r = mtb(['build', corpus, '--no-nx']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('heart-book');
    expect(readdirSync(corpus)).not.toContain('build');
  });

  it('refuses a book id too long for the file names derived from it (exit 2)', () => {
    const corpus = makeCorpus(join(scratch, 'long'), { books: [] });
    cpSync(join(SAMPLE_PDF_DIR, 'clinical-neurology-handbook.pdf'), join(corpus, 'pdf', `${'x'.repeat(240)}.pdf`));
    const r = mtb(['build', corpus, '--no-nx']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/too long/);
    expect(readdirSync(corpus)).not.toContain('build');
  });
});

describe('symlinks pointing outside the corpus', () => {
  const outside = (): string => {
    const dir = join(scratch, `outside-${Math.random().toString(16).slice(2)}`);
    mkdirSync(dir, { recursive: true });
    cpSync(join(SAMPLE_PDF_DIR, 'clinical-neurology-handbook.pdf'), join(dir, 'elsewhere.pdf'));
    return dir;
  };

  const refused = (corpus: string, what: RegExp): void => {
    for (const mode of [['--no-nx'], []]) {
      const r = mtb(['build', corpus, ...mode]);
      expect({ mode, status: r.status }).toEqual({ mode, status: 2 });
      expect(r.stderr).toMatch(/symlink/);
      expect(r.stderr).toMatch(what);
      expect(r.stderr).toMatch(/outside the corpus/);
    }
    expect(readdirSync(corpus)).not.toContain('build');
    expect(readdirSync(corpus)).not.toContain('shards');
  };

  it('refuses a symlinked PDF with a clear message and exit 2, in direct and Nx mode', () => {
    const corpus = makeCorpus(join(scratch, 'link-file'), { books: ['obstetrics-and-gynaecology-primer'] });
    symlinkSync(join(outside(), 'elsewhere.pdf'), join(corpus, 'pdf', 'linked.pdf'));
    refused(corpus, /linked\.pdf/);
  });

  it('refuses a symlinked pdf/ folder', () => {
    const corpus = makeCorpus(join(scratch, 'link-dir'), { books: [] });
    rmSync(join(corpus, 'pdf'), { recursive: true });
    symlinkSync(outside(), join(corpus, 'pdf'));
    refused(corpus, /pdf/);
  });

  it('refuses output folders (build/, build/<book>/, shards/) that are symlinks out, before writing anything through them', () => {
    for (const [name, link] of [['link-build', ['build']], ['link-book', ['build', 'obstetrics-and-gynaecology-primer']], ['link-shards', ['shards']]] as const) {
      const corpus = makeCorpus(join(scratch, name), { books: ['obstetrics-and-gynaecology-primer'] });
      const target = outside();
      mkdirSync(join(corpus, ...link.slice(0, -1)), { recursive: true });
      symlinkSync(target, join(corpus, ...link));
      const r = mtb(['build', corpus, '--no-nx']);
      expect({ name, status: r.status }).toEqual({ name, status: 2 });
      expect(r.stderr).toMatch(/outside the corpus/);
      expect({ name, outside: readdirSync(target) }).toEqual({ name, outside: ['elsewhere.pdf'] });
    }
  });
});

describe('image names written by pdf-html', () => {
  it('are images/p<page>-<n>.<ext> inside the book folder, and nodes name them <book>/p<page>-<n>.<ext>', () => {
    const corpus = makeCorpus(join(scratch, 'images'), { books: ['obstetrics-and-gynaecology-primer'] });
    const id = 'obstetrics-and-gynaecology-primer';
    const out = bookPaths(corpus, id).dir;
    const r = mtb(['pdf-html', join(corpus, 'pdf', `${id}.pdf`), '--out', out]);
    expect(r.status).toBe(0);
    const html = readFileSync(join(out, 'book.html'), 'utf8');
    const srcs = [...html.matchAll(/<img[^>]*\ssrc="([^"]*)"/g)].map((m) => m[1]!);
    expect(srcs.length).toBeGreaterThan(0);
    for (const s of srcs) {
      expect(s).toMatch(/^images\/p\d+-\d+\.(jpg|png)$/);
      expect(isInside(join(out, 'images'), join(out, s))).toBe(true);
    }
    expect(readdirSync(join(out, 'images')).sort()).toEqual(srcs.map((s) => s.slice('images/'.length)).sort());
    expect(mtb(['tokens', out]).status).toBe(0);
    const paths = readNodes(bookPaths(corpus, id).nodes).filter((n) => n.kind === 'image').map((n) => n.image_path);
    expect(paths.length).toBeGreaterThan(0);
    for (const p of paths) expect(p).toMatch(new RegExp(`^${id}/p\\d+-\\d+\\.(jpg|png)$`));
  });
});
