import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeWithSpecials, removeCrashLeftovers } from '@mtb/core';
import { ShardWriter, readIndex, type ShardRow } from '@mtb/shards';
import { shardFolderViolations } from '@mtb-tools/hostile-pdfs';

/**
 * The shard folder's crash contract, step by step (the end-to-end kill loop in
 * reliability.test.ts hits these moments only by chance): while a writer works
 * and until close() returns, a reader sees the previous complete dataset and
 * nothing else; leftovers of a killed writer never show and are cleared by the
 * next one.
 */

let scratch = '';
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'mtb-reliability-shards-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function row(i: number, pad = 0): ShardRow {
  const text = `<image>Figure ${i}. ${'x'.repeat(pad)}<|endofchunk|>`;
  const ids = Int32Array.from(encodeWithSpecials(text));
  return { id: `b/${i}`, source: 'mtb', book_id: 'b', text, images: [{ bytes: Uint8Array.of(i & 255, 1, 2), path: `b/p1-${i}.jpg` }], input_ids: ids, num_tokens: ids.length, num_images: 1, pages: [1] };
}

async function writeAll(dir: string, rows: ShardRow[]): Promise<void> {
  const w = new ShardWriter(dir, { maxShardBytes: 8_000 });
  for (const r of rows) await w.write(r);
  await w.close();
}

const snapshot = (dir: string): Record<string, string> => Object.fromEntries(readdirSync(dir).sort().map((f) => [f, readFileSync(join(dir, f)).toString('base64')]));

describe('ShardWriter under a crash', () => {
  it('shows the old complete dataset until close() swaps in the new one, never a mix', async () => {
    const shards = join(scratch, 'swap', 'shards');
    const dir = join(shards, 'train');
    await writeAll(dir, Array.from({ length: 40 }, (_, i) => row(i, 300)));
    const before = snapshot(dir);
    expect(readIndex(dir).shards.length).toBeGreaterThan(2);

    const w = new ShardWriter(dir, { maxShardBytes: 8_000 });
    for (let i = 0; i < 7; i++) await w.write(row(100 + i, 300));
    // Mid-write (what SIGKILL would freeze): the folder is untouched, the work is hidden beside it.
    expect(snapshot(dir)).toEqual(before);
    expect(shardFolderViolations(shards)).toEqual([]);
    expect(readdirSync(shards).filter((f) => !f.startsWith('.'))).toEqual(['train']);
    await w.close();
    expect(readIndex(dir).totalRows).toBe(7);
    expect(shardFolderViolations(shards)).toEqual([]);
    expect(readdirSync(shards)).toEqual(['train']);
  });

  it('clears the staging folder a killed writer left, and never lists it as data', async () => {
    const shards = join(scratch, 'leftover', 'shards');
    const dir = join(shards, 'eval');
    mkdirSync(join(shards, '.tmp-eval-4242-0badf00d'), { recursive: true });
    writeFileSync(join(shards, '.tmp-eval-4242-0badf00d', 'data-00000-of-00001.arrow'), 'half a shard');
    // A writer of another folder whose name starts alike keeps its staging.
    mkdirSync(join(shards, '.tmp-eval-extra-4242-0badf00d'), { recursive: true });
    expect(shardFolderViolations(shards)).toEqual([]);
    await writeAll(dir, [row(1), row(2)]);
    expect(readdirSync(shards).sort()).toEqual(['.tmp-eval-extra-4242-0badf00d', 'eval']);
    expect(readIndex(dir).totalRows).toBe(2);
  });

  it('updates a folder that also holds foreign files in place, keeping them, with index.json last', async () => {
    const dir = join(scratch, 'foreign');
    await writeAll(dir, Array.from({ length: 30 }, (_, i) => row(i, 300)));
    writeFileSync(join(dir, 'README.md'), 'notes of the user');
    await writeAll(dir, [row(1)]);
    expect(readFileSync(join(dir, 'README.md'), 'utf8')).toBe('notes of the user');
    expect(readdirSync(dir).filter((f) => f.endsWith('.arrow'))).toEqual(['data-00000-of-00001.arrow']);
    expect(readIndex(dir).totalRows).toBe(1);
  });

  it('an aborted writer leaves the folder as it was and no staging behind', async () => {
    const parent = join(scratch, 'abort');
    const dir = join(parent, 'train');
    await writeAll(dir, [row(1), row(2)]);
    const before = snapshot(dir);
    const w = new ShardWriter(dir, { maxShardBytes: 8_000 });
    for (let i = 0; i < 30; i++) await w.write(row(i, 300));
    w.abort();
    expect(snapshot(dir)).toEqual(before);
    expect(readdirSync(parent)).toEqual(['train']);
  });
});

describe('crash leftovers in a corpus', () => {
  it('mtb build clears tempPathFor leftovers in the folders it writes, and only those', () => {
    const corpus = join(scratch, 'leftovers');
    const mk = (...p: string[]): string => {
      mkdirSync(join(corpus, ...p.slice(0, -1)), { recursive: true });
      writeFileSync(join(corpus, ...p), 'x');
      return join(corpus, ...p);
    };
    mkdirSync(join(corpus, 'build', 'a', '.tmp-images-4242-0badf00d'), { recursive: true });
    const leftovers = [
      mk('build', 'a', 'status', '.tmp-html.json-4242-0badf00d'),
      mk('build', 'a', '.tmp-book.html-17-00ff00ff'),
      mk('build', '_dedup', '.tmp-a.json-4242-0badf00d'),
      mk('report', '.tmp-stats.json-4242-0badf00d'),
    ];
    const kept = [mk('build', 'a', 'book.html'), mk('build', 'a', '.tmp-notes'), mk('build', 'b', '.tmp-book.html-17-00ff00ff'), mk('shards', 'README.md')];
    // A --shard run that owns book "a" only: the corpus-level folders are not its to sweep.
    const removed = removeCrashLeftovers(corpus, { books: ['a'], corpusSteps: false });
    expect(removed.sort()).toEqual([join(corpus, 'build', 'a', '.tmp-images-4242-0badf00d'), leftovers[0]!, leftovers[1]!].sort());
    expect(removeCrashLeftovers(corpus, { books: ['a'], corpusSteps: true }).sort()).toEqual([leftovers[2]!, leftovers[3]!].sort());
    for (const f of kept) expect(readFileSync(f, 'utf8')).toBe('x');
  });
});
