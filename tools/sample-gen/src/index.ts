export type {
  BookTruth, TruthPage, TruthBlock, TruthFigure, TruthDecoration, TruthFurniture, TruthHyphenation,
  Matter, Section, BlockKind, FurnitureRole, Origin,
} from './truth.js';
export { readTruth } from './truth.js';
export { generateBook, type GenerateBookOptions } from './book.js';
export { generateCorpus, type GenerateCorpusOptions, type CorpusManifest, type PlantedItem, type PlantOptions } from './scale.js';
export { generateSample, generateSampleBooks, SAMPLE_BOOKS, SECOND_EDITION, REAL_BOOKS, SAMPLE_SEED, type GenerateSampleOptions } from './sample.js';
export { jaccard } from './similarity.js';
export { loadCaptions, type Caption } from './captions.js';
export { makeImage, type ImageAsset, type ImageKind } from './images.js';
export { Rng } from './prng.js';
