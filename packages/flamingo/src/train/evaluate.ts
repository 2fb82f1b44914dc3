import * as tf from '@tensorflow/tfjs';
import { ShardStream, type ShardStreamOptions } from '@mtb/shard-stream';
import { rowCrossEntropySums, targetCounts } from './loss.js';
import type { MicroBatch } from './trainer.js';

export interface EvalSource {
  dir: string;
  name?: string;
  lossWeight: number;
}

export interface EvalResult {
  /** sum over sources of lossWeight x mean token cross-entropy (the training objective on eval data). */
  loss: number;
  /** Mean token cross-entropy per source. */
  losses: Record<string, number>;
  /** exp(mean token cross-entropy) per source. */
  perplexity: Record<string, number>;
  targets: Record<string, number>;
  samples: number;
}

/**
 * Loss and perplexity on eval shard folders: each folder is read once, in the
 * loader's order for seed 0, up to `maxSamples` samples (all by default).
 * Token-level means: the summed cross-entropy of all target tokens divided by
 * their number, so long and short samples weigh by their tokens.
 */
export async function evaluate(
  forward: (mb: MicroBatch) => tf.Tensor,
  sources: readonly EvalSource[],
  loader: Omit<ShardStreamOptions, 'sources' | 'seed' | 'resume' | 'rank' | 'worldSize'> & { maxSamples?: number },
): Promise<EvalResult> {
  const res: EvalResult = { loss: 0, losses: {}, perplexity: {}, targets: {}, samples: 0 };
  const { maxSamples, ...streamOpts } = loader;
  for (const src of sources) {
    // In-process assembly: eval is a short pass, not worth worker threads beside the training loader's.
    const stream = await ShardStream.open({ ...streamOpts, workers: 0, sources: [{ dir: src.dir, ...(src.name ? { name: src.name } : {}) }], seed: 0 });
    let name = src.name ?? '';
    let ce = 0;
    let n = 0;
    try {
      const epoch = stream.report().sources[0]!.epochLength;
      const want = Math.min(epoch, maxSamples ?? epoch);
      let seen = 0;
      while (seen < want) {
        const b = await stream.next();
        name = b.sources[0]!;
        const rows = Math.min(b.batchSize, want - seen);
        seen += b.batchSize;
        const sums = tf.tidy(() => rowCrossEntropySums(forward(b), b.labels));
        const values = sums.dataSync();
        sums.dispose();
        // Rows past `want` (the loader pads the last batch from the next epoch) do not count.
        const kept = { ...b, batchSize: rows, labels: b.labels.subarray(0, rows * b.seqLen), sources: b.sources.slice(0, rows) };
        n += targetCounts([kept]).get(name) ?? 0;
        for (let r = 0; r < rows; r++) ce += values[r]!;
        res.samples += rows;
      }
    } finally {
      await stream.close();
    }
    if (res.losses[name] !== undefined) throw new Error(`two eval folders are both named "${name}"; give them distinct names`);
    const mean = n > 0 ? ce / n : NaN;
    res.losses[name] = mean;
    res.perplexity[name] = Math.exp(mean);
    res.targets[name] = n;
    if (n > 0) res.loss += src.lossWeight * mean;
  }
  return res;
}
