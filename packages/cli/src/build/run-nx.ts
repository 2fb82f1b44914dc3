import { join, resolve, relative, sep, basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mkdirSync, rmSync } from 'node:fs';
import { createLogger, createProgress, listBooks, corpusPaths } from '@mtb/core';
import { runProcess } from './run-process.js';
import { timingsFromNxProfile, type StageTiming } from './timings.js';

const log = createLogger('build');

export const WORKSPACE_ROOT = resolve(fileURLToPath(new URL('../../../..', import.meta.url)));

/** Nx only sees corpora inside the workspace at datasets/<name>; return that name or undefined. */
export function nxCorpusName(corpusDir: string): string | undefined {
  const rel = relative(WORKSPACE_ROOT, resolve(corpusDir));
  const parts = rel.split(sep);
  return parts.length === 2 && parts[0] === 'datasets' ? parts[1] : undefined;
}

export interface NxRunOptions { parallel: number; skipCache?: boolean; verbose?: boolean }

/**
 * `nx run <corpus>:build`, with a progress bar fed by Nx's task headers, the
 * task log kept for the error message, and the per-task durations from Nx's
 * profile (NX_PROFILE) for the report.
 */
export async function buildWithNx(corpusDir: string, opts: NxRunOptions): Promise<{ ok: boolean; timings: StageTiming[]; output: string; cached: number; ran: number }> {
  const name = nxCorpusName(corpusDir);
  if (!name) throw new Error(`${corpusDir} is not a corpus of this workspace (datasets/<name>); use --no-nx to build a corpus elsewhere`);
  const books = listBooks(corpusDir).length;
  const total = books * 5 + 3;
  const { reportDir } = corpusPaths(corpusDir);
  mkdirSync(reportDir, { recursive: true });
  const profile = join(reportDir, '.nx-profile.json');
  rmSync(profile, { force: true });
  const bar = createProgress(`build ${name}`, total, 'tasks');
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
      const m = /^> nx run (\S+)/.exec(line.trim());
      if (m) {
        bar.increment();
        if (/local cache|remote cache|existing outputs match/.test(line)) cached++;
        else ran++;
      }
    },
  });
  bar.stop();
  const timings = timingsFromNxProfile(profile);
  rmSync(profile, { force: true });
  if (res.code !== 0) log.error(`nx run ${name}:build failed (exit ${res.code})`);
  return { ok: res.code === 0, timings, output: res.output, cached, ran };
}

export function corpusNameOf(corpusDir: string): string {
  return nxCorpusName(corpusDir) ?? basename(resolve(corpusDir));
}
