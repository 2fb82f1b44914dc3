import { z } from 'zod';
import { SPECIAL_VOCAB_SIZE, type FlamingoConfig } from './config.js';
import { canonicalName } from './model/names.js';
import type { TensorSource } from './safetensors-io.js';

/**
 * A model config from a JSON file, a checkpoint's own metadata, or the shapes
 * of its tensors. Shapes fix every size but the number of attention heads (a
 * [out, in] projection does not say how it splits into heads), so inference
 * takes the head widths of the models these checkpoints come from: open_clip's
 * 64 for the ViT, LLaMA's 128, OpenFlamingo's 64 for the perceiver and the
 * cross-attention; a model with other widths needs its config as JSON.
 */

const positive = z.number().int().positive();

export const FlamingoConfigSchema = z
  .object({
    name: z.string().min(1).default('custom'),
    vision: z.object({ imageSize: positive, patchSize: positive, width: positive, layers: positive, heads: positive, mlpRatio: positive, outputDim: positive }).strict(),
    perceiver: z.object({ dim: positive, depth: positive, heads: positive, dimHead: positive, numLatents: positive, ffMult: positive }).strict(),
    lm: z.object({
      vocabSize: positive, hidden: positive, layers: positive, heads: positive, intermediate: positive,
      rmsEps: z.number().positive().default(1e-6), ropeBase: z.number().positive().default(10000), maxPositions: positive.default(2048),
    }).strict(),
    crossAttn: z.object({ everyNLayers: positive, heads: positive, dimHead: positive, ffMult: positive }).strict(),
    clipText: z.object({ contextLength: positive, vocabSize: positive, width: positive, layers: positive, embedDim: positive }).strict().optional(),
  })
  .strict();

/** A full config object (as `mtb.model` metadata or a JSON file holds it), validated; `source` names it in errors. */
export function parseFlamingoConfig(raw: unknown, source: string): FlamingoConfig {
  const r = FlamingoConfigSchema.safeParse(raw);
  if (!r.success) throw new Error(`${source}: not a Flamingo model config: ${r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  const c = r.data as FlamingoConfig;
  if (c.lm.hidden % c.lm.heads !== 0 || (c.lm.hidden / c.lm.heads) % 2 !== 0) throw new Error(`${source}: lm.hidden ${c.lm.hidden} must split into ${c.lm.heads} heads of even width (rotary embedding)`);
  if (c.vision.width % c.vision.heads !== 0) throw new Error(`${source}: vision.width ${c.vision.width} does not split into ${c.vision.heads} heads`);
  if (c.vision.imageSize % c.vision.patchSize !== 0) throw new Error(`${source}: vision.imageSize ${c.vision.imageSize} is not a multiple of patchSize ${c.vision.patchSize}`);
  return c;
}

export interface InferredConfig {
  config: FlamingoConfig;
  /** Where it came from: metadata, or shapes with the listed assumptions. */
  from: 'metadata' | 'shapes';
  assumptions: string[];
}

/** Head widths assumed when only shapes are known. */
const CLIP_HEAD_WIDTH = 64;
const LLAMA_HEAD_DIM = 128;
const FLAMINGO_DIM_HEAD = 64;

/**
 * The config of the weights in `sources` (merged, as a load merges them):
 * the `mtb.model` metadata a checkpoint written here carries, else inferred
 * from the tensors' shapes. Throws naming the missing part when the weights
 * hold too little (e.g. a trainable-only checkpoint alone has no LM layers).
 */
export function inferConfig(sources: readonly TensorSource[], name = 'inferred'): InferredConfig {
  for (const s of sources) {
    const meta = s.metadata['mtb.model'];
    if (meta) {
      let raw: unknown;
      try {
        raw = JSON.parse(meta);
      } catch {
        throw new Error(`${s.path}: "mtb.model" metadata is not JSON`);
      }
      return { config: parseFlamingoConfig(raw, `${s.path} (mtb.model metadata)`), from: 'metadata', assumptions: [] };
    }
  }
  const shapes = new Map<string, number[]>();
  for (const s of sources) {
    for (const key of s.names()) {
      const m = canonicalName(key);
      if (m.kind === 'param' && !shapes.has(m.name)) shapes.set(m.name, s.info(key)!.shape);
    }
  }
  const where = sources.map((s) => s.path).join(', ');
  const need = (n: string): number[] => {
    const s = shapes.get(n);
    if (!s) throw new Error(`${where}: cannot infer the model config: no "${n}" (pass the frozen towers too, or --model-config <file.json>)`);
    return s;
  };
  const count = (re: RegExp): number[] => [...new Set([...shapes.keys()].flatMap((k) => (re.exec(k) ? [Number(re.exec(k)![1])] : [])))].sort((a, b) => a - b);
  const assumptions: string[] = [];

  const width = need('vision_encoder.class_embedding')[0]!;
  const conv = need('vision_encoder.conv1.weight');
  const patch = conv[2]!;
  const grid = Math.round(Math.sqrt(need('vision_encoder.positional_embedding')[0]! - 1));
  const visionLayers = count(/^vision_encoder\.transformer\.resblocks\.(\d+)\.ln_1\.weight$/).length;
  const visionHeads = Math.max(1, Math.floor(width / CLIP_HEAD_WIDTH));
  assumptions.push(`vision heads ${visionHeads} (open_clip's head width ${CLIP_HEAD_WIDTH})`);

  const [numLatents, pdim] = need('perceiver.latents') as [number, number];
  const depth = count(/^perceiver\.layers\.(\d+)\.0\.to_q\.weight$/).length;
  const pInner = need('perceiver.layers.0.0.to_q.weight')[0]!;
  assumptions.push(`perceiver ${pInner / FLAMINGO_DIM_HEAD} heads x ${FLAMINGO_DIM_HEAD} (OpenFlamingo's dim_head)`);

  const [vocabRows, hidden] = need('lang_encoder.model.embed_tokens.weight') as [number, number];
  const lmLayers = count(/^lang_encoder\.model\.layers\.(\d+)\.decoder_layer\.input_layernorm\.weight$/).length;
  const intermediate = need('lang_encoder.model.layers.0.decoder_layer.mlp.gate_proj.weight')[0]!;
  const lmHeads = Math.max(1, Math.floor(hidden / LLAMA_HEAD_DIM));
  assumptions.push(`LM heads ${lmHeads} (LLaMA's head dim ${LLAMA_HEAD_DIM})`);

  const xIdx = count(/^lang_encoder\.gated_cross_attn_layers\.(\d+)\.attn_gate$/);
  if (xIdx.length === 0) throw new Error(`${where}: cannot infer the model config: no gated cross-attention blocks (lang_encoder.gated_cross_attn_layers.*)`);
  const every = xIdx[0]! + 1;
  const expected = Array.from({ length: lmLayers }, (_, i) => i).filter((i) => (i + 1) % every === 0);
  if (expected.join(',') !== xIdx.join(',')) throw new Error(`${where}: cross-attention blocks before layers ${xIdx.join(', ')} are not every ${every}th of ${lmLayers} layers`);
  const xInner = need(`lang_encoder.gated_cross_attn_layers.${xIdx[0]}.attn.to_q.weight`)[0]!;
  assumptions.push(`cross-attention ${xInner / FLAMINGO_DIM_HEAD} heads x ${FLAMINGO_DIM_HEAD}`);

  const config = parseFlamingoConfig({
    name,
    vision: {
      imageSize: grid * patch, patchSize: patch, width, layers: visionLayers, heads: visionHeads,
      mlpRatio: need('vision_encoder.transformer.resblocks.0.mlp.c_fc.weight')[0]! / width,
      outputDim: shapes.get('vision_encoder.proj')?.[1] ?? width,
    },
    perceiver: { dim: pdim, depth, heads: pInner / FLAMINGO_DIM_HEAD, dimHead: FLAMINGO_DIM_HEAD, numLatents, ffMult: need('perceiver.layers.0.1.1.weight')[0]! / pdim },
    lm: { vocabSize: Math.max(vocabRows, SPECIAL_VOCAB_SIZE), hidden, layers: lmLayers, heads: lmHeads, intermediate },
    crossAttn: { everyNLayers: every, heads: xInner / FLAMINGO_DIM_HEAD, dimHead: FLAMINGO_DIM_HEAD, ffMult: need(`lang_encoder.gated_cross_attn_layers.${xIdx[0]}.ff.1.weight`)[0]! / hidden },
  }, `${where} (inferred from shapes)`);
  return { config, from: 'shapes', assumptions };
}
