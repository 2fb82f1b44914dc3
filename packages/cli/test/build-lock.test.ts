import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { MTB_BIN, ROOT, mtb } from '@mtb-tools/hostile-pdfs';
import { acquireBuildLock } from '../src/build/lock.js';

/**
 * Two `mtb build` runs of one corpus never overlap: the second exits 2 naming the
 * first, or waits with --wait; a lock left by a dead build is taken over. An
 * empty corpus keeps each build to the corpus steps (a few seconds).
 */
let scratch: string;
let corpus: string;
let lockFile: string;
beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), 'mtb-build-lock-'));
  corpus = join(scratch, 'corpus');
  mkdirSync(join(corpus, 'pdf'), { recursive: true });
  mkdirSync(join(corpus, 'build'));
  lockFile = join(corpus, 'build', '.lock');
});
afterEach(() => rmSync(scratch, { recursive: true, force: true }));

describe('mtb build takes the corpus build lock', () => {
  it('exits 2 naming the holder while another build holds it, and touches nothing', async () => {
    const held = await acquireBuildLock(lockFile, { command: 'mtb build corpus (the test)' });
    try {
      const r = mtb(['build', corpus, '--no-nx']);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain(`is being built by pid ${process.pid} on host ${hostname()}`);
      expect(r.stderr).toContain('mtb build corpus (the test)');
      expect(r.stderr).toContain('--wait');
      expect(existsSync(join(corpus, 'report'))).toBe(false);
    } finally {
      held.release();
    }
  });

  it('with --wait, starts when the holder ends', async () => {
    const held = await acquireBuildLock(lockFile, { command: 'mtb build corpus (the test)' });
    const child = spawn(process.execPath, [MTB_BIN, 'build', corpus, '--no-nx', '--wait'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    const waiting = new Promise<void>((resolve) => child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (stderr.includes('waiting for the build')) resolve();
    }));
    const code = new Promise<number | null>((resolve) => child.on('close', resolve));
    await Promise.race([waiting, code]);
    expect(stderr).toContain(`waiting for the build of ${corpus} by pid ${process.pid}`);
    expect(existsSync(join(corpus, 'report'))).toBe(false);
    held.release();
    expect(await code).toBe(0);
    expect(existsSync(join(corpus, 'report', 'stats.json'))).toBe(true);
    expect(existsSync(lockFile)).toBe(false);
  });

  it('takes over the lock of a build that died on this host', () => {
    const dead = Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
    writeFileSync(lockFile, JSON.stringify({ pid: dead, host: hostname(), startedAt: '2025-01-01T00:00:00.000Z', command: 'mtb build corpus', token: '0123456789abcdef' }));
    const r = mtb(['build', corpus, '--no-nx']);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain(`taking over the lock of a build that ended without releasing it: pid ${dead} on host ${hostname()}`);
    expect(existsSync(join(corpus, 'report', 'stats.json'))).toBe(true);
    expect(existsSync(lockFile)).toBe(false);
  });
});
