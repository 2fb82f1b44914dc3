import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { writeJsonAtomic } from '@mtb/core';
import type { StreamState } from '@mtb/shard-stream';
import { entryToFloat32 } from '../safetensors.js';
import { findCheckpointFile, openSafetensors, writeSafetensorsSharded, type TensorSource } from '../safetensors-io.js';
import { savedUpdates, type Optimizer } from './adamw.js';
import type { TrainConfig } from './config.js';
import type { TrainableModel } from './model-api.js';

export const CHECKPOINT_VERSION = 1;
/** File bases: `<base>.safetensors`, or shards with `<base>.safetensors.index.json`. */
const TRAINABLE = 'trainable';
const OPTIMIZER = 'optimizer';
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
  /** The trainable weights, read tensor by tensor (close() when done). */
  trainable: TensorSource;
  /** The optimizer state (its metadata says the format and the update count). */
  optimizer: TensorSource;
  /** Updates the optimizer state records. */
  updates: number;
  close(): void;
}

export function checkpointDir(outDir: string, step: number): string {
  return join(outDir, 'checkpoints', `step-${String(step).padStart(8, '0')}`);
}

/**
 * Writes a checkpoint folder: the trainable weights (OpenFlamingo names, loads
 * into OpenFlamingo with strict=False) and the optimizer state (AdamW: the
 * moments under PyTorch's state names `exp_avg.<param>`, `exp_avg_sq.<param>`;
 * the input embedding's are its two learned rows), each one safetensors file
 * or, past `maxShardBytes`, HuggingFace shards with an index; then state.json,
 * then checkpoints/latest.json. Tensors stream to disk one at a time, every
 * file is written atomically and latest.json last, so a run killed at any
 * point leaves the previous checkpoint as the one resumed.
 */
export function saveCheckpoint(outDir: string, model: TrainableModel, optimizer: Optimizer, state: CheckpointState, keep: number, maxShardBytes?: number): string {
  const dir = checkpointDir(outDir, state.step);
  const shard = maxShardBytes === undefined ? {} : { maxShardBytes };
  writeSafetensorsSharded(dir, TRAINABLE, model.tensorsToSave('trainable'), { ...shard, metadata: model.saveMetadata?.('trainable') ?? { format: 'pt' } });
  writeSafetensorsSharded(dir, OPTIMIZER, optimizer.stateTensors(), { ...shard, metadata: optimizer.stateMetadata() });
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
  const trainableFile = findCheckpointFile(dir, TRAINABLE);
  const optimizerFile = findCheckpointFile(dir, OPTIMIZER);
  for (const [f, base] of [[trainableFile, TRAINABLE], [optimizerFile, OPTIMIZER]] as const) {
    if (!f) throw new Error(`${join(dir, `${base}.safetensors`)}: missing (nor a sharded ${base}.safetensors.index.json); not a complete checkpoint folder`);
  }
  if (!existsSync(join(dir, STATE))) throw new Error(`${join(dir, STATE)}: missing; not a complete checkpoint folder`);
  const state = JSON.parse(readFileSync(join(dir, STATE), 'utf8')) as CheckpointState;
  if (state.version !== CHECKPOINT_VERSION) throw new Error(`${join(dir, STATE)}: checkpoint version ${state.version}, this build reads ${CHECKPOINT_VERSION}`);
  const trainable = openSafetensors(trainableFile!);
  let optimizer: TensorSource;
  try {
    optimizer = openSafetensors(optimizerFile!);
  } catch (err) {
    trainable.close();
    throw err;
  }
  const close = (): void => {
    trainable.close();
    optimizer.close();
  };
  try {
    return { dir, state, trainable, optimizer, updates: savedUpdates(optimizer), close };
  } catch (err) {
    close();
    throw err;
  }
}

/**
 * Puts a checkpoint's trainable weights into the model's variables. Every
 * trainable variable must be in the file with its shape, and the file must hold
 * nothing else: a checkpoint of another config is refused, not half-loaded.
 */
export function restoreTrainable(model: TrainableModel, trainable: TensorSource): void {
  const source = trainable.path;
  const vars = model.trainableVariables();
  for (const name of trainable.names()) if (!vars.has(name)) throw new Error(`${source}: "${name}" is not a trainable parameter of this model`);
  for (const [name, v] of vars) {
    const t = trainable.info(name);
    if (!t) throw new Error(`${source}: trainable parameter "${name}" is missing`);
    if (t.shape.join('x') !== v.shape.join('x')) throw new Error(`${source}: "${name}" has shape [${t.shape}], the model's is [${v.shape}]`);
  }
  for (const [name, v] of vars) {
    const x = tf.tensor(entryToFloat32(name, trainable.read(name)), v.shape, 'float32');
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
