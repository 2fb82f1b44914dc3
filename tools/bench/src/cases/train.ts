import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { encodeWithSpecials, ENDOFCHUNK, IMAGE } from '@mtb/core';
import type { BenchCase } from '../types.js';

/**
 * Training step time of the `tiny` and `small` Flamingo configs per backend
 * that loads here (cpu, wasm; tensorflow where @tensorflow/tfjs-node is
 * installed), with the loader streaming real shards (JPEG decode, resize,
 * normalise on a worker thread) as a run does, and the share of step time spent
 * waiting for the loader (target < 5%: prefetch should hide it). Rows are
 * written here: ~250 tokens of text, one or two 512 x 640 photo-like JPEGs.
 */
const ROWS = 40;
const MAX_TOKENS = 256;

async function photo(i: number): Promise<Uint8Array> {
  const buf = await sharp({ create: { width: 512, height: 640, channels: 3, background: { r: 0, g: 0, b: 0 }, noise: { type: 'gaussian', mean: 110 + (i % 30), sigma: 50 } } })
    .blur(1.5).jpeg({ quality: 90 }).toBuffer();
  return new Uint8Array(buf);
}

let shards: Promise<string> | null = null;

async function writeShards(): Promise<string> {
  const { ShardWriter } = await import('@mtb/shards');
  const root = mkdtempSync(join(tmpdir(), 'bench-train-'));
  process.once('exit', () => rmSync(root, { recursive: true, force: true }));
  const dir = join(root, 'mtb');
  const writer = new ShardWriter(dir);
  const sentence = 'The portal vein forms behind the neck of the pancreas and carries blood from the gut to the liver. ';
  for (let i = 0; i < ROWS; i++) {
    const n = 1 + (i % 2);
    const text = Array.from({ length: n }, (_, k) => `${IMAGE}Figure ${i}.${k + 1}: hepatic segments. ${sentence.repeat(4)}${ENDOFCHUNK}`).join('');
    const ids = encodeWithSpecials(text);
    await writer.write({
      id: `r${i}`, source: 'mtb', book_id: 'b', text, images: await Promise.all(Array.from({ length: n }, async (_, k) => ({ bytes: await photo(i * 2 + k), path: `b/p1-${k + 1}.jpg` }))),
      input_ids: Int32Array.from(ids), num_tokens: ids.length, num_images: n, pages: [1],
    });
  }
  await writer.close();
  return dir;
}

export async function cases(opts: { quick: boolean }): Promise<BenchCase[]> {
  const steps = opts.quick ? 3 : 10;
  const out: BenchCase[] = [];
  for (const configName of ['tiny', 'small']) {
    for (const backendKind of ['cpu', 'wasm'] as const) {
      // Loaded lazily: the harness lists this module even where TensorFlow.js fails to load.
      let state: {
        trainer: import('@mtb/flamingo').Trainer;
        model: import('@mtb/flamingo').FlamingoModel;
        stream: import('@mtb/shard-stream').ShardStream;
      } | null = null;
      let waitMs = 0;
      let stepMs = 0;
      let tokens = 0;
      let measured = 0;
      out.push({
        name: `train-step ${configName} ${backendKind}`,
        description: `one optimizer step of the ${configName} config on the ${backendKind} backend (batch 1, <= ${MAX_TOKENS} tokens, 1-2 images, loader on 1 worker thread)`,
        work: { unit: 'steps', amount: steps },
        repetitions: opts.quick ? 2 : 3,
        async setup() {
          const f = await import('@mtb/flamingo');
          const { ShardStream } = await import('@mtb/shard-stream');
          shards ??= writeShards();
          const dir = await shards;
          // The loader first, as runTraining opens it: its worker thread starts before the model's allocations.
          const stream = await ShardStream.open({ sources: [dir], batchSize: 1, seed: 0, workers: 1, maxTokens: MAX_TOKENS, maxImages: 2 });
          await f.selectBackend(backendKind);
          const model = f.FlamingoModel.init(f.getConfig(configName), 0);
          const trainer = new f.Trainer(model, {
            optimizer: { betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0.1 },
            schedule: { lr: 1e-4, warmupSteps: 0, kind: 'constant', totalSteps: 1000 },
            clipNorm: 1,
          });
          // One step outside the timing: kernels compile and the prefetch queue fills.
          trainer.trainStep([await stream.next()]);
          state = { trainer, model, stream };
        },
        async ours() {
          const s = state!;
          for (let i = 0; i < steps; i++) {
            const t0 = performance.now();
            const batch = await s.stream.next();
            const t1 = performance.now();
            s.trainer.trainStep([batch]);
            s.stream.release(batch);
            const t2 = performance.now();
            waitMs += t1 - t0;
            stepMs += t2 - t0;
            tokens += batch.attentionMask.reduce((a, b) => a + b, 0);
            measured += 1;
          }
        },
        async extras() {
          return {
            'step ms (mean)': Number((stepMs / measured).toFixed(1)),
            'loader wait share %': Number(((100 * waitMs) / stepMs).toFixed(2)),
            'tokens/s': Number(((1000 * tokens) / stepMs).toFixed(0)),
          };
        },
        async teardown() {
          if (!state) return;
          await state.stream.close();
          state.trainer.dispose();
          state.model.dispose();
          state = null;
        },
      });
    }
  }
  return out;
}
