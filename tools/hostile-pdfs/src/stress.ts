// The reliability stress run (`npm run stress`): the checks of
// packages/cli/test/reliability*.test.ts at full size. See RELIABILITY.md.
//
//   npm run stress -- [--seed N] [--kills N] [--pages N] [--only hostile,crash,determinism] [--keep]
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadCorpusConfig } from '@mtb/core';
import { hostileCases } from './cases.js';
import {
  ROOT, SAMPLE_PDF_DIR, build, buildKilled, hashTree, makeCorpus, mtb, partialFiles, rowsById, seededRandom, shardFolderViolations, tempNames, treeDiff,
} from './harness.js';

const { values: args } = parseArgs({
  options: {
    seed: { type: 'string', default: '1' },
    kills: { type: 'string', default: '20' },
    pages: { type: 'string', default: '5000' },
    only: { type: 'string', default: 'hostile,crash,determinism' },
    keep: { type: 'boolean', default: false },
  },
});
const SEED = Number(args.seed);
const KILLS = Number(args.kills);
const PAGES = Number(args.pages);
const PARTS = new Set(args.only!.split(','));
/** DESIGN.md section 7: peak RSS of any per-book stage under 1 GB. */
const STAGE_RSS_CEILING_MB = 1024;

const sampleBooks = readdirSync(SAMPLE_PDF_DIR).filter((f) => f.endsWith('.pdf')).map((f) => f.slice(0, -4)).sort();
const scratch = mkdtempSync(join(tmpdir(), 'mtb-stress-'));
const problems: string[] = [];
const lines: string[] = [];
const check = (ok: boolean, what: string): void => {
  lines.push(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) problems.push(what);
};
const say = (s: string): void => {
  process.stdout.write(`[stress] ${s}\n`);
};
const seconds = (t0: number): string => `${((Date.now() - t0) / 1000).toFixed(1)} s`;

/** The whole sample corpus, alone, built once: the reference of every comparison. */
let ref = '';
function reference(): string {
  if (ref) return ref;
  const t0 = Date.now();
  ref = makeCorpus(join(scratch, 'ref'), { books: sampleBooks });
  build(ref, ['--parallel', '2']);
  say(`reference build of ${sampleBooks.length} sample books: ${seconds(t0)}`);
  return ref;
}

async function hostile(): Promise<void> {
  const dir = join(scratch, 'hostile');
  const markerFile = join(dir, 'PWNED-by-font');
  const cases = hostileCases({ markerFile, manyPages: PAGES });
  // Default settings (maxPages 20,000): the many-pages file is converted, not refused, and must stay within the limits.
  const corpus = makeCorpus(dir, { books: sampleBooks, extra: cases });
  const t0 = Date.now();
  const r = mtb(['build', corpus, '--no-nx', '--parallel', '2', '--isolate', 'process'], 3_600_000);
  say(`hostile build (${sampleBooks.length} good + ${cases.length} hostile, ${PAGES}-page file, one process per stage): ${seconds(t0)}`);
  check(r.status === 0, `hostile build exits 0 (got ${r.status})`);
  check(!existsSync(markerFile), 'CVE-2024-4367 font never ran (no marker file)');
  const base = reference();
  for (const split of ['train', 'eval']) {
    const want = await rowsById(join(base, 'shards', split));
    const got = await rowsById(join(corpus, 'shards', split));
    const same = want.size === got.size && [...want].every(([id, d]) => got.get(id) === d);
    check(same, `${split}: the good books' ${want.size} rows equal those of a build without the hostile books`);
  }
  check(treeDiff(hashTree(join(base, 'shards')), hashTree(join(corpus, 'shards'))).length === 0, 'shard files byte-identical to the build without the hostile books');
  const stats = JSON.parse(readFileSync(join(corpus, 'report', 'stats.json'), 'utf8')) as { books: { failedBooks: Array<{ bookId: string; class: string }> } };
  const { bookTimeoutMs, maxPages } = loadCorpusConfig(join(corpus, 'corpus.json'));
  for (const c of cases) {
    const failed = stats.books.failedBooks.find((f) => f.bookId === c.id);
    // Under the default maxPages (20,000) the many-pages file is a long book to convert, not one to refuse.
    const expect = c.id === 'bad-many-pages' && PAGES <= maxPages ? 'ok' : c.expect;
    const want = expect === 'ok' || expect === 'partial' ? 'not failed' : expect;
    const got = failed ? failed.class : 'not failed';
    check(got === want, `${c.id} (${c.what}): ${got}${got === want ? '' : `, expected ${want}`}`);
  }
  const times = JSON.parse(readFileSync(join(corpus, 'report', 'build-times.json'), 'utf8')) as { tasks: Array<{ stage: string; ms: number; task: string; maxRssMb?: number }> };
  const table: string[] = [];
  for (const c of cases) {
    const tasks = times.tasks.filter((t) => t.task.includes(`/${c.id}.pdf`) || t.task.endsWith(`/${c.id}`));
    const peak = Math.max(...tasks.map((t) => t.maxRssMb ?? Infinity));
    const html = tasks.find((t) => t.stage === 'html');
    table.push(`  ${c.id.padEnd(22)} html ${String(html?.ms ?? '?').padStart(7)} ms   peak RSS of its stages ${peak} MB`);
    check(peak < STAGE_RSS_CEILING_MB, `${c.id}: every stage under ${STAGE_RSS_CEILING_MB} MB (peak ${peak} MB)`);
    check(html !== undefined && html.ms < bookTimeoutMs, `${c.id}: html within bookTimeoutMs ${bookTimeoutMs} ms (${html?.ms} ms)`);
  }
  const allPeak = Math.max(...times.tasks.map((t) => t.maxRssMb ?? 0));
  check(allPeak < STAGE_RSS_CEILING_MB, `every stage process of the hostile build under ${STAGE_RSS_CEILING_MB} MB (peak ${allPeak} MB)`);
  lines.push('hostile books, per book:', ...table);
}

async function crash(): Promise<void> {
  const base = reference();
  const corpus = makeCorpus(join(scratch, 'crash'), { books: sampleBooks });
  // The kill moments are spread over the length of one uninterrupted build.
  const t0 = Date.now();
  build(makeCorpus(join(scratch, 'crash-timing'), { books: sampleBooks }), ['--parallel', '2']);
  const buildMs = Date.now() - t0;
  const random = seededRandom(SEED);
  let killed = 0;
  for (let k = 0; k < KILLS; k++) {
    const at = Math.floor(random() * buildMs);
    const r = await buildKilled(corpus, ['--parallel', '2'], () => true, at);
    if (r.killed) killed++;
    else check(r.code === 0, `kill ${k + 1}: a build that finished before its kill exits 0 (got ${r.code})`);
    const v = shardFolderViolations(join(corpus, 'shards'));
    check(v.length === 0, `kill ${k + 1} at ${at} ms (${r.killed ? 'killed' : 'finished first'}): nothing partial under shards/${v.length ? `: ${v.join('; ')}` : ''}`);
    // A kill may leave hidden temp files, but never a file under a final name that is not whole.
    const partial = partialFiles(corpus);
    check(partial.length === 0, `kill ${k + 1}: no partial file under a final name in build/ or report/${partial.length ? `: ${partial.join(', ')}` : ''}`);
  }
  say(`${killed} of ${KILLS} runs killed (seed ${SEED}, moments over ${buildMs} ms)`);
  build(corpus, ['--parallel', '2']);
  check(treeDiff(hashTree(join(base, 'shards')), hashTree(join(corpus, 'shards'))).length === 0, `after ${killed} kills, the rerun's shards are byte-identical to an uninterrupted build`);
  check(treeDiff(hashTree(join(base, 'build')), hashTree(join(corpus, 'build'))).length === 0, 'and so is every per-book output');
  check(tempNames(corpus).length === 0, 'the finished build left no temp files');
}

function determinism(): void {
  const base = reference();
  const again = makeCorpus(join(scratch, 'again'), { books: sampleBooks });
  const t0 = Date.now();
  build(again, ['--parallel', '1']);
  say(`second direct build, --parallel 1: ${seconds(t0)}`);
  const shards = treeDiff(hashTree(join(base, 'shards')), hashTree(join(again, 'shards')));
  check(shards.length === 0, `direct --parallel 2 vs --parallel 1: same sha256 for every shard file${shards.length ? `: ${shards.join(', ')}` : ''}`);
  const outputs = treeDiff(hashTree(join(base, 'build')), hashTree(join(again, 'build')));
  check(outputs.length === 0, `direct --parallel 2 vs --parallel 1: same sha256 for every per-book output${outputs.length ? `: ${outputs.slice(0, 5).join(', ')}` : ''}`);
  // Nx mode needs the corpus inside the workspace: a copy of the sample under datasets/, removed afterwards.
  const name = `zz-stress-${process.pid}`;
  const nxCorpus = join(ROOT, 'datasets', name);
  try {
    cpSync(join(base, 'pdf'), join(nxCorpus, 'pdf'), { recursive: true });
    cpSync(join(base, 'corpus.json'), join(nxCorpus, 'corpus.json'));
    const t1 = Date.now();
    const r = mtb(['build', `datasets/${name}`, '--skip-nx-cache', '--parallel', '2'], 3_600_000);
    say(`Nx build of the same books: ${seconds(t1)}`);
    check(r.status === 0, `Nx build exits 0 (got ${r.status}${r.status ? `: ${r.stderr.slice(-500)}` : ''})`);
    // The corpus name goes into dataset_info.json and the fingerprint seed: compare the shards themselves.
    const nxShards = hashTree(join(nxCorpus, 'shards'));
    const arrow = [...hashTree(join(base, 'shards'))].filter(([f]) => f.endsWith('.arrow'));
    check(arrow.every(([f, h]) => nxShards.get(f) === h), 'Nx vs direct: same sha256 for every shard file');
    const nxOut = hashTree(join(nxCorpus, 'build'));
    const perBook = [...hashTree(join(base, 'build'))].filter(([f]) => !f.startsWith('_dedup/summary'));
    const differ = perBook.filter(([f, h]) => nxOut.get(f) !== h).map(([f]) => f);
    check(differ.length === 0, `Nx vs direct: same sha256 for every per-book output${differ.length ? `: ${differ.slice(0, 5).join(', ')}` : ''}`);
  } finally {
    rmSync(nxCorpus, { recursive: true, force: true });
  }
}

const t0 = Date.now();
try {
  say(`scratch ${scratch}; seed ${SEED}, ${KILLS} kills, ${PAGES}-page file; parts: ${[...PARTS].join(', ')}`);
  if (PARTS.has('determinism')) determinism();
  if (PARTS.has('hostile')) await hostile();
  if (PARTS.has('crash')) await crash();
} catch (err) {
  problems.push(`stress run stopped: ${(err as Error).stack ?? String(err)}`);
} finally {
  process.stdout.write(`\n${lines.join('\n')}\n\n${problems.length ? `${problems.length} problem(s)` : 'all checks passed'} in ${seconds(t0)}\n`);
  if (args.keep) say(`kept ${scratch}`);
  else if (existsSync(scratch) && statSync(scratch).isDirectory()) rmSync(scratch, { recursive: true, force: true });
}
process.exitCode = problems.length ? 1 : 0;
