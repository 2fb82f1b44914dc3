import { KEEP, drop, type NodeFilter } from './verdict.js';

/** Blank or single-colour images (empty frames, white boxes): pixel spread under minImageStddev. */
export const imageUniform: NodeFilter = (node, ctx) => {
  if (node.kind !== 'image') return KEEP;
  const stats = ctx.book.pixelStats.get(node.seq);
  return stats && stats.stddev < ctx.config.minImageStddev ? drop('image-uniform') : KEEP;
};
