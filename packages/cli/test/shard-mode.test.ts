import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { folderFiles } from './folder-files.js';

/**
 * Many machines without Nx: `mtb build --shard i/N` on N copies of the corpus
 * (each writes build/<book>/ for its own books only), the build folders copied
 * together, then one `mtb build --join`, must give the same shards, byte for
 * byte, as one machine building everything. The single-machine build runs its
 * stages in worker threads and the first shard machine as separate processes,
 * so this also holds the two ways of running a stage to the same bytes.
 */
const ROOT = resolve(import.meta.dirname ?? '.', '..', '..', '..');
const SAMPLE = join(ROOT, 'datasets', 'sample', 'pdf');
const BOOKS = ['cardiology-essentials', 'cardiology-essentials-2nd-edition', 'clinical-neurology-handbook'];
const N = 3;
/** What `mtb build --join` needs of each book's build folder (SCALING.md gives the same list). */
const JOIN_INPUTS = ['kept.arrow', 'signatures.arrow', 'status'];

let scratch = '';

function mtb(args: string[]): string {
  const r = spawnSync(process.execPath, [join(ROOT, 'packages/cli/bin/mtb.js'), '--quiet', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 180_000 });
  if (r.status !== 0) throw new Error(`mtb ${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** A corpus folder named "corpus" (the name goes into dataset_info.json) on its own "machine". */
function machine(name: string): string {
  const dir = join(scratch, name, 'corpus');
  mkdirSync(join(dir, 'pdf'), { recursive: true });
  for (const b of BOOKS) cpSync(join(SAMPLE, `${b}.pdf`), join(dir, 'pdf', `${b}.pdf`));
  writeFileSync(join(dir, 'corpus.json'), JSON.stringify({ splitUnit: 'segment' }));
  return dir;
}

describe('mtb build --shard i/N + --join', () => {
  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'mtb-shard-mode-'));
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('gives shards byte-identical to a single-machine build', () => {
    const single = machine('single');
    mtb(['build', single, '--no-nx', '--parallel', '2']);

    const merged = machine('merged');
    for (let i = 0; i < N; i++) {
      const m = machine(`machine-${i}`);
      mtb(['build', m, '--no-nx', '--shard', `${i}/${N}`, '--isolate', i === 0 ? 'process' : 'worker']);
      // A shard run builds its own books up to signatures and nothing of the corpus steps.
      const built = readdirSync(join(m, 'build')).sort();
      expect(built).toEqual(BOOKS.filter((_, k) => k % N === i));
      expect(existsSync(join(m, 'shards'))).toBe(false);
      expect(existsSync(join(m, 'build', built[0]!, 'segments.arrow'))).toBe(false);
      // Copy back what the join reads (what rsync/gsutil would move between
      // machines): per book kept.arrow, signatures.arrow and status/, not the
      // html, images/ or nodes.arrow.
      for (const b of built) {
        for (const f of JOIN_INPUTS) cpSync(join(m, 'build', b, f), join(merged, 'build', b, f), { recursive: true });
      }
    }
    mtb(['build', merged, '--join']);

    const want = folderFiles(join(single, 'shards'));
    const got = folderFiles(join(merged, 'shards'));
    expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
    expect([...want.keys()].some((f) => f.endsWith('.arrow'))).toBe(true);
    for (const [f, bytes] of want) expect({ f, same: got.get(f)!.equals(bytes) }).toEqual({ f, same: true });
    // The per-book outputs and the join's drop lists agree too (they feed the shards).
    for (const b of BOOKS) {
      for (const f of ['kept.arrow', 'signatures.arrow', 'segments.arrow']) {
        expect(readFileSync(join(merged, 'build', b, f)).equals(readFileSync(join(single, 'build', b, f)))).toBe(true);
      }
      expect(readFileSync(join(merged, 'build', '_dedup', `${b}.json`), 'utf8')).toBe(readFileSync(join(single, 'build', '_dedup', `${b}.json`), 'utf8'));
    }
    // The second edition shares content with the first: the join must have seen both machines' books.
    const drops = JSON.parse(readFileSync(join(merged, 'build', '_dedup', 'cardiology-essentials-2nd-edition.json'), 'utf8')) as { drops: unknown[]; wholeBook: unknown };
    expect(drops.drops.length > 0 || drops.wholeBook !== null).toBe(true);
  });

  it('refuses a malformed --shard with a usage error', () => {
    const m = machine('bad');
    const r = spawnSync(process.execPath, [join(ROOT, 'packages/cli/bin/mtb.js'), '--quiet', 'build', m, '--no-nx', '--shard', '3/3'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--shard');
  });
});
