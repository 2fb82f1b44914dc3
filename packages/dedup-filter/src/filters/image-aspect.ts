import { KEEP, drop, type NodeFilter } from './verdict.js';

/** Rules, banners and strips: longer than 1:maxAspectRatio. */
export const imageAspect: NodeFilter = (node, ctx) => {
  if (node.kind !== 'image') return KEEP;
  const short = Math.max(1, Math.min(node.width, node.height));
  return Math.max(node.width, node.height) / short > ctx.config.maxAspectRatio ? drop('image-aspect') : KEEP;
};
