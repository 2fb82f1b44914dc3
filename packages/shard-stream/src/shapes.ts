/** OpenCLIP ViT-L/14 input: 224 x 224 RGB. */
export const IMAGE_SIZE = 224;
export const CHANNELS = 3;
/** Floats per preprocessed image (channels-first, CHW). */
export const IMAGE_FLOATS = CHANNELS * IMAGE_SIZE * IMAGE_SIZE;

/** OpenAI CLIP normalization, as open_clip's OPENAI_DATASET_MEAN / OPENAI_DATASET_STD. */
export const CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073] as const;
export const CLIP_STD = [0.26862954, 0.26130258, 0.27577711] as const;

/**
 * Shapes of a batch's arrays (row-major), for B samples, T tokens (the longest
 * sample of the batch, or maxTokens with padToMaxTokens) and M image slots per
 * sample (batch.imageSlots: the most images a sample of the batch has, or
 * maxImages with padImagesToMax). pixels is [B, M, 3, 224, 224], OpenFlamingo's vision_x
 * (B, T_img, F, C, H, W) with its single frame axis F = 1 left out.
 */
export function batchShapes(batchSize: number, seqLen: number, imageSlots: number): {
  inputIds: [number, number];
  attentionMask: [number, number];
  labels: [number, number];
  pixels: [number, number, number, number, number];
  imageMask: [number, number];
} {
  return {
    inputIds: [batchSize, seqLen],
    attentionMask: [batchSize, seqLen],
    labels: [batchSize, seqLen],
    pixels: [batchSize, imageSlots, CHANNELS, IMAGE_SIZE, IMAGE_SIZE],
    imageMask: [batchSize, imageSlots],
  };
}
