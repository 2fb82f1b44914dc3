import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { getConfig } from '../src/config.js';
import { FlamingoModel } from '../src/model/flamingo.js';
import { parseTrainConfig, type TrainConfig } from '../src/train/config.js';
import { loadCheckpoint, latestCheckpoint } from '../src/train/checkpoint.js';
import { readMetrics } from '../src/train/metrics.js';
import { runTraining } from '../src/train/run.js';
import { readSafetensors } from '../src/safetensors.js';
import { writeShards } from './train-fixtures.js';

let root: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'mtb-train-'));
  await writeShards(join(root, 'mtb'), 10, 'mtb');
  await writeShards(join(root, 'pmc'), 10, 'pmc-oa');
  await writeShards(join(root, 'eval'), 2, 'mtb');
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

function config(outDir: string, over: Record<string, unknown> = {}): TrainConfig {
  return parseTrainConfig({
    model: 'tiny',
    sources: [{ dir: join(root, 'mtb') }, { dir: join(root, 'pmc'), lossWeight: 1 }],
    eval: [{ dir: join(root, 'eval') }],
    batchSize: 1,
    accumulation: 2,
    lr: 1e-2,
    warmupSteps: 1,
    schedule: 'cosine',
    steps: 3,
    checkpointEvery: 1,
    keepCheckpoints: 2,
    evalEvery: 0,
    outDir,
    seed: 7,
    backend: 'cpu',
    loader: { maxTokens: 32, maxImages: 1, workers: 0 },
    ...over,
  });
}

describe('a training run on the CPU backend', () => {
  test('resuming from a checkpoint gives the losses of the uninterrupted run; frozen weights stay bit-identical', async () => {
    const whole = join(root, 'whole');
    const model = FlamingoModel.init(getConfig('tiny'), 7);
    const frozenBefore = new Map([...model.params].filter(([n]) => !model.isTrainable(n)).map(([n, v]) => [n, Buffer.from(Float32Array.from(v.dataSync() as Float32Array).buffer)]));
    const a = await runTraining(config(whole, { eval: [], accumulation: 1 }), { createModel: () => model });
    expect(a.step).toBe(3);
    expect(a.skipped).toBe(0);
    for (const [name, bytes] of frozenBefore) {
      expect(Buffer.from(Float32Array.from(model.params.get(name)!.dataSync() as Float32Array).buffer).equals(bytes)).toBe(true);
    }
    model.dispose();

    // Stop after 1 step, then continue with fresh objects from the checkpoint on disk.
    const split = join(root, 'split');
    const first = await runTraining(config(split, { eval: [], accumulation: 1 }), { maxSteps: 1 });
    expect(first.stopReason).toBe('max-steps');
    expect(first.losses).toEqual(a.losses.slice(0, 1));
    await expect(runTraining(config(split, { eval: [], accumulation: 1 }))).rejects.toThrow(/--resume/);
    // A setting that defines the run may not change on resume.
    await expect(runTraining(config(split, { eval: [], accumulation: 2 }), { resume: true })).rejects.toThrow(/"accumulation"/);
    const second = await runTraining(config(split, { eval: [], accumulation: 1 }), { resume: true });
    expect(second.startStep).toBe(1);
    expect(second.step).toBe(3);
    expect(second.losses).toHaveLength(2);
    second.losses.forEach((l, i) => expect(Math.abs(l - a.losses[1 + i]!)).toBeLessThan(1e-6));

    // The final checkpoints agree too: weights bit for bit, and the file names OpenFlamingo's keys.
    const ca = loadCheckpoint(latestCheckpoint(whole)!);
    const cb = loadCheckpoint(latestCheckpoint(split)!);
    expect(cb.state.step).toBe(3);
    expect(cb.state.loader).toEqual(ca.state.loader);
    // One expect per run, not per value: a million expect calls (the embedding) took most of this test's minute.
    const differing: string[] = [];
    for (const name of ca.trainable.names()) {
      const u = cb.trainable.read(name).data as Float32Array;
      const w = ca.trainable.read(name).data as Float32Array;
      let worst = u.length === w.length ? 0 : Infinity;
      for (let i = 0; i < w.length; i++) worst = Math.max(worst, Math.abs(w[i]! - u[i]!));
      if (!(worst < 1e-6)) differing.push(`${name}: ${worst}`);
    }
    expect(differing).toEqual([]);
    expect(ca.trainable.names().every((n) => n.startsWith('perceiver.') || n.startsWith('lang_encoder.gated_cross_attn_layers.') || n === 'lang_encoder.model.embed_tokens.weight')).toBe(true);
    expect(ca.updates).toBe(3);
    ca.close();
    cb.close();
    // A checkpoint is complete or absent: no temp files, and the oldest beyond keepCheckpoints are pruned.
    const ckDir = join(whole, 'checkpoints');
    expect(readdirSync(ckDir).filter((f) => f.startsWith('.tmp-'))).toEqual([]);
    expect(readdirSync(ckDir).sort()).toEqual(['latest.json', 'step-00000002', 'step-00000003']);
    expect(readSafetensors(new Uint8Array(readFileSync(join(ckDir, 'step-00000003', 'optimizer.safetensors')))).has('exp_avg.perceiver.latents')).toBe(true);

    // metrics.jsonl reads as one run: every step once.
    const lines = readMetrics(join(split, 'metrics.jsonl'));
    expect(lines.filter((r) => r.kind === 'train').map((r) => r.step)).toEqual([1, 2, 3]);
    const rec = lines.find((r) => r.kind === 'train')!;
    expect(rec).toEqual(expect.objectContaining({ lr: 0, samples: 1 }));
    // Losses per source: the loader alternates MTB and PMC-OA (weights 1:1).
    expect([...new Set(lines.flatMap((r) => (r.kind === 'train' ? Object.keys(r.losses) : [])))].sort()).toEqual(['mtb', 'pmc-oa']);
  }, 600_000);

  test('the loss falls on a fixed tiny run (eval loss on the same eval shards, before and after)', async () => {
    const out = join(root, 'falls');
    const s = await runTraining(config(out, { steps: 6, accumulation: 1, warmupSteps: 0, schedule: 'constant', checkpointEvery: 100 }));
    expect(s.evals.map((e) => e.step)).toEqual([0, 6]);
    expect(readMetrics(join(out, 'metrics.jsonl')).filter((r) => r.kind === 'eval').map((r) => r.step)).toEqual([0, 6]);
    const [before, after] = s.evals.map((e) => e.result.losses.mtb!);
    expect(after).toBeLessThan(before!);
    const firstHalf = s.losses.slice(0, 3).reduce((x, y) => x + y, 0);
    const secondHalf = s.losses.slice(3).reduce((x, y) => x + y, 0);
    expect(secondHalf).toBeLessThan(firstHalf);
    expect(existsSync(join(out, 'checkpoints', 'step-00000006', 'trainable.safetensors'))).toBe(true);
    expect(tf.getBackend()).toBe('cpu');
  }, 600_000);

  test('missing shards: the error says how to build them', async () => {
    await expect(runTraining(config(join(root, 'x'), { sources: [{ dir: join(root, 'nope') }] }))).rejects.toThrow(/npm start/);
  });
});
