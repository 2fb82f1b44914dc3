/**
 * Maps the names a checkpoint may use onto this package's canonical names
 * (`parameterShapes`). OpenFlamingo's `state_dict()` holds every shared tensor
 * under two names (`lang_encoder.old_decoder_blocks.{i}` = `...model.layers.{i}.decoder_layer`,
 * `...model.layers.{i}.gated_cross_attn_layer` = `...gated_cross_attn_layers.{i}`) and its own
 * checkpoints keep only the second of each; plain HuggingFace LLaMA and open_clip
 * files use their own prefixes.
 */

export type NameMapping =
  | { kind: 'param'; name: string }
  /** Known and deliberately unused: buffers, CLIP's text tower. */
  | { kind: 'ignored'; reason: string }
  | { kind: 'unknown' };

const CLIP_TEXT = /^(token_embedding\.weight|positional_embedding|transformer\.resblocks\.\d+\..+|ln_final\.(weight|bias)|text_projection|logit_scale|attn_mask)$/;

export function canonicalName(key: string): NameMapping {
  let k = key.startsWith('module.') ? key.slice('module.'.length) : key;
  if (k.endsWith('rotary_emb.inv_freq')) return { kind: 'ignored', reason: 'rotary buffer (recomputed)' };
  if (k.startsWith('visual.')) return { kind: 'param', name: `vision_encoder.${k.slice('visual.'.length)}` };
  if (CLIP_TEXT.test(k)) return { kind: 'ignored', reason: 'CLIP text tower (unused by Flamingo)' };
  if (k.startsWith('model.') || k === 'lm_head.weight') k = `lang_encoder.${k}`;
  let m = /^lang_encoder\.old_decoder_blocks\.(\d+)\.(.+)$/.exec(k);
  if (m) return { kind: 'param', name: `lang_encoder.model.layers.${m[1]}.decoder_layer.${m[2]}` };
  m = /^lang_encoder\.model\.layers\.(\d+)\.gated_cross_attn_layer\.(.+)$/.exec(k);
  if (m) return { kind: 'param', name: `lang_encoder.gated_cross_attn_layers.${m[1]}.${m[2]}` };
  m = /^lang_encoder\.model\.layers\.(\d+)\.(?!decoder_layer\.)(.+)$/.exec(k);
  if (m) return { kind: 'param', name: `lang_encoder.model.layers.${m[1]}.decoder_layer.${m[2]}` };
  if (/^(vision_encoder|perceiver|lang_encoder)\./.test(k)) return { kind: 'param', name: k };
  return { kind: 'unknown' };
}

