export { ShardStream, type ShardStreamOptions, type SourceSpec, type SourceReport } from './loader.js';
// Type only: the class is loaded on first use of a shard folder (see loader.ts).
export type { ShardSource } from './shard-source.js';
export type { SampleSource } from './source-feed.js';
export { type Batch, type RawSample, type CollateOptions, assembleBatch } from './batch.js';
export { epochOrder, rankEpochLength, shardPermutation, shardOffsets, locateSample, totalSamples, type OrderSpec, type RemainderPolicy } from './order.js';
export { pickSource, countsAfter, proportions, validateWeights } from './mix.js';
export { SamplePlanner, type PlanSpec, type PlannedSource, type SampleRef } from './plan.js';
export { StreamStateSchema, parseStreamState, type StreamState } from './state.js';
export { buildLabels, fitTokens, IGNORE_INDEX, type FittedTokens } from './labels.js';
export { preprocessImage, clipGeometry, roundHalfEven, writeNormalized, type PreprocessOptions } from './preprocess.js';
export { IMAGE_SIZE, CHANNELS, IMAGE_FLOATS, CLIP_MEAN, CLIP_STD, batchShapes } from './shapes.js';
export { Rng } from './rng.js';
