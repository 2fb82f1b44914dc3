#!/usr/bin/env node
// The sources are TypeScript run directly through tsx: no build step between a
// code edit and the next `mtb` run (Nx hashes the sources, not a dist folder).
import { relaunch, relaunchEnv } from './malloc-arenas.js';

const relaunchWith = relaunchEnv(process.env, process.platform);
if (relaunchWith) {
  process.exitCode = await relaunch(relaunchWith);
} else {
  // `mtb --help | head` closes the pipe early: that is the reader's choice, not an error.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err) => {
      if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw err;
    });
  }

  const { register } = await import('tsx/esm/api');
  register();
  const { main } = await import('../src/main.ts');
  process.exitCode = await main(process.argv);
}
