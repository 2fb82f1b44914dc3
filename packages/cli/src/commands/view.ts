import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { corpusPaths, createLogger } from '@mtb/core';
import { startViewer } from '@mtb/viewer';
import { EXIT, exitCodes } from '../exit-codes.js';

const log = createLogger('view');

export function registerView(program: Command): void {
  const cmd = program
    .command('view')
    .description('browse a built corpus in a local, read-only web viewer (127.0.0.1 only): books page by page beside the PDF, what was dropped and why, segments with their images, duplicates with their kept twins')
    .argument('<corpusDir>', 'a corpus folder built with `mtb build`')
    .option('-p, --port <n>', 'port on 127.0.0.1 (0 picks a free one)', '8377')
    .addHelpText('after', '\nIt answers only requests addressed to localhost, 127.0.0.1 or [::1] (others get 421), so a web page\nelsewhere cannot read the corpus through your browser (DNS rebinding).')
    .action(async (corpusDir: string, opts: { port: string }) => {
      const paths = corpusPaths(corpusDir);
      if (!existsSync(paths.pdfDir)) {
        log.error(`${corpusDir} is not a corpus (no pdf/ folder)`);
        process.exitCode = EXIT.USAGE;
        return;
      }
      const port = Number(opts.port);
      if (!/^\d{1,5}$/.test(opts.port) || port > 65535) {
        log.error(`--port ${opts.port}: expected a port number 0..65535 (0 picks a free one)`);
        process.exitCode = EXIT.USAGE;
        return;
      }
      let started: { server: Server; url: string };
      try {
        started = await startViewer(corpusDir, { port });
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code !== 'EADDRINUSE' && code !== 'EACCES') throw err;
        log.error(code === 'EADDRINUSE'
          ? `port ${port} on 127.0.0.1 is already in use (another mtb view?): pick another with -p <port>, or -p 0 for a free one`
          : `port ${port} on 127.0.0.1 needs privileges this user lacks: pick one above 1023 with -p <port>, or -p 0 for a free one`);
        process.exitCode = EXIT.USAGE;
        return;
      }
      process.stdout.write(`viewer on ${started.url} (Ctrl-C to stop)\n`);
      if (!existsSync(paths.stats)) {
        log.warn(`${corpusDir} has no build yet (no ${join('report', 'stats.json')}): the viewer lists the books but has no shards, statistics or drop lists to show; run \`mtb build ${corpusDir}\`, then reload`);
      }
      await new Promise(() => undefined);
    });
  exitCodes(cmd, {
    0: 'not returned: the viewer serves until Ctrl-C stops it',
    1: 'the viewer could not start (the message says why)',
    2: 'not a corpus folder (no pdf/), a bad --port, or the port is in use or privileged (-p 0 picks a free one)',
  });
}
