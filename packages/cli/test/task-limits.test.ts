import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { readBookStatus } from '@mtb/core';
import { StagePool } from '../src/build/worker-pool.js';

/**
 * The direct runner's own limits on a per-book task: a heap limit (corpus.json
 * stageMemoryMb) and a watchdog. A task that dies under them is that book's
 * failure, recorded by class; the build still ends with exit 0 and valid shards.
 */
const ROOT = resolve(import.meta.dirname ?? '.', '..', '..', '..');
const BOOK = 'clinical-neurology-handbook';
const PDF = join(ROOT, 'datasets', 'sample', 'pdf', `${BOOK}.pdf`);

let scratch = '';
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'mtb-limits-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function corpus(name: string, config: object): string {
  const dir = join(scratch, name);
  mkdirSync(join(dir, 'pdf'), { recursive: true });
  cpSync(PDF, join(dir, 'pdf', `${BOOK}.pdf`));
  writeFileSync(join(dir, 'corpus.json'), JSON.stringify(config));
  return dir;
}

describe.each(['worker', 'process'])('a book over the stage heap limit (--isolate %s)', (isolate) => {
  it('is recorded as out-of-memory, its later stages skip, and the build completes', () => {
    const dir = corpus(`oom-${isolate}`, { stageMemoryMb: 40 });
    const r = spawnSync(process.execPath, [join(ROOT, 'packages/cli/bin/mtb.js'), '--quiet', 'build', dir, '--no-nx', '--parallel', '1', '--isolate', isolate], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
    expect(r.status).toBe(0);
    const status = readBookStatus(join(dir, 'build', BOOK, 'status'), BOOK);
    expect(status.state).toBe('failed');
    expect(status.stages.runner?.error?.class).toBe('out-of-memory');
    expect(status.stages.runner?.error?.message).toMatch(/stage html went over the stage heap limit of 40 MB/);
    for (const later of ['tokens', 'filter', 'signatures', 'segments']) expect(status.stages[later]?.state).toBe('skipped');
    const stats = JSON.parse(readFileSync(join(dir, 'report', 'stats.json'), 'utf8')) as { failures?: unknown };
    expect(JSON.stringify(stats)).toContain('out-of-memory');
    expect(JSON.parse(readFileSync(join(dir, 'shards', 'train', 'index.json'), 'utf8')).totalRows).toBe(0);
  }, 150_000);
});

describe('the stage watchdog', () => {
  it('stops a task that runs past it and replaces the thread for the next task', async () => {
    const out = join(scratch, 'watchdog');
    const pool = new StagePool(1, { timeoutMs: 120_000 });
    try {
      const r = await pool.run(['pdf-html', PDF, '--out', out], { timeoutMs: 30 });
      expect(r.killed).toBe('timeout');
      expect(r.code).not.toBe(0);
      expect(r.output).toMatch(/killed by the build runner/);
      // The replacement thread works: a command that finishes at once is not killed.
      const ok = await pool.run(['config', '--describe']);
      expect(ok.killed).toBeUndefined();
      expect(ok.code).toBe(0);
    } finally {
      await pool.close();
    }
  }, 120_000);
});
