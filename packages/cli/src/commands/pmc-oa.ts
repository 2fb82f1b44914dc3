import type { Command } from 'commander';
import { join } from 'node:path';
import { createLogger, loadCorpusConfig } from '@mtb/core';
import { convertPmcOa, InputError, REPORT_FILE, REJECTED_FILE, type PmcOaOptions, type PmcOaReport } from '@mtb/pmc-oa';
import { EXIT, exitCodes } from '../exit-codes.js';

const log = createLogger('pmc-oa');

interface PmcOaCliOptions {
  images: string;
  out: string;
  config?: string;
  evalFraction?: string;
  testFraction?: string;
  splitSeed?: string;
  concurrency?: string;
  imagesPrefix?: string;
  maxImageSide?: string;
  jpegQuality?: string;
}

class UsageError extends Error {}

function number(value: string | undefined, flag: string, check: (n: number) => boolean, what: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || !check(n)) throw new UsageError(`${flag} ${value}: expected ${what}`);
  return n;
}

/** One line per split and per reason: what `mtb pmc-oa` prints when done. */
export function formatPmcOaSummary(r: PmcOaReport, out: string): string {
  const splits = Object.entries(r.splits).map(([s, v]) => `${s} ${v.rows} (${v.shards} shard${v.shards === 1 ? '' : 's'}, ${v.tokens} tokens)`);
  const reasons = Object.entries(r.rejected).map(([k, n]) => `${k} ${n}`);
  const lines = [
    `PMC-OA: ${r.rows.read} rows read, ${r.rows.written} pairs written, ${r.rows.rejected} skipped`,
    `  splits: ${splits.join(', ') || 'none'}`,
  ];
  if (reasons.length) lines.push(`  skipped: ${reasons.join(', ')}`);
  const entries = Object.entries(r.zipEntriesSkipped).map(([k, n]) => `${k} ${n}`);
  if (entries.length) lines.push(`  zip entries skipped: ${entries.join(', ')}`);
  lines.push(`  report: ${join(out, REPORT_FILE)}; skipped rows listed in ${join(out, REJECTED_FILE)}`);
  return lines.join('\n');
}

export function registerPmcOa(program: Command): void {
  const cmd = program
    .command('pmc-oa')
    .description('PMC-OA figure/caption pairs (jsonl + images folder or images.zip) -> paired Arrow shards <out>/{train,eval,test}')
    .argument('<jsonl-or-dir>', 'a jsonl file, or the folder with train.jsonl/valid.jsonl/test.jsonl (public split) or pmc_oa.jsonl / pmc_oa_beta.jsonl (hash split)')
    .requiredOption('--images <dir|zip>', 'images.zip (read in place, not unpacked) or a folder of images')
    .requiredOption('--out <shardRoot>', 'output root: train/, eval/, test/ shard folders plus pmc-oa-report.json and pmc-oa-rejected.jsonl')
    .option('--config <corpus.json>', 'take maxImageSide, jpegQuality, maxImagePixels and maxShardBytes from this corpus config')
    .option('--eval-fraction <f>', 'hash split only: share of pairs in eval (default 0.1, the public split\'s share)')
    .option('--test-fraction <f>', 'hash split only: share of pairs in test (default 0.1; 0 = no test split)')
    .option('--split-seed <s>', 'hash split only: salt of the split hash (default "pmc-oa")')
    .option('--concurrency <n>', 'images decoded and re-encoded at once (default: 2 x cores, at least 4); output order does not depend on it')
    .option('--images-prefix <folder/>', 'folder inside the zip or image folder that names resolve in (default caption_T060_filtered_top4_sep_v0_subfigures/ when present)')
    .option('--max-image-side <px>', 'shorter image side at most this (default 512 or the config\'s maxImageSide)')
    .option('--jpeg-quality <q>', 'JPEG quality of re-encoded photographs (default 90 or the config\'s jpegQuality)')
    .addHelpText('after', `
Public split files map train.jsonl -> train, valid.jsonl -> eval (what Med-Flamingo evaluates on),
test.jsonl -> test. A single pmc_oa.jsonl is split by a hash of the image name.
Each row becomes "<image>{caption}<|endofchunk|>" with its re-encoded image, source "pmc-oa",
book_id the PMC id. Bad rows (malformed JSON, empty caption, missing, undecodable or truncated
image, duplicate image name, a name or zip entry escaping its root) are skipped, counted by
reason and listed; they never stop the run. Same inputs give byte-identical shards.`)
    .action(async (input: string, opts: PmcOaCliOptions) => {
      let options: PmcOaOptions;
      try {
        const config = opts.config ? loadCorpusConfig(opts.config) : undefined;
        const evalFraction = number(opts.evalFraction, '--eval-fraction', (n) => n >= 0 && n <= 1, 'a number in [0, 1]');
        const testFraction = number(opts.testFraction, '--test-fraction', (n) => n >= 0 && n <= 1, 'a number in [0, 1]');
        if ((evalFraction ?? 0.1) + (testFraction ?? 0.1) > 1) throw new UsageError('--eval-fraction plus --test-fraction must be at most 1');
        const concurrency = number(opts.concurrency, '--concurrency', (n) => Number.isInteger(n) && n >= 1, 'a whole number >= 1');
        const maxImageSide = number(opts.maxImageSide, '--max-image-side', (n) => Number.isInteger(n) && n >= 1, 'a whole number of pixels >= 1');
        const jpegQuality = number(opts.jpegQuality, '--jpeg-quality', (n) => Number.isInteger(n) && n >= 1 && n <= 100, 'a whole number 1..100');
        options = {
          input,
          images: opts.images,
          out: opts.out,
          ...defined({
            maxImageSide: maxImageSide ?? config?.maxImageSide,
            jpegQuality: jpegQuality ?? config?.jpegQuality,
            maxImagePixels: config?.maxImagePixels,
            maxShardBytes: config?.maxShardBytes,
            evalFraction,
            testFraction,
            splitSeed: opts.splitSeed,
            concurrency,
            imagesPrefix: opts.imagesPrefix,
          }),
        };
      } catch (err) {
        if (!(err instanceof UsageError)) throw err;
        log.error(err.message);
        process.exitCode = EXIT.USAGE;
        return;
      }
      try {
        const report = await convertPmcOa(options);
        process.stdout.write(formatPmcOaSummary(report, opts.out) + '\n');
      } catch (err) {
        if (!(err instanceof InputError)) throw err;
        log.error(err.message);
        process.exitCode = EXIT.USAGE;
      }
    });
  exitCodes(cmd, {
    0: 'converted; bad rows are skipped, counted and listed, never fatal',
    2: 'bad options, a missing input or image source, or an input that is not PMC-OA jsonl',
  });
}

function defined<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
