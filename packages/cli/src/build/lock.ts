import { linkSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';

/**
 * One `mtb build` per corpus at a time. Two builds of one folder write the same
 * files and sweep each other's temp files (removeCrashLeftovers), so the second
 * one waits or stops. The lock is a file created atomically (link of a complete
 * temp file: it never exists half-written) holding who took it; a holder that
 * died leaves it behind, and the next build takes it over:
 * - on this host, when the pid is gone, or now belongs to another process
 *   (Linux: its start time in /proc differs from the one recorded);
 * - on another host (a shared filesystem, many machines), when its heartbeat
 *   (the file's mtime, touched every HEARTBEAT_MS) is older than REMOTE_STALE_MS.
 */
export interface LockHolder {
  pid: number;
  host: string;
  startedAt: string;
  command: string;
  /** Tells this holder's lock from a later one with the same pid. */
  token: string;
  /** Linux: the process start time (clock ticks since boot), against pid reuse. */
  procStart?: string;
}

export const HEARTBEAT_MS = 30_000;
export const REMOTE_STALE_MS = 10 * 60_000;

export class BuildLockHeld extends Error {
  constructor(readonly lockPath: string, readonly holder: LockHolder) {
    // The lock sits in <corpus>/build/.
    super(`${dirname(dirname(lockPath))} is being built by ${describeHolder(holder)}: wait for it to finish, or rerun with --wait to start when it does. If that build is gone (another machine that crashed), delete ${lockPath}.`);
  }
}

export function describeHolder(h: LockHolder): string {
  return `pid ${h.pid} on host ${h.host} since ${h.startedAt} (${h.command})`;
}

/** Linux only: field 22 of /proc/<pid>/stat; undefined where there is no /proc. */
export function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the pid exists but belongs to another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether the holder of a lock whose file was last touched at `mtimeMs` is certainly gone. */
export function isStale(h: LockHolder, mtimeMs: number, now = Date.now()): boolean {
  if (h.host !== hostname()) return now - mtimeMs > REMOTE_STALE_MS;
  if (!pidAlive(h.pid)) return true;
  const start = processStart(h.pid);
  return h.procStart !== undefined && start !== undefined && start !== h.procStart;
}

function readHolder(path: string): { holder: LockHolder; mtimeMs: number } | 'absent' | 'unreadable' {
  try {
    const mtimeMs = statSync(path).mtimeMs;
    const holder = JSON.parse(readFileSync(path, 'utf8')) as LockHolder;
    if (typeof holder.pid !== 'number' || typeof holder.host !== 'string') return 'unreadable';
    return { holder, mtimeMs };
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'absent' : 'unreadable';
  }
}

export interface BuildLock {
  path: string;
  holder: LockHolder;
  release(): void;
}

export interface AcquireOptions {
  /** Wait for a live holder instead of throwing BuildLockHeld. */
  wait?: boolean;
  pollMs?: number;
  /** Called once per holder waited for. */
  onWait?: (holder: LockHolder) => void;
  /** Called when a dead holder's lock is taken over. */
  onTakeover?: (holder: LockHolder) => void;
  command?: string;
}

/** Creates the lock file only if there is none: a complete temp file, hard-linked into place. */
function tryCreate(path: string, holder: LockHolder): boolean {
  const tmp = join(dirname(path), `${basename(path)}.new-${holder.pid}-${holder.token}`);
  writeFileSync(tmp, JSON.stringify(holder) + '\n');
  try {
    linkSync(tmp, path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    rmSync(tmp, { force: true });
  }
}

/**
 * Moves a dead holder's lock aside. Rename is atomic, so of several builds
 * taking over at once one moves it; if what it moved is not the stale lock it
 * read (another build took over in between), it puts it back.
 */
function takeOver(path: string, stale: LockHolder, own: LockHolder): void {
  const aside = `${path}.stale-${own.pid}-${own.token}`;
  try {
    renameSync(path, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  const moved = readHolder(aside);
  if (typeof moved === 'object' && moved.holder.token !== stale.token) {
    try {
      linkSync(aside, path);
    } catch {
      // A third build created a lock meanwhile: it holds the corpus now; the moved one's owner will find its lock gone.
    }
  }
  rmSync(aside, { force: true });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A lock file that nobody could write completely (a crash between create and write) is stale after this long. */
const UNREADABLE_STALE_MS = 10_000;

export async function acquireBuildLock(path: string, opts: AcquireOptions = {}): Promise<BuildLock> {
  mkdirSync(dirname(path), { recursive: true });
  const holder: LockHolder = {
    pid: process.pid,
    host: hostname(),
    startedAt: new Date().toISOString(),
    command: opts.command ?? `mtb ${process.argv.slice(2).join(' ')}`,
    token: randomBytes(8).toString('hex'),
  };
  const start = processStart(process.pid);
  if (start !== undefined) holder.procStart = start;
  let waitedFor: string | undefined;
  for (;;) {
    if (tryCreate(path, holder)) break;
    const seen = readHolder(path);
    if (seen === 'absent') continue;
    if (seen === 'unreadable') {
      let age = 0;
      try {
        age = Date.now() - statSync(path).mtimeMs;
      } catch {
        continue;
      }
      if (age > UNREADABLE_STALE_MS) rmSync(path, { force: true });
      else await sleep(opts.pollMs ?? 1000);
      continue;
    }
    if (isStale(seen.holder, seen.mtimeMs)) {
      opts.onTakeover?.(seen.holder);
      takeOver(path, seen.holder, holder);
      continue;
    }
    if (!opts.wait) throw new BuildLockHeld(path, seen.holder);
    if (waitedFor !== seen.holder.token) {
      waitedFor = seen.holder.token;
      opts.onWait?.(seen.holder);
    }
    await sleep(opts.pollMs ?? 1000);
  }
  const heartbeat = setInterval(() => {
    try {
      const now = new Date();
      utimesSync(path, now, now);
    } catch {
      // Gone (deleted by hand): the release below finds it so too.
    }
  }, HEARTBEAT_MS);
  heartbeat.unref();
  let released = false;
  const release = (): void => {
    if (released) return;
    released = true;
    clearInterval(heartbeat);
    process.off('exit', release);
    const cur = readHolder(path);
    // Only our own lock: after a takeover by mistake (a paused process judged dead), never delete the new holder's.
    if (typeof cur === 'object' && cur.holder.token === holder.token) rmSync(path, { force: true });
  };
  // process.exit() runs 'exit' listeners; a SIGKILL leaves the lock for the next build to take over.
  process.on('exit', release);
  return { path, holder, release };
}
