import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
// @ts-expect-error plain JavaScript next to the bin, loaded before tsx: no types.
import { relaunchEnv } from '../bin/malloc-arenas.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const BIN = join(root, 'packages/cli/bin/mtb.js');

describe('malloc arenas (glibc)', () => {
  it('mtb runs on Linux with two, and leaves a value the user set, and other systems, as they are', () => {
    expect(relaunchEnv({ PATH: '/bin' }, 'linux')).toEqual({ PATH: '/bin', MALLOC_ARENA_MAX: '2' });
    expect(relaunchEnv({ MALLOC_ARENA_MAX: '8' }, 'linux')).toBeUndefined();
    expect(relaunchEnv({}, 'darwin')).toBeUndefined();
  });

  const onLinux = process.platform === 'linux' ? it : it.skip;
  onLinux('the process that does the work has it, and its exit code is the command\'s', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mtb-arenas-'));
    try {
      // Loaded into every Node process of the command: each one writes down what it was started with.
      const probe = join(dir, 'probe.mjs');
      const seen = join(dir, 'seen.txt');
      writeFileSync(probe, `import { appendFileSync } from 'node:fs';\nappendFileSync(${JSON.stringify(seen)}, String(process.env.MALLOC_ARENA_MAX) + '\\n');\n`);
      const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: `--import ${probe}` };
      delete env.MALLOC_ARENA_MAX;
      const r = spawnSync(process.execPath, [BIN, 'no-such-command'], { cwd: root, env, encoding: 'utf8' });
      expect(r.status).toBe(2);
      expect(r.stderr).toContain("unknown command 'no-such-command'");
      expect(readFileSync(seen, 'utf8').trim().split('\n')).toEqual(['undefined', '2']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
