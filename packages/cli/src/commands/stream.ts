import type { Command } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { createLogger, createProgress, writeJsonAtomic } from '@mtb/core';
import { ShardStream, parseStreamState, type ShardStreamOptions } from '@mtb/shard-stream';
import { EXIT, exitCodes } from '../exit-codes.js';

const log = createLogger('stream');

interface StreamCliOptions {
  batchSize: string;
  steps: string;
  seed: string;
  rank: string;
  worldSize: string;
  weights?: string;
  workers?: string;
  maxImages: string;
  maxTokens: string;
  blockSize: string;
  remainder: string;
  interleave: string;
  resume?: string;
  saveState?: string;
  json?: boolean;
  padImages?: boolean;
}

class UsageError extends Error {}

function int(value: string, flag: string, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`${flag} ${value}: expected a whole number >= ${min}`);
  return n;
}

/** Parsed and checked options; a UsageError names the flag. */
export function streamOptions(dirs: string[], o: StreamCliOptions): { options: ShardStreamOptions; steps: number } {
  for (const d of dirs) if (!existsSync(d)) throw new UsageError(`${d}: no such shard folder (expected index.json and data-*.arrow, e.g. datasets/sample/shards/train)`);
  const weights = o.weights ? o.weights.split(',').map((w) => Number(w)) : dirs.map(() => 1);
  if (weights.length !== dirs.length || weights.some((w) => !(Number.isFinite(w) && w > 0))) {
    throw new UsageError(`--weights ${o.weights}: expected ${dirs.length} positive numbers separated by commas, one per shard folder`);
  }
  if (o.remainder !== 'pad' && o.remainder !== 'drop') throw new UsageError(`--remainder ${o.remainder}: expected pad or drop`);
  let resume;
  if (o.resume) {
    try {
      resume = parseStreamState(readFileSync(o.resume, 'utf8'));
    } catch (err) {
      throw new UsageError(`--resume ${o.resume}: ${(err as Error).message}`);
    }
  }
  const worldSize = int(o.worldSize, '--world-size', 1);
  const rank = int(o.rank, '--rank', 0);
  if (rank >= worldSize) throw new UsageError(`--rank ${rank}: must be below --world-size ${worldSize}`);
  const seed = /^-?\d+$/.test(o.seed) ? Number(o.seed) : o.seed;
  return {
    steps: int(o.steps, '--steps', 1),
    options: {
      sources: dirs.map((dir, i) => ({ dir, weight: weights[i]! })),
      batchSize: int(o.batchSize, '--batch-size', 1),
      rank,
      maxImages: int(o.maxImages, '--max-images', 1),
      maxTokens: int(o.maxTokens, '--max-tokens', 2),
      padImagesToMax: o.padImages === true,
      ...(o.workers !== undefined ? { workers: int(o.workers, '--workers', 0) } : {}),
      // A resumed run takes its order settings from the state (they must not differ).
      ...(resume
        ? { resume }
        : { seed, worldSize, blockSize: int(o.blockSize, '--block-size', 1), remainder: o.remainder, interleave: int(o.interleave, '--interleave', 1) }),
    },
  };
}

export function registerStream(program: Command): void {
  const cmd = program
    .command('stream')
    .description('smoke-test the training loader: stream batches from shard folders, print sample ids, throughput and mixing proportions')
    .argument('<shardDir...>', 'one or more shard folders (index.json + data-*.arrow), e.g. datasets/sample/shards/train and a PMC-OA train folder')
    .requiredOption('--batch-size <n>', 'samples per batch')
    .requiredOption('--steps <k>', 'batches to draw')
    .option('--seed <s>', 'order seed', '0')
    .option('--rank <r>', 'this process\'s rank in data-parallel training', '0')
    .option('--world-size <w>', 'number of ranks', '1')
    .option('--weights <w1,w2,...>', 'sampling weight per shard folder (default 1 each: MTB and PMC-OA 1.0 as in the paper)')
    .option('--workers <n>', 'worker threads for image decode and preprocessing (default cores - 1; 0 = in-process)')
    .option('--max-images <m>', 'image slots per sample; later images are cut with their text', '10')
    .option('--max-tokens <t>', 'longest token row', '1024')
    .option('--pad-images', 'always --max-images image slots per sample (static shapes) instead of the most a sample of the batch has')
    .option('--block-size <b>', 'shuffle block in samples (memory: about two blocks of rows per folder)', '512')
    .option('--interleave <k>', 'parts of each rank\'s share read side by side, mixed in every block (shards open at once per folder)', '4')
    .option('--remainder <pad|drop>', 'samples that do not divide among ranks: pad (repeat a few) or drop (skip a few)', 'pad')
    .option('--resume <state.json>', 'continue from a state saved with --save-state')
    .option('--save-state <file>', 'write the loader state after the last step (what a checkpoint stores)')
    .option('--json', 'one JSON line per batch on stdout (step, ids, sources, shapes) and a JSON summary')
    .addHelpText('after', `
Every shard's sha256 is checked against index.json before its first sample is used; a
corrupted or missing shard stops the run with an error naming it. The same seed, rank and
world size always give the same batches; --resume continues exactly where --save-state stopped.`)
    .action(async (dirs: string[], o: StreamCliOptions) => {
      let parsed: ReturnType<typeof streamOptions>;
      try {
        parsed = streamOptions(dirs, o);
      } catch (err) {
        if (!(err instanceof UsageError)) throw err;
        log.error(err.message);
        process.exitCode = EXIT.USAGE;
        return;
      }
      const { options, steps } = parsed;
      let stream: ShardStream;
      try {
        stream = await ShardStream.open(options);
      } catch (err) {
        // Missing or mismatched shards, a state for other data: say what and where, no stack.
        log.error((err as Error).message);
        process.exitCode = EXIT.FAILED;
        return;
      }
      const progress = createProgress('stream', steps, 'batches');
      const start = performance.now();
      const cpuStart = process.cpuUsage();
      let images = 0;
      let samples = 0;
      try {
        for (let step = 1; step <= steps; step++) {
          const b = await stream.next();
          images += b.imageMask.reduce((a, v) => a + v, 0);
          samples += b.batchSize;
          if (o.json) {
            process.stdout.write(JSON.stringify({ step, ids: b.ids, sources: b.sources, seqLen: b.seqLen, imageSlots: b.imageSlots, images: [...b.imageMask].reduce((a, v) => a + v, 0) }) + '\n');
          } else {
            process.stdout.write(`step ${step}: ${b.ids.map((id, i) => `${b.sources[i]}:${id}`).join(' ')}\n`);
          }
          // Nothing here reads the pixels again: their buffer goes back for the next batches.
          stream.release(b);
          progress.increment();
        }
      } catch (err) {
        progress.stop();
        await stream.close();
        log.error((err as Error).message);
        process.exitCode = EXIT.FAILED;
        return;
      }
      progress.stop();
      const seconds = (performance.now() - start) / 1000;
      const cpu = process.cpuUsage(cpuStart);
      // CPU time of the whole process (main thread, workers, libvips): per-core throughput on a shared machine.
      const cpuSeconds = (cpu.user + cpu.system) / 1e6;
      const report = stream.report();
      const state = stream.state();
      await stream.close();
      if (o.saveState) writeJsonAtomic(o.saveState, state);
      // This run's samples only: a resumed loader's report also counts the earlier ones.
      const rate = { samplesPerSecond: samples / seconds, imagesPerSecond: images / seconds, seconds, cpuSeconds, samplesPerCpuSecond: samples / cpuSeconds };
      if (o.json) {
        process.stdout.write(JSON.stringify({ summary: { ...rate, ...report, state } }) + '\n');
        return;
      }
      const mix = report.sources.map((s) => `${s.name} ${(100 * s.share).toFixed(1)}% (target ${(100 * s.targetShare).toFixed(1)}%, ${s.samples} samples, epoch ${s.epoch}, ${s.epochLength}/epoch/rank)`);
      process.stdout.write(
        `${samples} samples, ${images} images in ${seconds.toFixed(2)} s: ${rate.samplesPerSecond.toFixed(1)} samples/s, ${rate.imagesPerSecond.toFixed(1)} images/s` +
          ` (incl. startup and sha256 checks); ${cpuSeconds.toFixed(2)} CPU-s, ${rate.samplesPerCpuSecond.toFixed(1)} samples per CPU-second\nmix: ${mix.join('; ')}\n` +
          (report.badImages ? `undecodable images left as empty masked slots: ${report.badImages}\n` : '') +
          `state: ${JSON.stringify(state)}\n`,
      );
    });
  exitCodes(cmd, {
    0: 'every batch was drawn',
    1: 'a shard is missing, damaged (sha256) or unreadable, or the --resume state does not fit the data',
    2: 'bad options or a missing shard folder',
  });
}
