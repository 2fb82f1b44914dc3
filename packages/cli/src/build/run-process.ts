import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const MTB_BIN = fileURLToPath(new URL('../../bin/mtb.js', import.meta.url));
/** `mtb` with its resource usage reported on fd 3 (see stage-child.mjs). */
const STAGE_CHILD = fileURLToPath(new URL('./stage-child.mjs', import.meta.url));

export interface ProcessResult {
  code: number;
  output: string;
  ms: number;
  /** Peak resident set size of the process in MB, when the child reported it. */
  maxRssMb?: number;
  /** CPU time (user + system) in ms, when the child reported it. */
  cpuMs?: number;
  /** Set when the runner stopped the task itself: over its heap limit, or past its watchdog. */
  killed?: 'out-of-memory' | 'timeout';
}

/** Limits of one stage task (per-book stages in direct mode). */
export interface TaskLimits {
  /** V8 heap limit in MB (`--max-old-space-size`, or a worker's maxOldGenerationSizeMb). */
  heapMb?: number;
  /** Wall-clock watchdog in ms: the task is killed past it (a synchronous hang no in-stage timer can stop). */
  timeoutMs?: number;
}

/** V8 reports an exhausted heap on stderr before it aborts. */
export function looksOutOfMemory(output: string): boolean {
  return /heap out of memory|ERR_WORKER_OUT_OF_MEMORY|Allocation failed - JavaScript heap/.test(output);
}

/** Run a command, collecting its output (shown only on failure or when verbose). */
export function runProcess(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; onLine?: (line: string) => void; usageFd?: boolean; timeoutMs?: number } = {}): Promise<ProcessResult> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: opts.usageFd ? ['ignore', 'pipe', 'pipe', 'pipe'] : ['ignore', 'pipe', 'pipe'] });
    const chunks: string[] = [];
    const usage: string[] = [];
    let partial = '';
    const onData = (buf: Buffer): void => {
      const text = buf.toString('utf8');
      chunks.push(text);
      if (!opts.onLine) return;
      partial += text;
      const lines = partial.split('\n');
      partial = lines.pop() ?? '';
      for (const l of lines) opts.onLine(l);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    if (opts.usageFd) child.stdio[3]!.on('data', (b: Buffer) => usage.push(b.toString('utf8')));
    let timedOut = false;
    const watchdog = opts.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          child.kill('SIGKILL');
        }, opts.timeoutMs)
      : undefined;
    child.on('error', (err) => {
      clearTimeout(watchdog);
      resolve({ code: 127, output: `${cmd}: ${err.message}`, ms: Date.now() - t0 });
    });
    child.on('close', (code, signal) => {
      clearTimeout(watchdog);
      if (partial && opts.onLine) opts.onLine(partial);
      const res: ProcessResult = { code: code ?? (signal ? 128 : 1), output: chunks.join(''), ms: Date.now() - t0 };
      if (timedOut) {
        res.killed = 'timeout';
        res.output += `\nkilled by the build runner after ${Math.round(opts.timeoutMs! / 1000)} s\n`;
      } else if (res.code !== 0 && looksOutOfMemory(res.output)) res.killed = 'out-of-memory';
      try {
        const u = JSON.parse(usage.join('')) as NodeJS.ResourceUsage;
        res.maxRssMb = u.maxRSS / 1024; // maxRSS is in KiB
        res.cpuMs = (u.userCPUTime + u.systemCPUTime) / 1000;
      } catch {
        // no usage report (the child died before its exit handler, or was not asked)
      }
      resolve(res);
    });
  });
}

export function runMtb(args: string[], opts: { cwd?: string; limits?: TaskLimits } = {}): Promise<ProcessResult> {
  const heap = opts.limits?.heapMb ? [`--max-old-space-size=${opts.limits.heapMb}`] : [];
  return runProcess(process.execPath, [...heap, STAGE_CHILD, '--quiet', ...args], { cwd: opts.cwd, usageFd: true, timeoutMs: opts.limits?.timeoutMs });
}
