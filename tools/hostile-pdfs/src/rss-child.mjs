// One `mtb` command as its own process, with its resource usage (peak RSS, CPU)
// written as JSON to fd 3 at exit: the reliability suite measures each hostile
// book's stage against the memory ceiling without /usr/bin/time.
import { writeSync } from 'node:fs';
import { register } from 'tsx/esm/api';

register();
process.on('exit', () => {
  try {
    writeSync(3, JSON.stringify(process.resourceUsage()));
  } catch {
    // fd 3 is only open when the caller asked for the usage
  }
});
const { main } = await import('../../../packages/cli/src/main.ts');
process.exitCode = await main(process.argv);
