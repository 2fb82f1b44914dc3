import { crossAttnLayerIndices, type FlamingoConfig } from './config.js';

export type ParamGroup = 'vision' | 'perceiver' | 'cross-attn' | 'lm' | 'embedding';

export interface ParamShape {
  /** The key in OpenFlamingo's `model.state_dict()`. */
  name: string;
  /** PyTorch layout (Linear weight is [out, in]). */
  shape: number[];
  trainable: boolean;
  group: ParamGroup;
}

export const EMBED_TOKENS = 'lang_encoder.model.embed_tokens.weight';

/** OpenFlamingo's trainable set: perceiver, gated cross-attention, and the LM input embedding. */
export function isTrainableName(name: string): boolean {
  return name.startsWith('perceiver.') || name.startsWith('lang_encoder.gated_cross_attn_layers.') || name === EMBED_TOKENS;
}

/** open_clip's residual block (`transformer.resblocks.{i}`), shared by the vision and text towers. */
function clipBlockShapes(prefix: string, width: number, mlpWidth: number): [string, number[]][] {
  return [
    [`${prefix}.ln_1.weight`, [width]],
    [`${prefix}.ln_1.bias`, [width]],
    [`${prefix}.attn.in_proj_weight`, [3 * width, width]],
    [`${prefix}.attn.in_proj_bias`, [3 * width]],
    [`${prefix}.attn.out_proj.weight`, [width, width]],
    [`${prefix}.attn.out_proj.bias`, [width]],
    [`${prefix}.ln_2.weight`, [width]],
    [`${prefix}.ln_2.bias`, [width]],
    [`${prefix}.mlp.c_fc.weight`, [mlpWidth, width]],
    [`${prefix}.mlp.c_fc.bias`, [mlpWidth]],
    [`${prefix}.mlp.c_proj.weight`, [width, mlpWidth]],
    [`${prefix}.mlp.c_proj.bias`, [width]],
  ];
}

/** open_clip VisionTransformer, under OpenFlamingo's `vision_encoder.` prefix. */
function visionShapes(c: FlamingoConfig): [string, number[]][] {
  const v = c.vision;
  const grid = v.imageSize / v.patchSize;
  const out: [string, number[]][] = [
    ['vision_encoder.class_embedding', [v.width]],
    ['vision_encoder.positional_embedding', [grid * grid + 1, v.width]],
    ['vision_encoder.proj', [v.width, v.outputDim]],
    ['vision_encoder.conv1.weight', [v.width, 3, v.patchSize, v.patchSize]],
    ['vision_encoder.ln_pre.weight', [v.width]],
    ['vision_encoder.ln_pre.bias', [v.width]],
  ];
  for (let i = 0; i < v.layers; i++) out.push(...clipBlockShapes(`vision_encoder.transformer.resblocks.${i}`, v.width, v.width * v.mlpRatio));
  out.push(['vision_encoder.ln_post.weight', [v.width]], ['vision_encoder.ln_post.bias', [v.width]]);
  return out;
}

function feedForwardShapes(prefix: string, dim: number, mult: number): [string, number[]][] {
  return [
    [`${prefix}.0.weight`, [dim]],
    [`${prefix}.0.bias`, [dim]],
    [`${prefix}.1.weight`, [dim * mult, dim]],
    [`${prefix}.3.weight`, [dim, dim * mult]],
  ];
}

function perceiverShapes(c: FlamingoConfig): [string, number[]][] {
  const p = c.perceiver;
  const inner = p.heads * p.dimHead;
  const out: [string, number[]][] = [['perceiver.latents', [p.numLatents, p.dim]]];
  for (let i = 0; i < p.depth; i++) {
    const a = `perceiver.layers.${i}.0`;
    out.push(
      [`${a}.norm_media.weight`, [p.dim]],
      [`${a}.norm_media.bias`, [p.dim]],
      [`${a}.norm_latents.weight`, [p.dim]],
      [`${a}.norm_latents.bias`, [p.dim]],
      [`${a}.to_q.weight`, [inner, p.dim]],
      [`${a}.to_kv.weight`, [2 * inner, p.dim]],
      [`${a}.to_out.weight`, [p.dim, inner]],
      ...feedForwardShapes(`perceiver.layers.${i}.1`, p.dim, p.ffMult),
    );
  }
  out.push(['perceiver.norm.weight', [p.dim]], ['perceiver.norm.bias', [p.dim]]);
  return out;
}

export function crossAttnPrefix(layer: number): string {
  return `lang_encoder.gated_cross_attn_layers.${layer}`;
}

function crossAttnShapes(c: FlamingoConfig, layer: number): [string, number[]][] {
  const x = c.crossAttn;
  const dim = c.lm.hidden;
  const inner = x.heads * x.dimHead;
  const b = crossAttnPrefix(layer);
  return [
    [`${b}.attn_gate`, [1]],
    [`${b}.ff_gate`, [1]],
    [`${b}.attn.norm.weight`, [dim]],
    [`${b}.attn.norm.bias`, [dim]],
    [`${b}.attn.to_q.weight`, [inner, dim]],
    [`${b}.attn.to_kv.weight`, [2 * inner, c.perceiver.dim]],
    [`${b}.attn.to_out.weight`, [dim, inner]],
    ...feedForwardShapes(`${b}.ff`, dim, x.ffMult),
  ];
}

export function decoderLayerPrefix(layer: number): string {
  return `lang_encoder.model.layers.${layer}.decoder_layer`;
}

function decoderLayerShapes(c: FlamingoConfig, layer: number): [string, number[]][] {
  const { hidden: h, intermediate: f } = c.lm;
  const b = decoderLayerPrefix(layer);
  return [
    [`${b}.self_attn.q_proj.weight`, [h, h]],
    [`${b}.self_attn.k_proj.weight`, [h, h]],
    [`${b}.self_attn.v_proj.weight`, [h, h]],
    [`${b}.self_attn.o_proj.weight`, [h, h]],
    [`${b}.mlp.gate_proj.weight`, [f, h]],
    [`${b}.mlp.up_proj.weight`, [f, h]],
    [`${b}.mlp.down_proj.weight`, [h, f]],
    [`${b}.input_layernorm.weight`, [h]],
    [`${b}.post_attention_layernorm.weight`, [h]],
  ];
}

/**
 * Every parameter of the Flamingo model, from the config alone (nothing is
 * allocated): OpenFlamingo's state_dict names and PyTorch layouts. Shared
 * tensors appear once, under their canonical name (see `canonicalName`).
 */
export function parameterShapes(config: FlamingoConfig): ParamShape[] {
  const tag = (group: ParamGroup) => ([name, shape]: [string, number[]]): ParamShape => ({
    name,
    shape,
    trainable: isTrainableName(name),
    group,
  });
  const out: ParamShape[] = [];
  out.push(...visionShapes(config).map(tag('vision')));
  out.push(...perceiverShapes(config).map(tag('perceiver')));
  out.push(tag('embedding')([EMBED_TOKENS, [config.lm.vocabSize, config.lm.hidden]]));
  for (let i = 0; i < config.lm.layers; i++) out.push(...decoderLayerShapes(config, i).map(tag('lm')));
  out.push(tag('lm')(['lang_encoder.model.norm.weight', [config.lm.hidden]]));
  out.push(tag('lm')(['lang_encoder.lm_head.weight', [config.lm.vocabSize, config.lm.hidden]]));
  for (const i of crossAttnLayerIndices(config)) out.push(...crossAttnShapes(config, i).map(tag('cross-attn')));
  return out;
}

/** open_clip's text tower (`transformer`, `token_embedding`, ...): counted, never built. */
export function clipTextShapes(config: FlamingoConfig): [string, number[]][] {
  const t = config.clipText;
  if (!t) return [];
  const out: [string, number[]][] = [
    ['token_embedding.weight', [t.vocabSize, t.width]],
    ['positional_embedding', [t.contextLength, t.width]],
  ];
  for (let i = 0; i < t.layers; i++) out.push(...clipBlockShapes(`transformer.resblocks.${i}`, t.width, 4 * t.width));
  out.push(['ln_final.weight', [t.width]], ['ln_final.bias', [t.width]], ['text_projection', [t.width, t.embedDim]], ['logit_scale', []]);
  return out;
}

export const numel = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

export interface ParameterCounts {
  byGroup: Record<ParamGroup, number>;
  perceiver: number;
  crossAttn: number;
  crossAttnBlocks: number;
  crossAttnPerBlock: number;
  /** perceiver + cross-attention + the whole input embedding: OpenFlamingo v1's "trainable". */
  trainable: number;
  /** LLaMA alone (embedding, decoder layers, final norm, lm_head). */
  languageModel: number;
  visionTower: number;
  /** CLIP vision + text towers: what v1 loaded (0 text part when the config has no `clipText`). */
  clipFull: number;
  /** Every parameter this package builds: the vision tower only. */
  total: number;
  /** As OpenFlamingo v1 counted it: with the full CLIP model. */
  totalWithFullClip: number;
}

export function countParameters(config: FlamingoConfig): ParameterCounts {
  const byGroup: Record<ParamGroup, number> = { vision: 0, perceiver: 0, 'cross-attn': 0, lm: 0, embedding: 0 };
  let trainable = 0;
  for (const p of parameterShapes(config)) {
    const n = numel(p.shape);
    byGroup[p.group] += n;
    if (p.trainable) trainable += n;
  }
  const clipText = clipTextShapes(config).reduce((s, [, shape]) => s + numel(shape), 0);
  const blocks = crossAttnLayerIndices(config).length;
  const total = Object.values(byGroup).reduce((a, b) => a + b, 0);
  return {
    byGroup,
    perceiver: byGroup.perceiver,
    crossAttn: byGroup['cross-attn'],
    crossAttnBlocks: blocks,
    crossAttnPerBlock: blocks === 0 ? 0 : byGroup['cross-attn'] / blocks,
    trainable,
    languageModel: byGroup.lm + byGroup.embedding,
    visionTower: byGroup.vision,
    clipFull: byGroup.vision + clipText,
    total,
    totalWithFullClip: total + clipText,
  };
}
