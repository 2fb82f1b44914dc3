import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';

/**
 * Incremental rebuilds through the real Nx graph: two books; replacing one PDF
 * reruns that book's tasks and the corpus steps, and nothing of the other book.
 */
const ROOT = resolve(import.meta.dirname ?? '.', '..', '..', '..');
const NAME = `zz-incremental-${process.pid}`;
const CORPUS = join(ROOT, 'datasets', NAME);
const SAMPLE = join(ROOT, 'datasets', 'sample', 'pdf');

function build(): { ran: Set<string>; cached: Set<string> } {
  const r = spawnSync(process.execPath, [join(ROOT, 'packages/cli/bin/mtb.js'), '--quiet', 'build', `datasets/${NAME}`, '--parallel', '2'], {
    cwd: ROOT, encoding: 'utf8', env: { ...process.env, NX_DAEMON: 'false' }, timeout: 300_000,
  });
  if (r.status !== 0) throw new Error(`mtb build failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  const times = JSON.parse(readFileSync(join(CORPUS, 'report', 'build-times.json'), 'utf8')) as { tasks: Array<{ task: string; cached: boolean }> };
  const ran = new Set(times.tasks.filter((t) => !t.cached).map((t) => t.task));
  const cached = new Set(times.tasks.filter((t) => t.cached).map((t) => t.task));
  return { ran, cached };
}

describe('incremental build through Nx', () => {
  beforeAll(() => {
    rmSync(CORPUS, { recursive: true, force: true });
    mkdirSync(join(CORPUS, 'pdf'), { recursive: true });
    copyFileSync(join(SAMPLE, 'clinical-neurology-handbook.pdf'), join(CORPUS, 'pdf', 'alpha.pdf'));
    copyFileSync(join(SAMPLE, 'musculoskeletal-imaging-notes.pdf'), join(CORPUS, 'pdf', 'beta.pdf'));
    writeFileSync(join(CORPUS, 'corpus.json'), JSON.stringify({ splitUnit: 'segment' }));
  });
  afterAll(() => rmSync(CORPUS, { recursive: true, force: true }));

  it('reruns only the changed book and the corpus steps', () => {
    const first = build();
    const perBook = ['html', 'tokens', 'filter', 'signatures', 'segments'];
    for (const t of perBook) {
      expect(first.ran.has(`${NAME}-alpha:${t}`) || first.cached.has(`${NAME}-alpha:${t}`)).toBe(true);
    }
    const again = build();
    expect([...again.ran].filter((t) => t !== `${NAME}:build`)).toEqual([]);

    // Replace one book's PDF with another book.
    copyFileSync(join(SAMPLE, 'obstetrics-and-gynaecology-primer.pdf'), join(CORPUS, 'pdf', 'alpha.pdf'));
    const third = build();
    for (const t of perBook) expect(third.ran).toContain(`${NAME}-alpha:${t}`);
    expect(third.ran).toContain(`${NAME}:dedup`);
    expect(third.ran).toContain(`${NAME}:shards`);
    for (const t of perBook) expect(third.cached).toContain(`${NAME}-beta:${t}`);
  });

  it('reruns only the changed stage and what depends on it when its code changes', () => {
    build();
    // A no-op edit of the segment command (one trailing newline): Nx hashes the
    // source, so every book's segments must rerun; nothing upstream may.
    const file = join(ROOT, 'packages/cli/src/commands/segment.ts');
    const before = readFileSync(file, 'utf8');
    let after: ReturnType<typeof build>;
    try {
      writeFileSync(file, `${before}\n`);
      after = build();
    } finally {
      // Undo only our own newline, so a concurrent edit of the file is never lost.
      if (readFileSync(file, 'utf8') === `${before}\n`) writeFileSync(file, before);
    }
    expect(after.ran).toContain(`${NAME}-alpha:segments`);
    expect(after.ran).toContain(`${NAME}-beta:segments`);
    for (const t of after.ran) expect(t).toMatch(/:(segments|shards|build)$/);
  });
});
