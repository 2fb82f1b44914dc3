import { mkdtempSync, readFileSync, readdirSync, rmSync, existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateSample, REAL_BOOKS, DEFAULT_REAL_PDF_DIR } from './sample.js';
import { readTruth } from './truth.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const SAMPLE = resolve(HERE, '..', '..', '..', 'datasets', 'sample');

function listFiles(dir: string, prefix = ''): string[] {
  return readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? listFiles(join(dir, f), `${prefix}${f}/`) : [`${prefix}${f}`])).sort();
}

describe('committed sample corpus', () => {
  let fresh: string;
  beforeAll(async () => {
    fresh = mkdtempSync(join(tmpdir(), 'sample-gen-'));
    await generateSample({ outDir: fresh, realPdfDir: existsSync(DEFAULT_REAL_PDF_DIR) ? DEFAULT_REAL_PDF_DIR : null });
  });
  afterAll(() => rmSync(fresh, { recursive: true, force: true }));

  it('equals a fresh generation byte for byte (nobody edits the PDFs or truth by hand)', () => {
    const generated = listFiles(fresh);
    for (const f of generated) {
      const committed = join(SAMPLE, f);
      expect({ file: f, exists: existsSync(committed) }).toEqual({ file: f, exists: true });
      const same = readFileSync(committed).equals(readFileSync(join(fresh, f)));
      expect({ file: f, same }).toEqual({ file: f, same: true });
    }
    // Nothing in pdf/ or truth/ that the generator does not make.
    const real = new Set(REAL_BOOKS.map((r) => `pdf/${r.id}.pdf`));
    for (const f of listFiles(SAMPLE).filter((x) => (x.startsWith('pdf/') || x.startsWith('truth/')) && !real.has(x))) {
      expect(generated).toContain(f);
    }
  });

  it('holds the copyable real files unchanged, each with attribution in NOTICE and a books.json entry', () => {
    const notice = readFileSync(join(SAMPLE, 'NOTICE'), 'utf8');
    const books = JSON.parse(readFileSync(join(SAMPLE, 'books.json'), 'utf8')) as Record<string, { licence: string }>;
    for (const r of REAL_BOOKS) {
      expect(notice).toContain(`pdf/${r.id}.pdf`);
      expect(books[r.id]?.licence).toBe(r.licence);
      if (existsSync(join(DEFAULT_REAL_PDF_DIR, r.file))) {
        expect(readFileSync(join(SAMPLE, 'pdf', `${r.id}.pdf`)).equals(readFileSync(join(DEFAULT_REAL_PDF_DIR, r.file)))).toBe(true);
      }
    }
  });

  it('gives every generated book a truth file and a books.json entry, and stays small', () => {
    const books = JSON.parse(readFileSync(join(SAMPLE, 'books.json'), 'utf8')) as Record<string, { generated: boolean; specialty: string }>;
    const generated = Object.entries(books).filter(([, b]) => b.generated).map(([id]) => id);
    expect(generated.length).toBeGreaterThanOrEqual(4);
    for (const id of generated) {
      const t = readTruth(join(SAMPLE, 'truth', `${id}.json`));
      expect(t.bookId).toBe(id);
      expect(t.pageCount).toBeGreaterThanOrEqual(12);
      expect(t.pageCount).toBeLessThanOrEqual(32);
    }
    // Only what is committed: build outputs (build/, shards/, report/) are gitignored.
    const committed = listFiles(SAMPLE).filter((f) => !/^(build|shards|report)\//.test(f));
    const total = committed.reduce((s, f) => s + statSync(join(SAMPLE, f)).size, 0);
    expect(total).toBeLessThan(8 * 1024 * 1024);
  });
});
