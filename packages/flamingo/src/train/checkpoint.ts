import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { writeFileAtomic, writeJsonAtomic } from '@mtb/core';
import type { StreamState } from '@mtb/shard-stream';
import { entryToFloat32, readSafetensors, readSafetensorsMetadata, writeSafetensors, type TensorToWrite } from '../safetensors.js';
import type { AdamWState } from './adamw.js';
import type { TrainConfig } from './config.js';
import type { TrainableModel } from './model-api.js';

export const CHECKPOINT_VERSION = 1;
const TRAINABLE = 'trainable.safetensors';
const OPTIMIZER = 'optimizer.safetensors';
const STATE = 'state.json';
const LATEST = 'latest.json';

/** state.json of a checkpoint: everything but the tensors. */
export interface CheckpointState {
  version: number;
  /** Steps taken (skipped ones included): the run continues with step + 1. */
  step: number;
  /** Updates the optimizer applied (AdamW's bias-correction clock). */
  updates: number;
  /**
   * The run's randomness. The seed fixes the model init and the loader order;
   * the training step itself draws no random numbers (OpenFlamingo's trainable
   * modules have no dropout), so seed + step + loader state is the whole state.
   */
  rng: { seed: number; drawsPerStep: 0 };
  loader: StreamState;
  config: TrainConfig;
  /** Last eval results, for the record. */
  lastEval?: Record<string, number>;
}

export interface LoadedCheckpoint {
  dir: string;
  state: CheckpointState;
  trainable: Map<string, { shape: number[]; data: Float32Array }>;
  optimizer: AdamWState;
}

export function checkpointDir(outDir: string, step: number): string {
  return join(outDir, 'checkpoints', `step-${String(step).padStart(8, '0')}`);
}

/**
 * Writes a checkpoint folder: the trainable weights (OpenFlamingo names, loads
 * into OpenFlamingo with strict=False), the AdamW moments under PyTorch's state
 * names (`exp_avg.<param>`, `exp_avg_sq.<param>`; the input embedding's are its
 * two learned rows), then state.json, then checkpoints/latest.json. Every file
 * is written atomically and latest.json last, so a run killed at any point
 * leaves the previous checkpoint as the one resumed.
 */
export function saveCheckpoint(outDir: string, model: TrainableModel, optimizer: AdamWState, state: CheckpointState, keep: number): string {
  const dir = checkpointDir(outDir, state.step);
  writeFileAtomic(join(dir, TRAINABLE), model.toSafetensors('trainable'));
  const moments = new Map<string, TensorToWrite>();
  for (const [name, m] of optimizer.moments) {
    moments.set(`exp_avg.${name}`, { shape: m.shape, data: m.expAvg });
    moments.set(`exp_avg_sq.${name}`, { shape: m.shape, data: m.expAvgSq });
  }
  writeFileAtomic(join(dir, OPTIMIZER), writeSafetensors(moments, { format: 'mtb-adamw', updates: String(optimizer.updates) }));
  writeJsonAtomic(join(dir, STATE), state);
  writeJsonAtomic(join(outDir, 'checkpoints', LATEST), { step: state.step, dir: dir.slice(join(outDir, 'checkpoints').length + 1) });
  pruneCheckpoints(outDir, keep);
  return dir;
}

/** The folder `latest.json` names, or null when the run has no checkpoint. */
export function latestCheckpoint(outDir: string): string | null {
  const file = join(outDir, 'checkpoints', LATEST);
  if (!existsSync(file)) return null;
  const { dir } = JSON.parse(readFileSync(file, 'utf8')) as { dir: string };
  return join(outDir, 'checkpoints', dir);
}

export function loadCheckpoint(dir: string): LoadedCheckpoint {
  for (const f of [TRAINABLE, OPTIMIZER, STATE]) {
    if (!existsSync(join(dir, f))) throw new Error(`${join(dir, f)}: missing; not a complete checkpoint folder`);
  }
  const state = JSON.parse(readFileSync(join(dir, STATE), 'utf8')) as CheckpointState;
  if (state.version !== CHECKPOINT_VERSION) throw new Error(`${join(dir, STATE)}: checkpoint version ${state.version}, this build reads ${CHECKPOINT_VERSION}`);
  const trainable = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const [name, e] of readSafetensors(readFileSync(join(dir, TRAINABLE)))) trainable.set(name, { shape: e.shape, data: entryToFloat32(name, e) });
  const optBytes = readFileSync(join(dir, OPTIMIZER));
  const meta = readSafetensorsMetadata(optBytes);
  const moments: AdamWState['moments'] = new Map();
  const entries = readSafetensors(optBytes);
  for (const [key, e] of entries) {
    if (!key.startsWith('exp_avg.')) continue;
    const name = key.slice('exp_avg.'.length);
    const sq = entries.get(`exp_avg_sq.${name}`);
    if (!sq) throw new Error(`${join(dir, OPTIMIZER)}: exp_avg.${name} without exp_avg_sq.${name}`);
    moments.set(name, { shape: e.shape, expAvg: entryToFloat32(key, e), expAvgSq: entryToFloat32(`exp_avg_sq.${name}`, sq) });
  }
  return { dir, state, trainable, optimizer: { updates: Number(meta.updates ?? state.updates), moments } };
}

/**
 * Puts a checkpoint's trainable weights into the model's variables. Every
 * trainable variable must be in the file with its shape, and the file must hold
 * nothing else: a checkpoint of another config is refused, not half-loaded.
 */
export function restoreTrainable(model: TrainableModel, trainable: LoadedCheckpoint['trainable'], source: string): void {
  const vars = model.trainableVariables();
  for (const name of trainable.keys()) if (!vars.has(name)) throw new Error(`${source}: "${name}" is not a trainable parameter of this model`);
  for (const [name, v] of vars) {
    const t = trainable.get(name);
    if (!t) throw new Error(`${source}: trainable parameter "${name}" is missing`);
    if (t.shape.join('x') !== v.shape.join('x')) throw new Error(`${source}: "${name}" has shape [${t.shape}], the model's is [${v.shape}]`);
  }
  for (const [name, v] of vars) {
    const t = trainable.get(name)!;
    const x = tf.tensor(t.data, t.shape, 'float32');
    v.assign(x);
    x.dispose();
  }
}

/** Keeps the newest `keep` step-* folders (those this trainer writes). */
function pruneCheckpoints(outDir: string, keep: number): void {
  const root = join(outDir, 'checkpoints');
  const steps = readdirSync(root).filter((d) => /^step-\d{8}$/.test(d)).sort();
  for (const d of steps.slice(0, Math.max(0, steps.length - keep))) rmSync(join(root, d), { recursive: true, force: true });
}
