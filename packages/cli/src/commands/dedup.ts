import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { corpusPaths, createLogger } from '@mtb/core';
import { runDedupStage } from '@mtb/dedup-filter';
import { EXIT, exitCodes } from '../exit-codes.js';

const log = createLogger('dedup');

export function registerDedup(program: Command): void {
  const cmd = program
    .command('dedup')
    .description('corpus-wide dedup join over every book\'s signatures.arrow: exact and near-duplicate paragraphs, whole duplicate books, exact, near-duplicate and decorative images -> build/_dedup/<bookId>.json')
    .argument('<corpusDir>', 'corpus folder (datasets/<name>) whose books all have build/<bookId>/signatures.arrow (from `mtb signatures`)')
    .option('--json', 'print the summary as JSON on stdout')
    .addHelpText('after', `
Settings (dedupThreshold, minhashPermutations, shingleSize, imageHammingThreshold, decorativeRepeat) come from
<corpus>/corpus.json; see \`mtb config --describe\`. Books are ranked by id, nodes by seq: the first occurrence is
kept, later ones are dropped with the id of their kept twin. A drop list is rewritten only when its content
changes, so an unaffected book's later stages stay cache hits. Also writes build/_dedup/summary.json.`)
    .action((corpusDir: string, opts: { json?: boolean }) => {
      const paths = corpusPaths(corpusDir);
      if (!existsSync(paths.pdfDir)) {
        log.error(`${paths.pdfDir} does not exist: a corpus is a folder with pdf/<book>.pdf files and build/<book>/signatures.arrow`);
        process.exitCode = EXIT.USAGE;
        return;
      }
      const res = runDedupStage(corpusDir);
      const s = res.summary;
      if (opts.json) process.stdout.write(JSON.stringify(s, null, 2) + '\n');
      for (const w of s.wholeBookDrops) log.info(`book ${w.bookId} dropped whole: Jaccard ${w.similarity} with ${w.twinBook}`);
      log.info(`${s.books} books; text: ${s.text.exact} exact and ${s.text.near} near duplicates of ${s.text.eligible} paragraphs (${s.text.verifiedPairs} candidate pairs verified, LSH ${s.lsh.bands}x${s.lsh.rows}); images: ${s.images.exact} exact, ${s.images.near} near, ${s.images.decorative} decorative of ${s.images.rows}`);
      log.info(`drop lists: ${res.written.length} written, ${res.unchanged} unchanged${res.removed.length ? `, ${res.removed.length} stale removed` : ''} in ${paths.dedupDir}`);
    });
  exitCodes(cmd, {
    0: 'drop lists written (or unchanged)',
    2: 'no pdf/ folder, a missing signatures.arrow, or an invalid corpus.json',
  });
}
