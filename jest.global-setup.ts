import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GlobalConfig } from 'jest';

// Jest loads this file with Node's own resolver (no moduleNameMapper), so it imports nothing of the workspace;
// the tests' helper (packages/viewer/test/sample-corpus.ts) imports from here instead.
export const REPO = dirname(fileURLToPath(import.meta.url));
export const SAMPLE = join(REPO, 'datasets', 'sample');

/** What a finished `mtb build datasets/sample` leaves; build-times.json is written last. */
export const SAMPLE_OUTPUTS = ['shards/train/index.json', 'shards/eval/index.json', 'report/stats.json', 'report/build-times.json'];

/** Built, and no build running now (the lock, see packages/cli/src/build/lock.ts). */
export function sampleIsBuilt(): boolean {
  return SAMPLE_OUTPUTS.every((f) => existsSync(join(SAMPLE, f))) && !existsSync(join(SAMPLE, 'build', '.lock'));
}

/** Test files that read the built sample corpus: those that call builtSample(). */
function sampleReaders(): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.test.ts') && readFileSync(p, 'utf8').includes('builtSample(')) out.push(p);
    }
  };
  for (const root of ['packages', 'tools']) walk(join(REPO, root));
  return out;
}

/**
 * Builds datasets/sample once, before any test file runs, when this run selects
 * a test that reads it. Always through `mtb build`, never by looking for its
 * files: a sample built by older code (another nodes schema, say) is rebuilt,
 * and one that is up to date is all Nx cache hits (seconds). Tests never build
 * it themselves: two test files building one folder at once broke each other
 * (issue 24). `--wait`: a build already running (`npm start` in another
 * terminal) is waited for, never raced.
 */
export default function globalSetup(globalConfig: GlobalConfig): void {
  const patterns = globalConfig.testPathPatterns;
  if (patterns.isSet()) {
    const match = patterns.toExecutor({ rootDir: globalConfig.rootDir });
    if (!sampleReaders().some((f) => match.isMatch(f))) return;
  }
  process.stderr.write(`\njest global setup: building ${SAMPLE} for the tests that read it (${sampleIsBuilt() ? 'Nx cache hits unless the code changed' : 'from clean: minutes'})\n`);
  execFileSync(process.execPath, [join(REPO, 'packages/cli/bin/mtb.js'), 'build', SAMPLE, '--wait'], {
    cwd: REPO,
    env: { ...process.env, NX_DAEMON: 'false' },
    stdio: ['ignore', 'inherit', 'inherit'],
    timeout: 900_000,
  });
}
