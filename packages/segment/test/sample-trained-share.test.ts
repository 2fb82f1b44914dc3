import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BOS_ID, ENDOFCHUNK_ID, EOS_ID, IMAGE_ID, PAD_ID } from '@mtb/core';
import { readIndex } from '@mtb/shards';
import { IGNORE_INDEX, ShardStream } from '@mtb/shard-stream';
import type { CorpusStats } from '@mtb/split';
import { builtSample } from '../../viewer/test/sample-corpus.js';

/**
 * End to end on the sample corpus, as Jest's global setup built it (`mtb
 * build datasets/sample`): one epoch of both splits through the training
 * loader, whose labels are OpenFlamingo's mask. The text tokens the loader
 * trains on must be the ones stats.json reports, and at least 95% of the
 * shards' text tokens (48% before segments opened with their figures).
 */
const SPECIAL = new Set([BOS_ID, EOS_ID, IMAGE_ID, ENDOFCHUNK_ID, PAD_ID]);

test('the loader trains on the share of the sample\'s text that stats.json reports, at least 95%', async () => {
  const corpus = builtSample();
  const stats = JSON.parse(readFileSync(join(corpus, 'report', 'stats.json'), 'utf8')) as CorpusStats;
  let text = 0;
  let trained = 0;
  for (const split of ['train', 'eval']) {
    const dir = join(corpus, 'shards', split);
    const rows = readIndex(dir).totalRows;
    if (rows === 0) continue;
    const stream = await ShardStream.open({ sources: [{ dir }], batchSize: 1, seed: 0, workers: 1 });
    try {
      for (let i = 0; i < rows; i++) {
        const batch = await stream.next();
        for (let t = 0; t < batch.inputIds.length; t++) {
          if (batch.attentionMask[t] === 0 || SPECIAL.has(batch.inputIds[t]!)) continue;
          text++;
          if (batch.labels[t] !== IGNORE_INDEX) trained++;
        }
        stream.release(batch);
      }
    } finally {
      await stream.close();
    }
  }
  process.stdout.write(`sample corpus under the loader's mask: ${trained} of ${text} text tokens trained (${(trained / text).toFixed(4)}); ` +
    `stats.json: ${stats.tokens.trained} of ${stats.tokens.kept}, ${stats.chunks.empty} empty and ${stats.chunks.captionOnly} caption-only of ${stats.chunks.image} chunks\n`);
  expect(text).toBe(stats.tokens.kept);
  expect(trained).toBe(stats.tokens.trained);
  expect(trained / text).toBeGreaterThanOrEqual(0.95);
  expect(stats.tokens.beforeFirstImage).toBe(text - trained);
  expect(stats.segments.eval).toBeGreaterThan(0);
}, 120_000);
