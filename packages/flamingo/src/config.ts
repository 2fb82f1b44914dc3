/**
 * Model sizes. `openflamingo-9b` is OpenFlamingo-9B (CLIP ViT-L/14 + LLaMA-7B,
 * cross-attention every 4th layer) as Med-Flamingo trained it; `tiny` and `small`
 * keep its structure at sizes a CPU runs (tests and the CPU demo). Every config
 * takes 224 x 224 pixels, what @mtb/shard-stream produces.
 */
export type ConfigName = 'tiny' | 'small' | 'openflamingo-9b';

export interface FlamingoConfig {
  name: string;
  vision: {
    imageSize: number;
    patchSize: number;
    width: number;
    layers: number;
    heads: number;
    mlpRatio: number;
    /** CLIP's `proj` output size: a parameter of the checkpoint, unused by Flamingo. */
    outputDim: number;
  };
  perceiver: { dim: number; depth: number; heads: number; dimHead: number; numLatents: number; ffMult: number };
  lm: {
    vocabSize: number;
    hidden: number;
    layers: number;
    heads: number;
    intermediate: number;
    rmsEps: number;
    ropeBase: number;
    maxPositions: number;
  };
  crossAttn: { everyNLayers: number; heads: number; dimHead: number; ffMult: number };
  /**
   * CLIP's text tower, never built here: OpenFlamingo v1 counted it in its
   * "8.3B" total, so parameter counting needs its shapes.
   */
  clipText?: { contextLength: number; vocabSize: number; width: number; layers: number; embedDim: number };
}

/** LLaMA's 32,000 tokens plus `<|endofchunk|>`, `<image>` and `<PAD>`: the vocabulary every config needs. */
export const SPECIAL_VOCAB_SIZE = 32003;
const VOCAB = SPECIAL_VOCAB_SIZE;

export const CONFIGS: Record<ConfigName, FlamingoConfig> = {
  tiny: {
    name: 'tiny',
    vision: { imageSize: 224, patchSize: 32, width: 32, layers: 1, heads: 2, mlpRatio: 4, outputDim: 16 },
    perceiver: { dim: 32, depth: 1, heads: 2, dimHead: 16, numLatents: 4, ffMult: 4 },
    lm: { vocabSize: VOCAB, hidden: 32, layers: 4, heads: 2, intermediate: 64, rmsEps: 1e-6, ropeBase: 10000, maxPositions: 2048 },
    crossAttn: { everyNLayers: 2, heads: 2, dimHead: 16, ffMult: 4 },
  },
  small: {
    name: 'small',
    vision: { imageSize: 224, patchSize: 32, width: 64, layers: 2, heads: 2, mlpRatio: 4, outputDim: 64 },
    perceiver: { dim: 64, depth: 2, heads: 2, dimHead: 32, numLatents: 16, ffMult: 4 },
    lm: { vocabSize: VOCAB, hidden: 64, layers: 4, heads: 2, intermediate: 176, rmsEps: 1e-6, ropeBase: 10000, maxPositions: 2048 },
    crossAttn: { everyNLayers: 2, heads: 2, dimHead: 32, ffMult: 4 },
  },
  'openflamingo-9b': {
    name: 'openflamingo-9b',
    vision: { imageSize: 224, patchSize: 14, width: 1024, layers: 24, heads: 16, mlpRatio: 4, outputDim: 768 },
    perceiver: { dim: 1024, depth: 6, heads: 8, dimHead: 64, numLatents: 64, ffMult: 4 },
    lm: { vocabSize: VOCAB, hidden: 4096, layers: 32, heads: 32, intermediate: 11008, rmsEps: 1e-6, ropeBase: 10000, maxPositions: 2048 },
    crossAttn: { everyNLayers: 4, heads: 8, dimHead: 64, ffMult: 4 },
    clipText: { contextLength: 77, vocabSize: 49408, width: 768, layers: 12, embedDim: 768 },
  },
};

export const CONFIG_NAMES = Object.keys(CONFIGS) as ConfigName[];

export function getConfig(name: string): FlamingoConfig {
  if (!Object.hasOwn(CONFIGS, name)) {
    throw new Error(`unknown Flamingo config "${name}": use one of ${CONFIG_NAMES.join(', ')}`);
  }
  return CONFIGS[name as ConfigName];
}

/** Indices of the LM decoder layers preceded by a gated cross-attention block (OpenFlamingo's `(i + 1) % n == 0`). */
export function crossAttnLayerIndices(config: FlamingoConfig): number[] {
  const out: number[] = [];
  for (let i = 0; i < config.lm.layers; i++) if ((i + 1) % config.crossAttn.everyNLayers === 0) out.push(i);
  return out;
}
