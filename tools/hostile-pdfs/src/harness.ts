import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { readIndex, readShardRows, type ShardRow } from '@mtb/shards';
import { runMtb, type ProcessResult } from '@mtb/cli';

/** Shared pieces of the reliability suite and the stress run: corpora in temp folders, the CLI as a process, file digests. */
export const ROOT = resolve(import.meta.dirname ?? '.', '..', '..', '..');
export const MTB_BIN = join(ROOT, 'packages', 'cli', 'bin', 'mtb.js');
export const SAMPLE_PDF_DIR = join(ROOT, 'datasets', 'sample', 'pdf');

/** The two smallest real books of the sample corpus (32 pages, 12 images): enough for every stage, fast. */
export const GOOD_BOOKS = ['clinical-neurology-handbook', 'obstetrics-and-gynaecology-primer'] as const;

/** Every corpus of the suite is called "corpus": the name goes into dataset_info.json, so equal names compare byte for byte. */
export function makeCorpus(parent: string, opts: { books?: readonly string[]; extra?: Array<{ id: string; bytes: Uint8Array }>; config?: Record<string, unknown> } = {}): string {
  const dir = join(parent, 'corpus');
  mkdirSync(join(dir, 'pdf'), { recursive: true });
  for (const b of opts.books ?? GOOD_BOOKS) cpSync(join(SAMPLE_PDF_DIR, `${b}.pdf`), join(dir, 'pdf', `${b}.pdf`));
  for (const e of opts.extra ?? []) writeFileSync(join(dir, 'pdf', `${e.id}.pdf`), e.bytes);
  writeFileSync(join(dir, 'corpus.json'), JSON.stringify({ splitUnit: 'segment', ...opts.config }));
  return dir;
}

export function mtb(args: string[], timeoutMs = 300_000): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [MTB_BIN, '--quiet', ...args], { cwd: ROOT, encoding: 'utf8', timeout: timeoutMs });
}

/** `mtb build` that must succeed; the failure message carries the command's output. */
export function build(corpus: string, extra: string[] = []): void {
  const r = mtb(['build', corpus, '--no-nx', ...extra]);
  if (r.status !== 0) throw new Error(`mtb build ${corpus} ${extra.join(' ')} exited ${r.status} (${r.signal ?? ''}):\n${r.stdout}\n${r.stderr}`);
}

/** A stage command's exit code, output, wall time and peak RSS (from the build runner's own process runner). */
export type Usage = ProcessResult;

/** One `mtb` command as its own process with its peak RSS, killed past `timeoutMs`. */
export function mtbMeasured(args: string[], timeoutMs = 300_000): Promise<Usage> {
  return runMtb(args, { cwd: ROOT, limits: { timeoutMs } });
}

/** Every file under `dir` (relative path -> sha256), in sorted order. */
export function hashTree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(relative(dir, p), createHash('sha256').update(readFileSync(p)).digest('hex'));
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

/** The differences between two hash trees, as readable lines (empty when equal). */
export function treeDiff(want: Map<string, string>, got: Map<string, string>): string[] {
  const out: string[] = [];
  for (const [f, h] of want) if (got.get(f) !== h) out.push(`${f}: ${got.has(f) ? 'differs' : 'missing'}`);
  for (const f of got.keys()) if (!want.has(f)) out.push(`${f}: extra`);
  return out;
}

/** Paths (files or folders) under `dir` named like core's tempPathFor(): `.tmp-<final name>-<pid>-<hex>`. */
export function tempNames(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.name.startsWith('.tmp-')) out.push(relative(dir, p));
      if (e.isDirectory()) walk(p);
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

const SHARD_FILE = /^data-\d{5}-of-\d{5}\.arrow$/;

/**
 * What a reader of `shards/<split>/` could see that is not a complete, listed
 * shard: a visible (non-hidden) file that is neither one of the dataset's
 * JSON files nor a shard listed in index.json with its size and sha256.
 */
export function shardFolderViolations(shardsDir: string): string[] {
  const out: string[] = [];
  if (!existsSync(shardsDir)) return out;
  for (const split of readdirSync(shardsDir)) {
    const dir = join(shardsDir, split);
    if (split.startsWith('.')) continue;
    const visible = readdirSync(dir).filter((f) => !f.startsWith('.'));
    const listed = new Map<string, { bytes: number; sha256: string }>();
    if (existsSync(join(dir, 'index.json'))) {
      for (const s of readIndex(dir).shards) listed.set(s.file, s);
    }
    for (const f of visible) {
      if (['index.json', 'state.json', 'dataset_info.json'].includes(f)) continue;
      const entry = listed.get(f);
      if (!SHARD_FILE.test(f)) out.push(`${split}/${f}: not a shard name`);
      else if (!entry) out.push(`${split}/${f}: not listed in index.json`);
      else {
        const bytes = readFileSync(join(dir, f));
        if (bytes.length !== entry.bytes || createHash('sha256').update(bytes).digest('hex') !== entry.sha256) out.push(`${split}/${f}: differs from its index.json entry`);
      }
    }
    for (const f of listed.keys()) if (!visible.includes(f)) out.push(`${split}/${f}: listed in index.json but absent`);
  }
  return out;
}

/** Every row of a shard folder's shards, by id, as a comparable digest of all its columns. */
export async function rowsById(splitDir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const s of readIndex(splitDir).shards) {
    for await (const row of readShardRows(join(splitDir, s.file))) out.set(row.id, rowDigest(row));
  }
  return out;
}

function rowDigest(r: ShardRow): string {
  const h = createHash('sha256');
  h.update(JSON.stringify([r.id, r.source, r.book_id, r.text, r.num_tokens, r.num_images, [...r.pages], [...r.input_ids]]));
  for (const im of r.images) h.update(im.path).update(im.bytes);
  return h.digest('hex');
}

/** xorshift32: kill moments are drawn from a seed, so a failing run can be replayed. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s / 0x1_0000_0000;
  };
}

export interface KilledRun { killed: boolean; code: number | null; ms: number; output: string }

/**
 * `mtb build --no-nx` that is sent SIGKILL `delayMs` after `isDue(startedAt)` first
 * holds (polled every 20 ms): a crash at a chosen stage, at a drawn moment.
 * `killed` is false when the build finished first.
 */
export function buildKilled(corpus: string, args: string[], isDue: (startedAt: number) => boolean, delayMs: number): Promise<KilledRun> {
  // mtimes have coarser resolution than Date.now() on some filesystems: start the clock a little early.
  const t0 = Date.now() - 5;
  return new Promise((done) => {
    const child = spawn(process.execPath, [MTB_BIN, '--quiet', 'build', corpus, '--no-nx', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: string[] = [];
    child.stdout!.on('data', (b: Buffer) => out.push(b.toString()));
    child.stderr!.on('data', (b: Buffer) => out.push(b.toString()));
    let timer: NodeJS.Timeout | undefined;
    const poll = setInterval(() => {
      if (timer || !isDue(t0)) return;
      clearInterval(poll);
      timer = setTimeout(() => child.kill('SIGKILL'), delayMs);
    }, 20);
    child.on('close', (code, signal) => {
      clearInterval(poll);
      clearTimeout(timer);
      done({ killed: signal === 'SIGKILL', code, ms: Date.now() - t0, output: out.join('') });
    });
  });
}

/**
 * Files under a final (non-hidden) name in `build/` and `report/` that are not
 * whole: JSON that does not parse, Arrow files whose footer is missing, a
 * book.html without its closing tag. Atomic writes (temp + rename) keep this
 * empty at every moment, even right after SIGKILL.
 */
export function partialFiles(corpus: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.name.startsWith('.')) continue;
      const p = join(d, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'images') walk(p);
        continue;
      }
      const bytes = readFileSync(p);
      const rel = relative(corpus, p);
      if (e.name.endsWith('.json')) {
        try {
          JSON.parse(bytes.toString('utf8'));
        } catch {
          out.push(`${rel}: not whole JSON`);
        }
      } else if (e.name.endsWith('.arrow')) {
        // Arrow IPC files start and end with the magic "ARROW1".
        if (bytes.subarray(0, 6).toString('latin1') !== 'ARROW1' || bytes.subarray(-6).toString('latin1') !== 'ARROW1') out.push(`${rel}: not a whole Arrow file`);
      } else if (e.name === 'book.html') {
        if (!bytes.toString('utf8').trimEnd().endsWith('</html>')) out.push(`${rel}: cut short`);
      }
    }
  };
  for (const d of ['build', 'report']) if (existsSync(join(corpus, d))) walk(join(corpus, d));
  return out;
}
