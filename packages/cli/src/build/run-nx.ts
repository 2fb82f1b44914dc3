import { join, resolve, relative, sep, basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mkdirSync, rmSync } from 'node:fs';
import { createLogger, corpusPaths } from '@mtb/core';
import { runProcess } from './run-process.js';
import { timingsFromNxProfile, type StageTiming } from './timings.js';
import type { BuildProgress } from './progress.js';

const log = createLogger('build');

export const WORKSPACE_ROOT = resolve(fileURLToPath(new URL('../../../..', import.meta.url)));

/** Nx only sees corpora inside the workspace at datasets/<name>; return that name or undefined. */
export function nxCorpusName(corpusDir: string): string | undefined {
  const rel = relative(WORKSPACE_ROOT, resolve(corpusDir));
  const parts = rel.split(sep);
  return parts.length === 2 && parts[0] === 'datasets' ? parts[1] : undefined;
}

export interface NxRunOptions { parallel: number; skipCache?: boolean; verbose?: boolean; progress?: BuildProgress }

/** `> nx run <project>:<target>` (Nx prints it as each task's output block): the stage, and the book for a per-book project `<corpus>-<book>`. */
export function parseNxTaskLine(line: string, corpus: string): { stage: string; bookId?: string; cached: boolean } | undefined {
  const m = /^> nx run (\S+):(\S+)/.exec(line.trim());
  if (!m) return undefined;
  const [, project, stage] = m as unknown as [string, string, string];
  const cached = /local cache|remote cache|existing outputs match/.test(line);
  return project.startsWith(`${corpus}-`) ? { stage, bookId: project.slice(corpus.length + 1), cached } : { stage, cached };
}

/**
 * `nx run <corpus>:build`, with progress fed by Nx's task headers, the
 * task log kept for the error message, and the per-task durations from Nx's
 * profile (NX_PROFILE) for the report.
 */
export async function buildWithNx(corpusDir: string, opts: NxRunOptions): Promise<{ ok: boolean; timings: StageTiming[]; output: string; cached: number; ran: number }> {
  const name = nxCorpusName(corpusDir);
  if (!name) throw new Error(`${corpusDir} is not a corpus of this workspace (datasets/<name>); use --no-nx to build a corpus elsewhere`);
  const { reportDir } = corpusPaths(corpusDir);
  mkdirSync(reportDir, { recursive: true });
  const profile = join(reportDir, '.nx-profile.json');
  rmSync(profile, { force: true });
  let cached = 0;
  let ran = 0;
  const args = [join(WORKSPACE_ROOT, 'node_modules/nx/dist/bin/nx.js'), 'run', `${name}:build`, `--parallel=${opts.parallel}`, '--outputStyle=static'];
  if (opts.skipCache) args.push('--skip-nx-cache');
  const res = await runProcess(process.execPath, args, {
    cwd: WORKSPACE_ROOT,
    // Nx resolves NX_PROFILE against the workspace root, so hand it a relative path.
    env: { ...process.env, MTB_PARALLEL: String(opts.parallel), NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', NX_PROFILE: relative(WORKSPACE_ROOT, profile), FORCE_COLOR: '0' },
    onLine: (line) => {
      if (opts.verbose) process.stderr.write(line + '\n');
      const task = parseNxTaskLine(line, name);
      if (task) {
        opts.progress?.taskDone(task.stage, task.bookId, { cached: task.cached });
        if (task.cached) cached++;
        else ran++;
      }
    },
  });
  const timings = timingsFromNxProfile(profile);
  rmSync(profile, { force: true });
  if (res.code !== 0) log.error(`nx run ${name}:build failed (exit ${res.code})`);
  return { ok: res.code === 0, timings, output: res.output, cached, ran };
}

export function corpusNameOf(corpusDir: string): string {
  return nxCorpusName(corpusDir) ?? basename(resolve(corpusDir));
}
