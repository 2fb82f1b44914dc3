import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { corpusPaths, createLogger } from '@mtb/core';
import { startViewer } from '@mtb/viewer';
import { EXIT } from '../exit-codes.js';

const log = createLogger('view');

export function registerView(program: Command): void {
  program
    .command('view')
    .description('browse a built corpus in a local, read-only web viewer (127.0.0.1 only): books page by page beside the PDF, what was dropped and why, segments with their images, duplicates with their kept twins')
    .argument('<corpusDir>', 'a corpus folder built with `mtb build`')
    .option('-p, --port <n>', 'port on 127.0.0.1 (0 picks a free one)', '8377')
    .action(async (corpusDir: string, opts: { port: string }) => {
      if (!existsSync(corpusPaths(corpusDir).pdfDir)) {
        log.error(`${corpusDir} is not a corpus (no pdf/ folder)`);
        process.exitCode = EXIT.USAGE;
        return;
      }
      const { url } = await startViewer(corpusDir, { port: Number(opts.port) });
      process.stdout.write(`viewer on ${url} (Ctrl-C to stop)\n`);
      await new Promise(() => undefined);
    });
}
