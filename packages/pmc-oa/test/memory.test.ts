import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Constant memory, measured in a child process (its own heap and RSS): a
 * generated pmc_oa.jsonl + images.zip of ROWS pairs is converted once to warm
 * up, then again while RSS and the retained heap (after a forced GC) are
 * sampled every 2% of the lines.
 * Rows, images or batches kept past their shard write would make the late
 * samples grow with the row count. The bench (`npm run bench -- pmc-oa-memory`)
 * runs the same child on 100,000 rows; this test uses fewer to stay fast.
 */
const ROWS = 2_000;
const CHILD = join(dirname(fileURLToPath(import.meta.url)), 'memory-run.ts');

interface Sample {
  lines: number;
  rssMB: number;
  retainedMB: number;
}

function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

describe('memory over a long run', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'pmc-memory-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(`stays flat over ${ROWS} rows`, () => {
    const node = (args: string[]): string => execFileSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 16 << 20 });
    node(['--import', 'tsx', CHILD, 'make', dir, String(ROWS), '32']);
    const result = JSON.parse(node(['--expose-gc', '--import', 'tsx', CHILD, 'run', dir, '2']).trim().split('\n').pop()!) as {
      rows: { read: number; written: number };
      samples: Sample[];
    };
    expect(result.rows).toMatchObject({ read: ROWS, written: ROWS });
    const s = result.samples;
    expect(s.length).toBeGreaterThan(40);
    // Early window after warm-up (10-30% of the lines) vs the last 20%.
    const early = s.filter((x) => x.lines >= ROWS * 0.1 && x.lines <= ROWS * 0.3);
    const late = s.filter((x) => x.lines >= ROWS * 0.8);
    // Retained bytes per row between the windows: a row here is ~2.3 KB (image,
    // caption, ids), so keeping rows, images or batches shows up as >= 2 KB/row;
    // what legitimately grows is the 8-byte-per-name duplicate table.
    const perRow =
      ((mean(late.map((x) => x.retainedMB)) - mean(early.map((x) => x.retainedMB))) * 2 ** 20) /
      (mean(late.map((x) => x.lines)) - mean(early.map((x) => x.lines)));
    expect(perRow).toBeLessThan(700);
    expect(Math.max(...late.map((x) => x.rssMB))).toBeLessThan(Math.max(...early.map((x) => x.rssMB)) * 1.2 + 32);
  });
});
