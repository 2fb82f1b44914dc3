import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MTB_BIN, ROOT, makeCorpus } from '@mtb-tools/hostile-pdfs';

/**
 * What a user sees from `mtb build` away from a terminal (CI, nohup, a pipe):
 * progress lines on stderr, or JSON lines on stdout; and a corpus outside the
 * workspace builds directly, saying so, without --no-nx.
 */
const STAGES = ['html', 'tokens', 'filter', 'signatures', 'dedup', 'segments', 'shards'];
let scratch: string;
let corpus: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'mtb-build-progress-'));
  mkdirSync(scratch, { recursive: true });
  corpus = makeCorpus(scratch, { books: ['clinical-neurology-handbook'] });
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function build(args: string[]): { status: number | null; stdout: string; stderr: string } {
  // stdio pipes: stderr is no terminal here, as in CI.
  return spawnSync(process.execPath, [MTB_BIN, 'build', corpus, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 300_000 });
}

describe('mtb build away from a terminal', () => {
  it('builds a corpus outside the workspace directly, says so once, and prints a progress line at each stage end', () => {
    const r = build(['--progress-every', '5']);
    expect(r.status).toBe(0);
    const said = r.stderr.split('\n').filter((l) => l.includes('is not under this workspace'));
    expect(said).toEqual([`[build] ${corpus} is not under this workspace's datasets/, so Nx cannot cache it: building it directly (same stages and outputs; --no-nx says so)`]);
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('[build] corpus '));
    const time = String.raw`(\d+s|\d+m\d\ds|\d+h\d\dm)`;
    const format = new RegExp(String.raw`^\[build\] corpus ${time}: (\w+ \d+/\d+|\w+ done) \| books \d/1 \| tasks \d/7 \| [\d.]+ pages/s \| eta (\?|${time})$`);
    for (const l of lines) expect(l).toMatch(format);
    const ends = lines.map((l) => / (\w+) done \|/.exec(l)?.[1]).filter(Boolean);
    expect(ends).toEqual(STAGES);
    // html's pages count toward pages/s (a rate, so only its form is checked here; the JSON run checks the pages).
    expect(lines.find((l) => l.includes('html done'))).toMatch(/books 0\/1 \| tasks 1\/7 \| \d+(\.\d)? pages\/s/);
    expect(lines[lines.length - 1]).toMatch(/shards done \| books 1\/1 \| tasks 7\/7 .* eta 0s$/);
    expect(r.stdout).toContain(`built ${corpus} in `);
  });

  it('with --json-progress, writes only JSON lines on stdout: start, each stage end, done', () => {
    const r = build(['--no-nx', '--json-progress']);
    expect(r.status).toBe(0);
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events[0]).toMatchObject({ event: 'start', corpus: 'corpus', booksTotal: 1, tasksTotal: 7, tasksDone: 0 });
    expect(events.filter((e) => e.event === 'stage-done').map((e) => e.ended)).toEqual(STAGES);
    expect(events.every((e) => ['start', 'progress', 'stage-done', 'done'].includes(e.event as string))).toBe(true);
    const done = events[events.length - 1]!;
    expect(done).toMatchObject({ event: 'done', ok: true, exitCode: 0, booksDone: 1, tasksDone: 7, failedBooks: [], stats: join(corpus, 'report', 'stats.json') });
    expect(done.pages).toBeGreaterThan(0);
    expect(r.stderr).toContain(`built ${corpus} in `);
    expect(r.stderr).not.toMatch(/^\[build\] corpus \d/m);
  });
});
