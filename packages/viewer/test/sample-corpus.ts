import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join, resolve } from 'node:path';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const SAMPLE = join(REPO, 'datasets', 'sample');

/**
 * The viewer's tests look at the real sample corpus: build it with the CLI when its
 * shards are missing (Nx's cache makes this quick once built).
 */
export function ensureSampleBuilt(): string {
  if (!existsSync(join(SAMPLE, 'shards', 'train', 'index.json')) || !existsSync(join(SAMPLE, 'report', 'stats.json'))) {
    execFileSync(process.execPath, [join(REPO, 'packages/cli/bin/mtb.js'), 'build', SAMPLE], {
      cwd: REPO,
      env: { ...process.env, NX_DAEMON: 'false' },
      stdio: 'inherit',
      timeout: 600_000,
    });
  }
  return SAMPLE;
}
