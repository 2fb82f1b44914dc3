import { normalArray, rngFor, uniformArray } from '../rng.js';
import { numel, type ParamShape } from '../param-shapes.js';

/**
 * Initial values in the spirit of each PyTorch module's own init: LayerNorm /
 * RMSNorm weights 1 and biases 0, gates 0 (so the model starts as the bare
 * LM), perceiver latents N(0, 1), LLaMA weights N(0, 0.02) (transformers'
 * initializer_range) but lm_head N(0, hidden^-0.5), CLIP embeddings N(0, width^-0.5), nn.MultiheadAttention's
 * in_proj xavier-uniform, and every other Linear / conv nn.Linear's default
 * U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
 */
export function initialValues(p: ParamShape, seed: number): Float32Array {
  const n = numel(p.shape);
  const rand = rngFor(seed, p.name);
  const name = p.name;
  if (name.endsWith('_gate')) return new Float32Array(n);
  if (name === 'perceiver.latents') return normalArray(n, 1, rand);
  if (name.endsWith('class_embedding') || name.endsWith('positional_embedding') || name.endsWith('vision_encoder.proj')) {
    const width = name.endsWith('proj') ? p.shape[0]! : p.shape[p.shape.length - 1]!;
    return normalArray(n, width ** -0.5, rand);
  }
  if (p.shape.length === 1) return name.endsWith('weight') ? new Float32Array(n).fill(1) : new Float32Array(n);
  // lm_head N(0, hidden^-0.5): logits of unit spread, as a trained LM's are. With 0.02 a
  // narrow random LM (tiny, small: hidden 32-64) gives logits spread ~0.1, so nothing the
  // trainable blocks do can move the loss off ln(vocab); at 4,096 wide the two nearly agree.
  if (name === 'lang_encoder.lm_head.weight') return normalArray(n, p.shape[1]! ** -0.5, rand);
  if (name.startsWith('lang_encoder.model.')) return normalArray(n, 0.02, rand);
  if (name.endsWith('in_proj_weight')) return uniformArray(n, Math.sqrt(6 / (p.shape[0]! + p.shape[1]!)), rand);
  const fanIn = numel(p.shape.slice(1));
  return uniformArray(n, 1 / Math.sqrt(fanIn), rand);
}
