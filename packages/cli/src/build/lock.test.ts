import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildLockPath } from './plan.js';
import { acquireBuildLock, BuildLockHeld, processStart, REMOTE_STALE_MS, type LockHolder } from './lock.js';

let dir: string;
let lockFile: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mtb-lock-'));
  lockFile = buildLockPath(dir);
  mkdirSync(join(dir, 'build'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A pid that certainly ran on this host and has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

function writeHolder(h: Partial<LockHolder>): void {
  const full: LockHolder = { pid: process.pid, host: hostname(), startedAt: '2025-01-01T00:00:00.000Z', command: 'mtb build x', token: 'feedfacefeedface', ...h };
  writeFileSync(lockFile, JSON.stringify(full));
}

describe('build lock', () => {
  it('is build/.lock with the pid and host, and goes on release', async () => {
    expect(lockFile).toBe(join(dir, 'build', '.lock'));
    expect(buildLockPath(dir, { index: 1, count: 3 })).toBe(join(dir, 'build', '.lock-shard-1-of-3'));
    const lock = await acquireBuildLock(lockFile, { command: 'mtb build here' });
    const held = JSON.parse(readFileSync(lockFile, 'utf8')) as LockHolder;
    expect(held).toMatchObject({ pid: process.pid, host: hostname(), command: 'mtb build here' });
    lock.release();
    expect(existsSync(lockFile)).toBe(false);
  });

  it('refuses a second holder, naming the first', async () => {
    const lock = await acquireBuildLock(lockFile, { command: 'mtb build first' });
    try {
      const err = await acquireBuildLock(lockFile).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BuildLockHeld);
      expect((err as Error).message).toContain(`pid ${process.pid} on host ${hostname()}`);
      expect((err as Error).message).toContain('mtb build first');
      expect((err as Error).message).toContain('--wait');
    } finally {
      lock.release();
    }
  });

  it('waits for a live holder when asked, then takes the lock', async () => {
    const first = await acquireBuildLock(lockFile);
    const waited: LockHolder[] = [];
    setTimeout(() => first.release(), 300);
    const second = await acquireBuildLock(lockFile, { wait: true, pollMs: 50, onWait: (h) => waited.push(h) });
    expect(waited.map((h) => h.token)).toEqual([first.holder.token]);
    expect((JSON.parse(readFileSync(lockFile, 'utf8')) as LockHolder).token).toBe(second.holder.token);
    second.release();
  });

  it('takes over a lock whose pid is dead on this host', async () => {
    writeHolder({ pid: deadPid() });
    const taken: LockHolder[] = [];
    const lock = await acquireBuildLock(lockFile, { onTakeover: (h) => taken.push(h) });
    expect(taken).toHaveLength(1);
    expect(lock.holder.pid).toBe(process.pid);
    lock.release();
  });

  const linux = processStart(process.pid) !== undefined ? it : it.skip;
  linux('takes over a lock whose pid now belongs to another process (pid reuse)', async () => {
    writeHolder({ pid: process.pid, procStart: '1' });
    const taken: LockHolder[] = [];
    (await acquireBuildLock(lockFile, { onTakeover: (h) => taken.push(h) })).release();
    expect(taken).toHaveLength(1);
  });

  it('trusts another host by its heartbeat: fresh is held, silent for long is stale', async () => {
    writeHolder({ host: 'some-other-node', pid: 1 });
    await expect(acquireBuildLock(lockFile)).rejects.toThrow('pid 1 on host some-other-node');
    const old = new Date(Date.now() - REMOTE_STALE_MS - 60_000);
    utimesSync(lockFile, old, old);
    const taken: LockHolder[] = [];
    (await acquireBuildLock(lockFile, { onTakeover: (h) => taken.push(h) })).release();
    expect(taken.map((h) => h.host)).toEqual(['some-other-node']);
  });

  it('never removes a lock it does not hold', async () => {
    const lock = await acquireBuildLock(lockFile);
    writeHolder({ token: 'someoneelse00000' });
    lock.release();
    expect(existsSync(lockFile)).toBe(true);
  });

  it('lets exactly one of several processes racing for a stale lock win', async () => {
    writeHolder({ pid: deadPid() });
    // Each racer loads, says "ready", waits for "go", tries once without waiting and says how it went;
    // the winner holds the lock until its stdin closes, so a slow racer cannot come after the release.
    const src = `const { acquireBuildLock } = await import(${JSON.stringify(new URL('./lock.ts', import.meta.url).href)});
      process.stdout.write('ready\\n');
      process.stdin.once('data', async () => {
        try { const l = await acquireBuildLock(${JSON.stringify(lockFile)}); process.stdout.write('won\\n'); process.stdin.on('end', () => l.release()).resume(); }
        catch (e) { process.stdout.write(e.constructor.name + '\\n'); process.exit(0); }
      });`;
    const racers = [0, 1, 2].map(() => {
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', src], { stdio: ['pipe', 'pipe', 'inherit'] });
      const lines: string[] = [];
      const waiters: Array<() => void> = [];
      child.stdout.on('data', (d: Buffer) => {
        lines.push(...d.toString().split('\n').filter(Boolean));
        for (const w of waiters.splice(0)) w();
      });
      const line = (n: number): Promise<string> => new Promise((resolve) => {
        const check = (): void => (lines.length > n ? resolve(lines[n]!) : void waiters.push(check));
        check();
      });
      // A racer that dies answers every later line with "exited", so the test fails instead of hanging.
      const closed = new Promise<void>((resolve) => child.on('close', () => {
        lines.push('exited', 'exited');
        for (const w of waiters.splice(0)) w();
        resolve();
      }));
      return { child, line, closed };
    });
    await Promise.all(racers.map((r) => r.line(0)));
    for (const r of racers) r.child.stdin.write('go\n');
    const results = await Promise.all(racers.map((r) => r.line(1)));
    for (const r of racers) r.child.stdin.end();
    await Promise.all(racers.map((r) => r.closed));
    expect(results.filter((r) => r === 'won')).toHaveLength(1);
    expect(results.filter((r) => r === 'BuildLockHeld')).toHaveLength(2);
    expect(existsSync(lockFile)).toBe(false);
  });
});
