// Entry of one stage run as its own process (direct mode, --isolate process):
// the same `mtb` command, plus the process's resource usage written to fd 3 at
// exit, so the build can report each stage's peak RSS.
import { writeSync } from 'node:fs';
import { register } from 'tsx/esm/api';

register();
process.on('exit', () => {
  try {
    writeSync(3, JSON.stringify(process.resourceUsage()));
  } catch {
    // fd 3 is only open when the build runner asked for the usage
  }
});
const { main } = await import('../main.ts');
process.exitCode = await main(process.argv);
