import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { parseFlamingoConfig } from './config-infer.js';
import type { FlamingoConfig } from './config.js';
import type { FlamingoModel } from './model/flamingo.js';
import { canonicalName } from './model/names.js';
import { EMBED_TOKENS } from './param-shapes.js';
import { entryToFloat32, entryToInt32 } from './safetensors.js';
import { SafetensorsFile } from './safetensors-io.js';
import { LEARNED_EMBEDDING_ROWS } from './train/param-groups.js';
import { rowCrossEntropySums, targetCounts } from './train/loss.js';

/**
 * An outside reference written by OpenFlamingo's own PyTorch code (see
 * ../shared/oracle/README.md): the full state_dict, a batch with its MMC4
 * labels, and OpenFlamingo's logits, loss and gradient of every trainable
 * tensor. `checkAgainstOracle` runs the same batch here and reports the
 * differences.
 */
export interface Oracle {
  dir: string;
  config: FlamingoConfig;
  /** The state_dict file, for `FlamingoModel.fromFiles`. */
  weights: string;
  batch: number;
  length: number;
  inputIds: Int32Array;
  attentionMask: Int32Array;
  labels: Int32Array;
  /** OpenFlamingo's vision_x [B, M, F, 3, H, W]. */
  pixels: { data: Float32Array; shape: number[] };
  logits: Float32Array;
  loss: number;
  /** d loss / d parameter by our canonical name; the input embedding's two learned rows only. */
  grads: Map<string, { shape: number[]; data: Float32Array }>;
}

/** The sizes meta.json records (OpenFlamingo's tiny test model). */
interface OracleMeta {
  config: { vocab: number; d: number; ffn: number; layers: number; heads: number; every: number; vis_width: number; vis_layers: number; vis_heads: number; image: number; patch: number };
}

/**
 * The oracle's model as a FlamingoConfig: meta.json gives the LLaMA and CLIP
 * sizes; the perceiver and cross-attention use OpenFlamingo's defaults
 * (depth 6, 8 heads x 64, 64 latents, ff x 4), as its README says.
 */
export function oracleConfig(meta: OracleMeta['config'], source: string, outputDim = meta.vis_width): FlamingoConfig {
  const c = meta;
  return parseFlamingoConfig({
    name: 'openflamingo-oracle',
    vision: { imageSize: c.image, patchSize: c.patch, width: c.vis_width, layers: c.vis_layers, heads: c.vis_heads, mlpRatio: 4, outputDim },
    perceiver: { dim: c.vis_width, depth: 6, heads: 8, dimHead: 64, numLatents: 64, ffMult: 4 },
    lm: { vocabSize: c.vocab + 3, hidden: c.d, layers: c.layers, heads: c.heads, intermediate: c.ffn },
    crossAttn: { everyNLayers: c.every, heads: 8, dimHead: 64, ffMult: 4 },
  }, source);
}

export function loadOracle(dir: string): Oracle {
  const file = (f: string): string => {
    const p = join(dir, f);
    if (!existsSync(p)) throw new Error(`${p}: missing; an oracle folder holds model.safetensors, io.safetensors, grads.safetensors and meta.json (see ../shared/oracle/README.md)`);
    return p;
  };
  const meta = JSON.parse(readFileSync(file('meta.json'), 'utf8')) as OracleMeta;
  const weights = file('model.safetensors');
  // outputDim is CLIP's proj width (unused by Flamingo, but a parameter of the file): read it rather than assume.
  const model = SafetensorsFile.open(weights);
  const proj = model.info('vision_encoder.proj');
  model.close();
  const config = oracleConfig(meta.config, file('meta.json'), proj?.shape[1]);
  const io = SafetensorsFile.open(file('io.safetensors'));
  const g = SafetensorsFile.open(file('grads.safetensors'));
  try {
    const ids = io.read('input_ids');
    const [batch, length] = ids.shape as [number, number];
    const px = io.read('pixels');
    const grads = new Map<string, { shape: number[]; data: Float32Array }>();
    for (const key of g.names()) {
      const m = canonicalName(key);
      if (m.kind !== 'param') throw new Error(`${g.path}: gradient "${key}" is not a parameter name`);
      const e = g.read(key);
      grads.set(m.name, { shape: e.shape, data: entryToFloat32(key, e) });
    }
    return {
      dir, config, weights, batch, length,
      inputIds: entryToInt32('input_ids', ids),
      attentionMask: entryToInt32('attention_mask', io.read('attention_mask')),
      labels: entryToInt32('labels', io.read('labels')),
      pixels: { data: entryToFloat32('pixels', px), shape: px.shape },
      logits: entryToFloat32('logits', io.read('logits')),
      loss: entryToFloat32('loss', io.read('loss'))[0]!,
      grads,
    };
  } finally {
    io.close();
    g.close();
  }
}

export interface OracleReport {
  backend: string;
  targets: number;
  logits: { maxAbsDiff: number; maxAbs: number };
  loss: { ours: number; reference: number; absDiff: number };
  grads: {
    /** Largest |ours - reference| over every trainable tensor. */
    maxAbsDiff: number;
    /** Largest |reference gradient|: the scale the tolerance is relative to. */
    maxAbs: number;
    worst: string;
    tensors: number;
    /** Reference gradients this model has no parameter for. */
    unmatched: string[];
  };
  tolerance: number;
  pass: boolean;
}

/**
 * The oracle's batch through `model` on the current backend: logits, the
 * shifted mean token cross-entropy under the labels (HuggingFace's loss) and
 * its gradient for every trainable tensor, against OpenFlamingo's. Passes when
 * logits and loss are within `tolerance` and every gradient within
 * `tolerance` x the largest reference gradient.
 */
export function checkAgainstOracle(model: FlamingoModel, oracle: Oracle, tolerance = 1e-4): OracleReport {
  const { batch: B, length: T } = oracle;
  const targets = targetCounts([{ batchSize: B, seqLen: T, labels: oracle.labels, sources: Array(B).fill('oracle') }]).get('oracle') ?? 0;
  if (targets === 0) throw new Error(`${oracle.dir}: the oracle batch has no target token`);
  const vars = model.trainableVariables();
  let logits = new Float32Array(0);
  const inputIds = tf.tensor2d(oracle.inputIds, [B, T], 'int32');
  const attentionMask = tf.tensor2d(oracle.attentionMask, [B, T], 'int32');
  const pixels = tf.tensor(oracle.pixels.data, oracle.pixels.shape, 'float32');
  const { value, grads } = tf.variableGrads(() => {
    const out = model.forward({ inputIds, attentionMask, pixels });
    logits = Float32Array.from(out.dataSync() as Float32Array);
    return tf.div(tf.sum(rowCrossEntropySums(out, oracle.labels)), targets) as tf.Scalar;
  }, [...vars.values()]);
  const loss = value.dataSync()[0]!;
  let logitDiff = 0;
  let logitMax = 0;
  for (let i = 0; i < logits.length; i++) {
    logitDiff = Math.max(logitDiff, Math.abs(logits[i]! - oracle.logits[i]!));
    logitMax = Math.max(logitMax, Math.abs(oracle.logits[i]!));
  }
  if (logits.length !== oracle.logits.length) logitDiff = Infinity;
  let gradDiff = 0;
  let gradMax = 0;
  let worst = '';
  const unmatched: string[] = [];
  for (const [name, ref] of oracle.grads) {
    const v = vars.get(name);
    const g = v ? grads[v.name] : undefined;
    if (!g) {
      unmatched.push(name);
      continue;
    }
    let ours = g.dataSync() as Float32Array;
    if (name === EMBED_TOKENS) ours = ours.slice(LEARNED_EMBEDDING_ROWS.start * g.shape[1]!, LEARNED_EMBEDDING_ROWS.end * g.shape[1]!);
    if (ours.length !== ref.data.length) {
      unmatched.push(`${name} (shape [${ref.shape}] vs ${ours.length} values)`);
      continue;
    }
    for (let i = 0; i < ours.length; i++) {
      gradMax = Math.max(gradMax, Math.abs(ref.data[i]!));
      const d = Math.abs(ours[i]! - ref.data[i]!);
      if (d > gradDiff) {
        gradDiff = d;
        worst = name;
      }
    }
  }
  tf.dispose([value, grads, inputIds, attentionMask, pixels]);
  const lossDiff = Math.abs(loss - oracle.loss);
  const pass = logitDiff <= tolerance && lossDiff <= tolerance && gradDiff <= tolerance * gradMax && unmatched.length === 0;
  return {
    backend: tf.getBackend(),
    targets,
    logits: { maxAbsDiff: logitDiff, maxAbs: logitMax },
    loss: { ours: loss, reference: oracle.loss, absDiff: lossDiff },
    grads: { maxAbsDiff: gradDiff, maxAbs: gradMax, worst, tensors: oracle.grads.size - unmatched.length, unmatched },
    tolerance,
    pass,
  };
}
